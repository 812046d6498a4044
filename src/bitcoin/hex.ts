/**
 * Hex, byte-order and hashing helpers. Hashes travel as display-order hex (reversed bytes,
 * docs/protocol.md §0) and are hashed/concatenated in internal order; these helpers convert.
 */
import { createHash, hash as oneShotHash } from 'node:crypto';

const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;
const HEX64_RE = /^[0-9a-fA-F]{64}$/;

/** True for an even-length string of hex digits (any case; '' included). */
export function isHex(s: unknown): s is string {
  return typeof s === 'string' && HEX_RE.test(s);
}

/** True for exactly 64 hex digits (a txid, block hash or script hash). */
export function isHex64(s: unknown): s is string {
  return typeof s === 'string' && HEX64_RE.test(s);
}

/** Decodes hex (any case); throws TypeError naming `what` on anything else. */
export function fromHex(s: string, what = 'hex'): Buffer {
  if (!isHex(s)) throw new TypeError(`${what}: expected an even-length hex string, got ${preview(s)}`);
  return Buffer.from(s, 'hex');
}

/** Lowercase hex of the bytes. */
export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** Reverses the byte order of a hex string (display <-> internal). */
export function reverseHex(s: string): string {
  return toHex(fromHex(s).reverse());
}

/** Display-order 64-hex hash -> internal-order 32 bytes; throws TypeError otherwise. */
export function hashFromDisplay(s: string, what = 'hash'): Buffer {
  if (!isHex64(s)) throw new TypeError(`${what}: expected 64 hex characters, got ${preview(s)}`);
  return Buffer.from(s, 'hex').reverse();
}

/** Internal-order 32 bytes -> display-order lowercase hex (input is not modified). */
export function hashToDisplay(b: Uint8Array): string {
  return Buffer.from(b).reverse().toString('hex');
}

/** Single SHA-256. */
export function sha256(data: Uint8Array): Buffer {
  return oneShotHash('sha256', data, 'buffer');
}

/** SHA256(SHA256(data)): txids, block hashes and merkle nodes. */
export function sha256d(data: Uint8Array): Buffer {
  return oneShotHash('sha256', oneShotHash('sha256', data, 'buffer'), 'buffer');
}

/** SHA256d over several byte ranges as if concatenated, without copying them. */
export function sha256dParts(parts: readonly Uint8Array[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return oneShotHash('sha256', h.digest(), 'buffer');
}

/** A short, printable rendering of a bad value for error messages. */
export function preview(v: unknown, max = 24): string {
  if (typeof v !== 'string') return v === undefined ? 'undefined' : typeof v;
  const s = JSON.stringify(v.length > max ? `${v.slice(0, max)}…` : v);
  return v.length > max ? `${s} (${v.length} chars)` : s;
}
