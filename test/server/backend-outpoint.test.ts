/** LocalBackend's 1.7 outpoint status against the node (bitcoind's gettxspendingprevout). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { openBackend } from '../../src/server/serve.js';
import { RpcError } from '../../src/server/errors.js';
import { startTestNode, tempDir, type TestNode } from '../support/test-node.js';

async function open(node: TestNode, dir: string) {
  const b = await openBackend({ network: 'regtest', bitcoindUrl: node.rpcUrl, rpcCookie: node.cookiePath, dbDir: dir, zmq: false, log: () => {}, pollMs: 3_600_000, mempoolPollMs: 3_600_000 });
  await b.sync;
  return b;
}

test('outpoint status: funder and spender from index, mempool and gettxspendingprevout (-txospenderindex)', { timeout: 90_000 }, async () => {
  const node = await startTestNode({ txospenderindex: true });
  const dir = tempDir('outpoint');
  try {
    await node.mine(101);
    const b = await open(node, dir);
    const be = b.backend;
    try {
      const addr = await node.newAddress();
      const a = await node.rpc<string>('sendtoaddress', [addr, 1]);
      const tx = await node.rpc<{ vin: { txid: string; vout: number }[]; vout: { n: number; scriptPubKey: { address?: string } }[] }>('getrawtransaction', [a, true]);
      const root = tx.vin[0]!;
      const n = tx.vout.find((o) => o.scriptPubKey.address === addr)!.n;
      const rootHeight = (await node.rpc<{ blockhash: string; confirmations: number }>('getrawtransaction', [root.txid, true])).confirmations;
      const fundedAt = 102 - rootHeight;
      await b.follower.step();
      assert.deepEqual(await be.outpointStatus(a, n), { funder_height: 0 });
      assert.deepEqual(await be.outpointStatus(root.txid, root.vout), { funder_height: fundedAt, spender_txhash: a, spender_height: 0 });
      assert.deepEqual(await be.outpointStatus(a, 99), {}, 'no such output');
      assert.deepEqual(await be.outpointStatus('00'.repeat(32), 0), {}, 'no such tx');
      const [block] = await node.mine(1);
      await b.follower.step();
      assert.equal(be.tip().hash, block);
      assert.deepEqual(await be.outpointStatus(a, n), { funder_height: 102 });
      assert.deepEqual(await be.outpointStatus(root.txid, root.vout), { funder_height: fundedAt, spender_txhash: a, spender_height: 102 });
      assert.deepEqual(await be.outpointStatus(a.toUpperCase(), 99), {});
    } finally {
      await b.close();
    }
  } finally {
    await node.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('outpoint status of a confirmed spend without -txospenderindex: daemon error naming the option', { timeout: 90_000 }, async () => {
  const node = await startTestNode();
  const dir = tempDir('outpoint-noidx');
  try {
    await node.mine(101);
    const a = await node.rpc<string>('sendtoaddress', [await node.newAddress(), 1]);
    const root = (await node.rpc<{ vin: { txid: string; vout: number }[] }>('getrawtransaction', [a, true])).vin[0]!;
    await node.mine(1);
    const b = await open(node, dir);
    try {
      await assert.rejects(b.backend.outpointStatus(root.txid, root.vout),
        (e: unknown) => e instanceof RpcError && e.code === 2 && /-txospenderindex/.test(e.message));
    } finally {
      await b.close();
    }
  } finally {
    await node.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
