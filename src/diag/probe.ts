/**
 * `peers --probe`: connects to many servers at once (bounded parallelism, a deadline per
 * server) and reports, per server: reachability, connect/TLS/first-reply times, ping p50,
 * negotiated protocol and software, genesis, tip and lag behind the median of the others,
 * pruning, and the TLS certificate. TLS runs in mode 'report': probing never pins.
 */
import { CliError, ServerError, TimeoutError } from '../errors.js';
import { NETWORKS, type NetworkName } from '../bitcoin/networks.js';
import { Connection, type ConnectionOptions } from '../protocol/connection.js';
import { formatServer, type ServerAddress } from '../protocol/server-address.js';
import { cmpVersion } from '../protocol/version.js';
import { DeadlineError, mapPool, withDeadline } from './pool.js';
import { median, roundMs } from './stats.js';
import { call } from '../methods/call.js';
import { headersSubscribe } from '../methods/blockchain.js';
import { serverFeatures, serverPeersSubscribe, serverPing } from '../methods/server.js';
import { tipOf } from '../methods/normalise.js';

/** The certificate facts a probe reports. */
/**
 * Servers probed at once. Sockets are cheap and each probe mostly waits on the network, so a
 * typical peer list (50-100 servers) goes in one wave: the whole probe then takes about as
 * long as the slowest server, not a multiple of it.
 */
export const DEFAULT_PROBE_CONCURRENCY = 100;

export interface ProbeTls {
  /** CA-verified (chain and host name) or self-signed. */
  ca: boolean;
  selfSigned: boolean;
  fingerprint256: string;
  validTo: string;
  daysToExpiry: number;
  issuer?: string;
  /** How it compares with the pin in known_hosts.json: match, mismatch (changed!), none, ca. */
  pinStatus?: string;
}

/** One server's probe result (the --json shape, one array item). */
export interface ProbeResult {
  server: string;
  host: string;
  port: number;
  transport: ServerAddress['transport'];
  reachable: boolean;
  /** Why it is not reachable (or what went wrong after connecting). */
  error?: string;
  errorKind?: 'timeout' | 'connection' | 'server' | 'protocol' | 'wrong-chain';
  connectMs?: number;
  tlsMs?: number;
  firstReplyMs?: number;
  pingP50Ms?: number;
  totalMs: number;
  software?: string;
  protocol?: string;
  protocolMin?: string;
  protocolMax?: string;
  genesisOk?: boolean;
  height?: number;
  /** Blocks behind the median tip of the reachable servers (negative: ahead). */
  lag?: number;
  pruning?: number | null;
  tls?: ProbeTls;
  /** The server's own peer list (crawl only). */
  peers?: [string, string, string[]][];
}

/** The whole probe (the --json shape). */
export interface ProbeReport {
  network: NetworkName;
  servers: ProbeResult[];
  summary: { probed: number; reachable: number; medianHeight: number | null; wrongChain: number; elapsedMs: number };
}

export interface ProbeOptions {
  network: NetworkName;
  /** Per-server deadline for the whole probe of that server (default 5 s). */
  deadlineMs?: number;
  /** Servers probed at once (default DEFAULT_PROBE_CONCURRENCY). */
  concurrency?: number;
  /** Pings for the p50 (default 3). */
  pings?: number;
  /** Connection options besides server (proxy, maxLine, certPins...). TLS mode is forced to 'report'. */
  connection?: Omit<ConnectionOptions, 'server'>;
  /** Also fetch server.peers.subscribe (for crawling). */
  collectPeers?: boolean;
  /** Called as each server finishes (progress). */
  onResult?: (r: ProbeResult, done: number, total: number) => void;
}

function kindOf(err: unknown): ProbeResult['errorKind'] {
  if (err instanceof DeadlineError || err instanceof TimeoutError) return 'timeout';
  if (err instanceof ServerError) return 'server';
  if (err instanceof CliError && err.exitCode === 5) return 'protocol';
  return 'connection';
}

