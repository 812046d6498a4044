/**
 * Anti-DoS limits of the embedded server (docs/protocol.md §8) and the per-IP cost meter.
 * Pure: the clock is passed in. The cost model is a simplified ElectrumX one: every request
 * has a cost in ElectrumX's units, errors cost 100 and parse errors 1,100, and every 5,000
 * bytes in or out cost 1. Each client IP has a token bucket of `costLimit` units refilled at
 * `costRate` units per second; a request that finds the bucket empty is answered -101
 * "excessive resource usage" and the session is closed. Loopback clients are exempt unless
 * `limitLoopback` is set.
 */
import { isIP } from 'node:net';

export interface Limits {
  /** Concurrent sessions; a connection beyond it gets -102 and is closed. */
  maxSessions: number;
  /** Subscriptions (script hashes and addresses) per session; beyond it error 4. */
  maxSubs: number;
  /** Bytes per incoming message (line or WebSocket frame); larger: -32600, then closed. */
  maxRequest: number;
  /** Bytes per reply; larger: -32600 "response too large (over N bytes)". */
  maxResponse: number;
  /** Requests per batch; beyond it error 4. */
  maxBatch: number;
  /** Seconds without a request before a session is closed (0: never). */
  idleTimeout: number;
  /** Per-IP token bucket size, in cost units. */
  costLimit: number;
  /** Per-IP refill, cost units per second. */
  costRate: number;
  /** Meter loopback clients too (they are exempt by default). */
  limitLoopback: boolean;
  /** Bytes queued for a client that does not read; beyond it the session is closed. */
  maxBuffer: number;
  /** Bytes queued across all sessions; beyond it the session adding to it is closed. */
  maxQueuedTotal: number;
  /** Subscriptions across all sessions; beyond it error 4, as per session. */
  maxSubsTotal: number;
  /** Sessions per client IP (loopback exempt unless `limitLoopback`); beyond it -102. */
  maxSessionsPerIp: number;
  /** Connections still in their TLS handshake or WebSocket upgrade; beyond it new ones are dropped. */
  maxHalfOpen: number;
  /** Seconds a connection may take for its TLS handshake, WebSocket upgrade or PROXY header. */
  handshakeTimeout: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxSessions: 1000,
  maxSubs: 100_000,
  maxRequest: 1_000_000,
  maxResponse: 8_100_000,
  maxBatch: 1000,
  idleTimeout: 600,
  costLimit: 10_000,
  costRate: 100,
  limitLoopback: false,
  maxBuffer: 32_000_000,
  maxQueuedTotal: 256_000_000,
  maxSubsTotal: 1_000_000,
  maxSessionsPerIp: 20,
  maxHalfOpen: 100,
  handshakeTimeout: 10,
});

export const ERROR_COST = 100;
export const PARSE_ERROR_COST = 1100;
export const BANDWIDTH_UNIT = 5000;

/** The charge for a method the registry does not know (its error costs ERROR_COST more). */
export const UNKNOWN_METHOD_COST = 1;

/**
 * The charge for one call of a method: its registry record's `cost` (src/methods/*), or
 * UNKNOWN_METHOD_COST when the registry (a Map: no inherited names) does not know it.
 */
export function methodCost(spec: { cost: number } | undefined): number {
  return spec ? spec.cost : UNKNOWN_METHOD_COST;
}

/** A cost or rate that can be added to a bucket: finite and not negative. */
function isAmount(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0;
}

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopback(ip: string): boolean {
  const a = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (a === '::1') return true;
  return isIP(a) === 4 && a.startsWith('127.');
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Per-IP token buckets; buckets outlive sessions, so reconnecting does not reset the meter. */
export class CostMeter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly limits: Pick<Limits, 'costLimit' | 'costRate' | 'limitLoopback'>) {
    // A NaN or negative limit would make every comparison below false: nobody ever refused.
    if (!(isAmount(limits.costLimit) && limits.costLimit > 0)) throw new RangeError(`cost limit must be a positive number, got ${limits.costLimit}`);
    if (!isAmount(limits.costRate)) throw new RangeError(`cost rate must be a non-negative number, got ${limits.costRate}`);
  }

  /** True when `ip` is metered at all. */
  metered(ip: string): boolean {
    return this.limits.limitLoopback || !isLoopback(ip);
  }

  /**
   * Charges `cost` to `ip` at time `nowMs`; false when the bucket was already empty. A cost
   * that is not a finite non-negative number is a bug and throws before touching the bucket.
   */
  charge(ip: string, cost: number, nowMs: number): boolean {
    if (!isAmount(cost)) throw new RangeError(`invalid cost ${String(cost)}`);
    if (!this.metered(ip)) return true;
    const { costLimit, costRate } = this.limits;
    let b = this.buckets.get(ip);
    if (!b) {
      if (this.buckets.size >= 100_000) this.sweep(nowMs);
      b = { tokens: costLimit, at: nowMs };
      this.buckets.set(ip, b);
    }
    b.tokens = Math.min(costLimit, b.tokens + ((nowMs - b.at) / 1000) * costRate);
    b.at = nowMs;
    if (b.tokens <= 0) return false;
    b.tokens -= cost;
    return true;
  }

  /** Units left for `ip` (for tests and logs). */
  remaining(ip: string, nowMs: number): number {
    const b = this.buckets.get(ip);
    if (!b) return this.limits.costLimit;
    return Math.min(this.limits.costLimit, b.tokens + ((nowMs - b.at) / 1000) * this.limits.costRate);
  }

  /** Forgets buckets that have refilled completely. */
  sweep(nowMs: number): void {
    for (const [ip, b] of this.buckets) {
      if (b.tokens + ((nowMs - b.at) / 1000) * this.limits.costRate >= this.limits.costLimit) this.buckets.delete(ip);
    }
  }
}
