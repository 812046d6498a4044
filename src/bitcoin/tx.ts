/**
 * A minimal, fast raw-transaction and block parser. The embedded server runs every block
 * through it, so it returns views into the input buffer instead of copies, and computes
 * txids by hashing byte ranges rather than re-serializing.
 */
import { createHash } from 'node:crypto';
import { ProtocolError } from '../errors.js';
import { hashToDisplay, isHex, preview, sha256, sha256d } from './hex.js';

/** One input. Buffers are views into the parsed buffer: copy them to keep them. */
export interface TxInput {
  /** Display-order hex of the spent transaction (all zeros for a coinbase). */
  prevTxid: string;
  /** Internal-order 32 bytes of the spent transaction (a view). */
  prevHash: Buffer;
  prevIndex: number;
  sequence: number;
  scriptSig: Buffer;
  /** Witness stack items; empty when the tx or this input has none. */
  witness: Buffer[];
}

/** One output. `script` is a view into the parsed buffer. */
export interface TxOutput {
  /** Satoshis (exact: values above 2^53 are rejected). */
  value: number;
  script: Buffer;
}

/** A parsed transaction. */
export interface ParsedTx {
  /** Display-order txid (hash of the serialization without witness data). */
  txid: string;
  /** Display-order wtxid; only when requested (equals txid for non-segwit txs). */
  wtxid?: string;
  version: number;
  locktime: number;
  segwit: boolean;
  inputs: TxInput[];
  outputs: TxOutput[];
  /** Serialized size in bytes, witness included. */
  size: number;
  weight: number;
  vsize: number;
  /** Offset just past this transaction in the input buffer. */
  end: number;
}

/** Options of parseTx. */
export interface ParseTxOptions {
  /** Also compute the wtxid (one more hash of the whole tx). */
  wtxid?: boolean;
}

/** A parsed block. */
export interface ParsedBlock {
  /** The 80-byte header as hex. */
  header: string;
  /** Display-order block hash. */
  hash: string;
  txs: ParsedTx[];
}

/** Thrown for truncated or malformed serializations (a ProtocolError, exit status 5). */
export class TxParseError extends ProtocolError {}

const MAX_SAFE_HI = 0x1fffff; // high 32-bit word of the largest exact double

/** Cursor over a buffer with bounds-checked little-endian reads. */
class Reader {
  constructor(readonly buf: Buffer, public pos: number) {}