/** Probes one server within the deadline; never throws. */
export async function probeServer(addr: ServerAddress, opts: ProbeOptions): Promise<ProbeResult> {
  const deadline = opts.deadlineMs ?? 5000;
  const t0 = performance.now();
  const r: ProbeResult = { server: formatServer(addr), host: addr.host, port: addr.port, transport: addr.transport, reachable: false, totalMs: 0 };
  let conn: Connection | undefined;
  try {
    await withDeadline(deadline, async (signal) => {
      const base = opts.connection ?? {};
      const c = await Connection.open({
        ...base,
        server: addr,
        connectTimeoutMs: deadline,
        requestTimeoutMs: deadline,
        keepaliveMs: 0,
        tls: { ...(base.tls ?? {}), mode: 'report' },
      });
      conn = c;
      if (signal.aborted) return c.close();
      signal.addEventListener('abort', () => c.close(), { once: true });
      r.reachable = true;
      r.connectMs = roundMs(c.timings.connectMs);
      if (c.timings.tlsMs !== undefined) r.tlsMs = roundMs(c.timings.tlsMs);
      if (c.timings.firstReplyMs !== undefined) r.firstReplyMs = roundMs(c.timings.firstReplyMs);
      r.software = c.serverSoftware;
      r.protocol = c.version;
      const t = c.info.tls;
      if (t) {
        r.tls = {
          ca: t.authorized,
          selfSigned: t.selfSigned,
          fingerprint256: t.fingerprint256,
          validTo: t.validTo,
          daysToExpiry: t.daysToExpiry,
          ...(t.issuer !== undefined ? { issuer: t.issuer } : {}),
          ...(t.pinStatus !== undefined ? { pinStatus: t.pinStatus } : {}),
        };
      }
      const v = c.version ?? '1.0';
      const modern = cmpVersion(v, '1.1') >= 0;
      const [features, tip, peers] = await Promise.all([
        modern ? call(c, serverFeatures) : Promise.resolve(undefined),
        call(c, headersSubscribe),
        opts.collectPeers ? call(c, serverPeersSubscribe).catch(() => []) : Promise.resolve(undefined),
      ]);
      if (features && typeof features === 'object') {
        const f = features as Record<string, unknown>;
        r.protocolMin = typeof f.protocol_min === 'string' ? f.protocol_min : undefined;
        r.protocolMax = typeof f.protocol_max === 'string' ? f.protocol_max : undefined;
        r.genesisOk = String(f.genesis_hash).toLowerCase() === NETWORKS[opts.network].genesisHash;
        r.pruning = typeof f.pruning === 'number' ? f.pruning : null;
      }
      const height = tipOf(tip);
      if (height !== undefined) r.height = height;
      if (Array.isArray(peers)) r.peers = peers as [string, string, string[]][];
      if (cmpVersion(v, '1.2') >= 0) {
        // Sent together: a round trip each, and the probe stays within a few round trips
        // even against servers that hold every reply back (ElectrumX's padding delay).
        const times = await Promise.all(
          Array.from({ length: opts.pings ?? 3 }, async () => {
            const p0 = performance.now();
            await call(c, serverPing);
            return performance.now() - p0;
          }),
        );
        r.pingP50Ms = roundMs(median(times));
      }
      if (r.genesisOk === false) {
        r.errorKind = 'wrong-chain';
        r.error = `on another chain: genesis ${String((features as Record<string, unknown>).genesis_hash)}`;
      }
    });
  } catch (err) {
    r.errorKind = kindOf(err);
    r.error = err instanceof DeadlineError ? `no complete answer within ${deadline / 1000} s` : (err as Error).message;
  } finally {
    conn?.close();
    r.totalMs = roundMs(performance.now() - t0);
  }
  for (const k of Object.keys(r) as (keyof ProbeResult)[]) if (r[k] === undefined) delete r[k];
  return r;
}

/** Sort order: healthy first (right chain, no error), then by ping or first reply, then dead ones. */
export function compareResults(a: ProbeResult, b: ProbeResult): number {
  const rank = (r: ProbeResult) => (!r.reachable ? 2 : r.error ? 1 : 0);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  const speed = (r: ProbeResult) => r.pingP50Ms ?? r.firstReplyMs ?? r.totalMs;
  return speed(a) - speed(b) || a.server.localeCompare(b.server);
}

/** Adds lag behind the median tip of the healthy servers; returns that median. */
export function computeLag(results: ProbeResult[]): number | null {
  const heights = results.filter((r) => r.reachable && r.genesisOk !== false && typeof r.height === 'number').map((r) => r.height!);
  if (heights.length === 0) return null;
  const m = Math.round(median(heights));
  for (const r of results) if (typeof r.height === 'number' && r.genesisOk !== false) r.lag = m - r.height;
  return m;
}

/** Probes every address concurrently (bounded) and builds the sorted report. */
export async function probeAll(addrs: readonly ServerAddress[], opts: ProbeOptions): Promise<ProbeReport> {
  const t0 = performance.now();
  let done = 0;
  const results = await mapPool(addrs, opts.concurrency ?? DEFAULT_PROBE_CONCURRENCY, async (a) => {
    const r = await probeServer(a, opts);
    opts.onResult?.(r, ++done, addrs.length);
    return r;
  });
  return buildReport(opts.network, results, t0);
}

/** The report of probed `results` (lag computed, sorted healthy-first), timed from `t0`. */
export function buildReport(network: NetworkName, results: ProbeResult[], t0: number): ProbeReport {
  const medianHeight = computeLag(results);
  results.sort(compareResults);
  return {
    network,
    servers: results,
    summary: {
      probed: results.length,
      reachable: results.filter((r) => r.reachable).length,
      medianHeight,
      wrongChain: results.filter((r) => r.genesisOk === false).length,
      elapsedMs: roundMs(performance.now() - t0),
    },
  };
}
