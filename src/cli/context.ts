/**
 * What every command receives: the resolved settings, the output, and `connect()`, which
 * opens the one connection of this run (server selection, proxy, TLS pins, negotiation) and
 * starts the genesis check beside the first request. Created per run; no module singletons.
 */
import { ConnectionError, UsageError, VerificationError } from '../errors.js';
import { envFlag } from '../env-flag.js';
import { NETWORKS, type NetworkName } from '../bitcoin/networks.js';
import { Connection, type ConnectionOptions } from '../protocol/connection.js';
import { checkGenesis } from '../protocol/negotiate.js';
import { formatServer, parseProxy, parseServer, type ServerAddress } from '../protocol/server-address.js';
import { PROTOCOL_DRAFT, PROTOCOL_MAX, PROTOCOL_MIN, cmpVersion, isVersion } from '../protocol/version.js';
import { configDir, configPath, loadConfig, resolveSettings, type Settings } from './config.js';
import type { Io } from './io.js';
import { Output } from './output.js';
import { startProgress, stopProgress } from './progress.js';
import { builtinServers } from './servers.js';
import { firstThatAnswers } from './select.js';

/** The root program's options (commander's camelCase names). */
export interface GlobalOptions {
  server?: string;
  network?: string;
  proxy?: string;
  pin?: string;
  timeout?: string;
  connectTimeout?: string;
  maxLine?: string;
  protocol?: string;
  method?: string;
  script?: string;
  json?: boolean;
  quiet?: boolean;
  color?: boolean;
  debug?: boolean;
  config?: string;
  yes?: boolean;
  /** bitcoin-cli's network shorthands (config.ts networkFlag). */
  regtest?: boolean;
  testnet?: boolean;
  testnet4?: boolean;
  signet?: boolean;
  /** --wide; --no-trunc sets trunc to false. */
  wide?: boolean;
  trunc?: boolean;
  /** --no-pager sets it to false. */
  pager?: boolean;
  /** --jq EXPR and --fields a,b (both imply --json). */
  jq?: string;
  fields?: string;
  /** Amounts in tables: --sats or --btc. */
  sats?: boolean;
  btc?: boolean;
}

/**
 * The global options with the environment's defaults applied (ELECTRUM_JSON, ELECTRUM_DEBUG,
 * ELECTRUM_PIN; help-topics.ts ENVIRONMENT) and what --jq/--fields imply (--json). Pure;
 * main.ts uses it too, to report errors in the form the run asked for.
 */
export function effectiveOptions(opts: GlobalOptions, env: Readonly<Record<string, string | undefined>>): GlobalOptions {
  const o: GlobalOptions = { ...opts };
  if (o.json !== true && (o.jq !== undefined || o.fields !== undefined || envFlag(env.ELECTRUM_JSON))) o.json = true;
  if (o.debug !== true && envFlag(env.ELECTRUM_DEBUG)) o.debug = true;
  if (o.pin === undefined && env.ELECTRUM_PIN !== undefined && env.ELECTRUM_PIN.trim() !== '') o.pin = env.ELECTRUM_PIN;
  if (o.sats === true && o.btc === true) throw new UsageError('--sats and --btc exclude each other', { hint: 'give one: --sats for satoshis, --btc for bitcoin' });
  return o;
}

/** A protocol range to offer in server.version. */
export interface ProtocolRange {
  min: string;
  max: string;
}

/**
 * Parses --protocol: "1.4" (exactly), "1.2-1.4" or "1.2..1.4" (a range). The 1.7 draft is
 * offered only when named here (never by default).
 */
export function parseProtocolRange(text: string): ProtocolRange {
  const parts = text.trim().split(/\s*(?:-|\.\.|,)\s*/);
  const [min, max = min] = parts as [string, string?];
  const valid = parts.length <= 2 && isVersion(min) && isVersion(max) && cmpVersion(min, max) <= 0;
  // Outside what the registry describes the client cannot choose methods or check results.
  const top = valid && cmpVersion(max, PROTOCOL_MAX) > 0 ? PROTOCOL_DRAFT : PROTOCOL_MAX;
  if (!valid || cmpVersion(min, PROTOCOL_MIN) < 0 || cmpVersion(max, top) > 0 || (top === PROTOCOL_DRAFT && max !== PROTOCOL_DRAFT)) {
    throw new UsageError(`invalid --protocol ${JSON.stringify(text)}`, {
      hint: `give a version (1.4) or a range (1.2-1.6) within ${PROTOCOL_MIN}-${PROTOCOL_MAX}, or ${PROTOCOL_DRAFT} for the draft`,
    });
  }
  return { min, max };
}

