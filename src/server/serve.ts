/**
 * `electrum-cli serve --local`: the composition root of the embedded server (cf. ElectrumX's
 * controller.py). Checks the options, the listen addresses and the TLS certificate, then
 * builds the backend (openBackend: bitcoind client, index, mempool, query facade, follow loop),
 * waits for the initial sync, then the session manager and listeners; shuts all of it down in
 * reverse order on SIGINT/SIGTERM (or io.signal) and resolves 0: for a server that is its
 * normal end, as for ElectrumX and Fulcrum. Failures are CliErrors: UsageError (exit 2) for bad
 * options, a bad certificate or a port that cannot be bound, DaemonError (7) when bitcoind is
 * unusable, IndexError (8) when the index or its disk is, at start-up or later.
 *
 * SERVE_OPTIONS (serve-options.ts) is the options table the CLI registers for the `serve`
 * subcommand; commander hands the parsed values back as a ServeOptions object.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { PROTOCOL_DRAFT, PROTOCOL_MAX } from '../protocol/version.js';
import { NETWORKS, parseNetwork, type NetworkName } from '../bitcoin/networks.js';
import { DEFAULT_LIMITS, type Limits } from './limits.js';
export { SERVE_OPTIONS, type ServeOption } from './serve-options.js';
import { DEFAULT_BITCOIND_WAIT } from './serve-options.js';
import { SessionManager } from './manager.js';
import { startListeners, type ListenSpec, type Listeners } from './listeners.js';
import { loadCertificate } from './certificate.js';
import { checkStoreFile, indexUnusable, lockIndex } from './index-errors.js';
import type { SyncProgress } from './sync-progress.js';
import type { StoreEngine } from './store/db.js';
import { DEFAULT_DB_CACHE_MB, DEFAULT_UNDO_BLOCKS, Indexer } from './indexer.js';
import { openStore, type Store } from './store/db.js';
import { Daemon } from './daemon.js';
import { Mempool } from './mempool.js';
import { LocalBackend } from './backend.js';
import { Follower } from './follow.js';
import type { ScriptCacheLimits } from './script-view.js';
import { VERSION } from '../version.js';

/** The software string of server.version and server.features. */
export const SERVER_SOFTWARE = `electrum-cli ${VERSION}`;

export const DEFAULT_BANNER = 'Welcome to $SERVER_SUBVERSION, a private Electrum server for your own bitcoind.';

/** Parsed values of SERVE_OPTIONS (commander's attribute names). */
export interface ServeOptions {
  local?: boolean;
  network?: string;
  bitcoind?: string;
  datadir?: string;
  rpcCookie?: string;
  rpcUser?: string;
  rpcPassword?: string;
  bitcoindWait?: string | number;
  rpcPasswordFile?: string;
  db?: string;
  dbCache?: string | number;
  dbEngine?: string;
  undoBlocks?: string | number;
  tcp?: string | boolean;
  tls?: string | boolean;
  ws?: string | boolean;
  tlsCert?: string;
  tlsKey?: string;
  zmq?: boolean;
  banner?: string;
  donationAddress?: string;
  reportHost?: string;
  experimentalProtocol?: string;
  maxSessions?: string | number;
  maxSubs?: string | number;
  maxRequest?: string | number;
  maxResponse?: string | number;
  maxBatch?: string | number;
  idleTimeout?: string | number;
  requestTimeout?: string | number;
  costLimit?: string | number;
  costRate?: string | number;
  limitLoopback?: boolean;
  maxQueuedTotal?: string | number;
  maxSubsTotal?: string | number;
  maxSessionsPerIp?: string | number;
  maxHalfOpen?: string | number;
  handshakeTimeout?: string | number;
  proxyProtocol?: string;
  historyLimit?: string | number;
}

