import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { LocalBackend } from '../../src/server/backend.js';
import { openBackend } from '../../src/server/serve.js';
import { RpcError } from '../../src/server/errors.js';
import { statusHash } from '../../src/bitcoin/status.js';
import { scriptHash } from '../../src/bitcoin/scripthash.js';
import { fromDisplay } from '../../src/server/blockparse.js';
import { DEFAULT_CACHE_LIMITS, ScriptView } from '../../src/server/script-view.js';
import type { Store } from '../../src/server/store/db.js';
import { expectedFromNode, startTestNode, tempDir, type TestNode } from '../support/test-node.js';

const quiet = (line: string): void => void (process.env.DEBUG_BACKEND && console.error(line));

async function open(node: TestNode, dbDir: string) {
  const b = await openBackend({ network: 'regtest', bitcoindUrl: node.rpcUrl, rpcCookie: node.cookiePath, dbDir, log: quiet, zmq: false, pollMs: 3_600_000, mempoolPollMs: 3_600_000 });
  await b.sync;
  return b;
}

/** A view over the backend's state; `follow` hooks it to the indexer's invalidation too. */
function view(b: LocalBackend, limit: number, follow: boolean, store: Store = b.store): ScriptView {
  const v = new ScriptView(store, b.indexer, b.mempoolView, limit, DEFAULT_CACHE_LIMITS, 4);
  if (follow) {
    const prev = b.indexer.onCommit;
    b.indexer.onCommit = (t) => {
      prev?.(t);
      v.invalidate(t);
    };
  }
  return v;
}

/** Everything a view answers for one script hash. */
async function answers(v: ScriptView, sh: string) {
  const bytes = fromDisplay(sh);
  const history = await v.history(sh, bytes);
  assert.deepEqual(JSON.parse(await v.historyJson(sh, bytes)), history);
  const utxos = await v.listunspent(sh, bytes);
  assert.deepEqual(JSON.parse(await v.listunspentJson(sh, bytes)), utxos);
  const status = await v.status(sh, bytes);
  assert.equal(status, statusHash(history));
  return { history, status, balance: await v.balance(sh, bytes), utxos };
}

async function setupHeavy(node: TestNode, entries: number): Promise<{ addr: string; sh: string }> {
  await node.mine(101);
  // The payee is another wallet's (Core's coin selection may spend the paying wallet's own coins),
  // and a block every 20 payments keeps the unconfirmed chain within Core's wallet limits.
  const addr = await node.handle.otherAddress();
  const info = await node.handle.walletRpc<{ scriptPubKey: string }>('other', 'getaddressinfo', [addr]);
  for (let i = 0; i < entries; i++) {
    await node.rpc('sendtoaddress', [addr, 0.1]);
    if (i % 20 === 19) await node.mine(1);
  }
  await node.mine(1);
  return { addr, sh: scriptHash(info.scriptPubKey) };
}

