/**
 * The mainnet-shaped chain generator (sim/mainnet-gen.ts): deterministic per
 * seed, shaped as documented (counts, not timing), consensus-valid (every block passes the
 * simulator's block checks and connects; every input's signature verifies with an
 * independent implementation), cached on disk, fed to a node by bench/submitblocks.sh, and a
 * generated chain syncs with `serve --local` (against a real bitcoind too when BITCOIND is set).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ecc from '@bitcoinerlab/secp256k1';
import { Block as BjsBlock, Transaction, crypto as bcrypto, payments, script as bscript } from 'bitcoinjs-lib';
import {
  CHANGE_SHARE, IN_DIST, NEW_SHARE, OP_RETURN_SHARE, OUT_DIST, POPULAR_SHARE, TYPE_MIX, cachedMainnetChain, generateMainnetChain,
  type MainnetGenOptions, type MainnetGenStats,
} from '../../sim/mainnet-gen.js';
import { parseBlock } from '../../sim/block.js';
import { SimNode } from '../../sim/node.js';
import { Simulator } from '../../sim/server.js';
import { selfCheckBlock } from '../../sim/validate.js';
import { startNode } from '../support/bitcoind.js';
import { startServe, waitSynced } from '../support/serve-in-process.js';
import { connectLines } from '../support/serve-client.js';
import { NodeReference } from '../support/reference.js';
import { indexSize } from '../../bench/index-size.js';

function gen(opts: Omit<MainnetGenOptions, 'onBlock'>): { blocks: Buffer[]; stats: MainnetGenStats } {
  const blocks: Buffer[] = [];
  const stats = generateMainnetChain({ ...opts, onBlock: (raw) => blocks.push(Buffer.from(raw)) });
  return { blocks, stats };
}

const digest = (blocks: Buffer[]): string => {
  const h = createHash('sha256');
  for (const b of blocks) h.update(b);
  return h.digest('hex');
};

const tmp = (tag: string): string => fs.mkdtempSync(path.join(os.tmpdir(), `mainnet-gen-${tag}-`));

test('the same seed gives the same chain, another seed another one', () => {
  const a = gen({ txs: 4000, seed: 'det', txsPerBlock: 400 });
  const b = gen({ txs: 4000, seed: 'det', txsPerBlock: 400 });
  const c = gen({ txs: 4000, seed: 'det2', txsPerBlock: 400 });
  assert.equal(digest(a.blocks), digest(b.blocks));
  assert.deepEqual(a.stats, b.stats);
  assert.notEqual(digest(a.blocks), digest(c.blocks));
  assert.notEqual(a.stats.tipHash, c.stats.tipHash);
});

test('block sizes, tx counts and distributions are as documented', () => {
  const { blocks, stats } = gen({ txs: 40_000, seed: 'shape', txsPerBlock: 2000 });
  // 100 coinbase-only blocks, then 2,000 txs per block, the last cut so the total is exact.
  assert.equal(stats.txs, 40_000);
  const counts = blocks.map((b) => parseBlock(b).txs.length);
  assert.deepEqual(counts.slice(0, 100), Array(100).fill(1));
  assert.ok(counts.slice(100, -1).every((n) => n === 2000), 'full blocks of 2,000 txs after the tiny ones');
  assert.equal(counts.reduce((a, b) => a + b, 0), 40_000);
  assert.ok(stats.largestBlockBytes > 500_000 && stats.largestBlockBytes < 800_000, `~650 KB blocks, got ${stats.largestBlockBytes}`);
  const spends = stats.txs - stats.coinbases;
  const near = (got: number, want: number, tol: number, what: string): void => assert.ok(Math.abs(got - want) <= tol, `${what}: ${got.toFixed(3)}, documented ${want}`);
  IN_DIST.forEach((p, i) => near(stats.inputs[i]! / spends, p, 0.015, `share of ${i + 1}-input txs`));
  OUT_DIST.forEach((p, i) => near(stats.outputs[i]! / spends, p, 0.015, `share of ${i + 1}-output txs`));
  near(stats.opReturnTxs / spends, OP_RETURN_SHARE, 0.005, 'OP_RETURN share');
  const choices = stats.scriptChoice.new + stats.scriptChoice.popular + stats.scriptChoice.change + stats.scriptChoice.reuse;
  near(stats.scriptChoice.new / choices, NEW_SHARE, 0.01, 'new-script share');
  near(stats.scriptChoice.popular / choices, POPULAR_SHARE, 0.01, 'popular-script share');
  near(stats.scriptChoice.change / choices, CHANGE_SHARE, 0.01, 'change-to-input share');
  near(stats.distinctScripts / stats.txs, 1.4, 0.1, 'distinct scripts per tx');
  // Zipf: the most popular script is paid by ~1/H(1000) of the popular picks (~13%).
  assert.ok(stats.topScriptOutputs > 0.08 * stats.scriptChoice.popular, `top script: ${stats.topScriptOutputs} of ${stats.scriptChoice.popular} popular outputs`);
  // Every type appears, in roughly the documented order of frequency.
  const byType = stats.outputsByType;
  const outs = Object.values(byType).reduce((a, b) => a + b, 0);
  for (const [t, share] of Object.entries(TYPE_MIX)) near(byType[t as keyof typeof TYPE_MIX] / outs, share, 0.05, `${t} share of outputs`);
  // Spends are mostly recent, some old; every kind of spend occurs.
  const ins = stats.spendAge.sameBlock + stats.spendAge.upTo10k + stats.spendAge.upTo100k + stats.spendAge.older;
  assert.equal(ins, stats.inputs.reduce((a, n, i) => a + n * (i + 1), 0));
  assert.ok((stats.spendAge.sameBlock + stats.spendAge.upTo10k) / ins > 0.6, `mostly recent: ${JSON.stringify(stats.spendAge)}`);
  assert.ok(stats.spendAge.upTo100k + stats.spendAge.older > 0.05 * ins, `some old: ${JSON.stringify(stats.spendAge)}`);
  assert.ok(stats.signedEcdsa > 0 && stats.signedSchnorr > 0 && stats.keyless > 0);
  assert.equal(stats.signedEcdsa + stats.signedSchnorr + stats.keyless, ins);
});

test('every block is valid and every input is signed correctly (checked by bitcoinjs-lib)', () => {
  const { blocks, stats } = gen({ txs: 3500, seed: 'valid', txsPerBlock: 600 });
  const node = new SimNode({});
  const utxo = new Map<string, { value: number; script: Buffer }>();
  const seen = { p2pkh: 0, p2wpkh: 0, p2tr: 0, p2wsh: 0, p2sh: 0 };
  for (const [i, raw] of blocks.entries()) {
    assert.equal(selfCheckBlock(raw), null, `block ${i + 1}`);
    assert.equal(node.submitBlock(raw), null, `block ${i + 1} connects`);
    const b = BjsBlock.fromBuffer(raw);
    for (const [ti, tx] of b.transactions!.entries()) {
      const prevs = tx.ins.map((inp) => utxo.get(`${Buffer.from(inp.hash).reverse().toString('hex')}:${inp.index}`)!);
      if (ti > 0) {
        tx.ins.forEach((inp, j) => {
          const s = prevs[j]!.script;
          if (s[0] === 0x76) {
            const [sig, pub] = bscript.decompile(inp.script) as Uint8Array[];
            const d = bscript.signature.decode(sig!);
            assert.deepEqual(Buffer.from(bcrypto.hash160(pub!)), s.subarray(3, 23));
            assert.ok(ecc.verify(tx.hashForSignature(j, s, d.hashType), pub!, d.signature, true), 'P2PKH signature');
            seen.p2pkh++;
          } else if (s[0] === 0 && s[1] === 0x14) {
            const [sig, pub] = inp.witness;
            const d = bscript.signature.decode(sig!);
            assert.deepEqual(Buffer.from(bcrypto.hash160(pub!)), s.subarray(2));
            const code = payments.p2pkh({ hash: s.subarray(2) }).output!;
            assert.ok(ecc.verify(tx.hashForWitnessV0(j, code, BigInt(prevs[j]!.value), d.hashType), pub!, d.signature, true), 'P2WPKH signature');
            seen.p2wpkh++;
          } else if (s[0] === 0x51) {
            const h = tx.hashForWitnessV1(j, prevs.map((p) => p.script), prevs.map((p) => BigInt(p.value)), Transaction.SIGHASH_DEFAULT);
            assert.equal(inp.witness.length, 1);
            assert.ok(ecc.verifySchnorr(h, s.subarray(2), inp.witness[0]!), 'P2TR key-path signature');
            seen.p2tr++;
          } else if (s[0] === 0 && s[1] === 0x20) {
            const ws = Buffer.from(inp.witness[0]!);
            assert.deepEqual(Buffer.from(bcrypto.sha256(ws)), s.subarray(2));
            assert.equal(ws.subarray(9).toString('hex'), '7551', '<data> OP_DROP OP_TRUE');
            seen.p2wsh++;
          } else if (s[0] === 0xa9) {
            const [rs] = bscript.decompile(inp.script) as Uint8Array[];
            assert.deepEqual(Buffer.from(bcrypto.hash160(rs!)), s.subarray(2, 22));
            seen.p2sh++;
          } else assert.fail(`unexpected spent script ${s.toString('hex')}`);
        });
      }
      const id = tx.getId();
      tx.outs.forEach((o, n) => utxo.set(`${id}:${n}`, { value: Number(o.value), script: Buffer.from(o.script) }));
    }
  }
  assert.equal(node.chain.tip.hash, stats.tipHash);
  for (const [t, n] of Object.entries(seen)) assert.ok(n > 50, `${t} spends checked: ${n}`);
});

test('cachedMainnetChain writes submitblock lines once and reuses them; submitblocks.sh feeds them to a node', async () => {
  const dir = tmp('cache');
  const sim = new Simulator({ datadir: path.join(dir, 'node') });
  try {
    const first = cachedMainnetChain({ txs: 1500, seed: 'cache', txsPerBlock: 300 }, () => {}, dir);
    const again = cachedMainnetChain({ txs: 1500, seed: 'cache', txsPerBlock: 300 }, () => {}, dir);
    const other = cachedMainnetChain({ txs: 1500, seed: 'cache', txsPerBlock: 200 }, () => {}, dir);
    assert.equal(first.cached, false);
    assert.equal(again.cached, true);
    assert.equal(again.file, first.file);
    assert.notEqual(other.file, first.file);
    assert.deepEqual(again.stats, first.stats);
    const lines = fs.readFileSync(first.file, 'utf8').trim().split('\n');
    assert.equal(lines.length, first.stats.blocks);
    // A stand-in bitcoin-cli: reads `-stdin` arguments and sends the RPC to the simulator.
    await sim.start();
    const fake = path.join(dir, 'fake-cli');
    fs.writeFileSync(fake, `#!${process.execPath}
const fs = require('node:fs');
const args = process.argv.slice(2).filter((a) => a !== '-stdin');
const stdin = process.argv.includes('-stdin') ? fs.readFileSync(0, 'utf8').split('\\n').filter(Boolean) : [];
const auth = Buffer.from(fs.readFileSync(${JSON.stringify(sim.cookiePath)}, 'utf8').trim()).toString('base64');
fetch(${JSON.stringify(sim.rpcUrl)}, { method: 'POST', headers: { authorization: 'Basic ' + auth }, body: JSON.stringify({ id: 1, method: args[0], params: [...args.slice(1), ...stdin] }) })
  .then((r) => r.json()).then((j) => {
    if (j.error) { console.error(j.error.message); process.exit(1); }
    if (j.result !== null) console.log(j.result);
  });
`, { mode: 0o755 });
    // Three good blocks, then a corrupted one: the script submits in order and stops there.
    const part = path.join(dir, 'part.hex');
    fs.writeFileSync(part, `${lines.slice(0, 3).join('\n')}\n${lines[3]!.slice(0, 200)}\n${lines[4]}\n`);
    // Asynchronously: the simulator answering it runs in this process.
    const run = promisify(execFile)('sh', ['bench/submitblocks.sh', part], { env: { ...process.env, BITCOIN_CLI: fake } });
    await assert.rejects(run, (e: { code: number; stderr: string }) => e.code === 1 && /block 4 .*rejected/.test(e.stderr));
    assert.equal(sim.node!.chain.height, 3);
    assert.equal(sim.node!.chain.tip.hash, parseBlock(lines[2]!).hash);
  } finally {
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a generated chain loads into the node and serve --local indexes it: histories match the blocks', { timeout: 240_000 }, async () => {
  const dir = tmp('sync');
  const { file, stats } = cachedMainnetChain({ txs: 6000, seed: 'sync', txsPerBlock: 1000 }, () => {}, dir);
  const node = await startNode({ preloadFile: file, wallet: null });
  try {
    assert.equal(await node.rpc<number>('getblockcount'), stats.blocks);
    const served = await startServe(node, { db: path.join(dir, 'index') });
    try {
      await waitSynced(node, served.port, 120_000);
      // Expected histories of the busiest scripts, from the one reference model (what the node says).
      const ref = await NodeReference.read(node);
      const busiest = ref.confirmedScriptHashes().map((sh) => [sh, ref.historyOf(sh)] as const)
        .sort((a, b) => b[1].length - a[1].length).slice(0, 5);
      assert.ok(busiest[0]![1].length > 20, 'the chain has a popular script');
      const c = await connectLines(served.port);
      try {
        await c.call('server.version', ['test', '1.4']);
        for (const [sh, history] of busiest) {
          const r = await c.call('blockchain.scripthash.get_history', [sh]);
          assert.deepEqual(r.result ?? r, history, `history of ${sh}`);
        }
      } finally {
        c.close();
      }
    } finally {
      await served.stop();
    }
  } finally {
    await node.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('index-size measures tables generically: LMDB tags and named databases, LevelDB tags', async () => {
  const dir = tmp('size');
  try {
    const { open } = await import('lmdb');
    const lm = path.join(dir, 'lmdb');
    const root = open({ path: lm, keyEncoding: 'binary', encoding: 'binary', compression: false, maxDbs: 8 } as unknown as Parameters<typeof open>[0]);
    const named = root.openDB({ name: 'hashes', keyEncoding: 'binary', encoding: 'binary' } as unknown as { name: string });
    await root.transaction(() => {
      for (let i = 0; i < 3000; i++) root.put(Buffer.concat([Buffer.from('H'), createHash('sha256').update(`h${i}`).digest()]), Buffer.alloc(0));
      for (let i = 0; i < 1000; i++) root.put(Buffer.concat([Buffer.from('U'), createHash('sha256').update(`u${i}`).digest()]), Buffer.alloc(13));
      for (let i = 0; i < 20; i++) root.put(Buffer.concat([Buffer.from('D'), Buffer.from([i])]), Buffer.alloc(9000, i));
      // Random first bytes: one table, not 256.
      for (let i = 0; i < 2000; i++) named.put(createHash('sha256').update(`n${i}`).digest(), Buffer.alloc(8));
    });
    await root.close();
    const l = await indexSize(lm);
    assert.equal(l.store, 'lmdb');
    const t = new Map(l.tables.map((x) => [x.table, x]));
    assert.deepEqual([...t.keys()].sort(), ['hashes', 'main/D', 'main/H', 'main/U']);
    assert.equal(t.get('main/H')!.rows, 3000);
    assert.equal(t.get('main/U')!.logicalBytes, 1000 * (33 + 13));
    assert.equal(t.get('hashes')!.rows, 2000);
    // Big values live on overflow pages: 20 x 3 pages of 4 KiB at least.
    assert.ok(t.get('main/D')!.diskBytes >= 20 * 3 * 4096, `D: ${t.get('main/D')!.diskBytes}`);
    assert.ok(t.get('main/H')!.diskBytes > t.get('main/U')!.diskBytes);
    const sum = l.tables.reduce((a, x) => a + x.diskBytes, 0);
    assert.ok(sum > 0 && sum <= l.fileBytes, `tables ${sum} <= file ${l.fileBytes}`);

    const { ClassicLevel } = await import('classic-level');
    const lv = path.join(dir, 'level');
    const db = new ClassicLevel<Buffer, Buffer>(lv, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.batch([
      ...Array.from({ length: 500 }, (_, i) => ({ type: 'put' as const, key: Buffer.concat([Buffer.from('H'), createHash('sha256').update(`h${i}`).digest()]), value: Buffer.alloc(0) })),
      ...Array.from({ length: 200 }, (_, i) => ({ type: 'put' as const, key: Buffer.concat([Buffer.from('X'), Buffer.from([i])]), value: Buffer.alloc(32) })),
    ]);
    await db.close();
    const v = await indexSize(lv);
    assert.equal(v.store, 'leveldb');
    assert.deepEqual(v.tables.map((x) => [x.table, x.rows]).sort(), [['H', 500], ['X', 200]]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
