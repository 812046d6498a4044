/**
 * Mainnet-shaped regtest chain generator (issue 8): millions of consensus-valid transactions
 * whose shape, not their count alone, is what an index meets on mainnet. Seeded and
 * deterministic: the same options give the same bytes. The shape and its parameters are
 * documented in sim/README.md ("Mainnet-shaped chains"); in short:
 *
 * - Block sizes: `tinyBlocks` blocks of 1 + `tinyTxs` txs (default 100 coinbase-only blocks:
 *   they also mature the first coinbases), then a linear ramp over `rampBlocks` blocks, then
 *   `txsPerBlock` (default 2,000 txs, ~600 KB) per block, until `txs` transactions.
 * - 1-3 inputs (IN_DIST) and 1-4 outputs (OUT_DIST) per tx, plus an OP_RETURN output in
 *   OP_RETURN_SHARE of them; output values split the inputs' value at random minus a fee.
 * - Output scripts: a new script (type mix TYPE_MIX: P2PKH, P2SH, P2WPKH, P2WSH, P2TR) with
 *   probability NEW_SHARE, else reused: one of POPULAR scripts drawn Zipf(ZIPF_S) (exchanges,
 *   pools), the script of one of the tx's own inputs (change to the same address), or any
 *   earlier script uniformly; tuned so distinct scripts / txs is ~1.4.
 * - Spends: SPEND_RECENT of inputs pick among the most recent unspent outputs (exponential
 *   with mean RECENT_MEAN outputs from the newest, same-block outputs included), the rest
 *   uniformly among all unspent outputs (old coins).
 * - Every spend is valid under consensus, so a real bitcoind accepts the blocks through
 *   submitblock (scripts are checked there): P2PKH, P2WPKH and P2TR (key path) outputs pay
 *   generated keys and are spent with real signatures (fastsig.ts: fixed-nonce ECDSA and
 *   BIP340, low-S strict DER); P2SH and P2WSH outputs pay a unique `<8 bytes> OP_DROP OP_TRUE`
 *   redeem/witness script (distinct scripts, spendable without a key; standard for P2WSH,
 *   and submitblock applies consensus rules only, which both satisfy).
 * - Blocks: version 0x20000000, BIP34 height in the coinbase, merkle root, BIP141 witness
 *   commitment, regtest PoW (nBits 207fffff, nonce ground), time = startTime + height.
 *
 * CLI: node --import tsx sim/mainnet-gen.ts --txs N --out FILE [--seed S]
 *      [--txs-per-block M] [--tiny-blocks K] [--tiny-txs T] [--ramp-blocks R] [--start-time T]
 * writes one raw block hex per line (genesis excluded: the submitblock lines), prints the
 * stats as JSON. bench code uses cachedMainnetChain(), which keeps chains in .bench-tmp/.
 */
import { createHash, hash as oneShot } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { scriptNumPush, subsidy } from './block.js';
import { REGTEST_GENESIS_HASH } from './genesis.js';
import { REGTEST_BITS, mineHeader } from './header.js';
import { FixedNonceSigner, KeyStream, be32, compressed } from './fastsig.js';

/** Bumped whenever the output for given options changes (part of the cache key). */
export const GENERATOR_VERSION = 1;

/** P(1, 2, 3 inputs). Mean 1.85. */
export const IN_DIST = [0.45, 0.25, 0.30];
/** P(1, 2, 3, 4 outputs), OP_RETURN not counted. Mean 2.25. */
export const OUT_DIST = [0.20, 0.50, 0.15, 0.15];
/** Share of txs with one extra OP_RETURN output (value 0, 20-80 bytes of data). */
export const OP_RETURN_SHARE = 0.03;
/** Share of new scripts by type. */
export const TYPE_MIX = { p2pkh: 0.20, p2sh: 0.10, p2wpkh: 0.45, p2wsh: 0.10, p2tr: 0.15 } as const;
/** Output script choice: new script, else popular / change-to-own-input / any earlier script. */
export const NEW_SHARE = 0.6;
export const POPULAR_SHARE = 0.12;
export const CHANGE_SHARE = 0.16;
/** The remainder (1 - NEW - POPULAR - CHANGE) reuses a uniformly chosen earlier script. */
export const POPULAR = 1000;
export const ZIPF_S = 1.0;
/** Share of inputs spending recent outputs, and the mean distance from the newest output. */
export const SPEND_RECENT = 0.7;
export const RECENT_MEAN = 4000;

