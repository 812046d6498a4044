import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { LocalBackend } from '../../src/server/backend.js';
import { openBackend } from '../../src/server/serve.js';
import { statusHash } from '../../src/bitcoin/status.js';
import type { StoreEngine } from '../../src/server/store/db.js';
import { decodeScripts, setScriptPrefixLength, TAG } from '../../src/server/store/rows.js';
import { dumpStore, expectedFromNode, makeTraffic, startTestNode, tempDir, type TestNode } from '../support/test-node.js';

async function open(node: TestNode, dbDir: string, more: { undoBlocks?: number; dbEngine?: StoreEngine; log?: (l: string) => void } = {}) {
  const b = await openBackend({
    network: 'regtest', bitcoindUrl: node.rpcUrl, rpcCookie: node.cookiePath, dbDir, log: more.log ?? (() => {}), zmq: false,
    pollMs: 3_600_000, mempoolPollMs: 3_600_000, undoBlocks: more.undoBlocks, dbEngine: more.dbEngine,
  });
  await b.sync;
  return b;
}

/** Every script hash's history, status, balance and UTXOs equal the node's, computed independently. */
async function checkScripts(node: TestNode, backend: LocalBackend): Promise<number> {
  const exp = await expectedFromNode(node);
  assert.equal(backend.tip().hash, exp.blocks[exp.tipHeight]!.hash);
  const order = (a: { height: number; tx_hash: string; tx_pos: number }, b: typeof a): number => a.height - b.height || a.tx_hash.localeCompare(b.tx_hash) || a.tx_pos - b.tx_pos;
  for (const [sh, hist] of exp.history) {
    assert.deepEqual(await backend.history(sh), hist, `history of ${sh}`);
    assert.equal(await backend.status(sh), statusHash(hist));
    const utxos = exp.utxos.get(sh) ?? [];
    assert.deepEqual([...await backend.listunspent(sh)].sort(order), [...utxos].sort(order), `utxos of ${sh}`);
    assert.deepEqual(await backend.balance(sh), { confirmed: utxos.reduce((a, u) => a + u.value, 0), unconfirmed: 0 });
  }
  // A script hash the chain never paid, sharing its first bytes with one it did.
  const [some] = exp.history.keys();
  const stranger = some!.slice(0, 60) + (some!.slice(60) === 'ffff' ? '0000' : 'ffff');
  assert.deepEqual(await backend.history(stranger), []);
  assert.deepEqual(await backend.balance(stranger), { confirmed: 0, unconfirmed: 0 });
  return exp.history.size;
}

