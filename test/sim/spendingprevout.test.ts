/** gettxspendingprevout as Core 31 answers it, with and without -txospenderindex. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startNode, NodeRpcError, type NodeHandle } from '../support/bitcoind.js';

async function chainOf(node: NodeHandle): Promise<{ root: { txid: string; vout: number }; spend: string; block?: string }> {
  await node.mine(101);
  const spend = await node.send(await node.newAddress('bech32'), 1);
  const tx = await node.rpc<{ vin: { txid: string; vout: number }[] }>('getrawtransaction', [spend, true]);
  return { root: { txid: tx.vin[0]!.txid, vout: tx.vin[0]!.vout }, spend };
}

test('gettxspendingprevout with -txospenderindex: mempool spends, then confirmed ones with their block', { timeout: 60_000 }, async () => {
  const node = await startNode({ txospenderindex: true });
  try {
    const { root, spend } = await chainOf(node);
    assert.deepEqual(await node.rpc('gettxspendingprevout', [[root]]), [{ ...root, spendingtxid: spend }]);
    const [block] = await node.mine(1);
    const raw = await node.rpc<string>('getrawtransaction', [spend, false]);
    assert.deepEqual(await node.rpc('gettxspendingprevout', [[root, { txid: spend, vout: 7 }], { return_spending_tx: true }]),
      [{ ...root, spendingtxid: spend, blockhash: block, spendingtx: raw }, { txid: spend, vout: 7 }]);
    assert.deepEqual(await node.rpc('gettxspendingprevout', [[root], { mempool_only: true }]), [root]);
    const info = await node.rpc<Record<string, unknown>>('getindexinfo', ['txospenderindex']);
    assert.deepEqual(Object.keys(info), ['txospenderindex']);
    for (const [args, code, message] of [
      [[[]], -8, 'Invalid parameter, outputs are missing'],
      [[[{ txid: spend, vout: -1 }]], -8, 'Invalid parameter, vout cannot be negative'],
      [[[{ txid: spend }]], -3, 'Missing vout'],
      [[[{ vout: 1 }]], -3, 'Missing txid'],
      [[[{ txid: spend, vout: 1, unknown: 42 }]], -3, 'Unexpected key unknown'],
    ] as const) {
      await assert.rejects(node.rpc('gettxspendingprevout', args as unknown as unknown[]), (e: unknown) => e instanceof NodeRpcError && e.code === code && e.message === message, message);
    }
  } finally {
    await node.cleanup();
  }
});

test('gettxspendingprevout without the index: mempool only, and asking the index is an error', { timeout: 60_000 }, async () => {
  const node = await startNode();
  try {
    const { root } = await chainOf(node);
    await node.mine(1);
    assert.deepEqual(await node.rpc('gettxspendingprevout', [[root]]), [root]);
    await assert.rejects(node.rpc('gettxspendingprevout', [[root], { mempool_only: false }]),
      (e: unknown) => e instanceof NodeRpcError && e.code === -1 && e.message === 'Mempool lacks a relevant spend, and txospenderindex is unavailable.');
    assert.deepEqual(await node.rpc('getindexinfo', ['txospenderindex']), {});
  } finally {
    await node.cleanup();
  }
});