export interface ServeIo {
  /** One plain line to stderr. */
  log(line: string): void;
  isTTY: boolean;
  /** Raw stderr writes, for the live progress line on a TTY (falls back to log lines). */
  write?(text: string): void;
  /** Aborting it shuts the server down gracefully (as SIGINT/SIGTERM do). */
  signal?: AbortSignal;
  /** HOME and XDG_DATA_HOME as main.ts read them (src/server never reads process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Install SIGINT/SIGTERM handlers (default true). */
  handleSignals?: boolean;
  /** Tests: wraps the index store as opened (to inject disk failures). */
  wrapStore?: (store: Store) => Store;
}

/** Everything serve needs, resolved from the options. Pure. */
export interface ServeConfig {
  network: NetworkName;
  dbDir: string;
  dbCacheMb: number;
  dbEngine?: StoreEngine;
  undoBlocks: number;
  datadir?: string;
  bitcoindUrl?: string;
  rpcCookie?: string;
  rpcUser?: string;
  rpcPassword?: string;
  /** How long bitcoind may stay unreachable before serving starts (ms; 0: for ever). */
  bitcoindWaitMs: number;
  zmq: boolean;
  listen: ListenSpec[];
  tlsCert?: string;
  tlsKey?: string;
  limits: Limits;
  historyLimit?: number;
  banner: string;
  donationAddress: string;
  /** --report-host: the public name in server.features (else the bind addresses). */
  reportHost?: string;
  /** The highest protocol served: PROTOCOL_MAX, or the draft --experimental-protocol names. */
  protocolMax: string;
  /** Lines for the log before anything else (e.g. a password given on the command line). */
  warnings: string[];
}

// Fulcrum's suggested WebSocket port, +10000 off mainnet (the client's default ws port too).
const WS_PORT = { mainnet: 50003, other: 60003 };

/** Parses "HOST:PORT", "[v6]:PORT", ":PORT" or "PORT" (host defaults to 127.0.0.1). */
export function parseHostPort(s: string, flag: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(s) ?? (/^(\d+)$/.test(s) ? [s, undefined, '', s] : null);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`${flag} expects HOST:PORT, got ${JSON.stringify(s)}`, { hint: `for example ${flag} 127.0.0.1:50001 (port 0 picks a free one)` });
  }
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

/**
 * A numeric option: finite, >= min, <= max, a whole number unless `fraction`. Every bad value
 * is a UsageError naming the flag (exit 2), never a NaN that a limit would silently ignore.
 */
function count(v: string | number | undefined, flag: string, fallback: number, min = 0, { fraction = false, max = Number.MAX_SAFE_INTEGER } = {}): number {
  if (v === undefined) return fallback;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n) || n < min || n > max || (!fraction && !Number.isInteger(n)) || (typeof v === 'string' && v.trim() === '')) {
    const what = fraction ? 'a number' : 'a whole number';
    throw new UsageError(`${flag} expects ${what} from ${min} to ${max}, got ${JSON.stringify(v)}`);
  }
  return n;
}

function dbEngine(v: string | undefined): StoreEngine | undefined {
  if (v === undefined || v === 'rocksdb' || v === 'lmdb') return v;
  throw new UsageError(`--db-engine expects rocksdb or lmdb, got ${JSON.stringify(v)}`);
}

/** Node timers hold at most 2^31-1 ms; a longer idle timeout would fire at once. */
const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** Where a password given on the command line can be read by any local user. */
const CMDLINE_WARNING = 'is visible to every local user in the process list; use --rpc-password-file FILE or ELECTRUM_RPC_PASSWORD instead';

/**
 * Checks --bitcoind: an http:// URL (bitcoind's RPC speaks plain HTTP) with a host and a
 * valid port, credentials percent-decodable. A bare HOST:PORT is read as http://HOST:PORT.
 */
