/**
 * `config path|list|get|set`: the minimum needed to choose a server persistently. The file
 * is plain JSON (see cli/config.ts for where it lives and what overrides it). `config pins`
 * and `config unpin` show and edit the TLS pins in known_hosts.json beside it.
 */
import { UsageError } from '../../errors.js';
import { parseNetwork } from '../../bitcoin/networks.js';
import { hostPort, parseServer, parseProxy } from '../../protocol/server-address.js';
import { CertPins } from '../../protocol/cert-pins.js';
import { CONFIG_KEYS, configDir, loadConfig, saveConfig, type ConfigFile } from '../config.js';
import type { Context } from '../context.js';

function getKey(cfg: ConfigFile, key: string): unknown {
  const [a, b] = key.split('.') as [string, string?];
  const v = (cfg as Record<string, unknown>)[a];
  return b === undefined ? v : (v as Record<string, unknown> | undefined)?.[b];
}

/** Checks and converts a value for `key`; an empty string means "remove". */
export function configValue(key: string, value: string): unknown {
  const kind = Object.hasOwn(CONFIG_KEYS, key) ? CONFIG_KEYS[key] : undefined;
  if (!kind) throw new UsageError(`unknown config key ${JSON.stringify(key)}`, { hint: `known keys: ${Object.keys(CONFIG_KEYS).join(', ')}` });
  if (value === '') return undefined;
  if (kind === 'number') {
    const n = Number(value);
    if (!(n > 0)) throw new UsageError(`${key} must be a positive number`);
    return n;
  }
  if (kind === 'network') return parseNetwork(value);
  if (key === 'proxy') parseProxy(value);
  if (key === 'server' || key.startsWith('servers.')) parseServer(value);
  return value;
}

/** `config unpin` accepts what `config pins` prints (HOST:PORT) and any server spec naming it. */
export function pinKey(text: string): string {
  const t = text.trim();
  try {
    return hostPort(parseServer(t));
  } catch {
    throw new UsageError(`${JSON.stringify(t)} is not a server`, { hint: 'give HOST:PORT as `electrum-cli config pins` lists it' });
  }
}

async function pins(ctx: Context): Promise<void> {
  const store = CertPins.load(configDir(ctx.configPath));
  const list = store.list().map(([server, e]) => ({ server, ...e }));
  if (ctx.json) return await ctx.out.json(list);
  if (list.length === 0) return ctx.out.notice(`no pinned certificates (in ${store.file})`);
  ctx.out.data(
    list.map((p) => `${p.server}  sha256:${p.fingerprint256}  ${p.ca ? 'CA-signed' : 'self-signed'}  since ${p.firstSeen.slice(0, 10)}  valid to ${p.validTo.slice(0, 10)}`).join('\n'),
  );
}

function unpin(ctx: Context, server: string): void {
  const key = pinKey(server);
  const store = CertPins.load(configDir(ctx.configPath));
  if (!store.delete(key)) {
    throw new UsageError(`no pinned certificate for ${key} (in ${store.file})`, { hint: 'electrum-cli config pins lists the pinned servers' });
  }
  ctx.out.notice(`removed the pin of ${key}: its next certificate is trusted on first use (or give --pin sha256:HEX)`);
}

export async function run(ctx: Context, action: 'path' | 'list' | 'get' | 'set' | 'pins' | 'unpin', key?: string, value?: string): Promise<void> {
  const out = ctx.out;
  if (action === 'path') return out.data(ctx.configPath);
  if (action === 'pins') return pins(ctx);
  if (action === 'unpin') return unpin(ctx, key!);
  const cfg = loadConfig(ctx.configPath);
  if (action === 'list') return ctx.json ? await out.json(cfg) : out.data(JSON.stringify(cfg, null, 2));
  if (action === 'get') {
    if (!Object.hasOwn(CONFIG_KEYS, key!)) configValue(key!, '');
    const v = getKey(cfg, key!);
    return ctx.json ? await out.json(v ?? null) : out.data(v === undefined ? '' : String(v));
  }
  const v = configValue(key!, value!);
  const [a, b] = key!.split('.') as [string, string?];
  const obj = cfg as Record<string, unknown>;
  if (b === undefined) {
    if (v === undefined) delete obj[a];
    else obj[a] = v;
  } else {
    const inner = { ...((obj[a] as Record<string, unknown> | undefined) ?? {}) };
    if (v === undefined) delete inner[b];
    else inner[b] = v;
    obj[a] = inner;
  }
  saveConfig(ctx.configPath, cfg);
  out.notice(`${key} ${v === undefined ? 'removed' : `set to ${JSON.stringify(v)}`} in ${ctx.configPath}`);
}
