/**
 * 80-byte block headers (docs/protocol.md §6.1, §6.2, §6.5): parsing, the 1.0-1.3 deserialized
 * JSON form, compact targets, proof of work and prev-hash linkage.
 */
import { ProtocolError } from '../errors.js';
import { hashFromDisplay, hashToDisplay, isHex, preview, sha256d } from './hex.js';

/** Size of a base (non-AuxPoW) header. */
export const HEADER_SIZE = 80;

/** The fields of a raw header; hashes in display order. */
export interface Header {
  /** int32 as the consensus code reads it. */
  version: number;
  prevHash: string;
  merkleRoot: string;
  timestamp: number;
  bits: number;
  nonce: number;
  /** The block hash, display order. */
  hash: string;
}

/** The deserialized header of protocol 1.0-1.3, keys in ElectrumX's order. */
export interface DeserializedHeader {
  block_height: number;
  version: number;
  prev_block_hash: string;
  merkle_root: string;
  timestamp: number;
  bits: number;
  nonce: number;
}

/** Raw header bytes from hex or bytes; ProtocolError unless exactly 80 bytes. */
export function headerBytes(header: string | Uint8Array): Buffer {
  let b: Buffer;
  if (typeof header === 'string') {
    if (!isHex(header)) throw new ProtocolError(`block header is not hex: ${preview(header)}`);
    b = Buffer.from(header, 'hex');
  } else {
    b = Buffer.from(header.buffer, header.byteOffset, header.byteLength);
  }
  if (b.length !== HEADER_SIZE) throw new ProtocolError(`block header is ${b.length} bytes, expected ${HEADER_SIZE}`);
  return b;
}

/** Parses an 80-byte header. */
export function parseHeader(header: string | Uint8Array): Header {
  const b = headerBytes(header);
  return {
    version: b.readInt32LE(0),
    prevHash: hashToDisplay(b.subarray(4, 36)),
    merkleRoot: hashToDisplay(b.subarray(36, 68)),
    timestamp: b.readUInt32LE(68),
    bits: b.readUInt32LE(72),
    nonce: b.readUInt32LE(76),
    hash: hashToDisplay(sha256d(b)),
  };
}

/** The block hash (display hex) of an 80-byte header. */
export function blockHash(header: string | Uint8Array): string {
  return hashToDisplay(sha256d(headerBytes(header)));
}

/**
 * The 1.0-1.3 JSON form (§6.2). Version is read unsigned, as ElectrumX does
 * (`struct.unpack('<I')`), so it can differ from parseHeader's for versions >= 2^31.
 */
export function deserializedHeader(header: string | Uint8Array, height: number): DeserializedHeader {
  const b = headerBytes(header);
  return {
    block_height: height,
    version: b.readUInt32LE(0),
    prev_block_hash: hashToDisplay(b.subarray(4, 36)),
    merkle_root: hashToDisplay(b.subarray(36, 68)),
    timestamp: b.readUInt32LE(68),
    bits: b.readUInt32LE(72),
    nonce: b.readUInt32LE(76),
  };
}

/** Inverse of deserializedHeader (block_height ignored): 160 hex chars; ProtocolError on bad fields. */
export function serializeHeader(h: Omit<DeserializedHeader, 'block_height'> & { block_height?: number }): string {
  const b = Buffer.alloc(HEADER_SIZE);
  const u32 = (v: unknown, name: string, signed = false): number => {
    const ok = typeof v === 'number' && Number.isInteger(v) && v <= 0xffffffff && v >= (signed ? -0x80000000 : 0);
    if (!ok) throw new ProtocolError(`header ${name} is not a 32-bit integer: ${String(v)}`);
    return (v as number) >>> 0;
  };
  const hash = (v: unknown, name: string): Buffer => {
    try {
      return hashFromDisplay(v as string, name);
    } catch {
      throw new ProtocolError(`header ${name} is not 64 hex characters: ${preview(v)}`);
    }
  };
  b.writeUInt32LE(u32(h.version, 'version', true), 0);
  hash(h.prev_block_hash, 'prev_block_hash').copy(b, 4);
  hash(h.merkle_root, 'merkle_root').copy(b, 36);
  b.writeUInt32LE(u32(h.timestamp, 'timestamp'), 68);
  b.writeUInt32LE(u32(h.bits, 'bits'), 72);
  b.writeUInt32LE(u32(h.nonce, 'nonce'), 76);
  return b.toString('hex');
}

