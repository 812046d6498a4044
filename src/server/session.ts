/**
 * One client connection (cf. ElectrumX's ElectrumX session class): the negotiated version,
 * its subscriptions, and the dispatch of each incoming message through the registry to a
 * handler. Transport-agnostic: the listener feeds it complete messages and gives it a
 * Transport to write to. Messages are handled one at a time, in order; notifications raised
 * while a message is being handled are held back until its reply is written, so a client
 * never sees a notification for a subscription before the reply that created it.
 */
import { BackendError, type Backend } from './api.js';
import { bindParams } from './bind.js';
import { HANDLERS, RawJson, RpcError, type Handler, type HandlerContext, type ServerInfo, type SessionApi } from './handlers/index.js';
import { BANDWIDTH_UNIT, ERROR_COST, PARSE_ERROR_COST, methodCost, type Limits } from './limits.js';
import { findMethod } from '../methods/registry.js';
import { availableAt } from '../methods/spec.js';
import { RPC, decodeRequests, encodeError, encodeNotification, encodeResult, type RequestMessage } from '../protocol/jsonrpc.js';
import { PROTOCOL_MAX } from '../protocol/version.js';
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
  private busy = false;
  private paused = false;
  private held: string[] = [];
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
    if (!this.busy) void this.pump();
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
    this.write(encodeError(null, code, message));
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
    if (this.busy) this.held.push(text);
    else this.write(text);
  }

  /** A changed status for a subscribed script hash (called by the manager's fan-out). */
  statusChanged(scripthash: string, status: string | null): void {
    const sub = this.subs.get(scripthash);
    if (!sub || sub.status === status) return;
    sub.status = status;
    if (sub.scripthash) this.notify('blockchain.scripthash.subscribe', [scripthash, status]);
    if (sub.addresses) for (const a of sub.addresses) this.notify('blockchain.address.subscribe', [a, status]);
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

  private addSub(delta: number): void {
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

  private async pump(): Promise<void> {
    this.busy = true;
    try {
      while (this.inbox.length > 0 && !this.isClosed) {
        const text = this.inbox.shift()!;
        if (this.paused && this.inbox.length <= RESUME_AT) {
          this.paused = false;
          this.transport.resume();
        }
        const { reply, disconnect } = await this.handleMessage(text);
        if (this.isClosed) break;
        if (reply !== null) this.write(reply);
        const held = this.held;
        this.held = [];
        for (const n of held) this.write(n);
        if (disconnect) this.close();
      }
    } finally {
      this.busy = false;
    }
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
   * to notify a server of) or a batch. Returns the reply text (null when none is due) and
   * whether to close the session after sending it.
   */
  async handleMessage(text: string): Promise<{ reply: string | null; disconnect: boolean }> {
    this.idleTimer?.refresh();
    const { limits } = this.host;
    // The bytes were charged as they arrived (received()); the request's own charge judges them.
    const decoded = decodeRequests(text);
    if (!decoded.ok) {
      if (!this.charge(decoded.code === RPC.PARSE_ERROR ? PARSE_ERROR_COST : ERROR_COST)) return this.excessive(null);
      return { reply: decoded.reply, disconnect: false };
    }
    if (decoded.batch && decoded.items.length > limits.maxBatch) {
      if (!this.charge(ERROR_COST)) return this.excessive(null);
      return { reply: encodeError(null, RPC.LIMIT_EXCEEDED, `batch limit exceeded (over ${limits.maxBatch} requests)`), disconnect: false };
    }
    const replies: string[] = [];
    let size = 2;
    let disconnect = false;
    for (const item of decoded.items) {
      if (item.kind === 'notification') continue;
      let reply: string;
      if (disconnect) {
        // The session is going away (version refused, budget exhausted): do no more work.
        if (item.kind !== 'request') continue;
        reply = encodeError(item.id, RPC.EXCESSIVE_RESOURCE_USAGE, 'session closing');
      } else if (item.kind === 'invalid') {
        this.charge(ERROR_COST);
        reply = encodeError(item.id, RPC.INVALID_REQUEST, item.message);
      } else {
        const r = await this.call(item);
        if (this.isClosed) return { reply: null, disconnect: true };
        reply = r.reply;
        disconnect ||= r.disconnect;
      }
      const bytes = Buffer.byteLength(reply) + 1;
      if (size + bytes > limits.maxResponse && 'id' in item) {
        reply = encodeError(item.id, RPC.INVALID_REQUEST, `response too large (over ${limits.maxResponse} bytes)`);
        this.charge(ERROR_COST);
      } else {
        size += bytes;
      }
      replies.push(reply);
    }
    if (!decoded.batch) return { reply: replies[0] ?? null, disconnect };
    return { reply: replies.length > 0 ? `[${replies.join(',')}]` : null, disconnect };
  }

  private excessive(id: RequestMessage['id'] | null): { reply: string; disconnect: boolean } {
    this.host.log(`session ${this.id} (${this.remoteAddress}): closed, excessive resource usage`);
    return { reply: encodeError(id, RPC.EXCESSIVE_RESOURCE_USAGE, 'excessive resource usage'), disconnect: true };
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
      if (!spec || !availableAt(spec, version)) throw new RpcError(RPC.METHOD_NOT_FOUND, `unknown method "${shortName(method)}"`);
      const args = bindParams(spec, version, req.params, method === 'server.version');
      const ctx: HandlerContext = { backend: this.host.backend, network: this.host.network, version, session: this, info: this.host.info };
      const handler = Object.hasOwn(HANDLERS, spec.name) ? (HANDLERS as Record<string, Handler>)[spec.name] : undefined;
      if (!handler) throw new RpcError(RPC.METHOD_NOT_FOUND, `unknown method "${shortName(method)}"`);
      const result = await handler(ctx, args);
      return { reply: result instanceof RawJson ? encodeRawResult(id, result.json) : encodeResult(id, result), disconnect: false };
    } catch (e) {
      this.charge(ERROR_COST);
      if (e instanceof RpcError) return { reply: encodeError(id, e.code, e.message), disconnect: e.disconnect };
      if (e instanceof BackendError) return { reply: encodeError(id, e.code, e.message), disconnect: false };
      // One short line: the request is untrusted, and a stack per request would be a cheap log flood.
      const where = e instanceof Error ? (e.stack?.split('\n').find((l) => l.trim().startsWith('at '))?.trim() ?? '') : '';
      this.host.log(`session ${this.id}: internal error in ${shortName(method)}: ${oneLine(e instanceof Error ? e.message : String(e), 200)}${where ? ` (${where})` : ''}`);
      return { reply: encodeError(id, RPC.INTERNAL_ERROR, 'internal server error'), disconnect: false };
    }
  }
}
