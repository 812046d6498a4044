import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startNode } from '../support/bitcoind.js';
import { parseBlock, scriptNumPush } from '../../sim/block.js';
import { REGTEST_GENESIS_HASH, REGTEST_GENESIS_HEX } from '../../sim/genesis.js';
import { mineHeader, mineHeaderBytes } from '../../sim/header.js';
import { SimNode } from '../../sim/node.js';
import { addressScript } from '../../sim/script.js';
import { selfCheckBlock } from '../../sim/validate.js';

test('genesis is Core\'s regtest genesis', () => {
  const g = parseBlock(REGTEST_GENESIS_HEX);
  assert.equal(g.raw.length, 285);
  assert.equal(g.hash, REGTEST_GENESIS_HASH);
  assert.equal(selfCheckBlock(REGTEST_GENESIS_HEX), null);
});

test('BIP34 height pushes match Core\'s CScript() << n', () => {
  assert.equal(scriptNumPush(1).toString('hex'), '51');
  assert.equal(scriptNumPush(16).toString('hex'), '60');
  assert.equal(scriptNumPush(17).toString('hex'), '0111');
  assert.equal(scriptNumPush(128).toString('hex'), '028000');
  assert.equal(scriptNumPush(300).toString('hex'), '022c01');
});

test('every mined block passes the self-check (ours + bitcoinjs-lib) with its chain context', { timeout: 60_000 }, async () => {
  const node = await startNode();
  try {
    await node.mine(105);
    for (const t of ['legacy', 'p2sh-segwit', 'bech32', 'bech32m'] as const) await node.send(await node.newAddress(t), 0.5);
    await node.mine(2);
    const tip = await node.rpc<number>('getblockcount');
    let prevHash = REGTEST_GENESIS_HASH;
    const times: number[] = [];
    for (let h = 1; h <= tip; h++) {
      const hash = await node.rpc<string>('getblockhash', [h]);
      const hex = await node.rpc<string>('getblock', [hash, 0]);
      const hdr = await node.rpc<{ mediantime: number; time: number }>('getblockheader', [prevHash]);
      assert.equal(selfCheckBlock(hex, { height: h, prevHash, medianTimePast: hdr.mediantime }), null, `block ${h}`);
      const b = parseBlock(hex);
      assert.equal(b.hash, hash);
      assert.equal(b.header.version, 0x20000000);
      times.push(b.header.time);
      prevHash = hash;
    }
    const info = await node.rpc<Record<string, unknown>>('getblockchaininfo');
    assert.equal(info.chain, 'regtest');
    assert.equal(info.blocks, tip);
    assert.equal(info.initialblockdownload, false);
    assert.equal(info.pruned, false);
    const withTxs = await node.rpc<{ nTx: number; tx: { fee?: number; vin: unknown[] }[] }>('getblock', [await node.rpc('getblockhash', [106]), 2]);
    assert.equal(withTxs.nTx, 5);
    assert.ok(withTxs.tx.slice(1).every((t) => typeof t.fee === 'number' && t.fee > 0));
    assert.ok(withTxs.tx[0].fee === undefined);
  } finally {
    await node.cleanup();
  }
});

test('submitblock accepts blocks built elsewhere and reports Core\'s reasons', { timeout: 30_000 }, () => {
  const builder = new SimNode();
  const node = new SimNode();
  const payout = addressScript(builder.newAddress(builder.createWallet('b'), 'legacy'));
  const raw1 = builder.buildBlock(payout, []);
  assert.equal(node.submitBlock(raw1), null);
  assert.equal(node.submitBlock(raw1), 'duplicate');
  builder.submitBlock(raw1);
  const raw2 = builder.buildBlock(payout, []);
  // Bad merkle root: flip a byte of the root and re-mine so PoW still holds.
  const b2 = parseBlock(raw2);
  const badRoot = mineHeader({ ...b2.header, merkleRoot: 'ff' + b2.header.merkleRoot.slice(2) });
  const badMerkle = Buffer.concat([badRoot.bytes, raw2.subarray(80)]);
  assert.equal(node.submitBlock(badMerkle), 'bad-txnmrklroot');
  // High hash: search for a nonce that fails regtest's target.
  const hdr = mineHeaderBytes(raw2.subarray(0, 80), { failPow: true });
  assert.equal(selfCheckBlock(Buffer.concat([hdr, raw2.subarray(80)])), 'high-hash');
  assert.equal(node.submitBlock(Buffer.concat([hdr, raw2.subarray(80)])), 'high-hash');
  // Unknown parent.
  const orphan = mineHeader({ ...b2.header, prev: '11'.repeat(32) });
  assert.equal(node.submitBlock(Buffer.concat([orphan.bytes, raw2.subarray(80)])), 'prev-blk-not-found');
  assert.equal(node.submitBlock(raw2), null);
  assert.equal(node.chain.tip.hash, b2.hash);
  // A competing block at the same height is stored but not activated.
  const other = new SimNode({ seed: 'other' });
  other.submitBlock(raw1);
  other.mockTime = b2.header.time + 5;
  const side = other.buildBlock(addressScript(other.newAddress(other.createWallet('x'), 'bech32')), []);
  assert.equal(node.submitBlock(side), 'inconclusive');
  assert.equal(node.chain.tip.hash, b2.hash);
  assert.throws(() => node.submitBlock(Buffer.from('00', 'hex')), /Block decode failed/);
});

test('a more-work branch submitted from elsewhere reorganizes the chain and returns txs to the mempool', () => {
  const a = new SimNode();
  const wa = a.createWallet('a');
  const payA = addressScript(a.newAddress(wa, 'bech32'));
  a.generate(101, payA);
  const b = new SimNode({ seed: 'b' });
  for (let h = 1; h <= 101; h++) assert.equal(b.submitBlock(a.chain.active[h].raw), null);
  const txid = a.walletSend(wa, [{ script: addressScript(a.newAddress(wa, 'legacy')), value: 1e8 }]);
  a.generate(1, payA);
  assert.equal(a.mempool.entries.size, 0);
  const payB = addressScript(b.newAddress(b.createWallet('b'), 'bech32m'));
  b.generate(2, payB);
  assert.equal(a.submitBlock(b.chain.active[102].raw), 'inconclusive', 'equal work: first seen stays');
  assert.equal(a.submitBlock(b.chain.active[103].raw), null);
  assert.equal(a.chain.tip.hash, b.chain.tip.hash);
  assert.deepEqual([...a.mempool.entries.keys()], [txid], 'the stale block\'s tx is back in the mempool');
  // Like Core's txindex, the entry for the stale block stays (lookups try the mempool first).
  assert.equal(a.chain.inActive(a.chain.txIndex.get(txid)!.entry), false);
});