  need(n: number): void {
    if (this.pos + n > this.buf.length) throw new TxParseError(`truncated transaction at byte ${this.pos}`);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  i32(): number {
    this.need(4);
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  u64(): number {
    this.need(8);
    const lo = this.buf.readUInt32LE(this.pos);
    const hi = this.buf.readUInt32LE(this.pos + 4);
    if (hi > MAX_SAFE_HI) throw new TxParseError(`amount at byte ${this.pos} exceeds 2^53`);
    this.pos += 8;
    return hi * 0x100000000 + lo;
  }

  varint(): number {
    const first = this.u8();
    if (first < 0xfd) return first;
    if (first === 0xfd) {
      this.need(2);
      const v = this.buf.readUInt16LE(this.pos);
      this.pos += 2;
      return v;
    }
    if (first === 0xfe) return this.u32();
    return this.u64();
  }

  /** A count of items each at least `minSize` bytes, checked against what is left. */
  count(minSize: number, what: string): number {
    const at = this.pos;
    const n = this.varint();
    if (n * minSize > this.buf.length - this.pos) throw new TxParseError(`${what} count ${n} at byte ${at} exceeds the data`);
    return n;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  varBytes(): Buffer {
    return this.bytes(this.count(1, 'script length'));
  }
}

/** Parses one transaction starting at `offset` of `buf`; TxParseError when malformed. */
export function parseTx(buf: Buffer, offset = 0, opts: ParseTxOptions = {}): ParsedTx {
  const r = new Reader(buf, offset);
  const start = offset;
  const version = r.i32();
  let segwit = false;
  // BIP 144: marker 0x00 then flag; 0x00 0x00 would be a legacy tx with no inputs.
  if (r.pos + 1 < buf.length && buf[r.pos] === 0 && buf[r.pos + 1] !== 0) {
    if (buf[r.pos + 1] !== 1) throw new TxParseError(`unknown segwit flag ${buf[r.pos + 1]} at byte ${r.pos + 1}`);
    segwit = true;
    r.pos += 2;
  }
  const bodyStart = r.pos;
  const nIn = r.count(41, 'input');
  const inputs: TxInput[] = new Array(nIn);
  for (let i = 0; i < nIn; i++) {
    const prevHash = r.bytes(32);
    const prevIndex = r.u32();
    const scriptSig = r.varBytes();
    const sequence = r.u32();
    inputs[i] = { prevTxid: hashToDisplay(prevHash), prevHash, prevIndex, sequence, scriptSig, witness: [] };
  }
  const nOut = r.count(9, 'output');
  const outputs: TxOutput[] = new Array(nOut);
  for (let i = 0; i < nOut; i++) {
    const value = r.u64();
    outputs[i] = { value, script: r.varBytes() };
  }
  const bodyEnd = r.pos;
  if (segwit) {
    let any = false;
    for (let i = 0; i < nIn; i++) {
      const n = r.count(1, 'witness item');
      const items: Buffer[] = new Array(n);
      for (let j = 0; j < n; j++) items[j] = r.varBytes();
      inputs[i]!.witness = items;
      if (n > 0) any = true;
    }
    // Bitcoin Core refuses a witness flag with no witness data ("superfluous witness").
    if (!any) throw new TxParseError('segwit transaction without witness data');
  }
  const locktime = r.u32();
  const end = r.pos;
  const size = end - start;
  const stripped = segwit ? 4 + (bodyEnd - bodyStart) + 4 : size;
  const weight = stripped * 3 + size;
  let txidHash: Buffer;
  if (segwit) {
    const h = createHash('sha256');
    h.update(buf.subarray(start, start + 4));
    h.update(buf.subarray(bodyStart, bodyEnd));
    h.update(buf.subarray(end - 4, end));
    txidHash = sha256(h.digest());
  } else {
    txidHash = sha256d(buf.subarray(start, end));
  }
  const txid = hashToDisplay(txidHash);
  const tx: ParsedTx = {
    txid, version, locktime, segwit, inputs, outputs, size, weight, vsize: Math.ceil(weight / 4), end,
  };
  if (opts.wtxid) tx.wtxid = segwit ? hashToDisplay(sha256d(buf.subarray(start, end))) : txid;
  return tx;
}

/** Parses a whole raw transaction (hex or bytes); trailing bytes are an error. */
export function parseRawTx(raw: string | Buffer, opts: ParseTxOptions = {}): ParsedTx {
  const buf = typeof raw === 'string' ? txBytesFromHex(raw) : raw;
  const tx = parseTx(buf, 0, opts);
  if (tx.end !== buf.length) throw new TxParseError(`${buf.length - tx.end} unexpected bytes after the transaction`);
  return tx;
}

/** Parses a serialized block: header, tx count, transactions; trailing bytes are an error. */
export function parseBlock(buf: Buffer, opts: ParseTxOptions = {}): ParsedBlock {
  if (buf.length < 81) throw new TxParseError(`block of ${buf.length} bytes is too short`);
  const header = buf.subarray(0, 80);
  const r = new Reader(buf, 80);
  const n = r.count(60, 'transaction');
  const txs: ParsedTx[] = new Array(n);
  let pos = r.pos;
  for (let i = 0; i < n; i++) {
    const tx = parseTx(buf, pos, opts);
    txs[i] = tx;
    pos = tx.end;
  }
  if (pos !== buf.length) throw new TxParseError(`${buf.length - pos} unexpected bytes after the block's transactions`);
  return { header: header.toString('hex'), hash: hashToDisplay(sha256d(header)), txs };
}

/**
 * True when the bytes deserialize as exactly one transaction: Electrum's defence against
 * 64-byte merkle nodes posing as transactions (CVE-2017-12842).
 */
export function isParsableTx(bytes: Buffer): boolean {
  try {
    return parseTx(bytes, 0).end === bytes.length;
  } catch {
    return false;
  }
}

function txBytesFromHex(hex: string): Buffer {
  if (!isHex(hex)) throw new TxParseError(`transaction is not hex: ${preview(hex)}`);
  return Buffer.from(hex, 'hex');
}
