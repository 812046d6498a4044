/**
 * ZMQ: the node (simulator with `zmq: true`, or a real bitcoind with -zmqpub...) publishes
 * Core's framing, and a backend whose polling is effectively off still follows blocks and
 * mempool transactions promptly, so those updates can only have come through ZMQ.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { openBackend } from '../../src/server/serve.js';
import { scriptHash } from '../../src/bitcoin/scripthash.js';
import { startTestNode, tempDir } from '../support/test-node.js';

const zeromq = await import('zeromq').catch(() => null);
const skip = zeromq ? false : 'the optional zeromq package is not installed';

/** Calls `act` until `seen` turns true (a ZMQ subscription takes a moment to reach the publisher). */
async function untilSeen(act: () => Promise<unknown>, seen: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await act();
    for (let w = 0; w < 10 && !seen(); w++) await new Promise((r) => setTimeout(r, 50));
    if (seen()) return;
  }
  throw new Error(`no ZMQ ${what} after 40 tries`);
}

test('the node publishes hashblock, rawtx and sequence with Core framing', { skip, timeout: 60_000 }, async () => {
  const node = await startTestNode({ zmq: true });
  const sub = new zeromq!.Subscriber();
  try {
    await node.mine(101);
    const notes = await node.rpc<{ type: string; address: string }[]>('getzmqnotifications');
    const types = notes.map((n) => n.type);
    for (const t of ['pubhashblock', 'pubrawtx', 'pubsequence']) assert.ok(types.includes(t), `getzmqnotifications lists ${t}`);
    assert.ok(notes.every((n) => n.address === node.zmqAddress));
    sub.connect(node.zmqAddress!);
    for (const t of ['hashblock', 'rawtx', 'sequence']) sub.subscribe(t);
    const msgs: Buffer[][] = [];
    void (async () => {
      try {
        for await (const m of sub) msgs.push(m);
      } catch { /* closed */ }
    })();
    const got = (topic: string) => msgs.filter((m) => m[0]!.toString() === topic);
    await untilSeen(() => node.mine(1), () => got('hashblock').length > 0, 'hashblock');
    msgs.length = 0;
    // Notifications of the blocks mined while the subscription settled may still be arriving:
    // match this block by its hash (and the mempool tx by its txid), not by arrival order.
    const [hash] = await node.mine(1);
    const bodyIs = (m: Buffer[], id: string) => m[1]!.subarray(0, 32).toString('hex') === id;
    await untilSeen(async () => {}, () => got('hashblock').some((m) => bodyIs(m, hash)), 'hashblock');
    const hb = got('hashblock').find((m) => bodyIs(m, hash))!;
    assert.equal(hb.length, 3);
    assert.equal(hb[1]!.length, 32, 'hashblock body is the display-order hash');
    assert.equal(hb[2]!.length, 4, '4-byte sequence number');
    const c = got('sequence').find((m) => bodyIs(m, hash))!;
    assert.equal(c[1]![32], 0x43, 'sequence C for a connected block');
    assert.equal(c[1]!.length, 33);
    // A mempool acceptance: rawtx with the raw bytes, sequence 'A' with an 8-byte mempool sequence.
    const txid = await node.rpc<string>('sendtoaddress', [await node.newAddress(), 0.5]);
    await untilSeen(async () => {}, () => got('sequence').some((m) => bodyIs(m, txid) && m[1]![32] === 0x41), 'sequence A');
    const a = got('sequence').find((m) => bodyIs(m, txid) && m[1]![32] === 0x41)!;
    assert.equal(a[1]!.length, 41);
    const raw = await node.rpc<string>('getrawtransaction', [txid, false]);
    assert.ok(got('rawtx').some((m) => m[1]!.toString('hex') === raw));
    const seqs = got('rawtx').map((m) => m[2]!.readUInt32LE(0));
    for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], seqs[i - 1]! + 1, 'per-topic counters count up');
  } finally {
    sub.close();
    await node.stop();
  }
});

test('backend follows blocks and mempool through ZMQ with polling off', { skip, timeout: 60_000 }, async () => {
  const node = await startTestNode({ zmq: true });
  const dir = tempDir('zmq');
  try {
    await node.mine(101);
    const logs: string[] = [];
    const b = await openBackend({
      network: 'regtest', bitcoindUrl: node.rpcUrl, rpcCookie: node.cookiePath, dbDir: dir, zmq: true,
      log: (l) => logs.push(l), pollMs: 3_600_000, mempoolPollMs: 3_600_000,
    });
    await b.sync;
    const tips: number[] = [];
    const touched: Set<string>[] = [];
    b.backend.events.on('tip', (t) => tips.push(t.height));
    b.backend.events.on('touched', (s) => touched.push(s));
    // Blocks: once the subscription is live, each mined block arrives without a poll.
    await untilSeen(() => node.mine(1), () => tips.length > 0, 'block at the backend');
    const before = b.backend.tip().height;
    await node.mine(1);
    for (let i = 0; i < 100 && b.backend.tip().height === before; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(b.backend.tip().height, before + 1);
    assert.ok(logs.some((l) => l === 'ZMQ: listening to hashblock, sequence'), logs.join('\n'));
    // Mempool: a payment shows up in the script hash's mempool.
    const addr = await node.newAddress();
    const info = await node.rpc<{ scriptPubKey: string }>('getaddressinfo', [addr]);
    const sh = scriptHash(info.scriptPubKey);
    const txid = await node.rpc<string>('sendtoaddress', [addr, 0.25]);
    for (let i = 0; i < 100 && !touched.some((s) => s.has(sh)); i++) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual((await b.backend.mempool(sh)).map((e) => e.tx_hash), [txid]);
    await b.close();
  } finally {
    await node.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