export class Context {
  readonly settings: Settings;
  readonly out: Output;
  readonly configPath: string;
  private conn?: Connection;
  private genesis?: Promise<void>;

  readonly opts: GlobalOptions;

  constructor(
    readonly io: Io,
    given: GlobalOptions,
  ) {
    const opts = effectiveOptions(given, io.env);
    this.opts = opts;
    this.configPath = configPath(io.env, opts.config, io.cwd);
    const file = loadConfig(this.configPath);
    this.settings = resolveSettings(opts, io.env, file);
    this.out = new Output(io, {
      json: opts.json === true,
      quiet: opts.quiet === true,
      debug: opts.debug === true,
      color: this.settings.color === 'always' || (this.settings.color === 'auto' && io.isTTY.stdout),
      stderrColor: this.settings.color === 'always' || (this.settings.color === 'auto' && io.isTTY.stderr),
      wide: opts.wide === true || opts.trunc === false,
      pager: opts.pager !== false,
      ...(opts.sats ? { units: 'sats' as const } : opts.btc ? { units: 'btc' as const } : {}),
      ...(opts.jq !== undefined ? { jq: opts.jq } : {}),
      ...(opts.fields !== undefined ? { fields: parseFields(opts.fields) } : {}),
    });
  }

  get network(): NetworkName {
    return this.settings.network;
  }

  get json(): boolean {
    return this.opts.json === true;
  }

  /** The connection of this run, opened on first use. */
  async connect(): Promise<Connection> {
    if (this.conn) return this.conn;
    await this.out.checkFilter(); // a bad --jq is exit 2 before anything is sent
    this.conn = await this.open();
    const conn = this.conn;
    this.out.debug(`connected to ${formatServer(conn.server)}: ${conn.serverSoftware ?? '?'}, protocol ${conn.version ?? '?'}`);
    this.noticeTls(conn);
    this.genesis = this.checkChain(conn);
    this.genesis.catch(() => {}); // observed by verified(); never an unhandled rejection
    return conn;
  }

  /**
   * Resolves once the server proved to be on the chosen network (server.features genesis
   * hash, docs/protocol.md §2.1). Commands await it before printing anything.
   */
  async verified(): Promise<void> {
    await this.genesis;
  }

  /** Closes the connection and stops any spinner (main.ts calls it whatever happened). */
  close(): void {
    stopProgress(this.out);
    this.conn?.close();
  }

  /**
   * Opens one server behind a spinner. out.spinner() without its import(): every connecting
   * run starts one (a no-op unless interactive, shown only if connecting takes a while), and a
   * separate entry file cost a file load on every run.
   */
  private async openOne(addr: ServerAddress): Promise<Connection> {
    const spin = startProgress(this.out, `connecting to ${formatServer(addr)}…`);
    try {
      return await Connection.open(this.connectionOptions(addr));
    } finally {
      spin.stop();
    }
  }

  private async open(): Promise<Connection> {
    const s = this.settings;
    if (s.server !== undefined) return this.openOne(parseServer(s.server, { network: s.network }));
    const candidates = builtinServers(s.network, this.io.env);
    if (candidates.length === 0) {
      throw new UsageError(`no server given and no built-in ${s.network} servers`, { hint: 'name one with --server HOST:PORT:s' });
    }
    const addrs = candidates.map((c) => parseServer(c, { network: s.network }));
    if (this.io.isTTY.stdin && this.io.isTTY.stderr && !this.opts.json && !this.opts.yes && !this.opts.quiet) {
      return this.openOne(await this.prompt(addrs));
    }
    const spin = startProgress(this.out, `trying ${addrs.length} built-in ${s.network} servers…`);
    const r = await firstThatAnswers(
      addrs.map(formatServer),
      (spec) => Connection.open(this.connectionOptions(parseServer(spec, { network: s.network }))),
      (c) => c.close(),
    ).finally(() => spin.stop());
    for (const f of r.failures) this.out.debug(`${f.candidate}: ${(f.error as Error).message}`);
    this.out.notice(
      `using ${r.candidate}, the first built-in ${s.network} server that answered (choose one with --server or ELECTRUM_SERVER)`,
    );
    return r.value;
  }

