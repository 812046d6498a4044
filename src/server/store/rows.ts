/**
 * Key/value layout of the index, schema 2 (pure encodings, no I/O). Each table is its own
 * LMDB database named by a one-byte tag, and keys handed to the Store start with that tag
 * (src/server/store/db.ts strips it), so a table is a contiguous key range. Integers in keys
 * are big-endian so byte order is numeric order; hashes are internal byte order (as in
 * blocks); script hashes are the raw SHA-256 of the script (the protocol shows them reversed).
 *
 *   S sh[0:8]                    -> (n(1) sh[8:32])+       script ids: id = sh[0:8] n
 *   H id(9) txnum(5)             -> ''                     history: one row per tx touching the script
 *   U id(9) txnum(5) vout(3)     -> value(8)               unspent outputs of the script
 *   O txnum(5) vout(3)           -> id(9)                  outpoint -> owner of an unspent output
 *   T txid[0:6]                  -> txnum(5)+              txid prefix -> tx numbers (verified against X)
 *   X bucket(4)                  -> txid(32) x <= 127      tx number -> txid, 127 per row
 *   B height(4)                  -> header(80) firstTxnum(5)
 *   D height(4)                  -> undo of the block (last N blocks only; see encodeUndo)
 *   M                            -> meta: schema, tip height, tip hash, next txnum
 *
 * Why: the first layout stored 653 B/tx on a mainnet-shaped chain; most of it was full
 * 32-byte script hashes and txids repeated in every row, undo data for every block, and a
 * second copy of each UTXO. Here a script's full hash is stored once (S); every other row
 * names it by a 9-byte id: its first 8 bytes plus a collision number n, assigned in order of
 * first appearance among scripts sharing those 8 bytes. The S row of a prefix lists every
 * such script (n and the other 24 bytes; one entry but for a collision), and a lookup
 * compares the full hash, so two scripts sharing a prefix get different ids and never see
 * each other's rows. S and T are read by point gets only (an LSM store answers those from
 * its bloom filters; a range scan costs an iterator). Transactions are named by their tx number
 * (chain order from genesis, as ElectrumX's tx_num), so history rows sort in chain order;
 * a txid is stored once, in X. T and O keys hold only what the lookup needs, the rest is
 * checked against X or read from U.
 */

/** Bumped when the layout changes; an index of another version is rebuilt. */
export const SCHEMA_VERSION = 2;

export const TAG = {
  script: 0x53, // S
  history: 0x48, // H
  utxo: 0x55, // U
  outpoint: 0x4f, // O
  txidPrefix: 0x54, // T
  txids: 0x58, // X
  block: 0x42, // B
  undo: 0x44, // D
  meta: 0x4d, // M
} as const;

/** Every table, in the order the benchmarks report them. */
export const TABLES: readonly { tag: number; name: string }[] = [
  { tag: TAG.script, name: 'S scripts' },
  { tag: TAG.history, name: 'H history' },
  { tag: TAG.utxo, name: 'U utxos' },
  { tag: TAG.outpoint, name: 'O outpoints' },
  { tag: TAG.txidPrefix, name: 'T txid lookup' },
  { tag: TAG.txids, name: 'X txids' },
  { tag: TAG.block, name: 'B blocks' },
  { tag: TAG.undo, name: 'D undo' },
  { tag: TAG.meta, name: 'M meta' },
];

export const TXNUM_LEN = 5;
export const VOUT_LEN = 3;
/** Bytes of the txid in T keys; candidates are verified against X. */
export const LOOKUP_TXID_LEN = 6;
/** Txids per X row: 127 x 32 bytes fill one 4 KiB LMDB overflow page. */
export const TXIDS_PER_ROW = 127;

let prefixLen = 8;
/** Bytes of a script id: the script hash prefix plus the collision number. */
export let ID_LEN = prefixLen + 1;

/**
 * Sets how many script-hash bytes a script id keeps (default 8). Only tests change it, to
 * force prefix collisions; an index must be read with the length it was written with.
 */
export function setScriptPrefixLength(n: number): void {
  if (!(Number.isInteger(n) && n >= 1 && n <= 31)) throw new RangeError(`script prefix length ${n}`);
  prefixLen = n;
  ID_LEN = n + 1;
}

/** Bytes of the script hash kept in an id. */
export function scriptPrefixLength(): number {
  return prefixLen;
}

function withTag(tag: number, len: number): Buffer {
  const k = Buffer.allocUnsafe(len);
  k[0] = tag;
  return k;
}

// S: script ids.

/** S key of the scripts whose hash starts like `sh` (or like id `sh`). */
export function scriptKey(shOrId: Buffer): Buffer {
  const k = withTag(TAG.script, 1 + prefixLen);
  shOrId.copy(k, 1, 0, prefixLen);
  return k;
}

/** The id `sh`'s prefix gets with collision number n. */
export function makeScriptId(sh: Buffer, n: number): Buffer {
  if (n > 255) throw new RangeError('more than 256 scripts share one script-hash prefix');
  const id = Buffer.allocUnsafe(ID_LEN);
  sh.copy(id, 0, 0, prefixLen);
  id[prefixLen] = n;
  return id;
}