export function parseBitcoindUrl(s: string): { url: string; hasPassword: boolean } {
  const bad = (why: string) =>
    new UsageError(`--bitcoind expects bitcoind's RPC URL, got ${JSON.stringify(s)}: ${why}`, { hint: 'for example --bitcoind http://127.0.0.1:8332' });
  const text = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(s) ? s : `http://${s}`;
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw bad('not a URL');
  }
  if (u.protocol !== 'http:') throw bad(`${u.protocol.slice(0, -1)}:// is not supported (bitcoind's RPC is plain HTTP)`);
  if (!u.hostname) throw bad('no host');
  try {
    decodeURIComponent(u.username);
    decodeURIComponent(u.password);
  } catch {
    throw bad('bad %-escape in the user or password');
  }
  return { url: u.href, hasPassword: u.password !== '' };
}

/** The RPC password from --rpc-password-file: its first line (a trailing newline is not part of it). */
function readPasswordFile(file: string, read: (file: string) => string): string {
  let text: string;
  try {
    text = read(file);
  } catch (e) {
    throw new UsageError(`cannot read --rpc-password-file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const pw = text.split(/\r?\n/)[0] ?? '';
  if (pw === '') throw new UsageError(`--rpc-password-file ${file} is empty`);
  return pw;
}

/**
 * Resolves options and environment into a ServeConfig; UsageError on bad values. Reads
 * nothing but the --rpc-password-file (through `readFile`).
 */
export function resolveServeConfig(
  opts: ServeOptions,
  env: Readonly<Record<string, string | undefined>> = {},
  readFile: (file: string) => string = (f) => readFileSync(f, 'utf8'),
): ServeConfig {
  if (!opts.local) throw new UsageError('serve needs --local', { hint: 'electrum-cli serve --local serves from your own bitcoind' });
  const network = parseNetwork(opts.network ?? 'mainnet');
  const info = NETWORKS[network];
  const home = env.HOME || homedir();
  const dataHome = env.XDG_DATA_HOME || join(home, '.local', 'share');
  const warnings: string[] = [];
  const bitcoind = opts.bitcoind === undefined ? undefined : parseBitcoindUrl(opts.bitcoind);
  if (bitcoind?.hasPassword) warnings.push(`warning: the password in --bitcoind ${CMDLINE_WARNING}`);
  if (opts.rpcPassword !== undefined && opts.rpcPasswordFile !== undefined) {
    throw new UsageError('use either --rpc-password or --rpc-password-file');
  }
  let rpcPassword: string | undefined;
  if (opts.rpcPassword !== undefined) {
    rpcPassword = opts.rpcPassword;
    warnings.push(`warning: --rpc-password ${CMDLINE_WARNING}`);
  } else if (opts.rpcPasswordFile !== undefined) {
    rpcPassword = readPasswordFile(opts.rpcPasswordFile, readFile);
  } else if (opts.rpcUser !== undefined && env.ELECTRUM_RPC_PASSWORD) {
    // Only with --rpc-user: a password left in the environment must not override the cookie.
    rpcPassword = env.ELECTRUM_RPC_PASSWORD;
  }
  if (opts.rpcUser === undefined && rpcPassword !== undefined) throw new UsageError('a bitcoind RPC password needs --rpc-user');
  if (opts.rpcUser !== undefined && rpcPassword === undefined) {
    throw new UsageError('--rpc-user needs a password', { hint: 'give --rpc-password-file FILE, or set ELECTRUM_RPC_PASSWORD' });
  }
  if (opts.rpcCookie && opts.rpcUser) throw new UsageError('use either --rpc-cookie or --rpc-user/--rpc-password');
  const listen: ListenSpec[] = [];
  if (opts.tcp !== false) {
    const at = typeof opts.tcp === 'string' ? parseHostPort(opts.tcp, '--tcp') : { host: '127.0.0.1', port: info.tcpPort };
    listen.push({ kind: 'tcp', ...at });
  }
  if (opts.tls) listen.push({ kind: 'tls', ...(typeof opts.tls === 'string' ? parseHostPort(opts.tls, '--tls') : { host: '127.0.0.1', port: info.sslPort }) });
  if (opts.ws) {
    const port = network === 'mainnet' ? WS_PORT.mainnet : WS_PORT.other;
    listen.push({ kind: 'ws', ...(typeof opts.ws === 'string' ? parseHostPort(opts.ws, '--ws') : { host: '127.0.0.1', port }) });
  }
  if (listen.length === 0) throw new UsageError('no listener left', { hint: 'give --tcp, --tls or --ws' });
  if (opts.proxyProtocol !== undefined) {
    for (const k of opts.proxyProtocol.split(',').map((x) => x.trim())) {
      const l = listen.find((x) => x.kind === k);
      if (!l) {
        throw new UsageError(`--proxy-protocol names ${JSON.stringify(k)}, which is not an open listener`, { hint: 'a comma-separated list of the listeners behind the proxy: tcp, tls, ws' });
      }
      l.proxyProtocol = true;
    }
  }
  if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  const D = DEFAULT_LIMITS;
  const limits: Limits = {
    maxSessions: count(opts.maxSessions, '--max-sessions', D.maxSessions, 1),
    maxSubs: count(opts.maxSubs, '--max-subs', D.maxSubs),
    maxRequest: count(opts.maxRequest, '--max-request', D.maxRequest, 1000),
    maxResponse: count(opts.maxResponse, '--max-response', D.maxResponse, 1000),
    maxBatch: count(opts.maxBatch, '--max-batch', D.maxBatch, 1),
    idleTimeout: count(opts.idleTimeout, '--idle-timeout', D.idleTimeout, 0, { fraction: true, max: MAX_TIMER_SECONDS }),
    requestTimeout: count(opts.requestTimeout, '--request-timeout', D.requestTimeout, 0, { fraction: true, max: MAX_TIMER_SECONDS }),
    costLimit: count(opts.costLimit, '--cost-limit', D.costLimit, 1, { fraction: true }),
    costRate: count(opts.costRate, '--cost-rate', D.costRate, 0, { fraction: true }),
    limitLoopback: opts.limitLoopback === true,
    maxBuffer: Math.max(D.maxBuffer, 4 * count(opts.maxResponse, '--max-response', D.maxResponse, 1000)),
    maxQueuedTotal: count(opts.maxQueuedTotal, '--max-queued-total', D.maxQueuedTotal, 100_000),
    maxSubsTotal: count(opts.maxSubsTotal, '--max-subs-total', D.maxSubsTotal),
    maxSessionsPerIp: count(opts.maxSessionsPerIp, '--max-sessions-per-ip', D.maxSessionsPerIp, 1),
    maxHalfOpen: count(opts.maxHalfOpen, '--max-half-open', D.maxHalfOpen, 1),
    handshakeTimeout: count(opts.handshakeTimeout, '--handshake-timeout', D.handshakeTimeout, 0.1, { fraction: true, max: MAX_TIMER_SECONDS }),
  };
  return {
    network,
    dbDir: opts.db ?? join(dataHome, 'electrum-cli', network),
    dbCacheMb: count(opts.dbCache, '--db-cache', DEFAULT_DB_CACHE_MB, 16),
    dbEngine: dbEngine(opts.dbEngine),
    undoBlocks: count(opts.undoBlocks, '--undo-blocks', DEFAULT_UNDO_BLOCKS),
    datadir: opts.datadir ?? (opts.rpcCookie || opts.rpcUser ? undefined : join(home, '.bitcoin')),
    bitcoindUrl: bitcoind?.url,
    rpcCookie: opts.rpcCookie,
    rpcUser: opts.rpcUser,
    rpcPassword,
    bitcoindWaitMs: 1000 * count(opts.bitcoindWait, '--bitcoind-wait', DEFAULT_BITCOIND_WAIT),
    zmq: opts.zmq !== false,
    listen,
    tlsCert: opts.tlsCert,
    tlsKey: opts.tlsKey,
    limits,
    historyLimit: opts.historyLimit === undefined ? undefined : count(opts.historyLimit, '--history-limit', 0, 1),
    banner: opts.banner ?? DEFAULT_BANNER,
    donationAddress: opts.donationAddress ?? '',
    reportHost: reportHost(opts.reportHost),
    protocolMax: experimentalProtocol(opts.experimentalProtocol),
    warnings,
  };
}

/** --report-host: a host name or an IP address (brackets around IPv6 are dropped). */
function reportHost(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const h = v.replace(/^\[(.*)\]$/, '$1');
  if (!/^[A-Za-z0-9.:-]{1,253}$/.test(h)) throw new UsageError(`--report-host expects a host name, got ${JSON.stringify(v)}`, { hint: 'for example --report-host electrum.example.org' });
  return h;
}

/** --experimental-protocol: the only draft served is 1.7 (ElectrumX master's handlers). */
function experimentalProtocol(v: string | undefined): string {
  if (v === undefined) return PROTOCOL_MAX;
  if (v !== PROTOCOL_DRAFT) throw new UsageError(`--experimental-protocol expects ${PROTOCOL_DRAFT}, got ${JSON.stringify(v)}`, { hint: `the only draft protocol served is ${PROTOCOL_DRAFT}` });
  return v;
}

/** Options of openBackend. */
export interface OpenBackendOptions {
  network: NetworkName;
  /** bitcoind's datadir, for the cookie (the caller expands `~`). */
  datadir?: string;
  /** http://host:port of bitcoind's RPC (user:pass@ allowed). */
  bitcoindUrl?: string;
  /** Explicit cookie file. */
  rpcCookie?: string;
  rpcUser?: string;
  rpcPassword?: string;
  /** Where the index lives (created if missing). */
  dbDir: string;
  /** Use ZMQ when bitcoind publishes it (default true). */
  zmq?: boolean;
  log: (line: string) => void;
  onProgress?: (p: SyncProgress) => void;
  historyLimit?: number;
  /** Bounds of the per-script-hash cache (default DEFAULT_CACHE_LIMITS). */
  cacheLimits?: ScriptCacheLimits;
  /** Cap on blocks per sync commit (one store transaction each); tests use small commits. */
  maxChunkBlocks?: number;
  /** Blocks whose undo data the index keeps (default 200; see indexer.ts). */
  undoBlocks?: number;
  /** Memory budget of the index: the sync's blocks in flight and commit being built, and half as much again for the store's caches, MB (default 256). */
  dbCacheMb?: number;
  /** Engine of a new index (default RocksDB where its binding loads, else LMDB). */
  dbEngine?: StoreEngine;
  /** Polling period of the tip, ms (default 250). */
  pollMs?: number;
  /** Shortest polling period of the mempool, ms (default 500; stretched for slow polls). */
  mempoolPollMs?: number;
  /**
   * Until the initial sync is done, how long bitcoind may stay unreachable before openBackend
   * or `sync` fails with a DaemonError (ms; default 0: wait for ever). Afterwards the follow
   * loop logs and keeps retrying whatever this is.
   */
  giveUpMs?: number;
  /** Called once bitcoind is checked, before the sync, with what it reports (see readiness.ts). */
  onDetected?: (d: Daemon, indexedTxs: number) => Promise<void>;
  /** Wraps the store as opened (tests inject disk failures). */
  wrapStore?: (store: Store) => Store;
  signal?: AbortSignal;
}

/** What openBackend built. */
export interface OpenedBackend {
  backend: LocalBackend;
  /** Its follow loop; `step()` runs one round (tests step instead of waiting for the timer). */
  follower: Follower;
  /** The initial sync: resolves once caught up (the backend answers from the partial index before). */
  sync: Promise<void>;
  /** The follow loop after the sync: resolves when stopped, rejects with an IndexError when the index or its disk fails. */
  following: Promise<void>;
  /** Stops following, closes bitcoind's client and the store. */
  close(): Promise<void>;
}

/**
 * Opens the backend: checks bitcoind first (reachable, auth, network, warm-up/IBD, pruning;
 * a DaemonError, exit 7, when it is unusable), opens the index, then syncs and follows the
 * tip (follow.ts). Used as
 *
 *   const { backend, sync, close } = await openBackend({ network: 'regtest', dbDir, log });
 *   await sync;        // initial sync done
 *   ...                // hand `backend` to the sessions
 *   await close();     // stops following, closes the store
 */
export async function openBackend(opts: OpenBackendOptions): Promise<OpenedBackend> {
  const daemon = new Daemon({
    network: opts.network, datadir: opts.datadir, cookiePath: opts.rpcCookie, url: opts.bitcoindUrl,
    user: opts.rpcUser, password: opts.rpcPassword, log: opts.log, giveUpMs: opts.giveUpMs,
  });
  await daemon.retrying('bitcoind', () => daemon.detect(opts.signal), opts.signal).catch((e) => {
    daemon.close();
    throw e;
  });
  const opened = await openStore(opts.dbDir, { engine: opts.dbEngine, cacheMb: (opts.dbCacheMb ?? DEFAULT_DB_CACHE_MB) / 2 });
  const store = opts.wrapStore ? opts.wrapStore(opened) : opened;
  const indexer = new Indexer(store, daemon, { network: opts.network, log: opts.log, onProgress: opts.onProgress, maxChunkBlocks: opts.maxChunkBlocks, undoBlocks: opts.undoBlocks, dbCacheMb: opts.dbCacheMb });
  try {
    indexer.load();
  } catch (e) {
    daemon.close();
    await store.close();
    throw e;
  }
  const backend = new LocalBackend(daemon, store, indexer, new Mempool(), { network: opts.network, historyLimit: opts.historyLimit, cacheLimits: opts.cacheLimits });
  const follower = new Follower(backend, {
    pollMs: opts.pollMs, mempoolPollMs: opts.mempoolPollMs, zmq: opts.zmq, log: opts.log,
    // A full or failing disk does not get better by retrying every second: serve exits 8.
    fatal: (e) => indexUnusable(e, opts.dbDir),
  });
  const stop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  if (indexer.height >= 0) opts.log(`index at height ${indexer.height}; syncing with bitcoind`);

  const sync = (async () => {
    await opts.onDetected?.(daemon, indexer.nextTxnum);
    // catchUp resumes from the indexed tip, so a sync cut by a bitcoind restart picks up again.
    await daemon.retrying('bitcoind', () => indexer.catchUp(false, signal), signal);
    if (signal.aborted) return;
    await follower.step(signal);
    opts.log(`index synced at height ${indexer.height}`);
  })();
  const following = (async () => {
    try {
      await sync;
    } catch {
      return; // reported through `sync`
    }
    await follower.run(signal);
  })();
  following.catch(() => {}); // reported to whoever awaits it (serve), or at close

  return {
    backend,
    follower,
    sync,
    following,
    close: async () => {
      stop.abort();
      await sync.catch(() => {});
      await following.catch(() => {});
      daemon.close();
      await store.close();
    },
  };
}

/** Sync progress: a live line on a TTY, else a plain line at most every 10 s (and the last one). */
function progressReporter(io: ServeIo, format: (p: SyncProgress) => string): (p: SyncProgress) => void {
  let lastLog = 0;
  const live = io.isTTY && io.write !== undefined;
  return (p) => {
    const line = `sync ${format(p)}`;
    if (live) {
      io.write!(`\r\x1b[K${line}${p.done ? '\n' : ''}`);
      return;
    }
    const now = Date.now();
    if (p.done || now - lastLog >= 10_000) {
      lastLog = now;
      io.log(line);
    }
  };
}

function formatAddress(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Runs the server until SIGINT/SIGTERM or io.signal; resolves 0 after a graceful shutdown. */
export async function serve(opts: ServeOptions, io: ServeIo): Promise<number> {
  const cfg = resolveServeConfig(opts, io.env ?? {});
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  const signal = io.signal ? AbortSignal.any([io.signal, stop.signal]) : stop.signal;
  const handleSignals = io.handleSignals !== false;
  if (handleSignals) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  const { formatProgress } = await import('./sync-progress.js');
  const { needsLines, probeListeners } = await import('./readiness.js');
  for (const w of cfg.warnings) io.log(w);
  io.log(`electrum-cli serve: ${cfg.network}, index in ${cfg.dbDir}`);
  let chainTxs: number | null = null;
  let opened: OpenedBackend | undefined;
  let manager: SessionManager | undefined;
  let listeners: Listeners | undefined;
  let unlock: (() => void) | undefined;
  try {
    unlock = lockIndex(cfg.dbDir);
    checkStoreFile(cfg.dbDir);
    // Fail fast: an address in use or a bad certificate must not wait for the end of a sync of hours.
    await probeListeners(cfg.listen);
    const tls = cfg.listen.some((l) => l.kind === 'tls')
      ? await loadCertificate({ certFile: cfg.tlsCert, keyFile: cfg.tlsKey, dir: cfg.dbDir, hostnames: cfg.listen.map((l) => l.host) }, io.log)
      : undefined;
    opened = await openBackend({
      network: cfg.network,
      datadir: cfg.datadir,
      bitcoindUrl: cfg.bitcoindUrl,
      rpcCookie: cfg.rpcCookie,
      rpcUser: cfg.rpcUser,
      rpcPassword: cfg.rpcPassword,
      giveUpMs: cfg.bitcoindWaitMs,
      dbDir: cfg.dbDir,
      dbCacheMb: cfg.dbCacheMb,
      dbEngine: cfg.dbEngine,
      undoBlocks: cfg.undoBlocks,
      zmq: cfg.zmq,
      log: io.log,
      onDetected: async (daemon, indexedTxs) => {
        chainTxs = await daemon.retrying('bitcoind', () => daemon.chainTxCount(), signal);
        for (const line of needsLines(chainTxs, indexedTxs, cfg.dbDir)) io.log(line);
      },
      onProgress: progressReporter(io, (p) => formatProgress(p, chainTxs)),
      historyLimit: cfg.historyLimit,
      wrapStore: io.wrapStore,
      signal,
    });
    // Like ElectrumX, serve only once caught up: a wallet must never see a stale tip as current.
    await opened.sync;
    if (signal.aborted) return 0;
    manager = new SessionManager({
      backend: opened.backend,
      network: cfg.network,
      limits: cfg.limits,
      software: SERVER_SOFTWARE,
      banner: cfg.banner,
      donationAddress: cfg.donationAddress,
      reportHost: cfg.reportHost,
      protocolMax: cfg.protocolMax,
      log: io.log,
    });
    try {
      listeners = await startListeners(cfg.listen, manager, tls);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new UsageError(`cannot listen: ${err.message}`, { hint: 'pick another address or port (--tcp/--tls/--ws HOST:PORT)', cause: e });
    }
    for (const l of listeners.bound) {
      manager.addListener(l);
      io.log(`listening ${l.kind} ${formatAddress(l.host, l.port)}`);
    }
    // Until stopped, or until the follow loop fails for good (the index or its disk: exit 8).
    if (!signal.aborted) {
      await Promise.race([
        new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true })),
        opened.following,
      ]);
    }
    io.log('shutting down');
    return 0;
  } catch (e) {
    // Interrupted while waiting for bitcoind or syncing: that is a normal stop, not a failure.
    if (signal.aborted && !listeners) return 0;
    throw indexUnusable(e, cfg.dbDir) ?? e;
  } finally {
    if (handleSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    const closing = listeners?.close();
    await manager?.close();
    await closing;
    await opened?.close();
    unlock?.();
    if (listeners) io.log('stopped');
  }
}
