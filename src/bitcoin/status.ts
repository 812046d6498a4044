/**
 * The script-hash status (docs/protocol.md §4) and the ordering rules of get_history
 * (§5.3) that a client checks before trusting a history.
 */
import { createHash } from 'node:crypto';
import { cmpVersion } from '../protocol/version.js';
import { isHex64 } from './hex.js';

/** One history entry as the protocol sends it. */
export interface HistoryEntry {
  tx_hash: string;
  height: number;
  fee?: number;
}

/**
 * hex(SHA256("txid:height:" ...)) over the entries in the order given (not reversed);
 * null when there are none, as servers send it.
 */
export function statusHash(entries: readonly Pick<HistoryEntry, 'tx_hash' | 'height'>[]): string | null {
  if (entries.length === 0) return null;
  const h = createHash('sha256');
  for (const e of entries) h.update(`${e.tx_hash.toLowerCase()}:${e.height}:`, 'latin1');
  return h.digest('hex');
}

/** Protocol 1.6 mempool order: height 0 before -1, then txid ascending (display hex). */
export function compareMempool16(a: Pick<HistoryEntry, 'tx_hash' | 'height'>, b: Pick<HistoryEntry, 'tx_hash' | 'height'>): number {
  if (a.height !== b.height) return b.height - a.height;
  const x = a.tx_hash.toLowerCase();
  const y = b.tx_hash.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A sorted copy of mempool entries in the 1.6 canonical order. */
export function sortMempool16<T extends Pick<HistoryEntry, 'tx_hash' | 'height'>>(entries: readonly T[]): T[] {
  return [...entries].sort(compareMempool16);
}

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
