/**
 * Key/value layout of the index (pure encodings, no I/O). Every key starts with a one-byte
 * table tag so tables are contiguous ranges. Integers in keys are big-endian so that byte
 * order is numeric order; hashes are internal byte order (as in blocks), and script hashes
 * are the raw SHA-256 of the script (the protocol shows them reversed).
 *
 *   H sh(32) txnum(5)              -> ''                    history: one row per tx touching sh
 *   U sh(32) txid(12) vout(4)      -> value(8) txnum(5)     unspent outputs of sh
 *   O txid(12) vout(4)             -> sh(32) value(8) txnum(5)   outpoint -> funding output
 *   T txid(8) txnum(5)             -> ''                    txid prefix -> tx number (verify via X)
 *   X txnum(5)                     -> txid(32)              tx number -> txid
 *   B height(4)                    -> header(80) firstTxnum(5)
 *   D height(4)                    -> undo: spent outputs of the block (see encodeUndo)
 *   M                              -> meta: schema, tip height, tip hash, next txnum
 *
 * Script hashes are stored in full (32 bytes): measured, it costs the same bytes as a
 * truncated key plus a disambiguating value, and makes prefix collisions impossible.
 * Tx numbers count every transaction from genesis in chain order, so ordering history rows
 * by tx number is chain order (height, then position in block).
 */

/** Bumped when the layout changes; an index of another version is rebuilt. */
export const SCHEMA_VERSION = 1;

export const TAG = {
  history: 0x48, // H
  utxo: 0x55, // U
  outpoint: 0x4f, // O
  txidPrefix: 0x54, // T
  txnum: 0x58, // X
  block: 0x42, // B
  undo: 0x44, // D
  meta: 0x4d, // M
} as const;

export const SH_LEN = 32;
export const TXNUM_LEN = 5;
/** Bytes of the txid kept in outpoint keys: 96 bits keeps accidental collisions out of reach. */
export const OUT_TXID_LEN = 12;
/** Bytes of the txid in the T (lookup) table; candidates are verified against X. */
export const LOOKUP_TXID_LEN = 8;

function writeU64(buf: Buffer, v: number, at: number): void {
  buf.writeUInt32LE(v >>> 0, at);
  buf.writeUInt32LE(Math.floor(v / 0x100000000), at + 4);
}
function readU64(buf: Buffer, at: number): number {
  return buf.readUInt32LE(at + 4) * 0x100000000 + buf.readUInt32LE(at);
}

/** H key: every tx touching script hash `sh`, ordered by tx number. */
export function historyKey(sh: Buffer, txnum: number): Buffer {
  const k = Buffer.allocUnsafe(1 + SH_LEN + TXNUM_LEN);
  k[0] = TAG.history;
  sh.copy(k, 1, 0, SH_LEN);
  k.writeUIntBE(txnum, 1 + SH_LEN, TXNUM_LEN);
  return k;
}

/** Prefix of all rows of `tag` for script hash `sh` (H or U). */
export function shPrefix(tag: number, sh: Buffer): Buffer {
  const k = Buffer.allocUnsafe(1 + SH_LEN);
  k[0] = tag;
  sh.copy(k, 1, 0, SH_LEN);
  return k;
}

/** Tx number of an H key. */
export function historyKeyTxnum(key: Buffer): number {
  return key.readUIntBE(1 + SH_LEN, TXNUM_LEN);
}

/** U key: unspent output `vout` of tx `txid` (internal order) paying `sh`. */
export function utxoKey(sh: Buffer, txid: Buffer, vout: number): Buffer {
  const k = Buffer.allocUnsafe(1 + SH_LEN + OUT_TXID_LEN + 4);
  k[0] = TAG.utxo;
  sh.copy(k, 1, 0, SH_LEN);
  txid.copy(k, 1 + SH_LEN, 0, OUT_TXID_LEN);
  k.writeUInt32BE(vout, 1 + SH_LEN + OUT_TXID_LEN);
  return k;
}

/** vout of a U key. */
export function utxoKeyVout(key: Buffer): number {
  return key.readUInt32BE(1 + SH_LEN + OUT_TXID_LEN);
}

/** U value: output value (sats) and funding tx number. */
export function utxoValue(value: number, txnum: number): Buffer {
  const v = Buffer.allocUnsafe(8 + TXNUM_LEN);
  writeU64(v, value, 0);
  v.writeUIntBE(txnum, 8, TXNUM_LEN);
  return v;
}

/** Decodes a U value. */
export function decodeUtxoValue(v: Buffer): { value: number; txnum: number } {
  return { value: readU64(v, 0), txnum: v.readUIntBE(8, TXNUM_LEN) };
}

/** O key: outpoint -> funding output. */
export function outpointKey(txid: Buffer, vout: number): Buffer {
  const k = Buffer.allocUnsafe(1 + OUT_TXID_LEN + 4);
  k[0] = TAG.outpoint;
  txid.copy(k, 1, 0, OUT_TXID_LEN);
  k.writeUInt32BE(vout, 1 + OUT_TXID_LEN);
  return k;
}

