/**
 * The simulator's misbehaving transport: bitcoind's -rpcservertimeout (an HTTP connection with
 * no read or write for that long is closed without a reply, as libevent's evhttp_set_timeout
 * does) and seeded random connection drops, idle and busy, for client-resilience tests and
 * benchmarks. Drops are off unless DropOptions are given.
 */
import crypto from 'node:crypto';
import type http from 'node:http';
import type net from 'node:net';

/** Core's DEFAULT_HTTP_SERVER_TIMEOUT (seconds). */
export const DEFAULT_RPC_SERVER_TIMEOUT = 30;

/**
 * Seeded connection drops. Each probability is per request (0..1); `rate` is the default of
 * all four. The sequence of decisions is fixed by `seed`; when they land in time still
 * depends on the client.
 */
export interface DropOptions {
  seed: string | number;
  rate?: number;
  /** Close mid-request: the request has arrived (headers at least) and is not run. */
  request?: number;
  /** Run the request, then close before any byte of the reply (its effects happened). */
  beforeResponse?: number;
  /** Run the request, send the status line, headers and about half the body, then close. */
  midResponse?: number;
  /** After a complete reply, close the idle keep-alive connection within `idleWithinMs`. */
  idle?: number;
  /** Upper bound of the random delay of an idle drop (ms, default 200). */
  idleWithinMs?: number;
}

/** What happened to connections, for tests to check that drops really occurred. */
export interface DropStats {
  request: number;
  beforeResponse: number;
  midResponse: number;
  idle: number;
  /** Connections closed by the -rpcservertimeout idle timer. */
  timeout: number;
}

/** xorshift32 seeded from the SHA-256 of the seed. */
function prng(seed: string): () => number {
  let s = crypto.createHash('sha256').update(seed).digest().readUInt32LE(0) || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 0x100000000; };
}

/** One reply, as the HTTP handler computed it. */
export interface Reply { status: number; headers: Record<string, string>; body?: string | Buffer }

/**
 * Requests carrying this header are never dropped: the test driver's own calls (mining,
 * sending) must not fail while the client under test is being tormented. Core ignores it.
 */
export const NO_DROP_HEADER = 'x-sim-no-drop';

/** Applies the timeout and the drop decisions to one http.Server. */
export class Transport {
  readonly stats: DropStats = { request: 0, beforeResponse: 0, midResponse: 0, idle: 0, timeout: 0 };
  private rnd: (() => number) | null = null;
  private drops?: DropOptions;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly timeoutSec: number, drops?: DropOptions) {
    this.setDrops(drops);
  }

  /** Turns drops on (re-seeded) or off. */
  setDrops(drops: DropOptions | undefined): void {
    this.drops = drops;
    this.rnd = drops ? prng(String(drops.seed)) : null;
  }

  /** Server options matching Core: no Keep-Alive hint header, no Node request timers (408s). */
  static serverOptions(): http.ServerOptions {
    return { keepAliveTimeout: 0, requestTimeout: 0, headersTimeout: 0 };
  }

  /** Arms the idle timer: a socket with no traffic for the timeout is closed, no reply sent. */
  attach(server: http.Server): void {
    server.timeout = this.timeoutSec * 1000;
    server.on('timeout', (socket: net.Socket) => {
      this.stats.timeout++;
      socket.destroy();
    });
  }

  private roll(which: 'request' | 'beforeResponse' | 'midResponse' | 'idle', req: http.IncomingMessage): boolean {
    if (!this.rnd || !this.drops || req.headers[NO_DROP_HEADER] !== undefined) return false;
    const p = this.drops[which] ?? this.drops.rate ?? 0;
    // Always draw, so one kind's probability does not shift the others' sequence.
    const hit = this.rnd() < p;
    if (hit) this.stats[which]++;
    return hit;
  }

  /** True when the request's connection was dropped on arrival (the caller stops there). */
  dropOnArrival(req: http.IncomingMessage): boolean {
    if (!this.roll('request', req)) return false;
    req.socket.destroy();
    return true;
  }

  /** Sends a reply, or drops the connection before or partway through it. */
  send(req: http.IncomingMessage, res: http.ServerResponse, r: Reply): void {
    const socket = res.socket;
    if (this.roll('beforeResponse', req)) {
      socket?.destroy();
      return;
    }
    const body = r.body === undefined ? undefined : Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body);
    if (body && body.length > 1 && this.roll('midResponse', req)) {
      res.writeHead(r.status, { ...r.headers, 'Content-Length': String(body.length) });
      res.write(body.subarray(0, body.length >> 1), () => socket?.destroy());
      return;
    }
    // libevent always sends Content-Length (no chunked replies).
    res.writeHead(r.status, { ...r.headers, 'Content-Length': String(body?.length ?? 0) }).end(body);
    if (socket && this.roll('idle', req)) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        socket.destroy();
      }, Math.floor(this.rnd!() * (this.drops!.idleWithinMs ?? 200)));
      this.timers.add(t);
    }
  }

  /** Cancels pending idle drops (server stopping). */
  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
