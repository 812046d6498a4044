/**
 * What `serve` checks and tells before a long initial sync: the listening addresses are free
 * (probed first, so a port in use fails in a second rather than after hours of syncing), and
 * how much disk the index will need for the node's chain, from the node's transaction count.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { ListenSpec } from './listeners.js';

/**
 * Disk the index takes per transaction of the chain, today's layout: 653 B/tx measured on an
 * 800,000-tx mainnet-shaped chain (issue 8). An estimate, to change with the layout (the
 * store redesign brings its own measured figure); mainnet-like chains only, tiny test chains
 * cost more per tx.
 */
export const INDEX_BYTES_PER_TX = 650;

/** Estimated index size in bytes for a chain of `chainTxs` transactions. */
export function estimateIndexBytes(chainTxs: number): number {
  return chainTxs * INDEX_BYTES_PER_TX;
}

/** "1.2 GB", "650 MB", "12 kB" (powers of 1000, like df -H). */
export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${i === 0 ? n : n < 10 ? n.toFixed(1) : Math.round(n)} ${units[i]}`;
}

/** Free bytes on the filesystem that holds (or will hold) `dir`, or null when unknown. */
export function freeBytes(dir: string): number | null {
  let d = path.resolve(dir);
  for (;;) {
    try {
      const s = fs.statfsSync(d);
      return s.bavail * s.bsize;
    } catch {
      const up = path.dirname(d);
      if (up === d) return null;
      d = up;
    }
  }
}

/**
 * The lines serve prints before syncing: the node's chain, the estimated index size, and the
 * disk free where it goes (a warning when it looks too small; the estimate is rough, so it
 * does not stop serve).
 */
export function needsLines(chainTxs: number | null, indexedTxs: number, dbDir: string, free = freeBytes(dbDir)): string[] {
  if (chainTxs === null) return ["bitcoind does not report its chain's transaction count (getchaintxstats); no index size estimate"];
  const need = estimateIndexBytes(chainTxs);
  const toGo = Math.max(0, chainTxs - indexedTxs);
  const lines = [
    `bitcoind's chain has ${chainTxs.toLocaleString('en')} transactions${indexedTxs > 0 ? ` (${toGo.toLocaleString('en')} not indexed yet)` : ''}; `
    + `the index will need about ${formatBytes(need)} in ${dbDir} (${INDEX_BYTES_PER_TX} B/tx)${free === null ? '' : `, ${formatBytes(free)} free there`}`,
  ];
  const more = need * (toGo / Math.max(1, chainTxs));
  if (free !== null && more > free) lines.push(`warning: the index may need ${formatBytes(more)} more than the ${formatBytes(free)} free in ${dbDir}`);
  return lines;
}

/**
 * Binds each listener address for a moment and lets it go, so an address in use (or not ours)
 * is reported before the sync. Port 0 (any free port) needs no probe. Throws the UsageError
 * serve throws when listening fails (exit 2).
 */
export async function probeListeners(specs: readonly ListenSpec[]): Promise<void> {
  for (const spec of specs) {
    if (spec.port === 0) continue;
    await new Promise<void>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', (e: NodeJS.ErrnoException) => {
        reject(new UsageError(`cannot listen: ${e.message}`, { hint: 'pick another address or port (--tcp/--tls/--ws HOST:PORT)', cause: e }));
      });
      s.listen({ host: spec.host, port: spec.port, exclusive: true }, () => s.close(() => resolve()));
    });
  }
}