/** O value: script hash, value, funding tx number. */
export function outpointValue(sh: Buffer, value: number, txnum: number): Buffer {
  const v = Buffer.allocUnsafe(SH_LEN + 8 + TXNUM_LEN);
  sh.copy(v, 0, 0, SH_LEN);
  writeU64(v, value, SH_LEN);
  v.writeUIntBE(txnum, SH_LEN + 8, TXNUM_LEN);
  return v;
}

/** Decodes an O value (sh is a view into `v`). */
export function decodeOutpointValue(v: Buffer): { sh: Buffer; value: number; txnum: number } {
  return { sh: v.subarray(0, SH_LEN), value: readU64(v, SH_LEN), txnum: v.readUIntBE(SH_LEN + 8, TXNUM_LEN) };
}

/** T key: txid prefix + tx number (several txs may share a prefix). */
export function txidPrefixKey(txid: Buffer, txnum: number): Buffer {
  const k = Buffer.allocUnsafe(1 + LOOKUP_TXID_LEN + TXNUM_LEN);
  k[0] = TAG.txidPrefix;
  txid.copy(k, 1, 0, LOOKUP_TXID_LEN);
  k.writeUIntBE(txnum, 1 + LOOKUP_TXID_LEN, TXNUM_LEN);
  return k;
}

/** Prefix of the T rows whose txid starts like `txid`. */
export function txidPrefix(txid: Buffer): Buffer {
  const k = Buffer.allocUnsafe(1 + LOOKUP_TXID_LEN);
  k[0] = TAG.txidPrefix;
  txid.copy(k, 1, 0, LOOKUP_TXID_LEN);
  return k;
}

/** Tx number of a T key. */
export function txidPrefixKeyTxnum(key: Buffer): number {
  return key.readUIntBE(1 + LOOKUP_TXID_LEN, TXNUM_LEN);
}

/** X key: tx number -> txid. */
export function txnumKey(txnum: number): Buffer {
  const k = Buffer.allocUnsafe(1 + TXNUM_LEN);
  k[0] = TAG.txnum;
  k.writeUIntBE(txnum, 1, TXNUM_LEN);
  return k;
}

/** B key: block row by height. */
export function blockKey(height: number): Buffer {
  const k = Buffer.allocUnsafe(5);
  k[0] = TAG.block;
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

/** D key: undo data of the block at height. */
export function undoKey(height: number): Buffer {
  const k = Buffer.allocUnsafe(5);
  k[0] = TAG.undo;
  k.writeUInt32BE(height, 1);
  return k;
}

/** One output spent by a block, as needed to restore it when the block is undone. */
export interface SpentOutput {
  /** Funding txid, internal order, 32 bytes. */
  txid: Buffer;
  vout: number;
  sh: Buffer;
  value: number;
  txnum: number;
}

const UNDO_ENTRY = 32 + 4 + SH_LEN + 8 + TXNUM_LEN;

/** D value: the block's spent outputs in input order (fixed-size entries). */
export function encodeUndo(spent: readonly SpentOutput[]): Buffer {
  const b = Buffer.allocUnsafe(spent.length * UNDO_ENTRY);
  let at = 0;
  for (const s of spent) {
    s.txid.copy(b, at, 0, 32);
    b.writeUInt32BE(s.vout, at + 32);
    s.sh.copy(b, at + 36, 0, SH_LEN);
    writeU64(b, s.value, at + 36 + SH_LEN);
    b.writeUIntBE(s.txnum, at + 44 + SH_LEN, TXNUM_LEN);
    at += UNDO_ENTRY;
  }
  return b;
}

/** Decodes a D value. */
export function decodeUndo(b: Buffer): SpentOutput[] {
  if (b.length % UNDO_ENTRY !== 0) throw new RangeError(`undo data of ${b.length} bytes is not a multiple of ${UNDO_ENTRY}`);
  const out: SpentOutput[] = [];
  for (let at = 0; at < b.length; at += UNDO_ENTRY) {
    out.push({
      txid: Buffer.from(b.subarray(at, at + 32)),
      vout: b.readUInt32BE(at + 32),
      sh: Buffer.from(b.subarray(at + 36, at + 36 + SH_LEN)),
      value: readU64(b, at + 36 + SH_LEN),
      txnum: b.readUIntBE(at + 44 + SH_LEN, TXNUM_LEN),
    });
  }
  return out;
}

/** The M key. */
export const META_KEY = Buffer.from([TAG.meta]);

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
  const v = Buffer.alloc(2 + 4 + 32 + TXNUM_LEN);
  v.writeUInt16BE(m.schema, 0);
  v.writeInt32BE(m.height, 2);
  m.hash.copy(v, 6, 0, 32);
  v.writeUIntBE(m.nextTxnum, 38, TXNUM_LEN);
  return v;
}

/** Decodes an M value. */
export function decodeMeta(v: Buffer): Meta {
  return { schema: v.readUInt16BE(0), height: v.readInt32BE(2), hash: Buffer.from(v.subarray(6, 38)), nextTxnum: v.readUIntBE(38, TXNUM_LEN) };
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
