/**
 * bitcoind access for `serve --local`: JSON-RPC over HTTP (keep-alive, batches), cookie or
 * user/password auth, the REST fast path for raw blocks and spent outputs, startup checks
 * (network, warm-up, initial block download, pruning). No other module talks to bitcoind
 * (zmq.ts only listens to what it publishes).
 *
 * Connections. bitcoind closes an HTTP connection that has seen no traffic for
 * -rpcservertimeout (30 s by default; libevent's evhttp_set_timeout), without a reply; a
 * request written on such a socket fails with ECONNRESET, EPIPE or "socket hang up". So:
 * - a pooled socket idle for IDLE_REUSE_MS (15 s) is closed instead of reused, checked at the
 *   moment of reuse (a timer would not fire while a long index commit blocks the event loop);
 * - an idempotent request (REST GETs, and RPC calls whose methods are all in IDEMPOTENT_RPC)
 *   whose connection was closed by bitcoind is re-sent on a fresh connection, up to
 *   CLOSED_RETRIES times, before it fails as "cannot reach bitcoind";
 * - any other call (sendrawtransaction, submitpackage, ...) goes on a connection of its own,
 *   never a pooled one that bitcoind may be closing, and is never re-sent once written: it may
 *   have been executed, and only the caller can decide (a wallet re-broadcasts; bitcoind
 *   answers a transaction it already has in its mempool with its txid). Its failures (refused,
 *   reset, no answer) reach the caller at once; only a 401 (refused unread: the cookie changed)
 *   is re-sent.
 * retrying() is the longer loop above this (bitcoind restarting); it gives up after
 * `giveUpMs` of bitcoind staying unreachable.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { DaemonError, oneLine } from '../errors.js';
import { NETWORKS, type NetworkName } from '../bitcoin/networks.js';
import { BitcoindError } from './errors.js';
import { sleep } from './sleep.js';

/** How to reach bitcoind. */
export interface DaemonOptions {
  network: NetworkName;
  /** bitcoind's datadir (the one holding `regtest/`, `testnet3/`, ...); the cookie is read from it. */
  datadir?: string;
  /** Explicit cookie file (overrides datadir). */
  cookiePath?: string;
  /** http://[user:pass@]host:port; default 127.0.0.1 and the network's RPC port. */
  url?: string;
  user?: string;
  password?: string;
  log?: (line: string) => void;
  /** Per-request timeout (ms); default 120 s (a large block over RPC can be slow). */
  timeoutMs?: number;
  /** Base wait between checks while bitcoind warms up or downloads blocks (ms, default 1000). */
  waitMs?: number;
  /**
   * retrying() gives up (a final DaemonError, exit 7) once every request to bitcoind has failed
   * to reach it for this long (ms); 0 or absent: retry for ever.
   */
  giveUpMs?: number;
  /** Pooled sockets idle this long are closed instead of reused (ms, default IDLE_REUSE_MS). */
  idleReuseMs?: number;
}

/**
 * A pooled keep-alive socket idle longer than this is closed rather than reused: half of
 * bitcoind's default -rpcservertimeout (30 s), so bitcoind is not closing it as we write.
 */
export const IDLE_REUSE_MS = 15_000;

/** Re-sends of an idempotent request whose connection bitcoind closed (fresh connection each). */
export const CLOSED_RETRIES = 4;

/**
 * RPC methods that only read, so re-sending one after a dropped connection cannot change
 * anything. Whatever is not listed (sendrawtransaction, submitpackage, wallet calls, stop, ...)
 * is sent once on its own connection.
 */
export const IDEMPOTENT_RPC: ReadonlySet<string> = new Set([
  'getblockchaininfo', 'getnetworkinfo', 'getblockcount', 'getbestblockhash', 'getblockhash', 'getblock',
  'getblockheader', 'getchaintips', 'getchaintxstats', 'getrawtransaction', 'getrawmempool', 'getmempoolinfo',
  'getmempoolentry', 'gettxout', 'estimatesmartfee', 'getzmqnotifications', 'getindexinfo', 'getdifficulty',
  'uptime', 'ping', 'getrpcinfo', 'decoderawtransaction', 'testmempoolaccept',
]);

