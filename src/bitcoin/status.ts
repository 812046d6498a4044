/**
 * The script-hash status (docs/protocol.md §4) and the protocol 1.6 mempool order (§5.3).
 * The check a client makes of a get_history reply is a wire rule: src/methods/history-order.ts.
 */
import { createHash } from 'node:crypto';

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
