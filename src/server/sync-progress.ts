/**
 * Progress of the initial sync, as the indexer reports it. serve.ts decides how to show it
 * (a live line on a TTY, periodic plain lines otherwise); formatProgress is one plain form.
 */

/** One progress report. */
export interface SyncProgress {
  /** Height indexed so far. */
  height: number;
  /** bitcoind's tip height being synced to. */
  target: number;
  /** Transactions indexed since the sync started. */
  txs: number;
  blocksPerSec: number;
  txPerSec: number;
  /** Seconds left at the current block rate, or null when unknown. */
  etaSec: number | null;
  /** True on the final report of a sync run. */
  done: boolean;
}

/** "height 1200/5000 (24.0%), 310 blocks/s, 12,400 tx/s, ETA 12s" */
export function formatProgress(p: SyncProgress): string {
  const pct = p.target > 0 ? ((100 * p.height) / p.target).toFixed(1) : '100.0';
  const eta = p.done ? 'done' : p.etaSec === null ? 'ETA ?' : `ETA ${formatDuration(p.etaSec)}`;
  return `height ${p.height}/${p.target} (${pct}%), ${Math.round(p.blocksPerSec).toLocaleString('en')} blocks/s, ${Math.round(p.txPerSec).toLocaleString('en')} tx/s, ${eta}`;
}

function formatDuration(s: number): string {
  if (s < 90) return `${Math.round(s)}s`;
  if (s < 5400) return `${Math.round(s / 60)}m`;
  return `${(s / 3600).toFixed(1)}h`;
}
