import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startNode } from '../support/bitcoind.js';

test('invalidateblock returns the disconnected txs to the mempool; reconsiderblock restores the chain', { timeout: 60_000 }, async () => {
  const node = await startNode();
  try {
    await node.mine(101);
    const txids: string[] = [];
    for (const t of ['legacy', 'bech32', 'bech32m'] as const) txids.push(await node.send(await node.newAddress(t), 0.7));
    const [b1] = await node.mine(1);
    const [b2] = await node.mine(1);
    assert.deepEqual(await node.rpc('getrawmempool'), []);
    await node.invalidate(b1);
    assert.equal(await node.rpc('getblockcount'), 101);
    assert.deepEqual((await node.rpc<string[]>('getrawmempool')).sort(), [...txids].sort());
    const e = await node.rpc<any>('getrawtransaction', [txids[0], true]);
    assert.equal(e.confirmations, undefined, 'back in the mempool: no block fields');
    const tips = await node.rpc<any[]>('getchaintips');
    assert.ok(tips.some((t) => t.hash === b2 && t.status === 'invalid'));
    // Mine a competing branch that confirms the same txs, then go back to the original chain.
    const [c1] = await node.mine(1);
    assert.deepEqual(await node.rpc('getrawmempool'), []);
    assert.equal((await node.rpc<any>('getblock', [c1, 1])).tx.length, 4);
    await node.reconsider(b1);
    assert.equal(await node.rpc('getbestblockhash'), b2, 'the longer original branch wins');
    assert.equal((await node.rpc<any>('getblockheader', [c1])).confirmations, -1);
    assert.deepEqual(await node.rpc('getrawmempool'), []);
    const tx = await node.rpc<any>('getrawtransaction', [txids[1], true]);
    assert.equal(tx.blockhash, b1);
    assert.equal(tx.confirmations, 2);
    // A tx only in the stale block is still reachable with its block hash, and (Core's txindex keeps
    // the entries of disconnected blocks) without it: in the stale block, 0 confirmations, no block time.
    const cb = (await node.rpc<any>('getblock', [c1, 1])).tx[0];
    const stale = await node.rpc<any>('getrawtransaction', [cb, true, c1]);
    assert.equal(stale.in_active_chain, false);
    assert.equal(stale.confirmations, 0);
    const found = await node.rpc<any>('getrawtransaction', [cb, true]);
    assert.equal(found.blockhash, c1);
    assert.equal(found.confirmations, 0);
    assert.equal(found.blocktime, undefined);
    assert.equal(found.in_active_chain, undefined, 'only given with a blockhash argument');
  } finally {
    await node.cleanup();
  }
});

test('a deep reorg drops txs that spend coinbases which are no longer mature... or no longer exist', { timeout: 60_000 }, async () => {
  const node = await startNode();
  try {
    const hashes = await node.mine(101);
    const txid = await node.send(await node.newAddress(), 1);
    // Invalidate the block whose coinbase funds the tx: the tx cannot come back.
    await node.invalidate(hashes[0]);
    assert.equal(await node.rpc('getblockcount'), 0);
    assert.deepEqual(await node.rpc('getrawmempool'), []);
    await assert.rejects(node.rpc('getrawtransaction', [txid]), (err: any) => err.code === -5);
    await node.reconsider(hashes[0]);
    assert.equal(await node.rpc('getblockcount'), 101);
  } finally {
    await node.cleanup();
  }
});
