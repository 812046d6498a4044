/** 80-byte block headers: encode, decode, hash, regtest proof of work and chain work. */
import { Reader, Writer, fromRevHex, revHex, sha256d } from './bytes.js';

/** A decoded block header; hashes in display order. */
export interface Header {
  version: number;
  prev: string;
  merkleRoot: string;
  time: number;
  bits: number;
  nonce: number;
}

/** Regtest's fixed difficulty bits. */
export const REGTEST_BITS = 0x207fffff;

/** Serializes a header to its 80 bytes. */
export function encodeHeader(h: Header): Buffer {
  return new Writer().i32(h.version).bytes(fromRevHex(h.prev)).bytes(fromRevHex(h.merkleRoot))
    .u32(h.time).u32(h.bits).u32(h.nonce).done();
}

/** Parses 80 header bytes. */
export function decodeHeader(buf: Buffer): Header {
  const r = new Reader(buf);
  return {
    version: r.i32(), prev: revHex(r.bytes(32)), merkleRoot: revHex(r.bytes(32)),
    time: r.u32(), bits: r.u32(), nonce: r.u32(),
  };
}

/** Target as a bigint from compact bits (no negative/overflow handling needed for regtest). */
export function bitsToTarget(bits: number): bigint {
  const exp = bits >>> 24;
  const mant = BigInt(bits & 0x007fffff);
  return exp <= 3 ? mant >> BigInt(8 * (3 - exp)) : mant << BigInt(8 * (exp - 3));
}

/** True when the header hash (internal order) satisfies the target of its bits. */
export function checkPow(headerBytes: Buffer, bits: number): boolean {
  const hash = sha256d(headerBytes);
  return BigInt('0x' + revHex(hash)) <= bitsToTarget(bits);
}

/** Work of one block with these bits: 2^256 / (target + 1). */
export function blockWork(bits: number): bigint {
  return (1n << 256n) / (bitsToTarget(bits) + 1n);
}

/** Core's getdifficulty for bits relative to the mainnet pow limit. */
export function difficulty(bits: number): number {
  let shift = (bits >>> 24) & 0xff;
  let diff = 0x0000ffff / (bits & 0x00ffffff);
  while (shift < 29) { diff *= 256.0; shift++; }
  while (shift > 29) { diff /= 256.0; shift--; }
  return diff;
}

/**
 * The one header miner of the simulator, the benchmarks and the tests: searches the nonce (bytes
 * 76..80) of an 80-byte header until its hash meets the target of its own bits or, with `failPow`,
 * until it does NOT (a header a verifier must reject). On regtest either takes about two tries.
 * Returns a mined copy; the input is left as it is.
 */
export function mineHeaderBytes(header: Buffer, opts: { failPow?: boolean } = {}): Buffer {
  const out = Buffer.from(header.subarray(0, 80));
  const target = bitsToTarget(out.readUInt32LE(72));
  for (let nonce = 0; nonce <= 0xffffffff; nonce++) {
    out.writeUInt32LE(nonce, 76);
    const meets = BigInt('0x' + revHex(sha256d(out))) <= target;
    if (meets !== (opts.failPow ?? false)) return out;
  }
  throw new Error('nonce space exhausted');
}

/** mineHeaderBytes for a decoded header: the header with its nonce, its bytes and its hash. */
export function mineHeader(h: Header, opts: { failPow?: boolean } = {}): { header: Header; bytes: Buffer; hash: string } {
  const bytes = mineHeaderBytes(encodeHeader(h), opts);
  return { header: { ...h, nonce: bytes.readUInt32LE(76) }, bytes, hash: headerHash(bytes) };
}

/** Display hash of a header's bytes. */
export function headerHash(bytes: Buffer): string {
  return revHex(sha256d(bytes.subarray(0, 80)));
}