/** One script of an S row. */
export interface ScriptEntry {
  n: number;
  /** sh[prefixLen:32] (a view). */
  rest: Buffer;
}

/** Decodes an S value. */
export function decodeScripts(v: Buffer): ScriptEntry[] {
  const size = 1 + 32 - prefixLen;
  if (v.length % size !== 0) throw new RangeError(`script row of ${v.length} bytes is not a multiple of ${size}`);
  const out: ScriptEntry[] = [];
  for (let at = 0; at < v.length; at += size) out.push({ n: v[at]!, rest: v.subarray(at + 1, at + size) });
  return out;
}

/** S value. */
export function encodeScripts(entries: readonly ScriptEntry[]): Buffer {
  const size = 1 + 32 - prefixLen;
  const v = Buffer.allocUnsafe(entries.length * size);
  entries.forEach((e, i) => {
    v[i * size] = e.n;
    e.rest.copy(v, i * size + 1, 0, 32 - prefixLen);
  });
  return v;
}

/** The full script hash of an id and its S entry's rest. */
export function scriptHashOf(id: Buffer, rest: Buffer): Buffer {
  return Buffer.concat([id.subarray(0, prefixLen), rest]);
}

// H: history.

/** H key: tx `txnum` touches the script `id`. */
export function historyKey(id: Buffer, txnum: number): Buffer {
  const k = withTag(TAG.history, 1 + ID_LEN + TXNUM_LEN);
  id.copy(k, 1, 0, ID_LEN);
  k.writeUIntBE(txnum, 1 + ID_LEN, TXNUM_LEN);
  return k;
}

/** Prefix of all rows of `tag` (H or U) of script `id`. */
export function idPrefix(tag: number, id: Buffer): Buffer {
  const k = withTag(tag, 1 + ID_LEN);
  id.copy(k, 1, 0, ID_LEN);
  return k;
}

/** Tx number of an H key. */
export function historyKeyTxnum(key: Buffer): number {
  return key.readUIntBE(1 + ID_LEN, TXNUM_LEN);
}

// U: unspent outputs by script.

/** U key: unspent output `vout` of tx `txnum`, paying script `id`. */
export function utxoKey(id: Buffer, txnum: number, vout: number): Buffer {
  const k = withTag(TAG.utxo, 1 + ID_LEN + TXNUM_LEN + VOUT_LEN);
  id.copy(k, 1, 0, ID_LEN);
  k.writeUIntBE(txnum, 1 + ID_LEN, TXNUM_LEN);
  k.writeUIntBE(vout, 1 + ID_LEN + TXNUM_LEN, VOUT_LEN);
  return k;
}

/** Funding tx number of a U key. */
export function utxoKeyTxnum(key: Buffer): number {
  return key.readUIntBE(1 + ID_LEN, TXNUM_LEN);
}

/** vout of a U key. */
export function utxoKeyVout(key: Buffer): number {
  return key.readUIntBE(1 + ID_LEN + TXNUM_LEN, VOUT_LEN);
}

/** U value: the output's value in sats. */
export function amountValue(value: number): Buffer {
  const v = Buffer.allocUnsafe(8);
  v.writeUInt32LE(value >>> 0, 0);
  v.writeUInt32LE(Math.floor(value / 0x100000000), 4);
  return v;
}

/** Decodes a U value. */
export function decodeAmount(v: Buffer, at = 0): number {
  return v.readUInt32LE(at + 4) * 0x100000000 + v.readUInt32LE(at);
}

// O: outpoint -> owner.

/** O key: output `vout` of tx `txnum`. */
export function outpointKey(txnum: number, vout: number): Buffer {
  const k = withTag(TAG.outpoint, 1 + TXNUM_LEN + VOUT_LEN);
  k.writeUIntBE(txnum, 1, TXNUM_LEN);
  k.writeUIntBE(vout, 1 + TXNUM_LEN, VOUT_LEN);
  return k;
}

// T: txid prefix -> tx number.

/** T key of the txs whose txid starts like `txid`. */
export function txidPrefixKey(txid: Buffer): Buffer {
  const k = withTag(TAG.txidPrefix, 1 + LOOKUP_TXID_LEN);
  txid.copy(k, 1, 0, LOOKUP_TXID_LEN);
  return k;
}

/** Decodes a T value: tx numbers. */
export function decodeTxnums(v: Buffer): number[] {
  const out: number[] = [];
  for (let at = 0; at + TXNUM_LEN <= v.length; at += TXNUM_LEN) out.push(v.readUIntBE(at, TXNUM_LEN));
  return out;
}

/** T value. */
export function encodeTxnums(ns: readonly number[]): Buffer {
  const v = Buffer.allocUnsafe(ns.length * TXNUM_LEN);
  ns.forEach((n, i) => v.writeUIntBE(n, i * TXNUM_LEN, TXNUM_LEN));
  return v;
}

// X: txids by tx number, TXIDS_PER_ROW per row.

