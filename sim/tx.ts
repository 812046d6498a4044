/** Transaction parsing for the simulator: fast, byte-range based txid/wtxid, sizes and weight. */
import { Reader, revHex, sha256d } from './bytes.js';

/** A parsed transaction input. `txid` is in display order. */
export interface TxIn { txid: string; vout: number; script: Buffer; sequence: number; witness: Buffer[] }
/** A parsed transaction output; value in satoshis. */
export interface TxOut { value: number; script: Buffer }

/** A parsed transaction with its identifiers and sizes. */
export interface Tx {
  raw: Buffer;
  txid: string;
  wtxid: string;
  version: number;
  locktime: number;
  vin: TxIn[];
  vout: TxOut[];
  size: number;
  /** Size without witness data. */
  baseSize: number;
  weight: number;
  vsize: number;
  hasWitness: boolean;
}

const ZERO_TXID = '0'.repeat(64);

/** True when the tx has Bitcoin's coinbase shape (one input spending the null outpoint). */
export function isCoinbase(tx: Tx): boolean {
  return tx.vin.length === 1 && tx.vin[0].txid === ZERO_TXID && tx.vin[0].vout === 0xffffffff;
}

/** Parses one transaction at the reader's position (used for blocks and single txs). */
export function readTx(r: Reader): Tx {
  const start = r.off;
  const version = r.i32();
  let hasWitness = false;
  let nIn = r.varint();
  if (nIn === 0) {
    const flag = r.u8();
    if (flag !== 1) throw new RangeError('bad witness flag');
    hasWitness = true;
    nIn = r.varint();
  }
  const insStart = hasWitness ? start + 6 : start + 4;
  const vin: TxIn[] = [];
  for (let i = 0; i < nIn; i++) {
    const h = r.bytes(32);
    const vout = r.u32();
    const script = r.varbytes();
    const sequence = r.u32();
    vin.push({ txid: revHex(h), vout, script, sequence, witness: [] });
  }
  const nOut = r.varint();
  const vout: TxOut[] = [];
  for (let i = 0; i < nOut; i++) {
    const value = r.u64();
    vout.push({ value, script: r.varbytes() });
  }
  const outsEnd = r.off;
  if (hasWitness) {
    let any = false;
    for (const input of vin) {
      const n = r.varint();
      for (let j = 0; j < n; j++) input.witness.push(r.varbytes());
      if (n > 0) any = true;
    }
    // Core rejects a serialization with the witness flag but no witness data ("Superfluous witness record").
    if (!any) throw new RangeError('superfluous witness record');
  }
  const locktime = r.u32();
  const raw = r.buf.subarray(start, r.off);
  const size = raw.length;
  let baseSize = size;
  let txidBytes: Buffer;
  if (hasWitness) {
    const noWit = Buffer.concat([raw.subarray(0, 4), r.buf.subarray(insStart, outsEnd), raw.subarray(size - 4)]);
    baseSize = noWit.length;
    txidBytes = sha256d(noWit);
  } else {
    txidBytes = sha256d(raw);
  }
  const txid = revHex(txidBytes);
  const wtxid = hasWitness ? revHex(sha256d(raw)) : txid;
  const weight = baseSize * 3 + size;
  return { raw, txid, wtxid, version, locktime, vin, vout, size, baseSize, weight, vsize: Math.ceil(weight / 4), hasWitness };
}

/** Parses a complete transaction; throws RangeError on trailing or missing bytes. */
export function parseTx(raw: Buffer | string): Tx {
  const buf = typeof raw === 'string' ? Buffer.from(raw, 'hex') : raw;
  const r = new Reader(buf);
  const tx = readTx(r);
  if (!r.eof) throw new RangeError('trailing data after transaction');
  return tx;
}

/** Key for an outpoint in maps. */
export function outpointKey(txid: string, vout: number): string {
  return `${txid}:${vout}`;
}