/** Socket errors meaning the peer closed or reset the connection under a request. */
const CLOSED_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_PREMATURE_CLOSE']);

/** bitcoind could not be reached, or closed the connection: retrying() takes it as transient. */
export class UnreachableError extends DaemonError {
  constructor(message: string, readonly why: string, opts: { cause?: unknown; hint?: string }) {
    super(message, opts);
  }
}

/** A call in a batch. */
export interface RpcCall {
  method: string;
  params?: unknown[];
}

/** One answer of a batch: a result, or the BitcoindError it got. */
export type RpcOutcome = { result: unknown; error?: undefined } | { result?: undefined; error: BitcoindError };

const CHAIN_NAMES: Record<NetworkName, string> = {
  mainnet: 'main', testnet: 'test', testnet4: 'testnet4', signet: 'signet', regtest: 'regtest',
};

/** Where bitcoind writes its cookie for `network` under `datadir`. */
export function defaultCookiePath(datadir: string, network: NetworkName): string {
  return path.join(datadir, NETWORKS[network].datadirSubdir, '.cookie');
}

/** JSON-RPC and REST client of one bitcoind. */
export class Daemon {
  readonly host: string;
  readonly port: number;
  readonly network: NetworkName;
  /** True once `detect()` found `-rest`. */
  rest = false;
  /** True once `detect()` found `/rest/spenttxouts` (Core >= 30). */
  spentTxOuts = false;
  /** bitcoind's version number (e.g. 280000), known after `detect()`. */
  version = 0;
  private auth = '';
  /**
   * Credentials given by the user (--rpc-user/--rpc-password or in the URL): a refusal is
   * final. Cookie credentials change when bitcoind restarts, so their refusal is retried.
   */
  private readonly fixedAuth: boolean;
  /** FIFO, so the sockets idle longest are at the head, where the agent skips destroyed ones. */
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 8, scheduling: 'fifo' });
  /** When each pooled socket last became free. */
  private readonly idleSince = new WeakMap<object, number>();
  private readonly log: (line: string) => void;
  private readonly timeoutMs: number;
  private nextId = 1;
  private closed = false;
  /** Since when every request has failed to reach bitcoind (undefined after a success). */
  private downSince: number | undefined;
  /** Requests re-sent after bitcoind closed their connection (for tests and logs). */
  resent = 0;
  /** A cookie was read at least once, or bitcoind accepted a request: a later 401 is a restart. */
  private cookieFound = false;
  private answered = false;

  constructor(private readonly opts: DaemonOptions) {
    this.network = opts.network;
    this.log = opts.log ?? (() => {});
    this.timeoutMs = opts.timeoutMs ?? 120_000;
    const u = new URL(opts.url ?? `http://127.0.0.1:${NETWORKS[opts.network].rpcPort}`);
    this.host = u.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(u.port || NETWORKS[opts.network].rpcPort);
    if (u.username) this.auth = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
    if (opts.user !== undefined) this.auth = `${opts.user}:${opts.password ?? ''}`;
    this.fixedAuth = this.auth !== '';
    if (!this.auth) this.readCookie();
    this.agent.on('free', (socket: object) => this.idleSince.set(socket, Date.now()));
  }

  /** Where bitcoind is, for messages. */
  get where(): string {
    return `${this.host}:${this.port}`;
  }

  private cookieFile(): string | undefined {
    if (this.opts.cookiePath) return this.opts.cookiePath;
    if (this.opts.datadir) return defaultCookiePath(this.opts.datadir, this.network);
    return undefined;
  }

  /** (Re-)reads the cookie; bitcoind writes a new one each time it starts. */
  private readCookie(): boolean {
    const file = this.cookieFile();
    if (!file || this.opts.user !== undefined) return false;
    try {
      const next = fs.readFileSync(file, 'utf8').trim();
      const changed = next !== this.auth;
      this.auth = next;
      this.cookieFound = true;
      return changed;
    } catch {
      return false;
    }
  }

  /**
   * One HTTP exchange. Idempotent ones are re-sent on a fresh connection when bitcoind closed
   * theirs; others get a connection of their own and are sent once (see the top of this file).
   */
  private async request(method: 'GET' | 'POST', urlPath: string, body: string | undefined, idempotent: boolean): Promise<{ status: number; body: Buffer }> {
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await this.exchange(method, urlPath, body, idempotent);
        if (r.status === 503) {
          // Core refuses requests unread with 503 while it shuts down (and when its RPC work
          // queue is full): transient for retrying(), like a refused connection.
          this.downSince ??= Date.now();
          throw new UnreachableError(`bitcoind at ${this.where} is shutting down or busy (HTTP 503)`, 'HTTP 503', {
            hint: 'wait for bitcoind to restart, or raise its -rpcworkqueue',
          });
        }
        this.downSince = undefined;
        return r;
      } catch (e) {
        if (e instanceof UnreachableError) throw e;
        const err = e as NodeJS.ErrnoException;
        const closed = err.code !== undefined && CLOSED_CODES.has(err.code);
        if (!idempotent || !closed || attempt >= CLOSED_RETRIES || this.closed) {
          this.downSince ??= Date.now();
          throw this.connectError(err);
        }
        // Every pooled socket is as old as the one that failed: start afresh.
        this.dropIdleSockets(0);
        this.resent++;
        if (attempt > 0) await sleep(50 * attempt);
      }
    }
  }

  private exchange(method: 'GET' | 'POST', urlPath: string, body: string | undefined, pooled: boolean): Promise<{ status: number; body: Buffer }> {
    if (pooled) this.dropIdleSockets(this.opts.idleReuseMs ?? IDLE_REUSE_MS);
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
      if (this.auth) headers.authorization = `Basic ${Buffer.from(this.auth).toString('base64')}`;
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = String(Buffer.byteLength(body));
      }
      // agent false: a new connection, closed after the reply (Connection: close).
      const req = http.request({ host: this.host, port: this.port, method, path: urlPath, headers, agent: pooled ? this.agent : false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) }));
        // Closed partway through the reply: Node reports "aborted" with code ECONNRESET.
        res.on('error', reject);
      });
      req.setTimeout(this.timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${this.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Closes pooled sockets free for at least `ms` (0: all free ones). */
  private dropIdleSockets(ms: number): void {
    const now = Date.now();
    for (const list of Object.values(this.agent.freeSockets)) {
      for (const s of list ?? []) if (now - (this.idleSince.get(s) ?? 0) >= ms) s.destroy();
    }
  }

  private connectError(e: NodeJS.ErrnoException): UnreachableError {
    const why = e.code === 'ECONNREFUSED' ? 'connection refused'
      : e.code !== undefined && CLOSED_CODES.has(e.code) ? `connection closed by bitcoind (${e.code === 'ECONNRESET' && e.message !== 'read ECONNRESET' ? oneLine(e.message) : e.code})`
      : oneLine(e.message);
    return new UnreachableError(`cannot reach bitcoind at ${this.where}: ${why} — is it running with -server?`, why, {
      cause: e,
      hint: 'start bitcoind with -server (and -rest for faster indexing), or pass --bitcoind URL',
    });
  }

  /** POST with auth; on 401 re-reads the cookie once (bitcoind restarted) and retries. */
  private async post(body: string, idempotent: boolean): Promise<Buffer> {
    if (this.closed) throw new DaemonError('daemon client closed');
    let r = await this.request('POST', '/', body, idempotent);
    // A 401 means bitcoind refused the call unread, so even a non-idempotent one is re-sent.
    if (r.status === 401 && this.readCookie()) r = await this.request('POST', '/', body, idempotent);
    if ((r.status === 401 || r.status === 403) && this.fixedAuth) {
      // Not "refused the credentials": retrying() must not take this for a restart in progress.
      throw new DaemonError(`bitcoind at ${this.where} rejected the RPC user and password (HTTP ${r.status})`, {
        hint: 'check --rpc-user/--rpc-password (or the user:password in --bitcoind) against bitcoind\'s rpcauth/rpcuser settings',
      });
    }
    if ((r.status === 401 || r.status === 403) && !this.cookieFound && !this.answered) {
      // No cookie at all and never a success: not a restart in progress (bitcoind writes its
      // cookie before it answers), but the wrong datadir or network. Final, exit 7.
      const file = this.cookieFile();
      throw new DaemonError(`bitcoind at ${this.where} wants credentials (HTTP ${r.status}) and there is no cookie${file ? ` at ${file}` : ''}`, {
        hint: file
          ? `is this bitcoind running for ${this.network} with that datadir? (-n and --datadir must match it), or pass --rpc-cookie FILE or --rpc-user/--rpc-password`
          : 'pass --rpc-cookie FILE or --rpc-user/--rpc-password',
      });
    }
    if (r.status === 401 || r.status === 403) {
      const file = this.cookieFile();
      throw new DaemonError(`bitcoind at ${this.where} refused the credentials (HTTP ${r.status})`, {
        hint: file ? `check that ${file} is readable and belongs to this bitcoind, or pass --rpcuser/--rpcpassword` : 'pass --rpcuser/--rpcpassword or --rpccookie',
      });
    }
    this.answered = true;
    return r.body;
  }

  /** One JSON-RPC call; bitcoind errors become BitcoindError. */
  async call<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    const body = await this.post(JSON.stringify({ jsonrpc: '1.0', id: this.nextId++, method, params }), IDEMPOTENT_RPC.has(method));
    let msg: { result?: unknown; error?: { code: number; message: string } | null };
    try {
      msg = JSON.parse(body.toString('utf8'));
    } catch {
      throw new DaemonError(`bitcoind at ${this.where} sent a non-JSON answer to ${method}: ${oneLine(body.toString('utf8'), 80)}`);
    }
    if (msg.error) throw new BitcoindError(msg.error.code, msg.error.message, method);
    return msg.result as T;
  }

  /** Many calls in one HTTP request; answers in call order. */
  async batch(calls: readonly RpcCall[]): Promise<RpcOutcome[]> {
    if (calls.length === 0) return [];
    const base = this.nextId;
    this.nextId += calls.length;
    const body = await this.post(
      JSON.stringify(calls.map((c, i) => ({ jsonrpc: '1.0', id: base + i, method: c.method, params: c.params ?? [] }))),
      calls.every((c) => IDEMPOTENT_RPC.has(c.method)),
    );
    let replies: { id: number; result?: unknown; error?: { code: number; message: string } | null }[];
    try {
      replies = JSON.parse(body.toString('utf8'));
    } catch {
      throw new DaemonError(`bitcoind at ${this.where} sent a non-JSON answer to a batch: ${oneLine(body.toString('utf8'), 80)}`);
    }
    if (!Array.isArray(replies)) {
      const e = (replies as { error?: { code: number; message: string } }).error;
      throw new BitcoindError(e?.code ?? -32603, e?.message ?? 'batch refused', 'batch');
    }
    const out: RpcOutcome[] = new Array(calls.length);
    for (const r of replies) {
      const i = r.id - base;
      if (i < 0 || i >= calls.length) continue;
      out[i] = r.error ? { error: new BitcoindError(r.error.code, r.error.message, calls[i]!.method) } : { result: r.result };
    }
    for (let i = 0; i < out.length; i++) if (!out[i]) out[i] = { error: new BitcoindError(-32603, 'no answer in batch', calls[i]!.method) };
    return out;
  }

  /** Results of a batch, throwing the first error. */
  async batchResults<T = unknown>(calls: readonly RpcCall[]): Promise<T[]> {
    return (await this.batch(calls)).map((o) => {
      if (o.error) throw o.error;
      return o.result as T;
    });
  }

  /** GET a REST path; the body, or null on 404 (unknown block, or endpoint missing). */
  async restGet(urlPath: string): Promise<Buffer | null> {
    const r = await this.request('GET', urlPath, undefined, true);
    if (r.status === 200) return r.body;
    if (r.status === 404 || r.status === 400) return null;
    throw new DaemonError(`bitcoind REST ${urlPath.split('/').slice(0, 3).join('/')} answered HTTP ${r.status}: ${oneLine(r.body.toString('utf8'), 120)}`);
  }

  /** Raw blocks by display-order hash, over REST when available, else `getblock hash 0` in one batch. */
  async blocks(hashes: readonly string[]): Promise<Buffer[]> {
    if (this.rest) {
      return Promise.all(hashes.map(async (h) => {
        const b = await this.restGet(`/rest/block/${h}.bin`);
        if (!b) throw new BitcoindError(-5, `Block not found: ${h}`, 'rest/block');
        return b;
      }));
    }
    const hex = await this.batchResults<string>(hashes.map((h) => ({ method: 'getblock', params: [h, 0] })));
    return hex.map((x) => Buffer.from(x, 'hex'));
  }

  /**
   * The outputs a block spends (Core >= 30 `/rest/spenttxouts/<hash>.bin`), or null when
   * the endpoint is unavailable. See parseSpentTxOuts for the format.
   */
  async spentOutputs(hash: string): Promise<Buffer | null> {
    if (!this.rest || !this.spentTxOuts) return null;
    return this.restGet(`/rest/spenttxouts/${hash}.bin`);
  }

  /**
   * Startup checks: reachable, authenticated, right network, not warming up, and which
   * fast paths exist. Waits (logging) through warm-up and initial block download;
   * throws DaemonError for what waiting cannot fix.
   */
  async detect(signal?: AbortSignal): Promise<void> {
    let info: { chain: string; blocks: number; headers: number; initialblockdownload: boolean; pruned: boolean; pruneheight?: number; verificationprogress?: number };
    for (let attempt = 0; ; attempt++) {
      try {
        info = await this.call('getblockchaininfo');
        if (info.initialblockdownload && info.blocks < info.headers) {
          this.log(`bitcoind is in initial block download (${info.blocks}/${info.headers} blocks); waiting`);
          await sleep(Math.min(30_000, 2 * (this.opts.waitMs ?? 1000) * (attempt + 1)), signal);
          continue;
        }
        break;
      } catch (e) {
        if (e instanceof BitcoindError && e.code === -28) {
          if (attempt % 10 === 0) this.log(`bitcoind is warming up (${oneLine(e.rpcMessage)}); waiting`);
          await sleep(this.opts.waitMs ?? 1000, signal);
          continue;
        }
        throw e;
      }
    }
    if (info.chain !== CHAIN_NAMES[this.network]) {
      throw new DaemonError(`bitcoind at ${this.where} is on ${info.chain}, not ${this.network}`, { hint: 'pass the matching --network, or point --bitcoind at the right node' });
    }
    const genesis = await this.call<string>('getblockhash', [0]);
    if (genesis !== NETWORKS[this.network].genesisHash) {
      throw new DaemonError(`bitcoind at ${this.where} has genesis ${genesis}, not ${this.network}'s`);
    }
    const net = await this.call<{ version: number }>('getnetworkinfo');
    this.version = net.version;
    if (info.pruned) this.prunedHeight = info.pruneheight ?? 0;
    try {
      this.rest = (await this.restGet('/rest/chaininfo.json')) !== null;
    } catch {
      this.rest = false;
    }
    this.spentTxOuts = false;
    if (this.rest && info.blocks > 0) {
      const h1 = await this.call<string>('getblockhash', [1]);
      try {
        this.spentTxOuts = (await this.restGet(`/rest/spenttxouts/${h1}.bin`)) !== null;
      } catch {
        this.spentTxOuts = false;
      }
    }
    this.log(`bitcoind ${this.version} at ${this.where} (${this.network}, ${info.blocks} blocks; REST ${this.rest ? 'on' : 'off'}${this.spentTxOuts ? ', spenttxouts' : ''})`);
  }

  /** Lowest height with block data when bitcoind prunes, else undefined. */
  prunedHeight: number | undefined;

  /** Throws when pruning removed blocks the index still needs (from `fromHeight` up). */
  checkPruned(fromHeight: number): void {
    if (this.prunedHeight !== undefined && this.prunedHeight > fromHeight) {
      throw new DaemonError(`bitcoind at ${this.where} is pruned: blocks below ${this.prunedHeight} are gone, but the index needs them from ${fromHeight}`, {
        hint: 'run bitcoind without -prune (or with a reindex) to build the index',
      });
    }
  }

  /**
   * Runs `fn`, retrying with backoff while bitcoind is unreachable, restarting (cookie refused)
   * or warming up. Once it has been unreachable for `giveUpMs` (the cookie refused counts,
   * warming up does not: bitcoind answers then) the error becomes final: "cannot reach
   * bitcoind at HOST:PORT for N s (why)".
   */
  async retrying<T>(what: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        const down = e instanceof UnreachableError || (e instanceof DaemonError && /refused the credentials/.test(e.message));
        const transient = down || (e instanceof BitcoindError && e.code === -28);
        if (!transient || this.closed || signal?.aborted) throw e;
        const giveUp = this.opts.giveUpMs ?? 0;
        if (down) this.downSince ??= Date.now();
        if (down && giveUp > 0 && Date.now() - this.downSince! >= giveUp) {
          // The next caller (the follow loop keeps trying) starts a new period.
          this.downSince = undefined;
          const why = e instanceof UnreachableError ? e.why : 'credentials refused';
          throw new DaemonError(`cannot reach bitcoind at ${this.where} for ${Math.round(giveUp / 100) / 10} s (${why}); giving up`, {
            cause: e,
            hint: 'start bitcoind with -server (and -rest), check --bitcoind and the cookie; --bitcoind-wait SECONDS sets this wait (0: for ever)',
          });
        }
        const wait = Math.min(10_000, 250 * 2 ** Math.min(attempt, 6));
        if (attempt % 4 === 0) this.log(`${what}: ${(e as Error).message}; retrying in ${Math.round(wait / 100) / 10} s`);
        this.readCookie();
        await sleep(giveUp > 0 && down ? Math.max(10, Math.min(wait, this.downSince! + giveUp - Date.now())) : wait, signal);
      }
    }
  }

  /**
   * The node's transaction count at its tip (getchaintxstats txcount, which counts the genesis
   * coinbase as the index does), or null when bitcoind does not say (assumeutxo snapshot, old node).
   */
  async chainTxCount(): Promise<number | null> {
    try {
      const s = await this.call<{ txcount?: number }>('getchaintxstats', [0]);
      return typeof s.txcount === 'number' ? s.txcount : null;
    } catch (e) {
      if (e instanceof BitcoindError) return null;
      throw e;
    }
  }

  close(): void {
    this.closed = true;
    this.agent.destroy();
  }
}