/** X key of the row holding tx numbers [bucket * TXIDS_PER_ROW, (bucket + 1) * TXIDS_PER_ROW). */
export function txidsKey(bucket: number): Buffer {
  const k = withTag(TAG.txids, 5);
  k.writeUInt32BE(bucket, 1);
  return k;
}

// B: blocks.

/** B key: block row by height. */
export function blockKey(height: number): Buffer {
  const k = withTag(TAG.block, 5);
  k.writeUInt32BE(height, 1);
  return k;
}

/** B value: the 80-byte header and the tx number of the block's first tx. */
export function blockValue(header: Buffer, firstTxnum: number): Buffer {
  const v = Buffer.allocUnsafe(80 + TXNUM_LEN);
  header.copy(v, 0, 0, 80);
  v.writeUIntBE(firstTxnum, 80, TXNUM_LEN);
  return v;
}

/** Decodes a B value (header is a copy). */
export function decodeBlockValue(v: Buffer): { header: Buffer; firstTxnum: number } {
  return { header: Buffer.from(v.subarray(0, 80)), firstTxnum: v.readUIntBE(80, TXNUM_LEN) };
}

// D: undo.

/** D key: undo data of the block at height. */
export function undoKey(height: number): Buffer {
  const k = withTag(TAG.undo, 5);
  k.writeUInt32BE(height, 1);
  return k;
}

/** One output spent by a block, as needed to restore it when the block is undone. */
export interface SpentOutput {
  /** Tx number of the funding tx. */
  txnum: number;
  vout: number;
  /** Script id of the output. */
  id: Buffer;
  value: number;
}

/** D value: the block's spent outputs in input order (fixed-size entries). */
export function encodeUndo(spent: readonly SpentOutput[]): Buffer {
  const size = TXNUM_LEN + VOUT_LEN + ID_LEN + 8;
  const b = Buffer.allocUnsafe(spent.length * size);
  let at = 0;
  for (const s of spent) {
    b.writeUIntBE(s.txnum, at, TXNUM_LEN);
    b.writeUIntBE(s.vout, at + TXNUM_LEN, VOUT_LEN);
    s.id.copy(b, at + TXNUM_LEN + VOUT_LEN, 0, ID_LEN);
    amountValue(s.value).copy(b, at + TXNUM_LEN + VOUT_LEN + ID_LEN);
    at += size;
  }
  return b;
}

/** Decodes a D value. */
export function decodeUndo(b: Buffer): SpentOutput[] {
  const size = TXNUM_LEN + VOUT_LEN + ID_LEN + 8;
  if (b.length % size !== 0) throw new RangeError(`undo data of ${b.length} bytes is not a multiple of ${size}`);
  const out: SpentOutput[] = [];
  for (let at = 0; at < b.length; at += size) {
    out.push({
      txnum: b.readUIntBE(at, TXNUM_LEN),
      vout: b.readUIntBE(at + TXNUM_LEN, VOUT_LEN),
      id: Buffer.from(b.subarray(at + TXNUM_LEN + VOUT_LEN, at + TXNUM_LEN + VOUT_LEN + ID_LEN)),
      value: decodeAmount(b, at + TXNUM_LEN + VOUT_LEN + ID_LEN),
    });
  }
  return out;
}

// M: meta.

/** The M key. */
export const META_KEY = Buffer.from([TAG.meta, 0]);

/** What the index has reached; written in the same transaction as the rows it covers. */
export interface Meta {
  schema: number;
  /** -1 when nothing is indexed yet. */
  height: number;
  /** Internal-order hash of the tip block (zeros when height is -1). */
  hash: Buffer;
  /** Tx number the next indexed transaction gets. */
  nextTxnum: number;
}

/** M value. */
export function encodeMeta(m: Meta): Buffer {
  const v = Buffer.alloc(2 + 4 + 32 + TXNUM_LEN + 1);
  v.writeUInt16BE(m.schema, 0);
  v.writeInt32BE(m.height, 2);
  m.hash.copy(v, 6, 0, 32);
  v.writeUIntBE(m.nextTxnum, 38, TXNUM_LEN);
  v[43] = prefixLen;
  return v;
}

/** Decodes an M value (schema first, so any version's meta tells its schema). */
export function decodeMeta(v: Buffer): Meta & { prefixLen: number } {
  return {
    schema: v.readUInt16BE(0), height: v.readInt32BE(2), hash: Buffer.from(v.subarray(6, 38)), nextTxnum: v.readUIntBE(38, TXNUM_LEN),
    prefixLen: v.length > 43 ? v[43]! : 8,
  };
}

/** The exclusive upper bound of all keys starting with `prefix` (for range scans). */
export function prefixEnd(prefix: Buffer): Buffer {
  const e = Buffer.from(prefix);
  for (let i = e.length - 1; i >= 0; i--) {
    if (e[i]! < 0xff) {
      e[i]!++;
      return e.subarray(0, i + 1);
    }
  }
  return Buffer.alloc(prefix.length + 1, 0xff);
}