/**
 * Compact `bits` -> target, as Bitcoin Core's SetCompact and Electrum's bits_to_target:
 * ProtocolError when the sign bit is set on a non-zero mantissa, or the target overflows.
 */
export function bitsToTarget(bits: number): bigint {
  if (!Number.isInteger(bits) || bits < 0 || bits > 0xffffffff) throw new ProtocolError(`bits is not a uint32: ${bits}`);
  const exp = bits >>> 24;
  const mant = bits & 0x7fffff;
  const target = exp <= 3 ? BigInt(mant >>> (8 * (3 - exp))) : BigInt(mant) << BigInt(8 * (exp - 3));
  if (target !== 0n && (bits & 0x800000) !== 0) throw new ProtocolError(`bits 0x${hex8(bits)}: negative target`);
  if (target !== 0n && (exp > 34 || (exp > 33 && mant > 0xff) || (exp > 32 && mant > 0xffff))) {
    throw new ProtocolError(`bits 0x${hex8(bits)}: target overflows 256 bits`);
  }
  return target;
}

/** Target -> compact bits (Bitcoin Core's GetCompact), for retarget checks. */
export function targetToBits(target: bigint): number {
  if (target < 0n) throw new RangeError('target must not be negative');
  if (target === 0n) return 0;
  let size = Math.ceil(target.toString(16).length / 2);
  let mant = size <= 3 ? Number(target << BigInt(8 * (3 - size))) : Number(target >> BigInt(8 * (size - 3)));
  // The mantissa's top bit is the sign: shift one byte further if it would be set.
  if (mant & 0x800000) {
    mant >>>= 8;
    size += 1;
  }
  return ((size << 24) | mant) >>> 0;
}

/**
 * Blocks between two difficulty adjustments (consensus). It is also the Electrum protocol's
 * header chunk: blockchain.block.get_chunk returns one interval, and servers cap
 * blockchain.block.headers at it (Electrum requires max >= 2016).
 */
export const RETARGET_INTERVAL = 2016;

/** Mainnet's maximum (easiest) target, bits 0x1d00ffff. */
export const MAX_TARGET = bitsToTarget(0x1d00ffff);

/**
 * Next mainnet target at a 2016-block retarget (§6.5): old target scaled by the clamped
 * timespan over two weeks, capped at MAX_TARGET, round-tripped through compact bits.
 */
export function retargetBits(oldBits: number, firstTimestamp: number, lastTimestamp: number): number {
  const twoWeeks = 14 * 24 * 60 * 60;
  const span = Math.min(Math.max(lastTimestamp - firstTimestamp, twoWeeks / 4), twoWeeks * 4);
  let t = (bitsToTarget(oldBits) * BigInt(span)) / BigInt(twoWeeks);
  if (t > MAX_TARGET) t = MAX_TARGET;
  return targetToBits(t);
}

/** True when the header's hash, as a big-endian number, is <= the target its bits encode. */
export function checkPow(header: string | Uint8Array): boolean {
  const b = headerBytes(header);
  let target: bigint;
  try {
    target = bitsToTarget(b.readUInt32LE(72));
  } catch {
    return false;
  }
  return BigInt(`0x${hashToDisplay(sha256d(b))}`) <= target;
}

/**
 * Checks prev-hash linkage: header i must name header i-1 (and header 0 must name
 * `prevHash` when given, display hex). Returns the index of the first break, or -1.
 */
export function checkChain(headers: readonly (string | Uint8Array)[], prevHash?: string): number {
  let prev: Buffer | null = prevHash === undefined ? null : hashFromDisplay(prevHash, 'prevHash');
  for (let i = 0; i < headers.length; i++) {
    const b = headerBytes(headers[i]!);
    if (prev && !prev.equals(b.subarray(4, 36))) return i;
    prev = sha256d(b);
  }
  return -1;
}

/** Splits concatenated headers (block.headers `hex`) into 80-byte views; ProtocolError if ragged. */
export function splitHeaders(hex: string, count?: number): Buffer[] {
  if (!isHex(hex)) throw new ProtocolError(`headers are not hex: ${preview(hex)}`);
  const b = Buffer.from(hex, 'hex');
  if (b.length % HEADER_SIZE !== 0) throw new ProtocolError(`headers: ${b.length} bytes is not a multiple of ${HEADER_SIZE}`);
  const n = b.length / HEADER_SIZE;
  if (count !== undefined && n !== count) throw new ProtocolError(`headers: got ${n}, count says ${count}`);
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) out.push(b.subarray(i * HEADER_SIZE, (i + 1) * HEADER_SIZE));
  return out;
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}