/** Parses `/rest/spenttxouts/<hash>.bin`: per tx (coinbase first, empty), the outputs its inputs spend. */
export function parseSpentTxOuts(buf: Buffer): { value: number; script: Buffer }[][] {
  let pos = 0;
  const varint = (): number => {
    if (pos >= buf.length) throw new RangeError('spenttxouts: truncated');
    const f = buf[pos++]!;
    if (f < 0xfd) return f;
    if (f === 0xfd) { pos += 2; return buf.readUInt16LE(pos - 2); }
    if (f === 0xfe) { pos += 4; return buf.readUInt32LE(pos - 4); }
    pos += 8;
    return buf.readUInt32LE(pos - 4) * 0x100000000 + buf.readUInt32LE(pos - 8);
  };
  const ntx = varint();
  if (ntx > buf.length) throw new RangeError('spenttxouts: bad tx count');
  const out: { value: number; script: Buffer }[][] = new Array(ntx);
  for (let t = 0; t < ntx; t++) {
    const n = varint();
    if (n > buf.length) throw new RangeError('spenttxouts: bad input count');
    const list: { value: number; script: Buffer }[] = new Array(n);
    for (let i = 0; i < n; i++) {
      if (pos + 8 > buf.length) throw new RangeError('spenttxouts: truncated');
      const value = buf.readUInt32LE(pos + 4) * 0x100000000 + buf.readUInt32LE(pos);
      pos += 8;
      const len = varint();
      if (pos + len > buf.length) throw new RangeError('spenttxouts: truncated');
      list[i] = { value, script: buf.subarray(pos, pos + len) };
      pos += len;
    }
    out[t] = list;
  }
  if (pos !== buf.length) throw new RangeError('spenttxouts: trailing bytes');
  return out;
}