export type ScriptType = keyof typeof TYPE_MIX;
const TYPES: ScriptType[] = ['p2pkh', 'p2sh', 'p2wpkh', 'p2wsh', 'p2tr'];
const T_P2PKH = 0, T_P2SH = 1, T_P2WPKH = 2, T_P2WSH = 3, T_P2TR = 4;

/** Options of generateMainnetChain. */
export interface MainnetGenOptions {
  /** Transactions to generate (coinbases included, genesis excluded); the last block is cut to fit. */
  txs: number;
  seed?: string;
  /** Txs per block once the chain is big (default 2,000). */
  txsPerBlock?: number;
  /** Blocks with 1 + tinyTxs txs at the start (default 100, at least 100 for coinbase maturity). */
  tinyBlocks?: number;
  /** Non-coinbase txs per tiny block (default 0). */
  tinyTxs?: number;
  /** Blocks over which the size grows linearly from tiny to txsPerBlock (default 0). */
  rampBlocks?: number;
  /** Coinbase outputs of tiny blocks (they seed the spendable pool; default 25) and of later ones (default 2). */
  tinyCoinbaseOutputs?: number;
  coinbaseOutputs?: number;
  /** Time of block 1; each next block is one second later (default 1,700,000,000). */
  startTime?: number;
  /** Receives each block (raw bytes), its height and its tx count, in order. */
  onBlock: (raw: Buffer, height: number, txs: number) => void;
}

/** Counts describing a generated chain (tests check them against the documented shape). */
export interface MainnetGenStats {
  seed: string;
  blocks: number;
  /** Transactions in blocks 1..tip (coinbases included). */
  txs: number;
  coinbases: number;
  bytes: number;
  tipHash: string;
  /** Non-coinbase txs by input count (index 0 = 1 input) and by output count (OP_RETURN excluded). */
  inputs: number[];
  outputs: number[];
  opReturnTxs: number;
  /** Spendable outputs created (coinbases included) by type name. */
  outputsByType: Record<ScriptType, number>;
  /** How each non-coinbase output's script was chosen. */
  scriptChoice: { new: number; popular: number; change: number; reuse: number };
  /** Distinct spendable scripts over all txs. */
  distinctScripts: number;
  /** Outputs paying the most popular script. */
  topScriptOutputs: number;
  /**
   * Inputs by age of the spent output: created in the same block, else by how many txs ago
   * it was created: up to 10,000 (~5 full blocks), up to 100,000, more.
   */
  spendAge: { sameBlock: number; upTo10k: number; upTo100k: number; older: number };
  /** Unspent outputs at the tip (immature coinbase outputs included). */
  utxos: number;
  /** Inputs spent with an ECDSA / BIP340 signature, and without a key (OP_TRUE scripts). */
  signedEcdsa: number;
  signedSchnorr: number;
  keyless: number;
  largestBlockBytes: number;
}

/** A spent coin, copied out of the pool. */
interface Coin { txid: Buffer; txn: number; vout: number; value: number; script: number; height: number }

/** Deterministic PRNG (sfc32 seeded from SHA-256 of the seed): fast and well distributed. */
function rng(seed: string): () => number {
  const h = createHash('sha256').update(`mainnet-gen/${seed}`).digest();
  let a = h.readUInt32LE(0), b = h.readUInt32LE(4), c = h.readUInt32LE(8), d = h.readUInt32LE(12);
  return () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const r = (t + d) | 0;
    c = (c + r) | 0;
    return (r >>> 0) / 4294967296;
  };
}

function pick(dist: readonly number[], u: number): number {
  let acc = 0;
  for (let i = 0; i < dist.length; i++) { acc += dist[i]!; if (u < acc) return i; }
  return dist.length - 1;
}

