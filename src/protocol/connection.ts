/**
 * The client's one long-lived object (docs/architecture.md §3): a session with one server. Correlates
 * replies by id (never by order: ElectrumX answers batches in completion order), sends
 * batches as one line, applies timeouts, keeps the session alive with server.ping, and
 * delivers notifications as async iterators.
 */
import { CliError, ConnectionError, InterruptedError, ProtocolError, ServerError, TimeoutError } from '../errors.js';
import { AsyncQueue } from './async-queue.js';
import { decode, encodeBatch, encodeRequest, type JsonRpcId, type ResponseMessage, type SingleMessage } from './jsonrpc.js';
import { negotiateVersion, type NegotiateOptions } from './negotiate.js';
import { isTlsPort, tryTlsHint } from './net-errors.js';
import { hostPort, type ServerAddress } from './server-address.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, openTransport } from './transport.js';
import type { CloseEvent, Transport, TransportInfo, TransportOptions } from './transport-types.js';
import type { Requester, RequestOptions } from './requester.js';
import { cmpVersion } from './version.js';

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_KEEPALIVE_MS = 60_000;

export interface ConnectionOptions extends TransportOptions {
  server: ServerAddress;
  /** Per-request deadline (default 30 s, as Electrum). */
  requestTimeoutMs?: number;
  /** Idle time before a server.ping (default 60 s; 0 disables). Only on protocol >= 1.2. */
  keepaliveMs?: number;
  /** Version handshake options, or false to skip server.version (raw sessions, diagnostics). */
  negotiate?: NegotiateOptions | false;
  /** Sees every line sent and received (the CLI's --debug). */
  trace?: (dir: 'send' | 'recv', line: string) => void;
  // signal (TransportOptions): aborting ends the opening and, once open, closes the session
  // (pending requests and streams fail with InterruptedError).
  /** Test seam: replaces openTransport. */
  transportFactory?: (addr: ServerAddress, opts: TransportOptions) => Promise<Transport>;
}

/** One call of a batch. */
export interface Call {
  method: string;
  params?: unknown[];
}
/** The outcome of one call of a batch. */
export type CallResult = { result: unknown } | { error: ServerError };

/** A server notification. */
export interface Notification {
  method: string;
  params: unknown[];
}

/** Timings for diagnostics, in milliseconds. */
export interface ConnectionTimings {
  connectMs: number;
  tlsMs?: number;
  wsMs?: number;
  /** From the transport being ready to the first reply (usually server.version's). */
  firstReplyMs?: number;
}

interface Pending {
  method: string;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  timer?: NodeJS.Timeout;
  batch?: BatchState;
}

interface BatchState {
  ids: number[];
  calls: Call[];
  answered: number;
  results: (CallResult | undefined)[];
  resolve: (v: CallResult[]) => void;
  reject: (e: unknown) => void;
  timer?: NodeJS.Timeout;
  timeoutMs: number;
}

interface Subscription {
  method: string;
  key?: unknown;
  queue: AsyncQueue<unknown[]>;
}

/** A session with one Electrum server. Create it with `Connection.open`. */
export class Connection implements Requester {
  /** Negotiated protocol version ("1.4", "1.6"...); undefined when negotiation was skipped. */
  version?: string;
  /** The server's software string from server.version ("ElectrumX 1.20.0"). */
  serverSoftware?: string;
  /** False once a server refused a batch (later batches go out as single requests). */
  batchSupported?: boolean;
  /** Resolves (never rejects) when the session ends: undefined after close(), else the reason. */
  readonly closed: Promise<CliError | undefined>;
  readonly timings: ConnectionTimings;

