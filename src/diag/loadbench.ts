/**
 * `bench`: a load generator. N concurrent sessions each send one request at a time from a
 * method mix over a set of script hashes (and txids), for a duration or a request count, and
 * report throughput, latency percentiles and errors by kind. bench/server-load.ts uses it.
 */
import { CliError, ServerError, TimeoutError } from '../errors.js';
import { Connection, type ConnectionOptions } from '../protocol/connection.js';
import type { ServerAddress } from '../protocol/server-address.js';
import { roundMs, summarize, type LatencySummary } from './stats.js';
import { call } from '../methods/call.js';
import { headersSubscribe } from '../methods/blockchain.js';
import { tipOf } from '../methods/normalise.js';

/** The mix's method names (short). */
export type BenchMethod = 'header' | 'history' | 'balance' | 'listunspent' | 'transaction';
export const BENCH_METHODS: readonly BenchMethod[] = ['header', 'history', 'balance', 'listunspent', 'transaction'];

export interface LoadBenchOptions {
  server: ServerAddress;
  connection?: Omit<ConnectionOptions, 'server'>;
  /** Concurrent sessions (default 10). */
  sessions?: number;
  /** Run this long (default 10 s unless `requests` is given). */
  durationMs?: number;
  /** Or stop after this many requests in all. */
  requests?: number;
  /** Relative weights (default equal over the methods with inputs). */
  mix?: Partial<Record<BenchMethod, number>>;
  scripthashes: readonly string[];
  txids?: readonly string[];
  /** Highest header height to ask for (default: the tip). */
  maxHeight?: number;
  /** Seed of the request sequence (deterministic runs). */
  seed?: number;
  /** Progress, about once a second. */
  onProgress?: (done: number, elapsedMs: number) => void;
}

/** The --json shape of bench. */
export interface LoadBenchStats {
  sessions: number;
  requests: number;
  errors: number;
  errorsByKind: Record<string, number>;
  elapsedMs: number;
  throughput: number;
  /** Latency of the answered requests. */
  latency: LatencySummary;
  /** Latency of the requests answered with an error (how long a refusal takes). */
  errorLatency: LatencySummary;
  byMethod: Record<string, { requests: number; errors: number; latency: LatencySummary }>;
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

function errorKind(err: unknown): string {
  if (err instanceof ServerError) return `server error ${err.code}`;
  if (err instanceof TimeoutError) return 'timeout';
  if (err instanceof CliError && err.exitCode === 3) return 'connection';
  if (err instanceof CliError && err.exitCode === 5) return 'invalid reply';
  return 'other';
}

/** Runs the load; throws only when no session can connect. */
export async function runLoadBench(opts: LoadBenchOptions): Promise<LoadBenchStats> {
  const n = opts.sessions ?? 10;
  const conns = await Promise.all(Array.from({ length: n }, () => Connection.open({ ...(opts.connection ?? {}), server: opts.server, keepaliveMs: 0 })));
  try {
    let maxHeight = opts.maxHeight;
    if (maxHeight === undefined) {
      maxHeight = tipOf(await call(conns[0]!, headersSubscribe)) ?? 0;
    }
    const txids = opts.txids ?? [];
    const weights = BENCH_METHODS.map((m) => {
      const w = opts.mix ? opts.mix[m] ?? 0 : 1;
      if (m === 'transaction' && txids.length === 0) return 0;
      if (m !== 'header' && m !== 'transaction' && opts.scripthashes.length === 0) return 0;
      return w;
    });
    const total = weights.reduce((a, b) => a + b, 0);
    if (total <= 0) throw new CliError('bench: the method mix is empty (give script hashes, txids or header weight)');
    const durationMs = opts.requests === undefined ? opts.durationMs ?? 10_000 : Infinity;
    const budget = opts.requests ?? Infinity;
    const all: number[] = [];
    const failed: number[] = [];
    const per = new Map<string, { lat: number[]; errors: number }>();
    const errorsByKind: Record<string, number> = {};
    let issued = 0;
    let errors = 0;
    const t0 = performance.now();
    let lastProgress = t0;
    const session = async (conn: Connection, k: number) => {
      const rand = rng((opts.seed ?? 1) * 7919 + k);
      const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
      while (issued < budget && performance.now() - t0 < durationMs) {
        issued++;
        let r = rand() * total;
        let mi = 0;
        while (r >= weights[mi]!) r -= weights[mi++]!;
        const m = BENCH_METHODS[mi]!;
        const [method, params]: [string, unknown[]] =
          m === 'header' ? ['blockchain.block.header', [Math.floor(rand() * (maxHeight! + 1))]]
          : m === 'transaction' ? ['blockchain.transaction.get', [pick(txids)]]
          : m === 'history' ? ['blockchain.scripthash.get_history', [pick(opts.scripthashes)]]
          : m === 'balance' ? ['blockchain.scripthash.get_balance', [pick(opts.scripthashes)]]
          : ['blockchain.scripthash.listunspent', [pick(opts.scripthashes)]];
        const s = per.get(m) ?? { lat: [], errors: 0 };
        per.set(m, s);
        const q0 = performance.now();
        try {
          await conn.request(method, params); // wire name chosen at run time (the bench's mix; unvalidated so the timing is the server's)
          const d = performance.now() - q0;
          all.push(d);
          s.lat.push(d);
        } catch (err) {
          failed.push(performance.now() - q0);
          errors++;
          s.errors++;
          const kind = errorKind(err);
          errorsByKind[kind] = (errorsByKind[kind] ?? 0) + 1;
          if (!conn.isOpen) return;
        }
        const now = performance.now();
        if (opts.onProgress && now - lastProgress > 1000) {
          lastProgress = now;
          opts.onProgress(all.length + errors, now - t0);
        }
      }
    };
    await Promise.all(conns.map((c, k) => session(c, k)));
    const elapsedMs = performance.now() - t0;
    const byMethod: LoadBenchStats['byMethod'] = {};
    for (const [m, s] of per) byMethod[m] = { requests: s.lat.length + s.errors, errors: s.errors, latency: rounded(summarize(s.lat)) };
    return {
      sessions: n,
      requests: all.length + errors,
      errors,
      errorsByKind,
      elapsedMs: roundMs(elapsedMs),
      throughput: Math.round(((all.length + errors) / elapsedMs) * 1000 * 10) / 10,
      latency: rounded(summarize(all)),
      errorLatency: rounded(summarize(failed)),
      byMethod,
    };
  } finally {
    for (const c of conns) c.close();
  }
}

function rounded(s: LatencySummary): LatencySummary {
  return { count: s.count, min: roundMs(s.min), p50: roundMs(s.p50), p90: roundMs(s.p90), p99: roundMs(s.p99), max: roundMs(s.max), mean: roundMs(s.mean) };
}