const sha256 = (...parts: Uint8Array[]): Buffer => {
  if (parts.length === 1) return oneShot('sha256', parts[0]!, 'buffer');
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const sha256d = (...parts: Uint8Array[]): Buffer => oneShot('sha256', sha256(...parts), 'buffer');
const hash160 = (b: Uint8Array): Buffer => oneShot('ripemd160', oneShot('sha256', b, 'buffer'), 'buffer');

/**
 * Unspent outputs as parallel typed arrays (millions of them: objects would cost the GC
 * most of the run), in roughly creation order: removal moves the last one into the hole.
 */
class Pool {
  length = 0;
  private cap = 1 << 16;
  private txn = new Uint32Array(this.cap);
  private vout = new Uint16Array(this.cap);
  private value = new Float64Array(this.cap);
  private script = new Uint32Array(this.cap);
  private height = new Uint32Array(this.cap);
  /** Txids by tx number (32 bytes each). */
  private txids = Buffer.alloc(32 << 16);
  txCount = 0;

  /** Registers a txid; returns its tx number. */
  addTx(txid: Buffer): number {
    if ((this.txCount + 1) * 32 > this.txids.length) { const b = Buffer.alloc(this.txids.length * 2); this.txids.copy(b); this.txids = b; }
    txid.copy(this.txids, this.txCount * 32);
    return this.txCount++;
  }

  push(txn: number, vout: number, value: number, script: number, height: number): void {
    if (this.length === this.cap) {
      this.cap *= 2;
      const g = <T extends Uint32Array | Uint16Array | Float64Array>(a: T, C: new (n: number) => T): T => { const b = new C(this.cap); b.set(a); return b; };
      this.txn = g(this.txn, Uint32Array); this.vout = g(this.vout, Uint16Array); this.value = g(this.value, Float64Array);
      this.script = g(this.script, Uint32Array); this.height = g(this.height, Uint32Array);
    }
    const i = this.length++;
    this.txn[i] = txn; this.vout[i] = vout; this.value[i] = value; this.script[i] = script; this.height[i] = height;
  }

  /** Removes and returns coin i. */
  take(i: number): Coin {
    const t = this.txn[i]!;
    const c: Coin = { txid: this.txids.subarray(t * 32, t * 32 + 32), txn: t, vout: this.vout[i]!, value: this.value[i]!, script: this.script[i]!, height: this.height[i]! };
    const last = --this.length;
    this.txn[i] = this.txn[last]!; this.vout[i] = this.vout[last]!; this.value[i] = this.value[last]!;
    this.script[i] = this.script[last]!; this.height[i] = this.height[last]!;
    return c;
  }
}

/** Growable little-endian byte writer over one Buffer (fewer allocations than a parts list). */
class Buf {
  b = Buffer.allocUnsafe(1 << 16);
  n = 0;
  reset(): this { this.n = 0; return this; }
  private room(k: number): void {
    if (this.n + k <= this.b.length) return;
    const nb = Buffer.allocUnsafe(Math.max(this.b.length * 2, this.n + k));
    this.b.copy(nb, 0, 0, this.n);
    this.b = nb;
  }
  u8(v: number): this { this.room(1); this.b[this.n++] = v; return this; }
  u32(v: number): this { this.room(4); this.b.writeUInt32LE(v >>> 0, this.n); this.n += 4; return this; }
  u64(v: number): this { this.room(8); this.b.writeUInt32LE(v >>> 0, this.n); this.b.writeUInt32LE(Math.floor(v / 4294967296), this.n + 4); this.n += 8; return this; }
  varint(v: number): this {
    if (v < 0xfd) return this.u8(v);
    if (v <= 0xffff) { this.room(3); this.b[this.n] = 0xfd; this.b.writeUInt16LE(v, this.n + 1); this.n += 3; return this; }
    this.u8(0xfe); return this.u32(v);
  }
  bytes(x: Uint8Array): this { this.room(x.length); this.b.set(x, this.n); this.n += x.length; return this; }
  varbytes(x: Uint8Array): this { return this.varint(x.length).bytes(x); }
  view(): Buffer { return this.b.subarray(0, this.n); }
  copy(): Buffer { return Buffer.from(this.view()); }
}

/** Unique `<8 bytes> OP_DROP OP_TRUE` redeem / witness script of a keyless script id. */
function opTrueScript(salt: Buffer, id: number): Buffer {
  const s = Buffer.allocUnsafe(11);
  s[0] = 0x08;
  salt.copy(s, 1, 0, 4);
  s.writeUInt32BE(id, 5);
  s[9] = 0x75; // OP_DROP
  s[10] = 0x51; // OP_TRUE
  return s;
}

/** Builds the chain block by block (see the file comment); returns its counts. */
export function generateMainnetChain(opts: MainnetGenOptions): MainnetGenStats {
  const seed = opts.seed ?? 'mainnet-gen';
  const rnd = rng(seed);
  const txsPerBlock = opts.txsPerBlock ?? 2000;
  const tinyBlocks = Math.max(100, opts.tinyBlocks ?? 100);
  const tinyTxs = opts.tinyTxs ?? 0;
  const rampBlocks = opts.rampBlocks ?? 0;
  const tinyCb = opts.tinyCoinbaseOutputs ?? 25;
  const bigCb = opts.coinbaseOutputs ?? 2;
  const startTime = opts.startTime ?? 1_700_000_000;
  const keys = new KeyStream(`mainnet-gen/${seed}/keys`);
  const signer = new FixedNonceSigner(`mainnet-gen/${seed}`);
  const salt = sha256(Buffer.from(`mainnet-gen/${seed}/salt`)).subarray(0, 4);

  // Scripts, by id: type, the scriptPubKey, and what spends it (key index, pubkey, y parity).
  let cap = 1 << 16;
  let sType = new Uint8Array(cap);
  let sKey = new Uint32Array(cap);
  let sOdd = new Uint8Array(cap);
  let sBytes = Buffer.alloc(cap * 34);
  let sLen = new Uint8Array(cap);
  let sUses = new Uint32Array(cap);
  let sPub = Buffer.alloc(cap * 33);
  let nScripts = 0;
  const grow = (): void => {
    cap *= 2;
    const t = new Uint8Array(cap); t.set(sType); sType = t;
    const k = new Uint32Array(cap); k.set(sKey); sKey = k;
    const o = new Uint8Array(cap); o.set(sOdd); sOdd = o;
    const b = Buffer.alloc(cap * 34); sBytes.copy(b); sBytes = b;
    const l = new Uint8Array(cap); l.set(sLen); sLen = l;
    const u = new Uint32Array(cap); u.set(sUses); sUses = u;
    const pb = Buffer.alloc(cap * 33); sPub.copy(pb); sPub = pb;
  };
  const scriptOf = (id: number): Buffer => sBytes.subarray(id * 34, id * 34 + sLen[id]!);
  const typeCum = TYPES.map((t) => TYPE_MIX[t]);
  const newScript = (): number => {
    if (nScripts === cap) grow();
    const id = nScripts++;
    const type = pick(typeCum, rnd());
    sType[id] = type;
    let spk: Buffer;
    if (type === T_P2SH) spk = Buffer.concat([Buffer.from([0xa9, 0x14]), hash160(opTrueScript(salt, id)), Buffer.from([0x87])]);
    else if (type === T_P2WSH) spk = Buffer.concat([Buffer.from([0x00, 0x20]), sha256(opTrueScript(salt, id))]);
    else {
      const k = keys.next();
      sKey[id] = k.m;
      sOdd[id] = k.yOdd ? 1 : 0;
      if (type === T_P2TR) spk = Buffer.concat([Buffer.from([0x51, 0x20]), be32(k.x)]);
      else {
        const pub = compressed(k.x, k.yOdd);
        pub.copy(sPub, id * 33);
        const h = hash160(pub);
        spk = type === T_P2PKH ? Buffer.concat([Buffer.from([0x76, 0xa9, 0x14]), h, Buffer.from([0x88, 0xac])]) : Buffer.concat([Buffer.from([0x00, 0x14]), h]);
      }
    }
    spk.copy(sBytes, id * 34);
    sLen[id] = spk.length;
    return id;
  };
  /** The compressed pubkey behind a P2PKH/P2WPKH script (its script holds only the hash). */
  const pubkeyOf = (id: number): Buffer => sPub.subarray(id * 33, id * 33 + 33);

  // Popular scripts with Zipf weights (cumulative, for a binary search).
  const popular: number[] = [];
  const zipfCum: number[] = [];
  let zsum = 0;
  for (let i = 0; i < POPULAR; i++) { zsum += 1 / (i + 1) ** ZIPF_S; zipfCum.push(zsum); }
  const zipf = (): number => {
    const u = rnd() * zsum;
    let lo = 0, hi = POPULAR - 1;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (zipfCum[mid]! < u) lo = mid + 1; else hi = mid; }
    return lo;
  };
  const stats: MainnetGenStats = {
    seed, blocks: 0, txs: 0, coinbases: 0, bytes: 0, tipHash: REGTEST_GENESIS_HASH,
    inputs: [0, 0, 0], outputs: [0, 0, 0, 0], opReturnTxs: 0,
    outputsByType: { p2pkh: 0, p2sh: 0, p2wpkh: 0, p2wsh: 0, p2tr: 0 },
    scriptChoice: { new: 0, popular: 0, change: 0, reuse: 0 }, distinctScripts: 0, topScriptOutputs: 0,
    spendAge: { sameBlock: 0, upTo10k: 0, upTo100k: 0, older: 0 }, utxos: 0,
    signedEcdsa: 0, signedSchnorr: 0, keyless: 0, largestBlockBytes: 0,
  };
  const makeScript = newScript;
  const popularScript = (i: number): number => {
    while (popular.length <= i) popular.push(makeScript());
    return popular[i]!;
  };
  const chooseScript = (inputs: Coin[]): number => {
    const u = rnd();
    if (u < NEW_SHARE || nScripts === 0) { stats.scriptChoice.new++; return makeScript(); }
    if (u < NEW_SHARE + POPULAR_SHARE) { stats.scriptChoice.popular++; return popularScript(zipf()); }
    if (u < NEW_SHARE + POPULAR_SHARE + CHANGE_SHARE && inputs.length > 0) { stats.scriptChoice.change++; return inputs[Math.floor(rnd() * inputs.length)]!.script; }
    stats.scriptChoice.reuse++;
    return Math.floor(rnd() * nScripts);
  };

  const pool = new Pool();
  const immature: { height: number; txn: number; coins: { value: number; script: number }[] }[] = [];
  const takeCoin = (): Coin => {
    let i: number;
    if (rnd() < SPEND_RECENT) i = Math.max(0, pool.length - 1 - Math.floor(-Math.log(1 - rnd()) * RECENT_MEAN));
    else i = Math.floor(rnd() * pool.length);
    return pool.take(i);
  };

  const txBuf = new Buf();
  const baseBuf = new Buf();
  const tmp = new Buf();
  const blockBuf = new Buf();
  let prev = REGTEST_GENESIS_HASH;
  let left = opts.txs;
  const txsAt = (h: number): number => {
    if (h <= tinyBlocks) return 1 + tinyTxs;
    if (h <= tinyBlocks + rampBlocks) return Math.max(1, Math.round(1 + tinyTxs + ((txsPerBlock - 1 - tinyTxs) * (h - tinyBlocks)) / (rampBlocks + 1)));
    return txsPerBlock;
  };

  for (let height = 1; left > 0; height++) {
    while (immature.length && height - immature[0]!.height >= 100) {
      const m = immature.shift()!;
      m.coins.forEach((c, vout) => pool.push(m.txn, vout, c.value, c.script, m.height));
    }
    const want = Math.min(left, txsAt(height)) - 1;
    const txids: Buffer[] = [];
    const wtxids: Buffer[] = [];
    const raws: Buffer[] = [];
    let fees = 0;
    for (let t = 0; t < want && pool.length > 0; t++) {
      const nIn = Math.min(pool.length, 1 + pick(IN_DIST, rnd()));
      const ins: Coin[] = [];
      let inSum = 0;
      for (let i = 0; i < nIn; i++) {
        const c = takeCoin();
        ins.push(c);
        inSum += c.value;
        const age = pool.txCount - c.txn;
        if (c.height === height) stats.spendAge.sameBlock++; else if (age <= 10_000) stats.spendAge.upTo10k++; else if (age <= 100_000) stats.spendAge.upTo100k++; else stats.spendAge.older++;
      }
      let nOut = 1 + pick(OUT_DIST, rnd());
      const fee = Math.min(Math.floor(inSum / 4), 110 + 100 * nIn + 35 * nOut);
      const avail = inSum - fee;
      if (avail < nOut * 1000) nOut = 1;
      const opReturn = rnd() < OP_RETURN_SHARE;
      stats.inputs[nIn - 1]!++;
      stats.outputs[nOut - 1]!++;
      if (opReturn) stats.opReturnTxs++;
      // Values: random weights, the last output takes the rounding rest.
      const w: number[] = [];
      let ws = 0;
      for (let o = 0; o < nOut; o++) { const x = 0.05 + rnd(); w.push(x); ws += x; }
      const outs: { script: number; value: number }[] = [];
      let given = 0;
      for (let o = 0; o < nOut; o++) {
        const v = o === nOut - 1 ? avail - given : Math.floor((avail * w[o]!) / ws);
        given += v;
        outs.push({ script: chooseScript(ins), value: v });
      }
      fees += inSum - given;
      // Serialized outputs (shared by the tx and the sighashes).
      tmp.reset();
      tmp.varint(nOut + (opReturn ? 1 : 0));
      for (const o of outs) tmp.u64(o.value).varbytes(scriptOf(o.script));
      if (opReturn) {
        const len = 20 + Math.floor(rnd() * 61);
        const data = sha256(Buffer.from(`${seed}/opreturn/${stats.txs}`));
        const payload = Buffer.alloc(len);
        for (let i = 0; i < len; i += 32) data.copy(payload, i, 0, Math.min(32, len - i));
        tmp.u64(0).varbytes(Buffer.concat([Buffer.from([0x6a, len < 76 ? len : 0x4c]), len < 76 ? Buffer.alloc(0) : Buffer.from([len]), payload]));
      }
      const outsBytes = tmp.copy();
      const outsBody = outsBytes.subarray(outsBytes[0]! < 0xfd ? 1 : 3);
      const sequence = 0xfffffffd;
      const version = 2;
      // Signatures: each input's scriptSig and witness.
      const scriptSigs: Buffer[] = [];
      const witnesses: Buffer[][] = [];
      let segwit = false;
      let hashPrevouts: Buffer | undefined, hashSequence: Buffer | undefined, hashOutputs: Buffer | undefined, tapHashes: Buffer | undefined;
      for (let i = 0; i < nIn; i++) {
        const c = ins[i]!;
        const type = sType[c.script]!;
        if (type === T_P2SH) { scriptSigs.push(Buffer.concat([Buffer.from([11]), opTrueScript(salt, c.script)])); witnesses.push([]); stats.keyless++; continue; }
        if (type === T_P2WSH) { scriptSigs.push(Buffer.alloc(0)); witnesses.push([opTrueScript(salt, c.script)]); segwit = true; stats.keyless++; continue; }
        const d = keys.priv(sKey[c.script]!);
        if (type === T_P2PKH) {
          // Legacy SIGHASH_ALL: this input's scriptCode is the prevout script, the others empty.
          tmp.reset().u32(version).varint(nIn);
          for (let j = 0; j < nIn; j++) {
            tmp.bytes(ins[j]!.txid).u32(ins[j]!.vout);
            if (j === i) tmp.varbytes(scriptOf(c.script)); else tmp.u8(0);
            tmp.u32(sequence);
          }
          tmp.bytes(outsBytes).u32(0).u32(1);
          const sig = signer.ecdsa(sha256d(tmp.view()), d);
          const pub = pubkeyOf(c.script);
          scriptSigs.push(Buffer.concat([Buffer.from([sig.length]), sig, Buffer.from([33]), pub]));
          witnesses.push([]);
          stats.signedEcdsa++;
          continue;
        }
        segwit = true;
        if (type === T_P2WPKH) {
          if (!hashPrevouts) {
            tmp.reset(); for (const x of ins) tmp.bytes(x.txid).u32(x.vout); hashPrevouts = sha256d(tmp.view());
            tmp.reset(); for (let j = 0; j < nIn; j++) tmp.u32(sequence); hashSequence = sha256d(tmp.view());
            hashOutputs = sha256d(outsBody);
          }
          const pub = pubkeyOf(c.script);
          tmp.reset().u32(version).bytes(hashPrevouts).bytes(hashSequence!).bytes(c.txid).u32(c.vout)
            .bytes(Buffer.from([0x19, 0x76, 0xa9, 0x14])).bytes(scriptOf(c.script).subarray(2, 22)).bytes(Buffer.from([0x88, 0xac]))
            .u64(c.value).u32(sequence).bytes(hashOutputs!).u32(0).u32(1);
          const sig = signer.ecdsa(sha256d(tmp.view()), d);
          scriptSigs.push(Buffer.alloc(0));
          witnesses.push([sig, pub]);
          stats.signedEcdsa++;
          continue;
        }
        // P2TR key path, SIGHASH_DEFAULT (BIP341).
        if (!tapHashes) {
          tmp.reset(); for (const x of ins) tmp.bytes(x.txid).u32(x.vout); const shaPrevouts = sha256(tmp.view());
          tmp.reset(); for (const x of ins) tmp.u64(x.value); const shaAmounts = sha256(tmp.view());
          tmp.reset(); for (const x of ins) tmp.varbytes(scriptOf(x.script)); const shaSpks = sha256(tmp.view());
          tmp.reset(); for (let j = 0; j < nIn; j++) tmp.u32(sequence); const shaSeq = sha256(tmp.view());
          tapHashes = Buffer.concat([shaPrevouts, shaAmounts, shaSpks, shaSeq, sha256(outsBody)]);
        }
        tmp.reset().u8(0).u8(0).u32(version).u32(0).bytes(tapHashes).u8(0).u32(i);
        const msg = sha256(TAP_SIGHASH_TAG, tmp.view());
        const px = scriptOf(c.script).subarray(2, 34);
        scriptSigs.push(Buffer.alloc(0));
        witnesses.push([signer.schnorr(msg, d, px, sOdd[c.script] === 1)]);
        stats.signedSchnorr++;
      }
      // The tx: base (txid) and full (with witness) serializations.
      baseBuf.reset().u32(version).varint(nIn);
      for (let i = 0; i < nIn; i++) baseBuf.bytes(ins[i]!.txid).u32(ins[i]!.vout).varbytes(scriptSigs[i]!).u32(sequence);
      baseBuf.bytes(outsBytes);
      const insOutsEnd = baseBuf.n;
      baseBuf.u32(0);
      const txid = sha256d(baseBuf.view());
      let raw: Buffer;
      if (segwit) {
        txBuf.reset().u32(version).u8(0).u8(1).bytes(baseBuf.b.subarray(4, insOutsEnd));
        for (const wt of witnesses) { txBuf.varint(wt.length); for (const x of wt) txBuf.varbytes(x); }
        txBuf.u32(0);
        raw = txBuf.copy();
        wtxids.push(sha256d(raw));
      } else {
        raw = baseBuf.copy();
        wtxids.push(txid);
      }
      raws.push(raw);
      txids.push(txid);
      const txn = pool.addTx(txid);
      for (let o = 0; o < nOut; o++) {
        const s = outs[o]!.script;
        stats.outputsByType[TYPES[sType[s]!]!]++;
        sUses[s]!++;
        pool.push(txn, o, outs[o]!.value, s, height);
      }
    }
    // Coinbase: BIP34 height, reward split over its outputs, witness commitment last.
    const reward = subsidy(height) + fees;
    const nCb = height <= tinyBlocks ? tinyCb : bigCb;
    const cbScripts = Array.from({ length: nCb }, (_, i) => (i === 0 ? popularScript(zipf() % 20) : makeScript()));
    const wroot = merkle([Buffer.alloc(32), ...wtxids]);
    const commitment = sha256d(wroot, Buffer.alloc(32));
    tmp.reset().u32(2).u8(0).u8(1).varint(1).bytes(Buffer.alloc(32)).u32(0xffffffff);
    const cbSig = Buffer.concat([scriptNumPush(height), Buffer.from([0x00])]);
    tmp.varbytes(cbSig).u32(0xffffffff).varint(nCb + 1);
    for (let i = 0; i < nCb; i++) tmp.u64(Math.floor(reward / nCb) + (i === 0 ? reward % nCb : 0)).varbytes(scriptOf(cbScripts[i]!));
    tmp.u64(0).varbytes(Buffer.concat([Buffer.from('6a24aa21a9ed', 'hex'), commitment]));
    tmp.varint(1).varbytes(Buffer.alloc(32)).u32(0);
    const cbRaw = tmp.copy();
    const cbBase = Buffer.concat([cbRaw.subarray(0, 4), cbRaw.subarray(6, cbRaw.length - 4 - 34), cbRaw.subarray(cbRaw.length - 4)]);
    const cbTxid = sha256d(cbBase);
    const coins: { value: number; script: number }[] = [];
    for (let i = 0; i < nCb; i++) {
      const s = cbScripts[i]!;
      stats.outputsByType[TYPES[sType[s]!]!]++;
      sUses[s]!++;
      coins.push({ value: Math.floor(reward / nCb) + (i === 0 ? reward % nCb : 0), script: s });
    }
    immature.push({ height, txn: pool.addTx(cbTxid), coins });
    const all = [cbTxid, ...txids];
    const mined = mineHeader({ version: 0x20000000, prev, merkleRoot: revHex(merkle(all)), time: startTime + height, bits: REGTEST_BITS, nonce: 0 });
    blockBuf.reset().bytes(mined.bytes).varint(all.length).bytes(cbRaw);
    for (const r of raws) blockBuf.bytes(r);
    const block = blockBuf.view();
    stats.blocks = height;
    stats.txs += all.length;
    stats.coinbases++;
    stats.bytes += block.length;
    stats.largestBlockBytes = Math.max(stats.largestBlockBytes, block.length);
    left -= all.length;
    prev = mined.hash;
    opts.onBlock(block, height, all.length);
  }
  stats.tipHash = prev;
  stats.distinctScripts = nScripts;
  stats.topScriptOutputs = popular.length ? sUses[popular[0]!]! : 0;
  stats.utxos = pool.length + immature.reduce((a, x) => a + x.coins.length, 0);
  return stats;
}