  private nextId = 1;
  private pending = new Map<string, Pending>();
  /** Ids given up on (timeout): their late replies are dropped, not treated as unknown. */
  private abandoned = new Set<string>();
  private batches = new Set<BatchState>();
  private subs = new Set<Subscription>();
  private listeners = new Set<AsyncQueue<Notification>>();
  private resolveClosed!: (r: CliError | undefined) => void;
  private closeReason: CliError | undefined;
  private isClosed = false;
  private receivedAny = false;
  private lastSend = Date.now();
  private keepaliveTimer?: NodeJS.Timeout;
  /** Removes the listener on ConnectionOptions.signal (set by open). */
  private dropAbortListener: () => void = () => {};
  private readonly readyAt = performance.now();
  private readonly requestTimeoutMs: number;
  private readonly trace?: (dir: 'send' | 'recv', line: string) => void;

  private constructor(
    private readonly transport: Transport,
    readonly server: ServerAddress,
    private readonly opts: ConnectionOptions,
  ) {
    this.requestTimeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.trace = opts.trace;
    const t = transport.info.timings;
    this.timings = { connectMs: t.connectMs, ...(t.tlsMs !== undefined ? { tlsMs: t.tlsMs } : {}), ...(t.wsMs !== undefined ? { wsMs: t.wsMs } : {}) };
    this.closed = new Promise((r) => (this.resolveClosed = r));
    transport.onMessage((text) => this.onMessage(text));
    transport.onClose((ev) => this.onTransportClose(ev));
  }

  /**
   * Connects, negotiates the protocol version (server.version first, docs/protocol.md §2.1) and
   * starts the keepalive. `connectTimeoutMs` covers both: the server.version reply must come
   * within what is left of it. `signal` (Ctrl-C) ends either phase at once.
   * Throws ConnectionError, TimeoutError, ServerError, ProtocolError or InterruptedError.
   */
  static async open(opts: ConnectionOptions): Promise<Connection> {
    const factory = opts.transportFactory ?? openTransport;
    const totalMs = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const deadline = Date.now() + totalMs;
    const signal = opts.signal;
    if (signal?.aborted) throw new InterruptedError();
    const transport = await factory(opts.server, opts);
    const conn = new Connection(transport, opts.server, opts);
    if (signal) {
      // Ctrl-C ends the session whatever it is doing: handshake, a request, a stream.
      const onAbort = () => conn.fail(new InterruptedError());
      signal.addEventListener('abort', onAbort, { once: true });
      conn.dropAbortListener = () => signal.removeEventListener('abort', onAbort);
      if (signal.aborted) onAbort();
    }
    if (opts.negotiate !== false) {
      const n = opts.negotiate ?? {};
      const explicit = n.timeoutMs !== undefined;
      try {
        await conn.negotiate({ ...n, timeoutMs: explicit ? n.timeoutMs : Math.max(1, deadline - Date.now()) });
      } catch (err) {
        conn.close();
        if (err instanceof TimeoutError && !explicit) throw conn.handshakeTimeout(totalMs);
        throw err;
      }
    }
    return conn;
  }

  /** server.version went unanswered within the connect timeout. */
  private handshakeTimeout(ms: number): TimeoutError {
    const where = hostPort(this.server);
    const tlsPort = this.server.transport === 'tcp' && isTlsPort(this.server.port);
    return new TimeoutError(`${where} accepted the connection but did not answer server.version within ${Math.round(ms / 100) / 10} s`, {
      hint: tlsPort ? tryTlsHint(this.server) : 'is this an Electrum server port (and the right :t/:s)? raise the limit with --connect-timeout SECONDS',
    });
  }

  /** Transport details: remote address, TLS certificate and trust, proxy. */
  get info(): TransportInfo {
    return this.transport.info;
  }

  /** True until the session ends. */
  get isOpen(): boolean {
    return !this.isClosed;
  }

  /** Runs server.version (when `negotiate: false` was given to open) and starts the keepalive. */
  async negotiate(opts: NegotiateOptions = {}): Promise<{ software: string; version: string }> {
    const r = await negotiateVersion(this, opts);
    this.version = r.version;
    this.serverSoftware = r.software;
    this.startKeepalive();
    return r;
  }