test('cached answers change with a mempool tx, a new block and a reorg, and equal an uncached view', { timeout: 120_000 }, async () => {
  const node = await startTestNode({ rest: true });
  const dir = tempDir('sv');
  try {
    const { addr, sh } = await setupHeavy(node, 30);
    const opened = await open(node, dir);
    const b = opened.backend;
    const cached = view(b, 1000, true);
    const fresh = async () => answers(view(b, 1000, false), sh);
    const check = async (what: string) => {
      const a = await answers(cached, sh);
      const bk = await answers(b.view, sh);
      const f = await fresh();
      assert.deepEqual(a, f, `cached view after ${what}`);
      assert.deepEqual(bk, f, `backend view after ${what}`);
      return a;
    };
    const s0 = await check('sync');
    assert.equal(s0.history.length, 30);
    assert.ok(cached.cachedCount > 0);
    const exp = await expectedFromNode(node);
    assert.deepEqual(s0.history, exp.history.get(sh));

    // A mempool payment: a height-0 entry with fee, unconfirmed balance, a new status.
    const txid = await node.rpc<string>('sendtoaddress', [addr, 0.25]);
    await opened.follower.step();
    const s1 = await check('a mempool tx');
    assert.equal(s1.history.length, 31);
    assert.deepEqual({ tx_hash: s1.history[30]!.tx_hash, height: s1.history[30]!.height }, { tx_hash: txid, height: 0 });
    assert.notEqual(s1.status, s0.status);
    assert.equal(s1.balance.unconfirmed, 25_000_000);

    // The block confirms it: the cached confirmed part must be dropped.
    await node.mine(1);
    await opened.follower.step();
    const s2 = await check('a new block');
    assert.equal(s2.history[30]!.height, b.tip().height);
    assert.equal(s2.history[30]!.fee, undefined);
    assert.notEqual(s2.status, s1.status);
    assert.deepEqual(s2.balance, { confirmed: s1.balance.confirmed + 25_000_000, unconfirmed: 0 });

    // A reorg moving the tx to another height (or back to the mempool).
    const tip = await node.rpc<number>('getblockcount');
    await node.rpc('invalidateblock', [await node.rpc<string>('getblockhash', [tip])]);
    // A payment mined only on the new branch, so the status must change.
    await node.rpc('sendtoaddress', [addr, 0.05]);
    await node.mine(2);
    await opened.follower.step();
    const s3 = await check('a reorg');
    assert.notEqual(s3.status, s2.status);
    assert.deepEqual(s3.history.filter((e) => e.height > 0), (await expectedFromNode(node)).history.get(sh));

    // A computation that yields (4 rows per chunk) racing with a block: it answers from
    // one snapshot, before or after the block, never a mix.
    const racing = view(b, 1000, true);
    const before = await fresh();
    await node.rpc('sendtoaddress', [addr, 0.3]);
    await node.mine(1);
    const pending = racing.history(sh, fromDisplay(sh));
    await opened.follower.step();
    const got = JSON.stringify(await pending);
    const after = await fresh();
    assert.ok(got === JSON.stringify(after.history) || got === JSON.stringify(before.history));
    assert.deepEqual(await answers(racing, sh), after);
    await opened.close();
  } finally {
    await node.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('history limit as ElectrumX counts it: confirmed rows only, refused at >= limit, without reading a txid', { timeout: 120_000 }, async () => {
  const node = await startTestNode({ rest: true });
  const dir = tempDir('svlimit');
  try {
    const { addr, sh } = await setupHeavy(node, 12);
    const opened = await open(node, dir);
    const b = opened.backend;
    const bytes = fromDisplay(sh);
    let gets = 0;
    const counting: Store = { ...b.store, get: (k) => (gets++, b.store.get(k)), scan: (s, e, l) => b.store.scan(s, e, l), keys: (s, e, l) => b.store.keys(s, e, l), count: (s, e) => b.store.count(s, e) };
    assert.equal((await view(b, 13, false).history(sh, bytes)).length, 12);
    const refuse = async (limit: number) => {
      const v = view(b, limit, false, counting);
      gets = 0;
      for (const q of [() => v.history(sh, bytes), () => v.historyJson(sh, bytes), () => v.status(sh, bytes)]) {
        await assert.rejects(q(), (e: unknown) => e instanceof RpcError && e.code === 10001 && e.message === 'history too large');
      }
      assert.equal(gets, 0, 'a refusal reads no txid');
    };
    // 12 confirmed entries: a limit of 12 refuses them (ElectrumX: len(history) >= limit).
    await refuse(12);
    // Mempool entries do not count: 12 confirmed + 2 unconfirmed are served under a limit of 13.
    await node.rpc('sendtoaddress', [addr, 0.1]);
    await node.rpc('sendtoaddress', [addr, 0.1]);
    await opened.follower.step();
    const v = view(b, 13, true);
    const h = await v.history(sh, bytes);
    assert.equal(h.length, 14);
    assert.equal(h[13]!.height, 0);
    // Once they confirm, 14 confirmed rows reach the limit: the cached view refuses after the commit.
    await node.mine(1);
    await opened.follower.step();
    await assert.rejects(v.history(sh, bytes), /history too large/);
    await opened.close();
  } finally {
    await node.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
