/**
 * Reads over the rows of src/server/store/rows.ts that more than one caller needs: a
 * script's id from its full hash, a txid from its tx number, a tx number from its txid.
 * Each resolves short keys exactly: a candidate found by prefix is confirmed against the
 * full hash stored elsewhere, so a prefix shared by two scripts or txids never mixes them.
 */
import type { ReadView } from './db.js';
import {
  prefixEnd, scriptHashOf, scriptKey, scriptKeyId, scriptPrefix, scriptPrefixLength, TXIDS_PER_ROW, txidPrefix,
  txidPrefixKeyTxnum, txidsKey,
} from './rows.js';

/** A script's id and S row, or the collision number a new script of that prefix would get. */
export type ScriptLookup = { id: Buffer } | { id: undefined; freeN: number };

/** Finds the id of the script with full hash `sh` (internal order). */
export function findScript(view: ReadView, sh: Buffer): ScriptLookup {
  const p = scriptPrefix(sh);
  const rest = sh.subarray(scriptPrefixLength(), 32);
  let freeN = 0;
  for (const { key, value } of view.scan(p, prefixEnd(p))) {
    const id = scriptKeyId(key);
    if (value.equals(rest)) return { id: Buffer.from(id) };
    // Ids are assigned from 0 in order; a gap (left by a reorg) is reused first.
    if (id[id.length - 1] === freeN) freeN++;
  }
  return { id: undefined, freeN };
}

/** Id of the script `sh`, or undefined when the index has no row of it. */
export function scriptIdOf(view: ReadView, sh: Buffer): Buffer | undefined {
  return findScript(view, sh).id;
}

/** Full script hash of an id (internal order), or undefined. */
export function scriptHashOfId(view: ReadView, id: Buffer): Buffer | undefined {
  const v = view.get(scriptKey(id));
  return v ? scriptHashOf(id, v) : undefined;
}

/** Txid (internal order, a copy) of committed tx number `txnum`, or undefined. */
export function txidAt(view: ReadView, txnum: number): Buffer | undefined {
  const row = view.get(txidsKey(Math.floor(txnum / TXIDS_PER_ROW)));
  const at = (txnum % TXIDS_PER_ROW) * 32;
  if (!row || row.length < at + 32) return undefined;
  return Buffer.from(row.subarray(at, at + 32));
}

/** Txids of committed tx numbers [first, end), in order. */
export function txidsIn(view: ReadView, first: number, end: number): Buffer[] {
  const out: Buffer[] = [];
  let row: Buffer | undefined;
  let bucket = -1;
  for (let n = first; n < end; n++) {
    const b = Math.floor(n / TXIDS_PER_ROW);
    if (b !== bucket) {
      bucket = b;
      row = view.get(txidsKey(b));
    }
    const at = (n % TXIDS_PER_ROW) * 32;
    if (!row || row.length < at + 32) throw new RangeError(`tx number ${n} is not indexed`);
    out.push(Buffer.from(row.subarray(at, at + 32)));
  }
  return out;
}

/**
 * Tx number of txid (internal order), or undefined. `txidOf` resolves candidates (the
 * indexer passes one that also sees the txids of the commit it is writing).
 */
export function txnumOf(view: ReadView, txid: Buffer, txidOf: (n: number) => Buffer | undefined = (n) => txidAt(view, n)): number | undefined {
  const p = txidPrefix(txid);
  for (const key of view.keys(p, prefixEnd(p))) {
    const n = txidPrefixKeyTxnum(key);
    if (txidOf(n)?.equals(txid)) return n;
  }
  return undefined;
}