const TAP_SIGHASH_TAG = (() => { const t = sha256(Buffer.from('TapSighash')); return Buffer.concat([t, t]); })();

function revHex(b: Buffer): string {
  return Buffer.from(b).reverse().toString('hex');
}

/** Merkle root (internal byte order) of internal-order hashes. */
function merkle(hashes: Buffer[]): Buffer {
  let level = hashes;
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(sha256d(level[i]!, level[i + 1] ?? level[i]!));
    level = next;
  }
  return level[0]!;
}

/** Where cachedMainnetChain keeps chains: the repository's gitignored .bench-tmp/. */
export const CACHE_DIR = fileURLToPath(new URL('../.bench-tmp/mainnet-gen/', import.meta.url));

/** A generated chain on disk: the submitblock lines file and its stats. */
export interface CachedChain { file: string; stats: MainnetGenStats; cached: boolean; secs: number }

/**
 * The chain for these options as a file of raw block hex lines (one per line, genesis
 * excluded), generated once and kept in CACHE_DIR keyed by seed, size, the other options
 * and GENERATOR_VERSION. Load it with `new Simulator({ preloadFile })` or submit each line
 * to a real bitcoind.
 */
export function cachedMainnetChain(opts: Omit<MainnetGenOptions, 'onBlock'>, log: (l: string) => void = () => {}, dir = CACHE_DIR): CachedChain {
  const seed = opts.seed ?? 'mainnet-gen';
  // Defaults filled in, so leaving an option out and giving its default share one file.
  const shape = [opts.txsPerBlock ?? 2000, Math.max(100, opts.tinyBlocks ?? 100), opts.tinyTxs ?? 0, opts.rampBlocks ?? 0,
    opts.tinyCoinbaseOutputs ?? 25, opts.coinbaseOutputs ?? 2, opts.startTime ?? 1_700_000_000];
  const tag = createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 8);
  const base = path.join(dir, `${seed.replace(/[^A-Za-z0-9._-]/g, '_')}-${opts.txs}-v${GENERATOR_VERSION}-${tag}`);
  const file = `${base}.hex`;
  const meta = `${base}.json`;
  if (fs.existsSync(file) && fs.existsSync(meta)) return { file, stats: JSON.parse(fs.readFileSync(meta, 'utf8')) as MainnetGenStats, cached: true, secs: 0 };
  fs.mkdirSync(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  const t0 = Date.now();
  let done = 0;
  let last = t0;
  try {
    const stats = generateMainnetChain({
      ...opts,
      onBlock: (raw, _h, n) => {
        fs.writeSync(fd, `${raw.toString('hex')}\n`);
        done += n;
        if (Date.now() - last > 5000) { last = Date.now(); log(`  generated ${done.toLocaleString('en')} / ${opts.txs.toLocaleString('en')} txs`); }
      },
    });
    fs.closeSync(fd);
    fs.renameSync(tmp, file);
    fs.writeFileSync(meta, `${JSON.stringify(stats, null, 1)}\n`);
    return { file, stats, cached: false, secs: (Date.now() - t0) / 1000 };
  } catch (e) {
    try { fs.closeSync(fd); } catch { /* closed already */ }
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

function cli(argv: string[]): void {
  const get = (name: string): string | undefined => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
  const num = (name: string): number | undefined => (get(name) === undefined ? undefined : Number(get(name)));
  const txs = num('--txs');
  const out = get('--out');
  if (txs === undefined || !Number.isInteger(txs) || txs < 1 || !out) {
    process.stderr.write('usage: mainnet-gen.ts --txs N --out FILE [--seed S] [--txs-per-block M] [--tiny-blocks K] [--tiny-txs T] [--ramp-blocks R] [--start-time T]\n');
    process.exitCode = 2;
    return;
  }
  const fd = fs.openSync(out, 'w');
  const t0 = Date.now();
  const stats = generateMainnetChain({
    txs, seed: get('--seed'), txsPerBlock: num('--txs-per-block'), tinyBlocks: num('--tiny-blocks'), tinyTxs: num('--tiny-txs'),
    rampBlocks: num('--ramp-blocks'), startTime: num('--start-time'),
    onBlock: (raw) => { fs.writeSync(fd, `${raw.toString('hex')}\n`); },
  });
  fs.closeSync(fd);
  process.stdout.write(`${JSON.stringify({ ...stats, ms: Date.now() - t0 })}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) cli(process.argv.slice(2));
