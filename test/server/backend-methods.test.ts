/**
 * LocalBackend methods that go to bitcoind: broadcastPackage (submitpackage) in its success,
 * rejection and malformed shapes; utxoAddress (1.0 blockchain.utxo.get_address); estimateFee
 * with ElectrumX's target buckets and a per-tip cache. Runs on the test node (simulator, or
 * a real bitcoind when BITCOIND is set).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { scriptToAddress } from '../../src/bitcoin/address.js';
import { RpcError } from '../../src/server/errors.js';
import { feeTargetBucket } from '../../src/server/backend.js';
import { openBackend } from '../../src/server/serve.js';
import { OP_TRUE_P2WSH, serializeTx } from '../../sim/chaingen.js';
import { parseTx } from '../../sim/tx.js';
import { startTestNode, tempDir, type TestNode } from '../support/test-node.js';

const OP_TRUE = Buffer.from([0x51]);
const sha256 = (b: Buffer): Buffer => createHash('sha256').update(b).digest();
const p2wpkh = (tag: string): Buffer => Buffer.concat([Buffer.from([0, 20]), sha256(Buffer.from(tag)).subarray(0, 20)]);
const shOf = (script: Buffer): string => Buffer.from(sha256(script)).reverse().toString('hex');

/** Confirmed P2WSH(OP_TRUE) coins (spendable without signatures). */
async function opTrueCoins(node: TestNode, n: number): Promise<{ txid: string; vout: number; value: number }[]> {
  const addr = scriptToAddress(OP_TRUE_P2WSH, 'regtest')!;
  const out = [];
  for (let i = 0; i < n; i++) {
    const txid = await node.rpc<string>('sendtoaddress', [addr, 1]);
    const tx = await node.rpc<{ vout: { n: number; scriptPubKey: { hex: string } }[] }>('getrawtransaction', [txid, true]);
    out.push({ txid, vout: tx.vout.find((v) => v.scriptPubKey.hex === OP_TRUE_P2WSH.toString('hex'))!.n, value: 100_000_000 });
  }
  await node.mine(1);
  return out;
}

function spend(ins: { txid: string; vout: number }[], outs: { script: Buffer; value: number }[]): { hex: string; txid: string } {
  const raw = serializeTx(ins.map((i) => ({ ...i, witness: [OP_TRUE] })), outs);
  return { hex: raw.toString('hex'), txid: parseTx(raw).txid };
}

test('estimatefee target buckets (ElectrumX)', () => {
  const cases: [number, number][] = [[0, 1], [1, 1], [12, 12], [13, 12], [24, 24], [25, 25], [26, 26], [27, 26], [48, 48], [49, 48], [71, 48], [72, 72], [1007, 984], [1008, 1008], [1009, 1008], [5000, 1008]];
  for (const [n, want] of cases) assert.equal(feeTargetBucket(n), want, `target ${n}`);
});

