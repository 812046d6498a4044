/**
 * `peers --crawl`: breadth-first over peers of peers. Each level is probed concurrently
 * (probe.ts); the peers announced by the reachable servers of one level form the next,
 * until a depth or a server count is reached.
 */
import { formatServer, type ServerAddress } from '../protocol/server-address.js';
import { parsePeer, peerAddresses } from './peers.js';
import { buildReport, probeAll, type ProbeOptions, type ProbeReport, type ProbeResult } from './probe.js';

export interface CrawlOptions extends ProbeOptions {
  /** Levels of peers followed beyond the seeds (default 2). */
  maxDepth?: number;
  /** Most servers probed in all (default 200). */
  maxServers?: number;
}

/** The crawl report: a probe report plus how far it went. */
export interface CrawlReport extends ProbeReport {
  crawl: { depth: number; discovered: number; truncated: boolean };
}

/** Crawls from `seeds`; never throws for a server's failure. */
export async function crawl(seeds: readonly ServerAddress[], opts: CrawlOptions): Promise<CrawlReport> {
  const t0 = performance.now();
  const maxDepth = opts.maxDepth ?? 2;
  const maxServers = opts.maxServers ?? 200;
  const seen = new Set<string>();
  const all: ProbeResult[] = [];
  let level: ServerAddress[] = [];
  for (const s of seeds) {
    const k = formatServer(s);
    if (!seen.has(k)) {
      seen.add(k);
      level.push(s);
    }
  }
  let depth = 0;
  let truncated = false;
  let discovered = level.length;
  for (;;) {
    if (level.length > maxServers - all.length) {
      level = level.slice(0, maxServers - all.length);
      truncated = true;
    }
    if (level.length === 0) break;
    const report = await probeAll(level, { ...opts, collectPeers: true });
    all.push(...report.servers);
    if (depth >= maxDepth || all.length >= maxServers) {
      truncated ||= all.length >= maxServers;
      break;
    }
    const next: ServerAddress[] = [];
    for (const r of report.servers) {
      if (!r.reachable || r.genesisOk === false) continue;
      for (const entry of r.peers ?? []) {
        if (!Array.isArray(entry) || entry.length !== 3 || !Array.isArray(entry[2])) continue;
        for (const a of peerAddresses(parsePeer(entry, opts.network))) {
          const k = formatServer(a);
          if (seen.has(k)) continue;
          seen.add(k);
          discovered++;
          next.push(a);
        }
      }
    }
    level = next;
    depth++;
  }
  for (const r of all) delete r.peers;
  return {
    ...buildReport(opts.network, all, t0),
    crawl: { depth, discovered, truncated },
  };
}

/** The healthy servers of a report (right chain, at most 2 blocks behind), fastest first: what --output and servers.txt hold. */
export function healthyServers(report: ProbeReport): string[] {
  return report.servers.filter((r) => r.reachable && !r.error && r.genesisOk !== false && !(r.lag !== undefined && r.lag > 2)).map((r) => r.server);
}