  /** On a terminal: probe the built-in servers and let the user pick, fastest first (prompts/server-choice.ts). */
  private async prompt(addrs: ServerAddress[]): Promise<ServerAddress> {
    const { chooseServer } = await import('./prompts/server-choice.js');
    return chooseServer(this.io, this.out, this.settings.network, addrs, (a, signal) => Connection.open({ ...this.connectionOptions(a), signal }));
  }

  /** Drops the connection and opens a new one to the same server (watch reconnects). */
  async reconnect(): Promise<Connection> {
    const server = this.conn?.server;
    this.conn?.close();
    this.conn = undefined;
    if (!server) return this.connect();
    this.conn = await Connection.open(this.connectionOptions(server));
    return this.conn;
  }

  private connectionOptions(server: ServerAddress): ConnectionOptions {
    const s = this.settings;
    const range = this.opts.protocol !== undefined ? parseProtocolRange(this.opts.protocol) : undefined;
    const tls: NonNullable<ConnectionOptions['tls']> = { configDir: configDir(this.configPath) };
    if (this.opts.pin !== undefined) tls.pin = parsePin(this.opts.pin);
    const opts: ConnectionOptions = { server, tls, negotiate: range ? { min: range.min, max: range.max } : {}, signal: this.io.signal };
    if (s.proxy !== undefined) opts.proxy = parseProxy(s.proxy);
    if (s.timeoutMs !== undefined) opts.requestTimeoutMs = s.timeoutMs;
    if (s.connectTimeoutMs !== undefined) opts.connectTimeoutMs = s.connectTimeoutMs;
    if (s.maxLine !== undefined) opts.maxLine = s.maxLine;
    if (this.opts.debug) {
      const err = this.io.stderr;
      opts.trace = (dir, line) => err.write(`${dir === 'send' ? '>' : '<'} ${line.trimEnd()}\n`);
    }
    return opts;
  }

  /** Tells the user when a certificate was pinned on first use (trust on first use, §1.3). */
  private noticeTls(conn: Connection): void {
    const tls = conn.info.tls;
    if (tls?.pinnedNew) {
      this.out.notice(`pinned the self-signed certificate of ${formatServer(conn.server)} on first use (sha256 ${tls.fingerprint256})`);
    }
    if (tls?.pinDropped === 'expired') this.out.notice(`the pinned certificate of ${formatServer(conn.server)} had expired and was replaced`);
  }

  private async checkChain(conn: Connection): Promise<void> {
    const net = NETWORKS[this.settings.network];
    try {
      await checkGenesis(conn, net.genesisHash, net.label);
    } catch (err) {
      if (err instanceof VerificationError) throw err;
      if (err instanceof ConnectionError) throw err;
      // A server without a usable server.features is reported by the command itself if it
      // matters; the genesis check only refuses a server positively on another chain.
      this.out.debug(`genesis check skipped: ${(err as Error).message}`);
    }
  }
}

/** --fields a,b -> ["a", "b"] (names as the JSON has them; empty is a usage error). */
export function parseFields(text: string): string[] {
  const names = text.split(',').map((f) => f.trim()).filter((f) => f !== '');
  if (names.length === 0) throw new UsageError('--fields needs at least one name', { hint: 'e.g. --fields tx_hash,height' });
  return [...new Set(names)];
}

/** --pin sha256:HEX (or bare hex, colons allowed) -> lowercase hex. */
export function parsePin(text: string): string {
  const hex = text.trim().replace(/^sha256:/i, '').replace(/:/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new UsageError(`invalid --pin ${JSON.stringify(text)}`, { hint: 'give the SHA-256 fingerprint of the certificate: sha256:<64 hex>' });
  }
  return hex;
}
