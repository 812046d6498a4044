/**
 * Benchmark chain generator: a regtest chain of N blocks with many transactions of every output
 * type, fast enough for 200,000+ txs. Most spends use P2WSH outputs of the witness script OP_TRUE
 * (0x51), which need no signature (consensus- and policy-valid); every `signedEvery`-th tx pays a
 * wallet key (P2PKH, P2SH-P2WPKH, P2WPKH, P2TR in turn) and is later spent with a real signature.
 *
 * CLI: node --import tsx sim/chaingen.ts --blocks N --txs-per-block M --out FILE
 *      [--seed S] [--start-time T] [--signed-every K]
 * writes one raw block hex per line (genesis excluded); load it with startNode({ preloadFile }).
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Writer, fromRevHex, sha256 } from './bytes.js';
import { assembleBlock, merkleRoot, scriptNumPush, subsidy, witnessCommitment, witnessRoot } from './block.js';
import { REGTEST_GENESIS_HASH } from './genesis.js';
import { REGTEST_BITS, mineHeader } from './header.js';
import { Tx, parseTx } from './tx.js';
import { ADDRESS_TYPES, Wallet } from './wallet.js';

/** Options for generateChain. */
export interface ChainGenOptions {
  blocks: number;
  txsPerBlock: number;
  seed?: string;
  /** Timestamp of block 1; each next block is one second later (default 1700000000). */
  startTime?: number;
  /** Every k-th tx involves a signed wallet spend (default 50; 0 disables). */
  signedEvery?: number;
  /** Receives each block's raw hex as it is made (else they are collected and returned). */
  onBlock?: (hex: string, height: number) => void;
}

/** Summary of a generated chain. */
export interface ChainGenResult { tipHash: string; height: number; txCount: number; blocks: string[] }

const OP_TRUE_WITNESS_SCRIPT = Buffer.from([0x51]);
/** P2WSH(OP_TRUE) output script. */
export const OP_TRUE_P2WSH = Buffer.concat([Buffer.from([0x00, 0x20]), sha256(OP_TRUE_WITNESS_SCRIPT)]);

interface RawIn { txid: string; vout: number; script?: Buffer; sequence?: number; witness: Buffer[] }
interface RawOut { script: Buffer; value: number }
interface PoolCoin { txid: string; vout: number; value: number }

/** Serializes a transaction (segwit form when any input has witness data). */
export function serializeTx(vin: RawIn[], vout: RawOut[], version = 2, locktime = 0): Buffer {
  const wit = vin.some((i) => i.witness.length > 0);
  const w = new Writer().i32(version);
  if (wit) w.u8(0).u8(1);
  w.varint(vin.length);
  for (const i of vin) w.bytes(fromRevHex(i.txid)).u32(i.vout).varbytes(i.script ?? Buffer.alloc(0)).u32(i.sequence ?? 0xfffffffd);
  w.varint(vout.length);
  for (const o of vout) w.u64(o.value).varbytes(o.script);
  if (wit) for (const i of vin) { w.varint(i.witness.length); for (const x of i.witness) w.varbytes(x); }
  return w.u32(locktime).done();
}

/** Deterministic PRNG (xorshift32 seeded from a string). */
export function prng(seed: string): () => number {
  let s = sha256(Buffer.from(seed)).readUInt32LE(0) || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 0x100000000; };
}

