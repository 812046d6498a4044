/** Byte helpers for the regtest simulator: hashing, hex, CompactSize, a growable writer and a reader. */
import { createHash } from 'node:crypto';

/** Double SHA-256 (Bitcoin's hash256). */
export function sha256d(data: Uint8Array): Buffer {
  return createHash('sha256').update(createHash('sha256').update(data).digest()).digest();
}

/** Single SHA-256. */
export function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

/** Hex of the bytes reversed: internal hash order -> display order. */
export function revHex(b: Uint8Array): string {
  return Buffer.from(b).reverse().toString('hex');
}

/** Display-order hex -> internal byte order. */
export function fromRevHex(hex: string): Buffer {
  return Buffer.from(hex, 'hex').reverse();
}

/** True for a 64-char hex string. */
export function isHash(s: unknown): s is string {
  return typeof s === 'string' && /^[0-9a-fA-F]{64}$/.test(s);
}

/** CompactSize encoding of n. */
export function compactSize(n: number): Buffer {
  if (n < 0xfd) return Buffer.from([n]);
  if (n <= 0xffff) { const b = Buffer.alloc(3); b[0] = 0xfd; b.writeUInt16LE(n, 1); return b; }
  if (n <= 0xffffffff) { const b = Buffer.alloc(5); b[0] = 0xfe; b.writeUInt32LE(n, 1); return b; }
  const b = Buffer.alloc(9); b[0] = 0xff; b.writeBigUInt64LE(BigInt(n), 1); return b;
}

/** Append-only byte writer. */
export class Writer {
  private parts: Buffer[] = [];
  bytes(b: Uint8Array): this { this.parts.push(Buffer.from(b.buffer, b.byteOffset, b.byteLength)); return this; }
  u8(n: number): this { this.parts.push(Buffer.from([n])); return this; }
  u32(n: number): this { const b = Buffer.alloc(4); b.writeUInt32LE(n >>> 0); this.parts.push(b); return this; }
  i32(n: number): this { const b = Buffer.alloc(4); b.writeInt32LE(n | 0); this.parts.push(b); return this; }
  u64(n: number): this { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(n)); this.parts.push(b); return this; }
  varint(n: number): this { this.parts.push(compactSize(n)); return this; }
  varbytes(b: Uint8Array): this { return this.varint(b.length).bytes(b); }
  done(): Buffer { return Buffer.concat(this.parts); }
}

/** Sequential reader over a buffer; throws RangeError on truncation. */
export class Reader {
  off = 0;
  constructor(readonly buf: Buffer) {}
  private need(n: number): void {
    if (this.off + n > this.buf.length) throw new RangeError('unexpected end of data');
  }
  u8(): number { this.need(1); return this.buf[this.off++]; }
  u32(): number { this.need(4); const v = this.buf.readUInt32LE(this.off); this.off += 4; return v; }
  i32(): number { this.need(4); const v = this.buf.readInt32LE(this.off); this.off += 4; return v; }
  u64(): number {
    this.need(8);
    const v = this.buf.readBigUInt64LE(this.off); this.off += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('amount too large');
    return Number(v);
  }
  varint(): number {
    const first = this.u8();
    if (first < 0xfd) return first;
    if (first === 0xfd) { this.need(2); const v = this.buf.readUInt16LE(this.off); this.off += 2; return v; }
    if (first === 0xfe) return this.u32();
    return this.u64();
  }
  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.off, this.off + n); this.off += n; return b;
  }
  varbytes(): Buffer { return this.bytes(this.varint()); }
  get eof(): boolean { return this.off >= this.buf.length; }
}
