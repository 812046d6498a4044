/** JSON views of headers, blocks and transactions with Bitcoin Core's field names and order. */
import { BlockEntry, Chain, Coin } from './chain.js';
import { btc } from './errors.js';
import { bitsToTarget, difficulty } from './header.js';
import { scriptAsm, scriptPubKeyJson } from './script.js';
import { Tx, isCoinbase } from './tx.js';

/** Extra context for a transaction's JSON. */
export interface TxContext {
  /** Spent coins in input order (from undo data or the mempool); enables fee and prevout. */
  prevouts?: Coin[];
  /** Include vin[].prevout (verbosity 2 of getrawtransaction, 3 of getblock). */
  withPrevout?: boolean;
  /** Include the hex field. */
  withHex?: boolean;
}

/** Core's TxToUniv: txid, hash, version, size, vsize, weight, locktime, vin, vout, fee?, hex?. */
export function txJson(tx: Tx, ctx: TxContext = {}): Record<string, unknown> {
  const cb = isCoinbase(tx);
  const vin = tx.vin.map((i, n) => {
    const o: Record<string, unknown> = {};
    if (cb) {
      o.coinbase = i.script.toString('hex');
    } else {
      o.txid = i.txid;
      o.vout = i.vout;
      o.scriptSig = { asm: scriptAsm(i.script), hex: i.script.toString('hex') };
    }
    if (i.witness.length > 0) o.txinwitness = i.witness.map((w) => w.toString('hex'));
    if (!cb && ctx.withPrevout && ctx.prevouts) {
      const c = ctx.prevouts[n];
      o.prevout = { generated: c.coinbase, height: c.height, value: btc(c.value), scriptPubKey: scriptPubKeyJson(c.script) };
    }
    o.sequence = i.sequence;
    return o;
  });
  const out: Record<string, unknown> = {
    txid: tx.txid, hash: tx.wtxid, version: tx.version, size: tx.size, vsize: tx.vsize, weight: tx.weight,
    locktime: tx.locktime, vin,
    vout: tx.vout.map((o, n) => ({ value: btc(o.value), n, scriptPubKey: scriptPubKeyJson(o.script) })),
  };
  if (!cb && ctx.prevouts) {
    const inSum = ctx.prevouts.reduce((s, c) => s + c.value, 0);
    out.fee = btc(inSum - tx.vout.reduce((s, o) => s + o.value, 0));
  }
  if (ctx.withHex !== false) out.hex = tx.raw.toString('hex');
  return out;
}

/** Hex chainwork, 64 digits. */
export function chainworkHex(e: BlockEntry): string {
  return e.chainwork.toString(16).padStart(64, '0');
}

/** Core's blockheaderToJSON. */
export function headerJson(chain: Chain, e: BlockEntry): Record<string, unknown> {
  const inActive = chain.inActive(e);
  const o: Record<string, unknown> = {
    hash: e.hash,
    confirmations: inActive ? chain.height - e.height + 1 : -1,
    height: e.height,
    version: e.header.version,
    versionHex: (e.header.version >>> 0).toString(16).padStart(8, '0'),
    merkleroot: e.header.merkleRoot,
    time: e.header.time,
    mediantime: chain.medianTimePast(e),
    nonce: e.header.nonce,
    bits: e.header.bits.toString(16).padStart(8, '0'),
    target: bitsToTarget(e.header.bits).toString(16).padStart(64, '0'),
    difficulty: difficulty(e.header.bits),
    chainwork: chainworkHex(e),
    nTx: e.txids.length,
  };
  if (e.prev) o.previousblockhash = e.prev.hash;
  const next = inActive ? chain.active[e.height + 1] : undefined;
  if (next) o.nextblockhash = next.hash;
  return o;
}

/** Core's blockToJSON at verbosity 1 (txids), 2 (tx objects with fee) or 3 (with prevouts). */
export function blockJson(chain: Chain, e: BlockEntry, txs: Tx[], verbosity: number): Record<string, unknown> {
  const o = headerJson(chain, e);
  o.strippedsize = e.strippedSize;
  o.size = e.size;
  o.weight = e.weight;
  if (verbosity <= 1) o.tx = e.txids;
  else {
    o.tx = txs.map((tx, i) => txJson(tx, {
      prevouts: i > 0 && e.undo ? e.undo[i - 1] : undefined,
      withPrevout: verbosity >= 3,
      withHex: true,
    }));
  }
  return o;
}
