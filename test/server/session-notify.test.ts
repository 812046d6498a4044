import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeManager, versioned } from '../support/session-harness.js';
import { FakeBackend, fakeHash } from '../support/fake-backend.js';
import { scriptToAddress } from '../../src/bitcoin/address.js';
import { scriptHash } from '../../src/bitcoin/scripthash.js';
import { deserializedHeader } from '../../src/bitcoin/header.js';

const SCRIPT = '0014751e76e8199196d454941c45d1b3a323f1433bd6';
const ADDR = scriptToAddress(SCRIPT, 'regtest')!;
const SH = scriptHash(SCRIPT);
const OTHER = fakeHash('other script');

test('on a block: header notifications first, then changed statuses, in each session\'s shape', async () => {
  const { manager, backend } = makeManager(new FakeBackend(5));
  const a = await versioned(manager, '1.4');
  await a.call('blockchain.headers.subscribe');
  const s0 = (await a.call('blockchain.scripthash.subscribe', [SH])).result;
  assert.equal(s0, null);
  const b = await versioned(manager, '1.2');
  await b.call('blockchain.headers.subscribe');
  await b.call('blockchain.address.subscribe', [ADDR]);
  const c = await versioned(manager, '1.0');
  await c.call('blockchain.numblocks.subscribe');

  backend.addMempool([SH], fakeHash('m1'));
  await manager.settled();
  const [n1] = a.notifications();
  assert.equal(n1.method, 'blockchain.scripthash.subscribe');
  const s1 = n1.params[1];
  assert.match(s1, /^[0-9a-f]{64}$/);
  assert.deepEqual(b.notifications(), [{ jsonrpc: '2.0', method: 'blockchain.address.subscribe', params: [ADDR, s1] }]);
  assert.deepEqual(c.notifications(), []);

  const tip = backend.mine();
  await manager.settled();
  const na = a.notifications();
  assert.deepEqual(na.map((n) => n.method), ['blockchain.headers.subscribe', 'blockchain.scripthash.subscribe']);
  assert.deepEqual(na[0].params, [{ hex: tip.hex, height: 6 }]);
  assert.equal(na[1].params[0], SH);
  assert.notEqual(na[1].params[1], s1);
  const nb = b.notifications();
  assert.deepEqual(nb[0].params, [deserializedHeader(tip.hex, 6)]);
  assert.equal(nb[1].method, 'blockchain.address.subscribe');
  assert.deepEqual(c.notifications(), [{ jsonrpc: '2.0', method: 'blockchain.numblocks.subscribe', params: [6] }]);

  // touched without a real change: no notification
  backend.events.emit('touched', new Set([SH, OTHER]));
  await manager.settled();
  assert.deepEqual(a.notifications(), []);
  // after unsubscribe nothing more arrives
  const a2 = await versioned(manager, '1.4.2');
  await a2.call('blockchain.scripthash.subscribe', [SH]);
  await a2.call('blockchain.scripthash.unsubscribe', [SH]);
  backend.addMempool([SH], fakeHash('m2'));
  await manager.settled();
  assert.equal(a.notifications().length, 1);
  assert.deepEqual(a2.notifications(), []);
});

test('a notification raised while a request is in progress waits for its reply', async () => {
  const { manager, backend } = makeManager(new FakeBackend(5));
  const a = await versioned(manager, '1.4');
  await a.call('blockchain.headers.subscribe');
  backend.statusDelay = 20;
  const pending = a.call('blockchain.scripthash.subscribe', [SH]);
  await new Promise((r) => setTimeout(r, 5));
  backend.mine();
  await pending;
  await manager.settled();
  const sent = a.transport.sent.map((s) => JSON.parse(s));
  const replyAt = sent.findIndex((m) => m.result !== undefined && m.id !== undefined && m.result === null && sent.indexOf(m) > 1);
  const headerAt = sent.findIndex((m) => m.method === 'blockchain.headers.subscribe');
  assert.ok(replyAt >= 0 && headerAt > replyAt, JSON.stringify(sent));
});

