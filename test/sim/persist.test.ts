import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startNode } from '../support/bitcoind.js';
import { generateChain } from '../../sim/chaingen.js';
import { parseBlock } from '../../sim/block.js';
import { REGTEST_GENESIS_HASH } from '../../sim/genesis.js';
import { scriptType } from '../../sim/script.js';
import { selfCheckBlock } from '../../sim/validate.js';

test('state survives a child-process restart and a kill -9; each start writes a new cookie', { timeout: 120_000 }, async () => {
  const node = await startNode({ process: true });
  try {
    const hashes = await node.mine(103);
    // Invalidate first: the wallet's tx has nLockTime = tip height (anti fee sniping), so a tx sent
    // at height 103 is non-final at 102 and Core's reorg would drop it from the mempool.
    await node.invalidate(hashes[102]);
    const txid = await node.send(await node.newAddress('bech32m'), 2);
    const tip = await node.rpc<string>('getbestblockhash');
    const balance = await node.rpc<number>('getbalance');
    const cookie1 = fs.readFileSync(node.cookiePath, 'utf8');
    const port = node.rpcPort;

    await node.restart();
    assert.equal(node.rpcPort, port, 'same port after restart');
    assert.notEqual(fs.readFileSync(node.cookiePath, 'utf8'), cookie1);
    assert.equal(await node.rpc('getbestblockhash'), tip, 'invalidation persisted');
    assert.equal(await node.rpc('getblockcount'), 102);
    assert.ok((await node.rpc<string[]>('getrawmempool')).includes(txid), 'mempool.dat written on clean shutdown');
    assert.equal(await node.rpc('getbalance'), balance);

    const mined = await node.mine(2);
    const cookie2 = fs.readFileSync(node.cookiePath, 'utf8');
    await node.kill();
    await node.start();
    assert.notEqual(fs.readFileSync(node.cookiePath, 'utf8'), cookie2);
    assert.equal(await node.rpc('getbestblockhash'), mined[1], 'blocks are durable across kill -9');
    assert.ok((await node.rpc<any>('getrawtransaction', [txid, true])).confirmations >= 1);
  } finally {
    await node.cleanup();
  }
});

test('in-process restart re-derives the same state from disk', { timeout: 60_000 }, async () => {
  const node = await startNode();
  try {
    await node.mine(101);
    const a = await node.newAddress('legacy');
    const txid = await node.send(a, 1);
    const before = await node.rpc<any>('getrawmempool', [true]);
    await node.restart();
    const after = await node.rpc<any>('getrawmempool', [true]);
    assert.deepEqual(Object.keys(after), [txid]);
    assert.equal(after[txid].time, before[txid].time);
    assert.equal((await node.rpc<any>('getaddressinfo', [a])).ismine, true, 'wallet keys persisted');
  } finally {
    await node.cleanup();
  }
});

test('chaingen: valid blocks of every output type; reloading the file gives the same tip', { timeout: 120_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'electrum-cli-chaingen-'));
  const file = path.join(dir, 'chain.hex');
  try {
    const r = generateChain({ blocks: 130, txsPerBlock: 40, seed: 'test', signedEvery: 7 });
    fs.writeFileSync(file, r.blocks.join('\n') + '\n');
    assert.equal(generateChain({ blocks: 130, txsPerBlock: 40, seed: 'test', signedEvery: 7 }).tipHash, r.tipHash, 'deterministic');
    const types = new Set<string>();
    let prev = REGTEST_GENESIS_HASH;
    let signedSpends = 0;
    r.blocks.forEach((hex, i) => {
      assert.equal(selfCheckBlock(hex), null, `block ${i + 1}`);
      const b = parseBlock(hex);
      assert.equal(b.header.prev, prev);
      prev = b.hash;
      for (const tx of b.txs) {
        for (const o of tx.vout) types.add(scriptType(o.script));
        if (tx.vin.some((x) => x.witness.length === 2 || x.script.length > 30 || (x.witness.length === 1 && x.witness[0].length === 64))) signedSpends++;
      }
    });
    for (const t of ['pubkeyhash', 'scripthash', 'witness_v0_keyhash', 'witness_v0_scripthash', 'witness_v1_taproot', 'nulldata']) assert.ok(types.has(t), t);
    assert.ok(signedSpends > 0, 'some signed spends');
    assert.ok(r.txCount > 1000);

    const node = await startNode({ preloadFile: file, wallet: null });
    try {
      assert.equal(await node.rpc('getbestblockhash'), r.tipHash);
      assert.equal(await node.rpc('getblockcount'), 130);
      await node.restart();
      assert.equal(await node.rpc('getbestblockhash'), r.tipHash);
    } finally {
      await node.cleanup();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