/** Builds the chain; returns its tip and (unless onBlock is given) the raw blocks. */
export function generateChain(opts: ChainGenOptions): ChainGenResult {
  const seed = opts.seed ?? 'chaingen';
  const rnd = prng(seed);
  const wallet = new Wallet('chaingen', seed);
  const sinkWallet = new Wallet('sinks', seed);
  const sinks = Array.from({ length: 64 }, (_, i) => sinkWallet.newKey(ADDRESS_TYPES[i % 4]).script);
  sinks.push(...Array.from({ length: 16 }, (_, i) => Buffer.concat([Buffer.from([0x00, 0x20]), sha256(Buffer.from([i, 0x51]))])));
  const signedEvery = opts.signedEvery ?? 50;
  const startTime = opts.startTime ?? 1_700_000_000;
  const pool: PoolCoin[] = [];
  const immature: { height: number; coins: PoolCoin[] }[] = [];
  const walletCoins: { txid: string; vout: number; value: number; script: Buffer }[] = [];
  const blocks: string[] = [];
  let prev = REGTEST_GENESIS_HASH;
  let txCount = 0;
  let nth = 0;

  for (let height = 1; height <= opts.blocks; height++) {
    while (immature.length && height - immature[0].height >= 100) pool.push(...immature.shift()!.coins);
    const txs: Tx[] = [];
    let fees = 0;
    for (let t = 0; t < opts.txsPerBlock && pool.length > 0; t++) {
      nth++;
      let tx: Tx;
      if (signedEvery > 0 && nth % signedEvery === 0 && walletCoins.length > 0) {
        // A signed spend of a wallet coin back to the OP_TRUE pool.
        const c = walletCoins.shift()!;
        const fee = 400;
        tx = parseTx(wallet.sign([c], [{ script: OP_TRUE_P2WSH, value: c.value - fee }], height - 1));
        fees += fee;
        pool.push({ txid: tx.txid, vout: 0, value: c.value - fee });
      } else {
        const idx = Math.floor(rnd() * pool.length);
        const coin = pool[idx];
        pool[idx] = pool[pool.length - 1];
        pool.pop();
        const outs: RawOut[] = [];
        const nSinks = 1 + Math.floor(rnd() * 3);
        let left = coin.value - 300;
        const toWallet = signedEvery > 0 && nth % signedEvery === Math.floor(signedEvery / 2);
        if (toWallet && left > 200_000) {
          const k = wallet.newKey(ADDRESS_TYPES[walletCoins.length % 4]);
          outs.push({ script: k.script, value: 100_000 });
          left -= 100_000;
        }
        for (let s = 0; s < nSinks && left > 20_000; s++) {
          const v = 1000 + Math.floor(rnd() * 9000);
          outs.push({ script: sinks[Math.floor(rnd() * sinks.length)], value: v });
          left -= v;
        }
        const poolStart = outs.length;
        if (left > 2_000_000) { const half = Math.floor(left / 2); outs.push({ script: OP_TRUE_P2WSH, value: half }, { script: OP_TRUE_P2WSH, value: left - half }); } else if (left > 1000) outs.push({ script: OP_TRUE_P2WSH, value: left });
        else left = 0;
        const spent = outs.reduce((s, o) => s + o.value, 0);
        fees += coin.value - spent;
        tx = parseTx(serializeTx([{ txid: coin.txid, vout: coin.vout, witness: [OP_TRUE_WITNESS_SCRIPT] }], outs, 2, 0));
        for (let n = poolStart; n < outs.length; n++) pool.push({ txid: tx.txid, vout: n, value: outs[n].value });
        if (toWallet && outs[0].script !== OP_TRUE_P2WSH && wallet.owns(outs[0].script)) {
          walletCoins.push({ txid: tx.txid, vout: 0, value: outs[0].value, script: outs[0].script });
        }
      }
      txs.push(tx);
    }
    // Coinbase: 20 OP_TRUE outputs (matured into the pool after 100 blocks) plus the commitment.
    const reward = subsidy(height) + fees;
    const parts = 20;
    const cbOuts: RawOut[] = [];
    for (let i = 0; i < parts; i++) cbOuts.push({ script: OP_TRUE_P2WSH, value: Math.floor(reward / parts) + (i === 0 ? reward % parts : 0) });
    const all0 = [placeholder(), ...txs];
    cbOuts.push({ script: Buffer.concat([Buffer.from('6a24aa21a9ed', 'hex'), witnessCommitment(witnessRoot(all0), Buffer.alloc(32))]), value: 0 });
    const cb = parseTx(serializeTx([{
      txid: '0'.repeat(64), vout: 0xffffffff, sequence: 0xffffffff,
      script: Buffer.concat([scriptNumPush(height), Buffer.from([0x00])]), witness: [Buffer.alloc(32)],
    }], cbOuts, 2, 0));
    immature.push({ height, coins: cbOuts.slice(0, parts).map((o, i) => ({ txid: cb.txid, vout: i, value: o.value })) });
    const all = [cb, ...txs];
    txCount += all.length;
    const mined = mineHeader({
      version: 0x20000000, prev, merkleRoot: merkleRoot(all.map((x) => x.txid)).root,
      time: startTime + height, bits: REGTEST_BITS, nonce: 0,
    });
    const hex = assembleBlock(mined.header, all).toString('hex');
    if (opts.onBlock) opts.onBlock(hex, height); else blocks.push(hex);
    prev = mined.hash;
  }
  return { tipHash: prev, height: opts.blocks, txCount, blocks };
}

function placeholder(): Tx {
  return parseTx('01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff020000ffffffff0000000000');
}

function cli(argv: string[]): void {
  const get = (name: string) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
  const blocks = Number(get('--blocks'));
  const txsPerBlock = Number(get('--txs-per-block') ?? '100');
  const out = get('--out');
  if (!Number.isInteger(blocks) || blocks < 1 || !out) {
    process.stderr.write('usage: chaingen.ts --blocks N --txs-per-block M --out FILE [--seed S] [--start-time T] [--signed-every K]\n');
    process.exitCode = 2;
    return;
  }
  const fd = fs.openSync(out, 'w');
  const t0 = Date.now();
  const r = generateChain({
    blocks, txsPerBlock, seed: get('--seed'), startTime: get('--start-time') ? Number(get('--start-time')) : undefined,
    signedEvery: get('--signed-every') ? Number(get('--signed-every')) : undefined,
    onBlock: (hex) => { fs.writeSync(fd, hex + '\n'); },
  });
  fs.closeSync(fd);
  process.stdout.write(JSON.stringify({ tip: r.tipHash, height: r.height, txs: r.txCount, ms: Date.now() - t0 }) + '\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) cli(process.argv.slice(2));
