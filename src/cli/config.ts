/**
 * Settings and where they come from. Precedence: flags > environment (ELECTRUM_SERVER,
 * ELECTRUM_NETWORK, ELECTRUM_PROXY; colours: colorMode) > the config file > defaults. The file is
 * `$XDG_CONFIG_HOME/electrum-cli/config.json`, else `~/.config/electrum-cli/config.json`,
 * or what --config names. Resolution is pure; only loadConfig/saveConfig touch the disk.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { parseNetwork, type NetworkName } from '../bitcoin/networks.js';

/** What the config file may hold. */
export interface ConfigFile {
  /** Server for every network, unless `servers` names one for the network in use. */
  server?: string;
  /** Server per network, e.g. {"regtest": "127.0.0.1:60401:t"}. */
  servers?: Partial<Record<NetworkName, string>>;
  network?: string;
  proxy?: string;
  /** Request timeout in seconds. */
  timeout?: number;
  /** Connect timeout in seconds. */
  connectTimeout?: number;
  /** Longest accepted reply line in bytes. */
  maxLine?: number;
}

/** Keys `config set` accepts, with how their values are read. */
export const CONFIG_KEYS: Readonly<Record<string, 'string' | 'number' | 'network'>> = {
  server: 'string',
  network: 'network',
  proxy: 'string',
  timeout: 'number',
  connectTimeout: 'number',
  maxLine: 'number',
  'servers.mainnet': 'string',
  'servers.testnet': 'string',
  'servers.testnet4': 'string',
  'servers.signet': 'string',
  'servers.regtest': 'string',
};

/** The global flags that settings can come from (commander's parsed options). */
export interface SettingFlags {
  server?: string;
  network?: string;
  proxy?: string;
  timeout?: string;
  connectTimeout?: string;
  maxLine?: string;
  color?: boolean;
}

export type Source = 'flag' | 'env' | 'config' | 'default';

/** never: no colours; always: even into a pipe; auto: where the stream is a terminal. */
export type ColorMode = 'never' | 'always' | 'auto';

/**
 * Colours, first rule that applies: --no-color -> never; FORCE_COLOR set (any value but 0 or
 * false; Node's convention, so an empty value forces too) or CLICOLOR_FORCE non-empty and not 0
 * -> always; NO_COLOR non-empty (no-color.org: an empty NO_COLOR does not count) -> never;
 * FORCE_COLOR=0 -> never; else auto (pure).
 */
export function colorMode(flag: boolean | undefined, env: Readonly<Record<string, string | undefined>>): ColorMode {
  if (flag === false) return 'never';
  const force = env.FORCE_COLOR;
  const forceOff = force !== undefined && /^(0|false)$/i.test(force.trim());
  if (force !== undefined && !forceOff) return 'always';
  const cli = env.CLICOLOR_FORCE;
  if (cli !== undefined && cli !== '' && cli !== '0') return 'always';
  if (forceOff || (env.NO_COLOR !== undefined && env.NO_COLOR !== '')) return 'never';
  return 'auto';
}

/** Resolved settings, with where the server came from (for notices). */
export interface Settings {
  network: NetworkName;
  server?: string;
  serverSource: Source;
  proxy?: string;
  timeoutMs?: number;
  connectTimeoutMs?: number;
  maxLine?: number;
  color: ColorMode;
}

/** The config file path: --config, else $XDG_CONFIG_HOME/electrum-cli, else ~/.config/electrum-cli. */
export function configPath(env: Readonly<Record<string, string | undefined>>, flag?: string, cwd = '.'): string {
  if (flag) return resolve(cwd, flag);
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && xdg.startsWith('/') ? xdg : join(env.HOME || env.USERPROFILE || '.', '.config');
  return join(base, 'electrum-cli', 'config.json');
}

/** The directory of the config file; known_hosts.json (TLS pins) lives beside it. */
export function configDir(path: string): string {
  return dirname(path);
}

/** Reads the config file; a missing file is an empty config, a broken one a UsageError. */
export function loadConfig(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UsageError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`config file ${path} is not valid JSON: ${(err as Error).message}`, {
      hint: 'fix or delete the file (electrum-cli config path shows where it is)',
    });
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new UsageError(`config file ${path} must hold a JSON object`);
  return v as ConfigFile;
}

/** Writes the config file atomically (temp file + rename). */
export function saveConfig(path: string, config: ConfigFile): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

/** Applies the precedence rules (pure). Throws UsageError for bad values, naming their source. */
export function resolveSettings(flags: SettingFlags, env: Readonly<Record<string, string | undefined>>, file: ConfigFile): Settings {
  const nonEmpty = (s: string | undefined) => (s !== undefined && s.trim() !== '' ? s : undefined);
  const networkText = nonEmpty(flags.network) ?? nonEmpty(env.ELECTRUM_NETWORK) ?? nonEmpty(file.network);
  const network = networkText === undefined ? 'mainnet' : parseNetwork(networkText);

  let server: string | undefined;
  let serverSource: Source = 'default';
  if (nonEmpty(flags.server)) [server, serverSource] = [flags.server, 'flag'];
  else if (nonEmpty(env.ELECTRUM_SERVER)) [server, serverSource] = [env.ELECTRUM_SERVER, 'env'];
  else if (nonEmpty(file.servers?.[network])) [server, serverSource] = [file.servers![network], 'config'];
  else if (nonEmpty(file.server)) [server, serverSource] = [file.server, 'config'];

  const proxy = nonEmpty(flags.proxy) ?? nonEmpty(env.ELECTRUM_PROXY) ?? nonEmpty(file.proxy);
  const seconds = (flag: string | undefined, fromFile: number | undefined, name: string): number | undefined => {
    if (flag !== undefined) return positive(flag, `--${name}`) * 1000;
    if (fromFile !== undefined) return positive(String(fromFile), `config "${name}"`) * 1000;
    return undefined;
  };
  const maxLineText = flags.maxLine ?? (file.maxLine !== undefined ? String(file.maxLine) : undefined);
  const out: Settings = {
    network,
    serverSource,
    color: colorMode(flags.color, env),
  };
  if (server !== undefined) out.server = server.trim();
  if (proxy !== undefined) out.proxy = proxy.trim();
  const t = seconds(flags.timeout, file.timeout, 'timeout');
  if (t !== undefined) out.timeoutMs = t;
  const ct = seconds(flags.connectTimeout, file.connectTimeout, 'connect-timeout');
  if (ct !== undefined) out.connectTimeoutMs = ct;
  if (maxLineText !== undefined) out.maxLine = Math.floor(positive(maxLineText, '--max-line'));
  return out;
}

function positive(text: string, what: string): number {
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(n > 0)) {
    throw new UsageError(`${what} must be a positive number, got ${JSON.stringify(text)}`);
  }
  return n;
}