  /** Sends one request; resolves with its result, rejects with ServerError on a JSON-RPC error. */
  request(method: string, params: unknown[] = [], opts: RequestOptions = {}): Promise<unknown> {
    if (this.isClosed) return Promise.reject(this.closedError());
    const id = this.nextId++;
    const timeoutMs = opts.timeoutMs ?? this.requestTimeoutMs;
    return new Promise((resolve, reject) => {
      const p: Pending = { method, resolve, reject };
      if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
        p.timer = setTimeout(() => {
          this.pending.delete(String(id));
          this.abandoned.add(String(id));
          reject(this.timeoutError(method, timeoutMs));
        }, timeoutMs);
      }
      this.pending.set(String(id), p);
      this.send(encodeRequest(id, method, params));
    });
  }

  /**
   * Sends several calls as ONE JSON array line and returns their outcomes in call order.
   * Per-call JSON-RPC errors become `{error}` items; a connection failure or timeout rejects
   * the whole batch. Falls back to single requests if the server refuses batches.
   */
  batch(calls: Call[], opts: RequestOptions = {}): Promise<CallResult[]> {
    if (this.isClosed) return Promise.reject(this.closedError());
    if (calls.length === 0) return Promise.resolve([]);
    const timeoutMs = opts.timeoutMs ?? this.requestTimeoutMs;
    if (calls.length === 1 || this.batchSupported === false) return this.singly(calls, timeoutMs);
    return new Promise((resolve, reject) => {
      const ids = calls.map(() => this.nextId++);
      const b: BatchState = { ids, calls, answered: 0, results: calls.map(() => undefined), resolve, reject, timeoutMs };
      ids.forEach((id, i) => {
        const method = calls[i]!.method;
        this.pending.set(String(id), {
          method,
          batch: b,
          resolve: (result) => this.settleBatchItem(b, i, { result }),
          reject: (err) => {
            if (err instanceof ServerError) this.settleBatchItem(b, i, { error: err });
            else this.failBatch(b, err);
          },
        });
      });
      if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
        b.timer = setTimeout(() => {
          for (const id of ids) {
            if (this.pending.delete(String(id))) this.abandoned.add(String(id));
          }
          this.batches.delete(b);
          reject(this.timeoutError(`batch of ${calls.length} calls`, timeoutMs));
        }, timeoutMs);
      }
      this.batches.add(b);
      this.send(encodeBatch(ids.map((id, i) => ({ id, method: calls[i]!.method, params: calls[i]!.params ?? [] }))));
    });
  }

  /**
   * Subscribes and returns the initial result plus a stream of notification params for this
   * subscription. The stream is registered before the request goes out, because Fulcrum may
   * notify before it replies (docs/protocol.md §10). Keyed by the first param when it is a string
   * (script hash, address); headers/numblocks/peers subscriptions get every notification.
   */
  async subscribe(method: string, params: unknown[] = [], opts: RequestOptions & { key?: string } = {}): Promise<{ result: unknown; stream: AsyncIterableIterator<unknown[]> }> {
    // Notifications are matched by their first param: the subscribed one, unless `key` says
    // otherwise (1.7's scriptpubkey.subscribe is notified with the script hash).
    const key = opts.key ?? (typeof params[0] === 'string' ? params[0] : undefined);
    const sub: Subscription = {
      method,
      ...(key !== undefined ? { key } : {}),
      queue: new AsyncQueue<unknown[]>(() => this.subs.delete(sub)),
    };
    this.subs.add(sub);
    try {
      const result = await this.request(method, params, opts);
      return { result, stream: sub.queue };
    } catch (err) {
      this.subs.delete(sub);
      throw err;
    }
  }

  /** Every notification received from now on (including ones nobody subscribed to). */
  notifications(): AsyncIterableIterator<Notification> {
    const q: AsyncQueue<Notification> = new AsyncQueue<Notification>(() => this.listeners.delete(q));
    if (this.isClosed) q.end(this.closeReason);
    else this.listeners.add(q);
    return q;
  }

  /** Ends the session; outstanding requests fail with ConnectionError, streams end cleanly. */
  close(): void {
    if (this.isClosed) return;
    this.shutdown(undefined);
    this.transport.close();
  }

  private send(line: string): void {
    this.lastSend = Date.now();
    this.trace?.('send', line);
    this.transport.send(line);
  }

  private singly(calls: Call[], timeoutMs: number): Promise<CallResult[]> {
    return Promise.all(
      calls.map((c) =>
        this.request(c.method, c.params ?? [], { timeoutMs }).then(
          (result): CallResult => ({ result }),
          (err: unknown): CallResult => {
            if (err instanceof ServerError) return { error: err };
            throw err;
          },
        ),
      ),
    );
  }

  private settleBatchItem(b: BatchState, i: number, r: CallResult): void {
    if (b.results[i] !== undefined) return;
    b.results[i] = r;
    b.answered++;
    if (b.answered === b.ids.length) {
      clearTimeout(b.timer);
      this.batches.delete(b);
      this.batchSupported = true;
      b.resolve(b.results as CallResult[]);
    }
  }

  private failBatch(b: BatchState, err: unknown): void {
    if (!this.batches.delete(b)) return;
    clearTimeout(b.timer);
    for (const id of b.ids) this.pending.delete(String(id));
    b.reject(err);
  }

  /** The server answered a whole batch with one error: resend its calls one by one. */
  private retryBatchSingly(b: BatchState): void {
    this.batches.delete(b);
    clearTimeout(b.timer);
    for (const id of b.ids) this.pending.delete(String(id));
    this.batchSupported = false;
    this.singly(b.calls, b.timeoutMs).then(b.resolve, b.reject);
  }

  private onMessage(text: string): void {
    if (this.isClosed) return;
    this.trace?.('recv', text);
    if (!this.receivedAny) this.timings.firstReplyMs = performance.now() - this.readyAt;
    let msg;
    try {
      msg = decode(text);
    } catch (err) {
      const e = err as ProtocolError;
      // A non-JSON first reply on plain TCP is most likely a TLS-only port.
      const hint = !this.receivedAny && this.server.transport === 'tcp' ? tryTlsHint(this.server) : e.hint;
      this.fail(new ProtocolError(`${hostPort(this.server)}: ${e.message}`, { cause: err, ...(hint ? { hint } : {}) }));
      return;
    }
    this.receivedAny = true;
    try {
      if (msg.kind === 'batch') {
        if (msg.items.length === 0) throw new ProtocolError('server sent an empty batch reply');
        for (const item of msg.items) this.dispatch(item);
      } else {
        this.dispatch(msg);
      }
    } catch (err) {
      this.fail(err instanceof CliError ? err : new ProtocolError(String(err), { cause: err }));
    }
  }

  private dispatch(msg: SingleMessage): void {
    if (msg.kind === 'notification') return this.onNotification(msg.method, msg.params);
    if (msg.kind === 'request') return; // servers do not call clients; ignore rather than fail
    this.onResponse(msg);
  }

  private onResponse(msg: ResponseMessage): void {
    if (msg.id === null) return this.onUnattributedError(msg);
    const key = String(msg.id);
    const p = this.pending.get(key);
    if (!p) {
      if (this.abandoned.delete(key)) return;
      throw new ProtocolError(`reply with unknown id ${JSON.stringify(msg.id)}`, {
        hint: 'the server answered a request that was never sent (or answered one twice)',
      });
    }
    this.pending.delete(key);
    clearTimeout(p.timer);
    if (msg.error) p.reject(new ServerError(msg.error.code, msg.error.message, p.method));
    else p.resolve(msg.result === undefined ? null : msg.result);
  }

  /** An error with id null: a refused batch, or a request the server could not parse. */
  private onUnattributedError(msg: ResponseMessage): void {
    const err = msg.error ?? { code: 0, message: 'reply with id null' };
    const refused = [...this.batches].find((b) => b.answered === 0);
    if (refused) return this.retryBatchSingly(refused);
    if (this.pending.size === 1) {
      const [key, p] = [...this.pending][0]!;
      this.pending.delete(key);
      clearTimeout(p.timer);
      p.reject(new ServerError(err.code, err.message, p.method));
      return;
    }
    throw new ProtocolError(`server sent an error not tied to a request: ${err.code} ${err.message}`);
  }

  private onNotification(method: string, rawParams: unknown): void {
    const params = Array.isArray(rawParams) ? rawParams : [rawParams];
    for (const sub of this.subs) {
      if (sub.method !== method) continue;
      if (sub.key !== undefined && params[0] !== sub.key) continue;
      sub.queue.push(params);
    }
    for (const q of this.listeners) q.push({ method, params });
    // Anything else (ElectrumX's junk relayfee/estimatefee pushes) is ignored.
  }

  private onTransportClose(ev: CloseEvent): void {
    if (this.isClosed) return;
    this.shutdown(this.closeError(ev));
  }

  private closeError(ev: CloseEvent): CliError {
    if (ev.error) return ev.error;
    const n = this.pending.size;
    // Nothing at all came back over plain TCP: a TLS port drops our JSON silently.
    const hint = !this.receivedAny && this.server.transport === 'tcp' && (n > 0 || isTlsPort(this.server.port))
      ? tryTlsHint(this.server) : undefined;
    const opt = hint ? { hint } : {};
    const where = hostPort(this.server);
    if (ev.pendingBytes > 0) return new ConnectionError(`${where} closed the connection in the middle of a reply`, opt);
    if (n > 0) return new ConnectionError(`${where} closed the connection with ${n} request${n === 1 ? '' : 's'} unanswered`, opt);
    return new ConnectionError(`${where} closed the connection`, opt);
  }

  /** A fatal protocol problem: drop the session and fail everything with `err`. */
  private fail(err: CliError): void {
    if (this.isClosed) return;
    this.shutdown(err);
    this.transport.close();
  }

  private shutdown(reason: CliError | undefined): void {
    this.isClosed = true;
    this.dropAbortListener();
    this.closeReason = reason;
    clearInterval(this.keepaliveTimer);
    const err = reason ?? new ConnectionError(`connection to ${hostPort(this.server)} closed`);
    for (const b of [...this.batches]) this.failBatch(b, err);
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
    for (const s of [...this.subs]) s.queue.end(reason);
    for (const q of [...this.listeners]) q.end(reason);
    this.resolveClosed(reason);
  }

  private closedError(): CliError {
    return this.closeReason ?? new ConnectionError(`connection to ${hostPort(this.server)} is closed`);
  }

  private timeoutError(what: string, ms: number): TimeoutError {
    return new TimeoutError(`${what}: no reply from ${hostPort(this.server)} within ${Math.round(ms / 100) / 10} s`, {
      hint: 'the server may be overloaded; raise the limit with --timeout SECONDS',
    });
  }

  /** Pings when idle, so ElectrumX/Fulcrum (idle limit 600 s) keep long sessions open. */
  private startKeepalive(): void {
    const every = this.opts.keepaliveMs ?? DEFAULT_KEEPALIVE_MS;
    clearInterval(this.keepaliveTimer);
    // Below 1.2 server.ping does not exist and server.version may not be repeated.
    if (!(every > 0) || !this.version || cmpVersion(this.version, '1.2') < 0 || this.isClosed) return;
    this.keepaliveTimer = setInterval(() => {
      if (this.isClosed || Date.now() - this.lastSend < every) return;
      // keepalive: the session's own ping (the protocol layer sits below src/methods/)
      this.request('server.ping', [], { timeoutMs: Math.min(this.requestTimeoutMs, Math.max(every, 1000)) }).catch((err: unknown) => {
        if (err instanceof TimeoutError) {
          this.fail(new TimeoutError(`${hostPort(this.server)} stopped answering (keepalive ping timed out)`));
        }
      });
    }, Math.max(10, Math.floor(every / 2)));
    this.keepaliveTimer.unref();
  }
}