test('a subscribe that races with an update still ends with the new status', async () => {
  const { manager, backend } = makeManager(new FakeBackend(5));
  const a = await versioned(manager, '1.4');
  backend.statusDelay = 20;
  const pending = a.call('blockchain.scripthash.subscribe', [SH]);
  await new Promise((r) => setTimeout(r, 5));
  backend.addMempool([SH], fakeHash('racer'));
  const r = await pending;
  await manager.settled();
  const expected = await backend.status(SH);
  const last = [r.result, ...a.notifications().map((n) => n.params[1])].at(-1);
  assert.equal(last, expected);
});

test('fan-out computes each status once per update: 200 sessions, 1,000 subscriptions', async () => {
  const backend = new FakeBackend(5);
  const { manager } = makeManager(backend);
  const shared = Array.from({ length: 5 }, (_, i) => fakeHash(`shared ${i}`));
  const clients = [];
  for (let i = 0; i < 200; i++) {
    const c = await versioned(manager, '1.4');
    await c.call('blockchain.headers.subscribe');
    for (const sh of shared) await c.call('blockchain.scripthash.subscribe', [sh]);
    clients.push(c);
  }
  const own = Array.from({ length: 1000 }, (_, i) => fakeHash(`own ${i}`));
  for (let i = 0; i < own.length; i++) await clients[i % 200]!.call('blockchain.scripthash.subscribe', [own[i]]);
  assert.equal(manager.subscribedCount, 1005);
  for (const c of clients) c.notifications();

  backend.statusCalls = 0;
  backend.addMempool([...shared, ...own.slice(0, 300), fakeHash('nobody')], fakeHash('big tx'));
  await manager.settled();
  assert.equal(backend.statusCalls, 305, 'one status per touched, subscribed script hash');
  let total = 0;
  for (const c of clients) total += c.notifications().length;
  assert.equal(total, 200 * 5 + 300);

  backend.statusCalls = 0;
  backend.mine();
  await manager.settled();
  assert.equal(backend.statusCalls, 305);
  for (const c of clients) {
    const ns = c.notifications();
    assert.equal(ns[0].method, 'blockchain.headers.subscribe');
    assert.ok(ns.slice(1).every((n) => n.method === 'blockchain.scripthash.subscribe'));
  }
});

test('closing a session drops its subscriptions from the index', async () => {
  const { manager } = makeManager(new FakeBackend(5));
  const a = await versioned(manager, '1.4');
  await a.call('blockchain.scripthash.subscribe', [SH]);
  assert.equal(manager.subscribedCount, 1);
  a.session.close();
  assert.equal(manager.subscribedCount, 0);
  assert.equal(manager.sessions.size, 0);
});

test('a subscribed script hash whose history reaches the limit gets [scripthash, null] and loses its subscription (ElectrumX)', async () => {
  const { manager, backend } = makeManager(new FakeBackend(5));
  backend.historyLimit = 2;
  const a = await versioned(manager, '1.4');
  assert.equal((await a.call('blockchain.scripthash.subscribe', [SH])).result, null);
  const b = await versioned(manager, '1.2');
  await b.call('blockchain.address.subscribe', [ADDR]);
  backend.addMempool([SH], fakeHash('m1'));
  backend.addMempool([SH], fakeHash('m2'));
  await manager.settled();
  assert.equal(a.notifications().length, 1, 'mempool entries do not count toward the limit');
  b.notifications();
  backend.mine();
  await manager.settled();
  assert.deepEqual(a.notifications(), [{ jsonrpc: '2.0', method: 'blockchain.scripthash.subscribe', params: [SH, null] }]);
  assert.deepEqual(b.notifications(), [{ jsonrpc: '2.0', method: 'blockchain.address.subscribe', params: [ADDR, null] }]);
  assert.equal(a.session.subCount, 0);
  assert.equal(b.session.subCount, 0);
  assert.equal(manager.subscribedCount, 0);
  // Nothing more arrives for it; unsubscribing reports that it was not subscribed.
  backend.addMempool([SH], fakeHash('m3'));
  await manager.settled();
  assert.deepEqual(a.notifications(), []);
  const a2 = await versioned(manager, '1.4.2');
  assert.equal((await a2.call('blockchain.scripthash.unsubscribe', [SH])).result, false);
});
