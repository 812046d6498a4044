import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { LocalBackend } from '../../src/server/backend.js';
import { openBackend } from '../../src/server/serve.js';
import { statusHash } from '../../src/bitcoin/status.js';
import { TAG } from '../../src/server/store/rows.js';
import { dumpStore, expectedFromNode, makeTraffic, startTestNode, tempDir, type TestNode } from '../support/test-node.js';

const quiet = (line: string): void => void (process.env.DEBUG_BACKEND && console.error(line));

async function open(node: TestNode, dbDir: string) {
  const b = await openBackend({ network: 'regtest', bitcoindUrl: node.rpcUrl, rpcCookie: node.cookiePath, dbDir, log: quiet, zmq: false, pollMs: 3_600_000, mempoolPollMs: 3_600_000 });
  await b.sync;
  return b;
}

/** Checks every script hash's answers against the independent computation. */
async function checkAgainstNode(node: TestNode, backend: LocalBackend): Promise<void> {
  const exp = await expectedFromNode(node);
  assert.equal(backend.tip().height, exp.tipHeight);
  assert.equal(backend.tip().hash, exp.blocks[exp.tipHeight]!.hash);
  for (const [sh, hist] of exp.history) {
    assert.deepEqual(await backend.history(sh), hist, `history of ${sh}`);
    assert.equal(await backend.status(sh), statusHash(hist));
    const utxos = (exp.utxos.get(sh) ?? []).sort((a, b) => a.height - b.height);
    const got = await backend.listunspent(sh);
    assert.deepEqual([...got].sort((a, b) => a.height - b.height || a.tx_hash.localeCompare(b.tx_hash) || a.tx_pos - b.tx_pos),
      [...utxos].sort((a, b) => a.height - b.height || a.tx_hash.localeCompare(b.tx_hash) || a.tx_pos - b.tx_pos), `utxos of ${sh}`);
    assert.deepEqual(await backend.balance(sh), { confirmed: utxos.reduce((a, u) => a + u.value, 0), unconfirmed: 0 });
  }
  for (const h of [0, 1, Math.floor(exp.tipHeight / 2), exp.tipHeight]) {
    const { txids } = exp.blocks[h]!;
    assert.equal(backend.header(h), await node.rpc('getblockheader', [exp.blocks[h]!.hash, false]));
    for (let pos = 0; pos < txids.length; pos++) {
      assert.equal(await backend.idFromPos(h, pos, false), txids[pos]);
      const m = await backend.merkle(txids[pos]!, h);
      assert.equal(m.pos, pos);
      assert.deepEqual((await backend.idFromPos(h, pos, true) as { merkle: string[] }).merkle, m.merkle);
    }
    await assert.rejects(backend.idFromPos(h, txids.length, false), /no tx at position/);
  }
  const some = exp.blocks[exp.tipHeight]!.txids[0]!;
  assert.equal(await backend.transaction(some, false), await node.rpc('getrawtransaction', [some, false]));
  // Verbose, as ElectrumX sends it: bitcoind's object without the in_active_chain a block hash adds.
  const verbose = await backend.transaction(some, true) as Record<string, unknown>;
  assert.equal(verbose.txid, some);
  assert.equal('in_active_chain' in verbose, false);
}

// One node and one index through five behaviours in order (each test builds on the state the
// previous one left): named tests, so a failure names the behaviour.
describe('REST path: sync, mempool, a confirming block, reorgs, then a fresh sync', () => {
  let node: TestNode;
  let b: Awaited<ReturnType<typeof open>>;
  const dirs = [tempDir('idx'), tempDir('fresh')];
  const tips: number[] = [];
  const touchedSets: Set<string>[] = [];
  let sh = '';

  before(async () => {
    node = await startTestNode({ rest: true });
    await node.mine(105);
    await makeTraffic(node, 25, 7);
    b = await open(node, dirs[0]!);
    b.backend.events.on('tip', (t) => tips.push(t.height));
    b.backend.events.on('touched', (s) => touchedSets.push(s));
  }, { timeout: 120_000 });

  after(async () => {
    await b?.close();
    await node?.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  test('a full sync answers every script hash, header, position, merkle branch and raw tx as the node does', { timeout: 120_000 }, async () => {
    await checkAgainstNode(node, b.backend);
  });

  test('a mempool payment: its fee from bitcoind, an unconfirmed balance, a touched event, a height-0 UTXO, a fee histogram', { timeout: 120_000 }, async () => {
    const addr = await node.newAddress();
    const txid = await node.rpc<string>('sendtoaddress', [addr, 1.5]);
    await b.follower.step();
    const info = await node.rpc<{ scriptPubKey: string }>('getaddressinfo', [addr]);
    const { scriptHash } = await import('../../src/bitcoin/scripthash.js');
    sh = scriptHash(info.scriptPubKey);
    const entry = await node.rpc<{ fees: { base: number } }>('getmempoolentry', [txid]);
    assert.deepEqual(await b.backend.mempool(sh), [{ tx_hash: txid, height: 0, fee: Math.round(entry.fees.base * 1e8) }]);
    assert.deepEqual(await b.backend.balance(sh), { confirmed: 0, unconfirmed: 150_000_000 });
    assert.ok(touchedSets.some((s) => s.has(sh)));
    assert.equal((await b.backend.listunspent(sh))[0]!.height, 0);
    const hist = await b.backend.feeHistogram();
    assert.deepEqual(hist, [], 'one small tx is a partial bin, not sent (ElectrumX binning)');
  });

  test('a block confirms it: a tip event, an empty mempool, answers as the node', { timeout: 120_000 }, async () => {
    assert.ok(sh !== '', 'the mempool test ran first');
    await node.mine(1);
    await b.follower.step();
    assert.deepEqual(tips.slice(-1), [b.backend.tip().height]);
    assert.deepEqual(await b.backend.mempool(sh), []);
    await checkAgainstNode(node, b.backend);
  });

  test('reorgs of depth 1, 6 and 100 answer as the node', { timeout: 120_000 }, async () => {
    for (const depth of [1, 6, 100]) {
      const tip = await node.rpc<number>('getblockcount');
      const stale = await node.rpc<string>('getblockhash', [tip - depth + 1]);
      await node.rpc('invalidateblock', [stale]);
      await node.mine(depth + 1);
      await b.follower.step();
      await checkAgainstNode(node, b.backend);
    }
  });

  test('the index after those reorgs equals a fresh sync, row for row', { timeout: 120_000 }, async () => {
    const fresh = await open(node, dirs[1]!);
    try {
      assert.deepEqual(dumpStore(b.backend.store), dumpStore(fresh.backend.store));
    } finally {
      await fresh.close();
    }
  });
});

test('RPC-only path (no REST) builds the same index except undo rows; bitcoind restarts with a new cookie', { timeout: 60_000 }, async () => {
  const node = await startTestNode({ rest: false });
  const dirs = [tempDir('rpc')];
  try {
    await node.mine(102);
    await makeTraffic(node, 10, 3);
    const b = await open(node, dirs[0]!);
    assert.equal(b.backend.daemon.rest, false);
    await checkAgainstNode(node, b.backend);
    await node.restart();
    await node.mine(2);
    await b.follower.step();
    await checkAgainstNode(node, b.backend);
    await b.close();
  } finally {
    await node.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
  void TAG;
});
