/** Blocks: parsing, merkle roots, witness commitment, BIP34 height script, subsidy and assembly. */
import { Reader, Writer, fromRevHex, revHex, sha256d } from './bytes.js';
import { Header, decodeHeader, encodeHeader, headerHash } from './header.js';
import { Tx, readTx } from './tx.js';

/** A parsed block. */
export interface Block {
  raw: Buffer;
  hash: string;
  header: Header;
  headerBytes: Buffer;
  txs: Tx[];
  size: number;
  strippedSize: number;
  weight: number;
}

/** Regtest halving interval. */
export const HALVING_INTERVAL = 150;
/** Coinbase outputs need this many confirmations (consensus). */
export const COINBASE_MATURITY = 100;
/** Prefix of the segwit commitment output script: OP_RETURN, push 36, aa21a9ed. */
export const WITNESS_COMMIT_PREFIX = Buffer.from('6a24aa21a9ed', 'hex');

/** Parses a serialized block; throws RangeError on malformed data. */
export function parseBlock(raw: Buffer | string): Block {
  const buf = typeof raw === 'string' ? Buffer.from(raw, 'hex') : raw;
  if (buf.length < 81) throw new RangeError('block too short');
  const r = new Reader(buf);
  const headerBytes = r.bytes(80);
  const n = r.varint();
  const txs: Tx[] = [];
  for (let i = 0; i < n; i++) txs.push(readTx(r));
  if (!r.eof) throw new RangeError('trailing data after block');
  const countLen = encodeCount(n).length;
  const strippedSize = 80 + countLen + txs.reduce((s, t) => s + t.baseSize, 0);
  return {
    raw: buf, hash: headerHash(headerBytes), header: decodeHeader(headerBytes), headerBytes, txs,
    size: buf.length, strippedSize, weight: strippedSize * 3 + buf.length,
  };
}

function encodeCount(n: number): Buffer {
  return new Writer().varint(n).done();
}

/** Merkle root over display-order hashes, with Core's mutation flag (duplicate last pair). */
export function merkleRoot(hashes: string[]): { root: string; mutated: boolean } {
  if (hashes.length === 0) return { root: '0'.repeat(64), mutated: false };
  let level = hashes.map((h) => fromRevHex(h));
  let mutated = false;
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const a = level[i];
      const b = i + 1 < level.length ? level[i + 1] : a;
      if (i + 1 < level.length && a.equals(b)) mutated = true;
      next.push(sha256d(Buffer.concat([a, b])));
    }
    level = next;
  }
  return { root: revHex(level[0]), mutated };
}

/** Witness merkle root: wtxids with the coinbase's replaced by zero. */
export function witnessRoot(txs: Tx[]): string {
  return merkleRoot(txs.map((t, i) => (i === 0 ? '0'.repeat(64) : t.wtxid))).root;
}

/** The 32-byte commitment for a witness root and the coinbase's reserved value. */
export function witnessCommitment(witRoot: string, reserved: Buffer): Buffer {
  return sha256d(Buffer.concat([fromRevHex(witRoot), reserved]));
}

/** Index of the last commitment output in the coinbase (Core takes the last), or -1. */
export function findCommitmentOutput(coinbase: Tx): number {
  let idx = -1;
  coinbase.vout.forEach((o, i) => {
    if (o.script.length >= 38 && o.script.subarray(0, 6).equals(WITNESS_COMMIT_PREFIX)) idx = i;
  });
  return idx;
}

/** Script that pushes n as a CScriptNum the way Core's `CScript() << n` does (BIP34 prefix). */
export function scriptNumPush(n: number): Buffer {
  if (n === 0) return Buffer.from([0x00]);
  if (n >= 1 && n <= 16) return Buffer.from([0x50 + n]);
  const bytes: number[] = [];
  let v = n;
  while (v > 0) { bytes.push(v & 0xff); v = Math.floor(v / 256); }
  if (bytes[bytes.length - 1] & 0x80) bytes.push(0);
  return Buffer.from([bytes.length, ...bytes]);
}

/** Block subsidy in satoshis at a regtest height. */
export function subsidy(height: number): number {
  const halvings = Math.floor(height / HALVING_INTERVAL);
  if (halvings >= 64) return 0;
  return Math.floor(50e8 / 2 ** halvings);
}

/** Serializes header + transactions. */
export function assembleBlock(header: Header, txs: Tx[]): Buffer {
  const w = new Writer().bytes(encodeHeader(header)).varint(txs.length);
  for (const t of txs) w.bytes(t.raw);
  return w.done();
}
