/**
 * Reads over the rows of src/server/store/rows.ts that more than one caller needs: a
 * script's id from its full hash, a txid from its tx number, a tx number from its txid.
 * Each resolves short keys exactly: a candidate found by prefix is confirmed against the
 * full hash stored elsewhere, so a prefix shared by two scripts or txids never mixes them.
 */
import type { ReadView } from './db.js';
import {
  decodeScripts, decodeTxnums, makeScriptId, scriptHashOf, scriptKey, scriptPrefixLength, TXIDS_PER_ROW, txidPrefixKey, txidsKey,
} from './rows.js';

type Getter = Pick<ReadView, 'get'>;

/** A script's id, or the collision numbers other scripts of its prefix hold. */
export type ScriptLookup = { id: Buffer } | { id: undefined; taken: number[] };

/** Finds the id of the script with full hash `sh` (internal order). */
export function findScript(view: Getter, sh: Buffer): ScriptLookup {
  const v = view.get(scriptKey(sh));
  const rest = sh.subarray(scriptPrefixLength(), 32);
  const taken: number[] = [];
  for (const e of v ? decodeScripts(v) : []) {
    if (e.rest.equals(rest)) return { id: makeScriptId(sh, e.n) };
    taken.push(e.n);
  }
  return { id: undefined, taken };
}

/** Id of the script `sh`, or undefined when the index has no row of it. */
export function scriptIdOf(view: Getter, sh: Buffer): Buffer | undefined {
  return findScript(view, sh).id;
}

/** Full script hash of an id (internal order), or undefined. */
export function scriptHashOfId(view: Getter, id: Buffer): Buffer | undefined {
  const v = view.get(scriptKey(id));
  const n = id[scriptPrefixLength()];
  const e = v && decodeScripts(v).find((x) => x.n === n);
  return e ? scriptHashOf(id, e.rest) : undefined;
}

/** Txid (internal order, a copy) of committed tx number `txnum`, or undefined. */
export function txidAt(view: Getter, txnum: number): Buffer | undefined {
  const row = view.get(txidsKey(Math.floor(txnum / TXIDS_PER_ROW)));
  const at = (txnum % TXIDS_PER_ROW) * 32;
  if (!row || row.length < at + 32) return undefined;
  return Buffer.from(row.subarray(at, at + 32));
}

/** Txids of committed tx numbers [first, end), in order. */
export function txidsIn(view: Getter, first: number, end: number): Buffer[] {
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
export function txnumOf(view: Getter, txid: Buffer, txidOf: (n: number) => Buffer | undefined = (n) => txidAt(view, n)): number | undefined {
  const v = view.get(txidPrefixKey(txid));
  for (const n of v ? decodeTxnums(v) : []) if (txidOf(n)?.equals(txid)) return n;
  return undefined;
}
