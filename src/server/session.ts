/**
 * One client connection (cf. ElectrumX's ElectrumX session class): the negotiated version,
 * its subscriptions, and the dispatch of each incoming message through the registry to a
 * handler. Transport-agnostic: the listener feeds it complete messages and gives it a
 * Transport to write to.
 *
 * Scheduling (as aiorpcX does it): until server.version is answered messages are handled one
 * at a time; after it, up to MAX_IN_FLIGHT at once, each reply sent when it is ready (clients
 * match replies by id), a batch's replies kept in the batch's order. A request that takes
 * longer than --request-timeout (default 30 s, e.g. stuck on bitcoind) is answered -102
 * "server busy - request timed out". Work yields to the event loop every few requests, so a
 * 1,000-request batch does not hold every other session up. Notifications raised while a
 * subscribe is being answered wait for that reply, so a client never sees a notification for
 * a subscription before the reply that created it. The JSON-RPC dialect (2.0, 1.0 or loose)
 * is fixed by the first message (dialect.ts).
 */
import type { Backend } from './api.js';
import { bindParams } from './bind.js';
import { HANDLERS, RawJson, RpcError, type Handler, type HandlerContext, type ServerInfo, type SessionApi } from './handlers/index.js';
import { BANDWIDTH_UNIT, ERROR_COST, PARSE_ERROR_COST, methodCost, type Limits } from './limits.js';
import { findMethod } from '../methods/registry.js';
import { servedAt } from '../methods/spec.js';
import { RPC, encodeError, encodeNotification, type RequestMessage } from '../protocol/jsonrpc.js';
import { decodeIn, detectDialect, errorIn, notificationIn, rawResultIn, resultIn, type Dialect } from './dialect.js';
import { PROTOCOL_MAX, cmpVersion } from '../protocol/version.js';
import { oneLine } from '../errors.js';
import type { NetworkName } from '../bitcoin/networks.js';

/** Where a session writes. The listener frames (a newline for TCP/TLS, a frame for WebSocket). */
export interface Transport {
  readonly kind: 'tcp' | 'tls' | 'ws';
  /** The peer's IP address. */
  readonly remoteAddress: string;
  send(text: string): void;
  /** Bytes written but not yet taken by the peer. */
  bufferedBytes(): number;
  /** Ends the connection once what was sent is flushed. */
  close(): void;
  /** Stop / restart reading (back-pressure on clients that pipeline without waiting). */
  pause(): void;
  resume(): void;
}

/** What a session needs from the process-wide manager. */
export interface SessionHost {
  readonly backend: Backend;
  readonly network: NetworkName;
  readonly limits: Limits;
  readonly info: ServerInfo;
  /** Charges the session's IP; false means the budget is exhausted. */
  charge(session: Session, cost: number): boolean;
  /** Subscriptions across all sessions: `delta` added, and whether one more fits (limits.maxSubsTotal). */
  countSubs(delta: number): void;
  subsFull(): boolean;
  /** Bytes queued across all sessions (walks them: called only for a session with a backlog). */
  queuedTotal(): number;
  /** The status of `scripthash`, re-read if an update arrived while it was computed. */
  stableStatus(scripthash: string): Promise<string | null>;
  indexScripthash(session: Session, scripthash: string, on: boolean): void;
  indexHeaders(session: Session, on: boolean): void;
  indexNumblocks(session: Session, on: boolean): void;
  closed(session: Session): void;
  log(line: string): void;
}

/** One subscribed script hash: under its own name, and/or as addresses (1.0-1.2). */
interface Subscription {
  status: string | null;
  scripthash: boolean;
  addresses: Set<string> | null;
}

/** encodeResult for a result that is already JSON text (same member order, no re-encoding). */
export function encodeRawResult(id: RequestMessage['id'], json: string): string {
  return `{"jsonrpc":"2.0","result":${json},"id":${JSON.stringify(id)}}`;
}

/** A client-chosen method name as error texts and logs quote it: printable, at most 100 characters. */
function shortName(method: string): string {
  return oneLine(method, 100);
}

/** A session with this much output queued makes the server-wide total worth adding up. */
const TOTAL_CHECK_AT = 1_000_000;

