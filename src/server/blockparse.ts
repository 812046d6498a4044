/**
 * The indexer's hot-path block parser: Buffers only (no hex strings), views into the block
 * instead of copies, txids hashed from byte ranges. src/bitcoin/tx.ts is the general parser
 * (display hex for every txid and prevout); at ~10^4 txs/s that hex work would dominate, so
 * the indexer and mempool use this one.
 */
import { createHash } from 'node:crypto';

/** An input: the spent outpoint (prevHash is an internal-order view into the block). */
export interface RawInput {
  prevHash: Buffer;
  vout: number;
}

/** An output: value in sats and a view of its script. */
export interface RawOutput {
  value: number;
  script: Buffer;
}

/** One transaction of a block. */
export interface RawTx {
  /** Internal-order txid (32 bytes, owned). */
  txid: Buffer;
  coinbase: boolean;
  ins: RawInput[];
  outs: RawOutput[];
  /** Virtual size (weight / 4, rounded up). */
  vsize: number;
}

const ZERO32 = Buffer.alloc(32);

function sha256d(...parts: Buffer[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return createHash('sha256').update(h.digest()).digest();
}

/** Parses the tx at `pos`; returns it and the offset past it. Throws RangeError when truncated. */
export function parseRawTx(buf: Buffer, pos: number): { tx: RawTx; end: number } {
  const start = pos;
  const need = (n: number): void => {
    if (pos + n > buf.length) throw new RangeError(`truncated transaction at byte ${pos}`);
  };
  const varint = (): number => {
    need(1);
    const f = buf[pos++]!;
    if (f < 0xfd) return f;
    if (f === 0xfd) { need(2); pos += 2; return buf.readUInt16LE(pos - 2); }
    if (f === 0xfe) { need(4); pos += 4; return buf.readUInt32LE(pos - 4); }
    need(8);
    pos += 8;
    return buf.readUInt32LE(pos - 4) * 0x100000000 + buf.readUInt32LE(pos - 8);
  };
  need(4);
  pos += 4;
  let segwit = false;
  if (buf[pos] === 0 && buf[pos + 1] === 1) {
    segwit = true;
    pos += 2;
  }
  const bodyStart = pos;
  const nIn = varint();
  if (nIn * 41 > buf.length - pos) throw new RangeError(`input count ${nIn} exceeds the data`);
  const ins: RawInput[] = new Array(nIn);
  for (let i = 0; i < nIn; i++) {
    need(36);
    const prevHash = buf.subarray(pos, pos + 32);
    const vout = buf.readUInt32LE(pos + 32);
    pos += 36;
    const sl = varint();
    need(sl + 4);
    pos += sl + 4;
    ins[i] = { prevHash, vout };
  }
  const nOut = varint();
  if (nOut * 9 > buf.length - pos) throw new RangeError(`output count ${nOut} exceeds the data`);
  const outs: RawOutput[] = new Array(nOut);
  for (let i = 0; i < nOut; i++) {
    need(8);
    const value = buf.readUInt32LE(pos + 4) * 0x100000000 + buf.readUInt32LE(pos);
    pos += 8;
    const sl = varint();
    need(sl);
    outs[i] = { value, script: buf.subarray(pos, pos + sl) };
    pos += sl;
  }
  const bodyEnd = pos;
  if (segwit) {
    for (let i = 0; i < nIn; i++) {
      const items = varint();
      for (let j = 0; j < items; j++) {
        const l = varint();
        need(l);
        pos += l;
      }
    }
  }
  need(4);
  pos += 4;
  const size = pos - start;
  const stripped = segwit ? 8 + (bodyEnd - bodyStart) : size;
  const txid = segwit
    ? sha256d(buf.subarray(start, start + 4), buf.subarray(bodyStart, bodyEnd), buf.subarray(pos - 4, pos))
    : sha256d(buf.subarray(start, pos));
  const coinbase = nIn === 1 && ins[0]!.vout === 0xffffffff && ins[0]!.prevHash.equals(ZERO32);
  return { tx: { txid, coinbase, ins, outs, vsize: Math.ceil((stripped * 3 + size) / 4) }, end: pos };
}

/** A parsed block: header view, its internal-order hash, transactions. */
export interface RawBlock {
  header: Buffer;
  hash: Buffer;
  /** Internal-order hash of the previous block. */
  prevHash: Buffer;
  txs: RawTx[];
}

/** Parses a serialized block; throws RangeError when malformed. */
export function parseRawBlock(buf: Buffer): RawBlock {
  if (buf.length < 81) throw new RangeError(`block of ${buf.length} bytes is too short`);
  const header = buf.subarray(0, 80);
  let pos = 80;
  let n = buf[pos++]!;
  if (n === 0xfd) { n = buf.readUInt16LE(pos); pos += 2; }
  else if (n === 0xfe) { n = buf.readUInt32LE(pos); pos += 4; }
  else if (n === 0xff) throw new RangeError('absurd transaction count');
  const txs: RawTx[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const r = parseRawTx(buf, pos);
    txs[i] = r.tx;
    pos = r.end;
  }
  if (pos !== buf.length) throw new RangeError(`${buf.length - pos} unexpected bytes after the block's transactions`);
  return { header, hash: sha256d(header), prevHash: header.subarray(4, 36), txs };
}

/** Parses one whole raw transaction (mempool); trailing bytes are an error. */
export function parseWholeTx(buf: Buffer): RawTx {
  const { tx, end } = parseRawTx(buf, 0);
  if (end !== buf.length) throw new RangeError(`${buf.length - end} unexpected bytes after the transaction`);
  return tx;
}

/** Display-order hex of an internal-order hash. */
export function toDisplay(hash: Buffer): string {
  return Buffer.from(hash).reverse().toString('hex');
}

/** Internal-order bytes of a display-order hex hash. */
export function fromDisplay(hex: string): Buffer {
  return Buffer.from(hex, 'hex').reverse();
}

/** True for outputs no one can spend and no server indexes (OP_RETURN). */
export function isUnspendable(script: Buffer): boolean {
  return script.length > 0 && script[0] === 0x6a;
}
