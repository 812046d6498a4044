/**
 * Progress of the initial sync, as the indexer reports it. serve.ts decides how to show it
 * (a live line on a TTY, periodic plain lines otherwise); formatProgress is one plain form.
 * The ETA comes from transactions, not blocks: early blocks are tiny, so a block rate
 * promises minutes for what takes days.
 */

/** One progress report. */
export interface SyncProgress {
  /** Height indexed so far. */
  height: number;
  /** bitcoind's tip height being synced to. */
  target: number;
  /** Transactions indexed since the sync started. */
  txs: number;
  /** Transactions in the index (its next tx number), to compare with the node's chain. */
  indexedTxs: number;
  blocksPerSec: number;
  txPerSec: number;
  /** True on the final report of a sync run. */
  done: boolean;
}

/**
 * Seconds left: the node's transactions not yet indexed over this run's tx rate; null when
 * the node's tx count or the rate is unknown.
 */
export function etaSeconds(p: SyncProgress, chainTxs: number | null): number | null {
  if (chainTxs === null || !(p.txPerSec > 0)) return null;
  return Math.max(0, chainTxs - p.indexedTxs) / p.txPerSec;
}

/**
 * "height 1200/5000, tx 1,234,567/2,000,000 (61.7%), 310 blocks/s, 12,400 tx/s, ETA 1m";
 * without the node's tx count: "height 1200/5000 (24.0%), 310 blocks/s, 12,400 tx/s, ETA ?".
 */
export function formatProgress(p: SyncProgress, chainTxs: number | null = null): string {
  const n = (x: number): string => Math.round(x).toLocaleString('en');
  const eta = p.done ? 'done' : (() => {
    const s = etaSeconds(p, chainTxs);
    return s === null ? 'ETA ?' : `ETA ${formatDuration(s)}`;
  })();
  const where = chainTxs === null
    ? `height ${p.height}/${p.target} (${p.target > 0 ? ((100 * p.height) / p.target).toFixed(1) : '100.0'}%)`
    : `height ${p.height}/${p.target}, tx ${n(p.indexedTxs)}/${n(Math.max(chainTxs, p.indexedTxs))} (${chainTxs > 0 ? Math.min(100, (100 * p.indexedTxs) / chainTxs).toFixed(1) : '100.0'}%)`;
  return `${where}, ${n(p.blocksPerSec)} blocks/s, ${n(p.txPerSec)} tx/s, ${eta}`;
}

function formatDuration(s: number): string {
  if (s < 90) return `${Math.round(s)}s`;
  if (s < 5400) return `${Math.round(s / 60)}m`;
  return `${(s / 3600).toFixed(1)}h`;
}