/** Messages queued beyond this pause reading until the backlog falls to RESUME_AT. */
const PAUSE_AT = 64;
const RESUME_AT = 8;
/** Messages of one session handled at once (after server.version). */
const MAX_IN_FLIGHT = 16;
/** Requests handled between two yields to the event loop (fairness between sessions). */
const YIELD_EVERY = 16;
/** Items of one batch in progress at once. */
const BATCH_CONCURRENCY = 8;

const yieldTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

let nextId = 1;

export class Session implements SessionApi {
  readonly id = nextId++;
  version: string | null = null;
  clientName = '';
  /** Subscribed script hashes. */
  readonly subs = new Map<string, Subscription>();
  /** Subscriptions counted against the limit (a script hash and each address count once). */
  subCount = 0;
  headerShape: 'raw' | 'deserialized' | null = null;
  numblocks = false;
  isClosed = false;

  private readonly inbox: string[] = [];
  private paused = false;
  /** Messages being handled. */
  private inFlight = 0;
  /** Subscribe requests being answered: notifications wait in `held` while there are any. */
  private subscribing = 0;
  private held: string[] = [];
  /** Requests handled since the last yield to the event loop. */
  private sinceYield = 0;
  /** Fixed by the first message (aiorpcX's JSONRPCAutoDetect). */
  dialect: Dialect | null = null;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly host: SessionHost,
    readonly transport: Transport,
  ) {
    this.armIdleTimer();
  }

  get remoteAddress(): string {
    return this.transport.remoteAddress;
  }

  /** Feeds one complete incoming message (a line without its newline, or a WebSocket frame). */
  receive(text: string): void {
    if (this.isClosed) return;
    this.inbox.push(text);
    if (this.inbox.length >= PAUSE_AT && !this.paused) {
      this.paused = true;
      this.transport.pause();
    }
    this.drain();
  }

  /**
   * Charges `bytes` just read from the peer (docs/protocol.md §8: every byte in counts, framed
   * into a message or not: blank lines, a line that grew too long, a binary frame). The
   * listener calls it for every chunk, before the messages it completes are received.
   * `withMessage`: the chunk completes at least one message, which will be judged by its own
   * charge (so its -101 carries its id); otherwise an exhausted budget closes the session now.
   */
  received(bytes: number, withMessage: boolean): boolean {
    if (this.isClosed) return false;
    if (this.charge(bytes / BANDWIDTH_UNIT) || withMessage) return true;
    this.write(this.excessive(null).reply);
    this.close();
    return false;
  }

  /** Answers a message that broke a transport limit, then closes (the line is never parsed). */
  reject(code: number, message: string): void {
    if (this.isClosed) return;
    this.charge(ERROR_COST);
    this.write(errorIn(this.dialect, null, code, message));
    this.close();
  }

  /** Ends the session; idempotent. Also called when the peer went away. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    clearTimeout(this.idleTimer);
    this.inbox.length = 0;
    this.held = [];
    this.host.closed(this);
    this.transport.close();
  }

  /** Sends a notification now, or after the reply being prepared. */
  notify(method: string, params: unknown[]): void {
    this.sendNotification(encodeNotification(method, params));
  }

  /** As notify, with the message already encoded (one encoding shared by many sessions). */
  sendNotification(text: string): void {
    if (this.isClosed) return;
    const t = notificationIn(this.dialect, text);
    if (this.subscribing > 0) this.held.push(t);
    else this.write(t);
  }

  /** A changed status for a subscribed script hash (called by the manager's fan-out). */
  statusChanged(scripthash: string, status: string | null): void {
    const sub = this.subs.get(scripthash);
    if (!sub || sub.status === status) return;
    sub.status = status;
    if (sub.scripthash) this.notify(this.statusMethod(), [scripthash, status]);
    if (sub.addresses) for (const a of sub.addresses) this.notify('blockchain.address.subscribe', [a, status]);
  }

  /** At the 1.7 draft ElectrumX notifies statuses as scriptpubkey.subscribe (still with the script hash). */
  private statusMethod(): string {
    return this.version !== null && cmpVersion(this.version, '1.7') >= 0 ? 'blockchain.scriptpubkey.subscribe' : 'blockchain.scripthash.subscribe';
  }

  /**
   * A subscribed script hash whose status cannot be computed any more (history too large):
   * ElectrumX's subscription_address_status notifies it as null under each name and drops it.
   */
  dropScripthash(scripthash: string): void {
    const sub = this.subs.get(scripthash);
    if (!sub) return;
    if (sub.scripthash) this.notify(this.statusMethod(), [scripthash, null]);
    for (const a of sub.addresses ?? []) this.notify('blockchain.address.subscribe', [a, null]);
    this.addSub(-((sub.scripthash ? 1 : 0) + (sub.addresses?.size ?? 0)));
    this.subs.delete(scripthash);
    this.host.indexScripthash(this, scripthash, false);
  }

  // ---- SessionApi (used by handlers) ----

  setVersion(version: string, clientName: string): void {
    this.version = version;
    this.clientName = clientName;
  }

  async subscribeScripthash(scripthash: string, alias?: string): Promise<string | null> {
    const existing = this.subs.get(scripthash);
    const isNew = !existing || (alias === undefined ? !existing.scripthash : !existing.addresses?.has(alias));
    if (isNew && (this.subCount >= this.host.limits.maxSubs || this.host.subsFull())) {
      throw new RpcError(RPC.LIMIT_EXCEEDED, 'Subscription limit reached');
    }
    const status = await this.host.stableStatus(scripthash);
    if (this.isClosed) return status;
    let sub = this.subs.get(scripthash);
    if (!sub) {
      sub = { status, scripthash: false, addresses: null };
      this.subs.set(scripthash, sub);
      this.host.indexScripthash(this, scripthash, true);
    }
    sub.status = status;
    if (alias === undefined) {
      if (!sub.scripthash) this.addSub(1);
      sub.scripthash = true;
    } else {
      sub.addresses ??= new Set();
      if (!sub.addresses.has(alias)) this.addSub(1);
      sub.addresses.add(alias);
    }
    return status;
  }

  unsubscribeScripthash(scripthash: string): boolean {
    const sub = this.subs.get(scripthash);
    if (!sub || !sub.scripthash) return false;
    sub.scripthash = false;
    this.addSub(-1);
    if (!sub.addresses || sub.addresses.size === 0) {
      this.subs.delete(scripthash);
      this.host.indexScripthash(this, scripthash, false);
    }
    return true;
  }

  /** Counts subscriptions of this session (and server-wide); the manager's outpoint ones too. */
  addSub(delta: number): void {
    this.subCount += delta;
    this.host.countSubs(delta);
  }

  subscribeHeaders(shape: 'raw' | 'deserialized'): void {
    this.headerShape = shape;
    this.host.indexHeaders(this, true);
  }

  subscribeNumblocks(): void {
    this.numblocks = true;
    this.host.indexNumblocks(this, true);
  }

  // ---- message handling ----

  /** Starts queued messages: one at a time until server.version is answered, then up to MAX_IN_FLIGHT. */
  private drain(): void {
    while (this.inbox.length > 0 && !this.isClosed && this.inFlight < (this.version === null ? 1 : MAX_IN_FLIGHT)) {
      const text = this.inbox.shift()!;
      if (this.paused && this.inbox.length <= RESUME_AT) {
        this.paused = false;
        this.transport.resume();
      }
      this.inFlight++;
      void this.handleOne(text).finally(() => {
        this.inFlight--;
        this.drain();
      });
    }
  }

  private async handleOne(text: string): Promise<void> {
    const subs = countSubscribes(text);
    this.subscribing += subs;
    try {
      const { reply, disconnect } = await this.handleMessage(text);
      if (this.isClosed) return;
      if (reply !== null) this.write(reply);
      if (disconnect) this.close();
    } catch (e) {
      this.host.log(`session ${this.id}: ${oneLine(e instanceof Error ? e.message : String(e), 200)}`);
    } finally {
      this.subscribing -= subs;
      if (this.subscribing === 0 && this.held.length > 0) {
        const held = this.held;
        this.held = [];
        for (const n of held) this.write(n);
      }
    }
  }

  /** Yields to the event loop every YIELD_EVERY requests, so other sessions are served meanwhile. */
  private async fairTurn(): Promise<void> {
    if (++this.sinceYield < YIELD_EVERY) return;
    this.sinceYield = 0;
    await yieldTurn();
  }

  private write(text: string): void {
    if (this.isClosed) return;
    this.transport.send(text);
    this.charge(Buffer.byteLength(text) / BANDWIDTH_UNIT);
    const { maxBuffer, maxQueuedTotal } = this.host.limits;
    const queued = this.transport.bufferedBytes();
    if (queued > maxBuffer) {
      this.host.log(`session ${this.id} (${this.remoteAddress}): closed, not reading its replies`);
      this.close();
    } else if (queued > Math.min(TOTAL_CHECK_AT, maxQueuedTotal / 4) && this.host.queuedTotal() > maxQueuedTotal) {
      // Many slow readers together could hold sessions × maxBuffer: the one adding to the pile goes.
      this.host.log(`session ${this.id} (${this.remoteAddress}): closed, output queued across sessions over ${maxQueuedTotal} bytes`);
      this.close();
    }
  }

  private charge(cost: number): boolean {
    return this.host.charge(this, cost);
  }

  private armIdleTimer(): void {
    const secs = this.host.limits.idleTimeout;
    if (!(secs > 0)) return;
    this.idleTimer = setTimeout(() => {
      this.host.log(`session ${this.id} (${this.remoteAddress}): closed after ${secs} s without a request`);
      this.close();
    }, secs * 1000);
    this.idleTimer.unref();
  }

  /**
   * Handles one incoming message: a request, a notification (ignored: clients have nothing
   * to notify a server of; 1.7's server.ping notification included), a response (ignored) or
   * a batch. Returns the reply text (null when none is due) and whether to close the session
   * after sending it.
   */
  async handleMessage(text: string): Promise<{ reply: string | null; disconnect: boolean }> {
    this.idleTimer?.refresh();
    const { limits } = this.host;
    let parsed: { value: unknown } | undefined;
    if (this.dialect === null) {
      try {
        parsed = { value: JSON.parse(text) };
        this.dialect = detectDialect(parsed.value);
      } catch {
        // Not JSON: answered below; the dialect waits for a message that is.
      }
    }
    const dialect = this.dialect ?? 'loose';
    // The bytes were charged as they arrived (received()); the request's own charge judges them.
    const decoded = decodeIn(dialect, text, parsed);
    if (!decoded.ok) {
      if (!this.charge(decoded.code === RPC.PARSE_ERROR ? PARSE_ERROR_COST : ERROR_COST)) return this.excessive(null);
      return { reply: errorIn(dialect, null, decoded.code, decoded.message), disconnect: false };
    }
    if (decoded.batch && decoded.items.length > limits.maxBatch) {
      if (!this.charge(ERROR_COST)) return this.excessive(null);
      return { reply: errorIn(dialect, null, RPC.LIMIT_EXCEEDED, `batch limit exceeded (over ${limits.maxBatch} requests)`), disconnect: false };
    }
    const replies: (string | null)[] = new Array(decoded.items.length).fill(null);
    let disconnect = false;
    const one = async (i: number): Promise<void> => {
      const item = decoded.items[i]!;
      if (item.kind === 'notification' || item.kind === 'ignored') return;
      if (disconnect) {
        // The session is going away (version refused, budget exhausted): do no more work.
        if (item.kind === 'request') replies[i] = errorIn(dialect, item.id, RPC.EXCESSIVE_RESOURCE_USAGE, 'session closing');
        return;
      }
      if (item.kind === 'invalid') {
        this.charge(ERROR_COST);
        replies[i] = errorIn(dialect, item.id, item.code, item.message);
        return;
      }
      await this.fairTurn();
      const r = await this.call(item);
      replies[i] = r.reply;
      disconnect ||= r.disconnect;
    };
    if (!decoded.batch || this.version === null) {
      for (let i = 0; i < decoded.items.length && !this.isClosed; i++) await one(i);
    } else {
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < decoded.items.length && !this.isClosed) await one(next++);
      };
      await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, decoded.items.length) }, worker));
    }
    if (this.isClosed) return { reply: null, disconnect: true };
    // The response budget, in the batch's order (an item past it is answered -32600).
    let size = 2;
    const out: string[] = [];
    decoded.items.forEach((item, i) => {
      let reply = replies[i];
      if (reply === null || reply === undefined) return;
      const bytes = Buffer.byteLength(reply) + 1;
      if (size + bytes > limits.maxResponse && 'id' in item) {
        reply = errorIn(dialect, item.id, RPC.INVALID_REQUEST, `response too large (over ${limits.maxResponse} bytes)`);
        this.charge(ERROR_COST);
      } else {
        size += bytes;
      }
      out.push(reply);
    });
    if (!decoded.batch) return { reply: out[0] ?? null, disconnect };
    return { reply: out.length > 0 ? `[${out.join(',')}]` : null, disconnect };
  }

  private excessive(id: RequestMessage['id'] | null): { reply: string; disconnect: boolean } {
    this.host.log(`session ${this.id} (${this.remoteAddress}): closed, excessive resource usage`);
    return { reply: errorIn(this.dialect, id, RPC.EXCESSIVE_RESOURCE_USAGE, 'excessive resource usage'), disconnect: true };
  }

  /** One request: gatekeeping (budget, version first, method table), binding, handler. */
  private async call(req: RequestMessage): Promise<{ reply: string; disconnect: boolean }> {
    const { id, method } = req;
    // findMethod is a Map look-up: a name such as "constructor" finds nothing, not Object's.
    const spec = findMethod(method);
    if (!this.charge(methodCost(spec))) return this.excessive(id);
    try {
      if (this.version === null && method !== 'server.version') {
        // ElectrumX: protocol 1.6 requires server.version first; we hold every session to it.
        throw new RpcError(RPC.BAD_REQUEST, 'use server.version to identify client', true);
      }
      const version = this.version ?? PROTOCOL_MAX;
      if (!spec || !servedAt(spec, version)) throw new RpcError(RPC.METHOD_NOT_FOUND, `unknown method "${shortName(method)}"`);
      const args = bindParams(spec, version, req.params, method === 'server.version');
      const ctx: HandlerContext = { backend: this.host.backend, network: this.host.network, version, session: this, info: this.host.info };
      const handler = Object.hasOwn(HANDLERS, spec.name) ? (HANDLERS as Record<string, Handler>)[spec.name] : undefined;
      if (!handler) throw new RpcError(RPC.METHOD_NOT_FOUND, `unknown method "${shortName(method)}"`);
      const result = await this.withTimeout(handler(ctx, args), method);
      const d = this.dialect ?? 'loose';
      return { reply: result instanceof RawJson ? rawResultIn(d, id, result.json) : resultIn(d, id, result), disconnect: false };
    } catch (e) {
      this.charge(ERROR_COST);
      if (e instanceof RpcError) return { reply: errorIn(this.dialect, id, e.code, e.message), disconnect: e.disconnect };
      // One short line: the request is untrusted, and a stack per request would be a cheap log flood.
      const where = e instanceof Error ? (e.stack?.split('\n').find((l) => l.trim().startsWith('at '))?.trim() ?? '') : '';
      this.host.log(`session ${this.id}: internal error in ${shortName(method)}: ${oneLine(e instanceof Error ? e.message : String(e), 200)}${where ? ` (${where})` : ''}`);
      return { reply: errorIn(this.dialect, id, RPC.INTERNAL_ERROR, 'internal server error'), disconnect: false };
    }
  }

  /**
   * aiorpcX's processing_timeout: a handler still running after --request-timeout seconds
   * (0: never) is answered -102 "server busy - request timed out"; its late result is dropped.
   */
  private withTimeout<T>(work: T | Promise<T>, method: string): Promise<T> {
    const secs = this.host.limits.requestTimeout;
    if (!(secs > 0) || !(work instanceof Promise)) return Promise.resolve(work);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.host.log(`session ${this.id}: ${shortName(method)} timed out after ${secs} s`);
        reject(new RpcError(RPC.SERVER_BUSY, 'server busy - request timed out'));
      }, secs * 1000);
      timer.unref();
    });
    work.catch(() => {}); // a late failure is not unhandled
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }
}

/** Subscribe requests in a message (their replies must precede notifications), by a cheap scan. */
function countSubscribes(text: string): number {
  let n = 0;
  for (let i = text.indexOf('.subscribe"'); i >= 0; i = text.indexOf('.subscribe"', i + 1)) n++;
  return n;
}