test('broadcastPackage, utxoAddress and the per-tip estimatefee cache', { timeout: 90_000 }, async () => {
  const node = await startTestNode();
  const dir = tempDir('methods');
  try {
    await node.mine(101);
    const coins = await opTrueCoins(node, 3);
    const b = await openBackend({ network: 'regtest', bitcoindUrl: node.rpcUrl, rpcCookie: node.cookiePath, dbDir: dir, zmq: false, log: () => {}, pollMs: 3_600_000, mempoolPollMs: 3_600_000 });
    await b.sync;
    const be = b.backend;
    try {

      // A parent and its child, submitted together.
      const target = p2wpkh('package child');
      const parent = spend([coins[0]!], [{ script: OP_TRUE_P2WSH, value: coins[0]!.value - 1000 }]);
      const child = spend([{ txid: parent.txid, vout: 0 }], [{ script: target, value: coins[0]!.value - 3000 }]);
      assert.deepEqual(await be.broadcastPackage([parent.hex, child.hex], false), { success: true });
      const pool = await node.rpc<string[]>('getrawmempool');
      assert.ok(pool.includes(parent.txid) && pool.includes(child.txid));
      await b.follower.step();
      assert.deepEqual((await be.mempool(shOf(target))).map((e) => [e.tx_hash, e.height]), [[child.txid, -1]]);
      // Submitting it again: bitcoind reports the package as already known, still a success.
      const again = await be.broadcastPackage([parent.hex, child.hex], true) as { package_msg: string; 'tx-results': Record<string, unknown> };
      assert.equal(again.package_msg, 'success');
      assert.equal(Object.keys(again['tx-results']).length, 2);

      // A child spending an output that does not exist: not a success; errors name txids.
      const p2 = spend([coins[1]!], [{ script: OP_TRUE_P2WSH, value: coins[1]!.value - 1000 }]);
      const c2 = spend([{ txid: p2.txid, vout: 0 }, { txid: 'ee'.repeat(32), vout: 7 }], [{ script: target, value: coins[1]!.value - 3000 }]);
      try {
        const r = await be.broadcastPackage([p2.hex, c2.hex], false) as { success: boolean; errors?: { txid: string; error: string }[] };
        assert.equal(r.success, false);
        assert.ok(r.errors && r.errors.length > 0 && r.errors.every((e) => /^[0-9a-f]{64}$/.test(e.txid) && e.error.length > 0), JSON.stringify(r));
      } catch (e) {
        // Some bitcoind versions refuse such a package outright.
        assert.ok(e instanceof RpcError && e.code === 1 && /^the tx package was rejected by network rules\.\n\n/.test(e.message), String(e));
      }
      // Malformed: the child first. A JSON-RPC error, not a result.
      await assert.rejects(be.broadcastPackage([c2.hex, p2.hex], false),
        (e: unknown) => e instanceof RpcError && e.code === 1 && /^the tx package was rejected by network rules\.\n\n\S/.test(e.message));

      // utxoAddress: confirmed unspent, mempool, spent-and-confirmed, unknown, out of range, OP_RETURN.
      const opTrueAddr = scriptToAddress(OP_TRUE_P2WSH, 'regtest');
      assert.equal(await be.utxoAddress(coins[2]!.txid, coins[2]!.vout), opTrueAddr);
      assert.equal(await be.utxoAddress(child.txid, 0), scriptToAddress(target, 'regtest'));
      await node.mine(1);
      await b.follower.step();
      assert.equal(await be.utxoAddress(coins[0]!.txid, coins[0]!.vout), opTrueAddr, 'spent outputs still have their address');
      assert.equal(await be.utxoAddress(parent.txid, 0), opTrueAddr);
      // ElectrumX 1.4: a tx bitcoind does not know is a daemon error (code 2), not null.
      await assert.rejects(be.utxoAddress('00'.repeat(32), 0), (e: unknown) => e instanceof RpcError && e.code === 2 && /^daemon error: /.test(e.message));
      assert.equal(await be.utxoAddress(coins[2]!.txid, 99), null);
      assert.equal(await be.utxoAddress('xyz', 0), null);
      const tipBlock = await node.rpc<{ tx: { txid: string; vout: { n: number; scriptPubKey: { hex: string } }[] }[] }>('getblock', [be.tip().hash, 2]);
      const opReturn = tipBlock.tx[0]!.vout.find((v) => v.scriptPubKey.hex.startsWith('6a'));
      if (opReturn) assert.equal(await be.utxoAddress(tipBlock.tx[0]!.txid, opReturn.n), null);

      // estimatefee: one bitcoind call per (bucket, mode) and tip.
      const calls: unknown[][] = [];
      const call = be.daemon.call.bind(be.daemon);
      be.daemon.call = (async (method: string, params?: unknown[]) => {
        if (method === 'estimatesmartfee') calls.push(params ?? []);
        return call(method, params);
      }) as typeof be.daemon.call;
      const want = async (n: number): Promise<number> => (await node.rpc<{ feerate?: number }>('estimatesmartfee', [n])).feerate ?? -1;
      assert.equal(await be.estimateFee(13), await want(12));
      assert.equal(await be.estimateFee(12), await want(12));
      await Promise.all([be.estimateFee(30), be.estimateFee(31)]);
      assert.deepEqual(calls, [[12], [30]]);
      await be.estimateFee(12, 'economical');
      assert.deepEqual(calls.at(-1), [12, 'economical']);
      assert.equal(calls.length, 3);
      await node.mine(1);
      await b.follower.step();
      await be.estimateFee(12);
      assert.equal(calls.length, 4, 'a new tip asks bitcoind again');
    } finally {
      await b.close();
    }
  } finally {
    await node.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
