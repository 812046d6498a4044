/**
 * The ordering rules of get_history (docs/protocol.md §5.3) that a client checks before
 * trusting a history. A wire rule, so it lives with the method records (bitcoin/ stays below
 * protocol/).
 */
import { cmpVersion } from '../protocol/version.js';
import { isHex64 } from '../bitcoin/hex.js';
import { compareMempool16, type HistoryEntry } from '../bitcoin/status.js';

/**
 * Checks a get_history reply the way Electrum does: heights >= -1, confirmed heights
 * non-decreasing, no confirmed entry after a mempool one, every mempool entry has a fee,
 * no txid twice, and at protocol >= 1.6 the canonical mempool order. Returns the first
 * problem as text, or null when the history is acceptable.
 */
export function checkHistoryOrder(history: readonly HistoryEntry[], version: string): string | null {
  const strictMempool = cmpVersion(version, '1.6') >= 0;
  const seen = new Set<string>();
  let lastConfirmed = 0;
  let prevMempool: HistoryEntry | null = null;
  for (let i = 0; i < history.length; i++) {
    const e = history[i]!;
    const where = `history entry ${i}`;
    if (!isHex64(e.tx_hash)) return `${where}: tx_hash is not 64 hex characters`;
    if (!Number.isSafeInteger(e.height)) return `${where}: height is not an integer`;
    if (e.height < -1) return `${where}: height ${e.height} is below -1`;
    const txid = e.tx_hash.toLowerCase();
    if (seen.has(txid)) return `${where}: txid ${txid} appears twice`;
    seen.add(txid);
    if (e.height > 0) {
      if (prevMempool) return `${where}: confirmed entry (height ${e.height}) after a mempool entry`;
      if (e.height < lastConfirmed) return `${where}: height ${e.height} after height ${lastConfirmed}`;
      lastConfirmed = e.height;
      continue;
    }
    if (typeof e.fee !== 'number' || !Number.isSafeInteger(e.fee) || e.fee < 0) {
      return `${where}: mempool entry without a valid fee`;
    }
    if (strictMempool && prevMempool && compareMempool16(prevMempool, e) > 0) {
      return `${where}: mempool entries not in protocol 1.6 order (height 0 before -1, then txid ascending)`;
    }
    prevMempool = e;
  }
  return null;
}