test('1-byte script prefixes (every script collides with others): history, balance, UTXOs and the mempool overlay stay exact through a reorg', { timeout: 120_000 }, async () => {
  setScriptPrefixLength(1);
  const node = await startTestNode({ rest: true });
  const dirs = [tempDir('collide'), tempDir('collide-fresh')];
  try {
    await node.mine(103);
    await makeTraffic(node, 25, 3);
    const b = await open(node, dirs[0]!);
    const scripts = await checkScripts(node, b.backend);
    // Scripts share prefixes: some S row lists several scripts.
    let shared = 0;
    for (const { value } of b.backend.store.scan(Buffer.from([TAG.script]), Buffer.from([TAG.script + 1]))) if (decodeScripts(value).length > 1) shared++;
    assert.ok(scripts > 256 / 4 && shared > 5, `${scripts} scripts, ${shared} shared prefixes`);
    // Mempool: a payment spending confirmed coins of colliding scripts.
    const addr = await node.newAddress();
    const txid = await node.rpc<string>('sendtoaddress', [addr, 0.7]);
    await b.follower.step();
    const { scriptHash } = await import('../../src/bitcoin/scripthash.js');
    const sh = scriptHash((await node.rpc<{ scriptPubKey: string }>('getaddressinfo', [addr])).scriptPubKey);
    assert.deepEqual((await b.backend.mempool(sh)).map((e) => e.tx_hash), [txid]);
    assert.deepEqual(await b.backend.balance(sh), { confirmed: 0, unconfirmed: 70_000_000 });
    const raw = await node.rpc<{ vin: { txid: string; vout: number }[] }>('getrawtransaction', [txid, true]);
    for (const i of raw.vin) assert.ok(b.backend.indexer.unspentOutput(Buffer.from(i.txid, 'hex').reverse(), i.vout), 'spent output found');
    await node.mine(1);
    await b.follower.step();
    const tip = await node.rpc<number>('getblockcount');
    await node.rpc('invalidateblock', [await node.rpc<string>('getblockhash', [tip - 2])]);
    await makeTraffic(node, 5, 9);
    await node.mine(4);
    await b.follower.step();
    await checkScripts(node, b.backend);
    const fresh = await open(node, dirs[1]!);
    assert.deepEqual(dumpStore(b.backend.store), dumpStore(fresh.backend.store));
    await fresh.close();
    await b.close();
  } finally {
    setScriptPrefixLength(8);
    await node.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
});

for (const rest of [true, false]) {
  test(`a reorg deeper than the undo window (--undo-blocks 3) is undone from bitcoind's spent outputs (${rest ? 'REST spenttxouts' : 'getblock 3'})`, { timeout: 120_000 }, async () => {
    const node = await startTestNode({ rest });
    const dirs = [tempDir('deep'), tempDir('deep-fresh')];
    try {
      await node.mine(104);
      await makeTraffic(node, 20, 5);
      const lines: string[] = [];
      const b = await open(node, dirs[0]!, { undoBlocks: 3, log: (l) => lines.push(l) });
      const undoRows = (): number => b.backend.store.count(Buffer.from([TAG.undo]), Buffer.from([TAG.undo + 1]));
      assert.equal(undoRows(), 3);
      const tip = await node.rpc<number>('getblockcount');
      await node.rpc('invalidateblock', [await node.rpc<string>('getblockhash', [tip - 7])]);
      await makeTraffic(node, 4, 6);
      await node.mine(2);
      await b.follower.step();
      assert.ok(lines.some((l) => /deeper than the 3 kept in the undo window/.test(l)), lines.join('\n'));
      assert.equal(undoRows(), 3);
      await checkScripts(node, b.backend);
      const fresh = await open(node, dirs[1]!, { undoBlocks: 3 });
      assert.deepEqual(dumpStore(b.backend.store), dumpStore(fresh.backend.store));
      await fresh.close();
      await b.close();
    } finally {
      await node.stop();
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    }
  });
}

test('an index of layout 1 (LMDB main database) is detected, deleted with a message, and rebuilt', { timeout: 60_000 }, async () => {
  const node = await startTestNode({ rest: true });
  const dir = tempDir('legacy');
  try {
    await node.mine(102);
    const { open: lmdbOpen } = await import('lmdb');
    const old = lmdbOpen({ path: dir, keyEncoding: 'binary', encoding: 'binary' });
    const meta = Buffer.alloc(43);
    meta.writeUInt16BE(1, 0);
    meta.writeInt32BE(5, 2);
    await old.put(Buffer.from('M'), meta);
    await old.put(Buffer.from('H0123'), Buffer.alloc(0));
    await old.close();
    const lines: string[] = [];
    const b = await open(node, dir, { log: (l) => lines.push(l) });
    assert.ok(lines.some((l) => /written by another version \(layout 1, this version writes 2\): it was deleted and is rebuilt from the genesis block/.test(l)), lines.join('\n'));
    assert.equal(b.backend.tip().height, 102);
    await checkScripts(node, b.backend);
    await b.close();
  } finally {
    await node.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the LMDB engine keeps the same rows as RocksDB', { timeout: 60_000 }, async () => {
  const node = await startTestNode({ rest: true });
  const dirs = [tempDir('lmdb'), tempDir('rocks')];
  try {
    await node.mine(103);
    await makeTraffic(node, 10, 4);
    const a = await open(node, dirs[0]!, { dbEngine: 'lmdb' });
    const r = await open(node, dirs[1]!, { dbEngine: 'rocksdb' });
    assert.equal(a.backend.store.engine, 'lmdb');
    assert.equal(r.backend.store.engine, 'rocksdb');
    await checkScripts(node, a.backend);
    assert.deepEqual(dumpStore(a.backend.store), dumpStore(r.backend.store));
    await a.close();
    await r.close();
  } finally {
    await node.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
});
