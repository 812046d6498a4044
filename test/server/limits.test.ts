import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeTransport, connect, makeManager, versioned } from './session-harness.js';
import { FakeBackend, fakeHash } from '../support/fake-backend.js';
import { CostMeter, isLoopback, methodCost } from '../../src/server/limits.js';
import { findMethod } from '../../src/methods/registry.js';

test('isLoopback and the cost meter (pure)', () => {
  assert.ok(isLoopback('127.0.0.1') && isLoopback('127.9.9.9') && isLoopback('::1') && isLoopback('::ffff:127.0.0.1'));
  assert.ok(!isLoopback('10.0.0.1') && !isLoopback('::ffff:10.0.0.1') && !isLoopback('fe80::1'));
  const m = new CostMeter({ costLimit: 10, costRate: 5, limitLoopback: false });
  assert.ok(m.charge('127.0.0.1', 1000, 0), 'loopback exempt');
  assert.ok(m.charge('10.0.0.1', 10, 0));
  assert.ok(!m.charge('10.0.0.1', 1, 0), 'empty');
  assert.ok(m.charge('10.0.0.1', 1, 1000), 'refilled after a second');
  assert.equal(m.remaining('10.0.0.2', 0), 10);
  assert.equal(methodCost(findMethod('server.ping')), 0.1);
  assert.equal(methodCost(findMethod('blockchain.scripthash.get_balance')), 1);
  assert.equal(methodCost(findMethod('constructor')), 1);
});

test('subscription limit: error 4, the session stays', async () => {
  const { manager } = makeManager(new FakeBackend(3), { maxSubs: 3 });
  const c = await versioned(manager, '1.4');
  for (let i = 0; i < 3; i++) assert.equal((await c.call('blockchain.scripthash.subscribe', [fakeHash(`s${i}`)])).result, null);
  // re-subscribing an existing one is not new
  assert.equal((await c.call('blockchain.scripthash.subscribe', [fakeHash('s0')])).result, null);
  assert.deepEqual((await c.call('blockchain.scripthash.subscribe', [fakeHash('s3')])).error, { code: 4, message: 'Subscription limit reached' });
  assert.equal(c.transport.closed, false);
});

test('session limit: the extra connection gets -102 and is closed', async () => {
  const { manager } = makeManager(new FakeBackend(3), { maxSessions: 2 });
  connect(manager);
  const b = connect(manager);
  assert.throws(() => connect(manager), /refused/);
  assert.equal(manager.sessions.size, 2);
  b.session.close();
  connect(manager);
});

test('response too large: -32600 naming the limit; in a batch only the items past the budget', async () => {
  const { manager, backend } = makeManager(new FakeBackend(30), { maxResponse: 1000 });
  const c = await versioned(manager, '1.4');
  assert.deepEqual((await c.call('blockchain.block.headers', [0, 20])).error, { code: -32600, message: 'response too large (over 1000 bytes)' });
  assert.equal((await c.call('blockchain.block.header', [1])).result, backend.header(1));
  const [batch] = await c.raw(JSON.stringify([1, 2, 3, 4, 5, 6, 7].map((h) => ({ jsonrpc: '2.0', method: 'blockchain.block.header', params: [h], id: h }))));
  assert.equal(batch.length, 7);
  const firstErr = batch.findIndex((r: any) => r.error);
  assert.ok(firstErr > 0 && firstErr < 7);
  assert.ok(batch.slice(firstErr).every((r: any) => r.error?.code === -32600));
  assert.ok(JSON.stringify(batch).length <= 1000 + 200);
});

test('batch limit: error 4', async () => {
  const { manager } = makeManager(new FakeBackend(3), { maxBatch: 3 });
  const c = await versioned(manager, '1.4');
  const [r] = await c.raw(JSON.stringify([1, 2, 3, 4].map((id) => ({ jsonrpc: '2.0', method: 'server.ping', id }))));
  assert.deepEqual(r.error, { code: 4, message: 'batch limit exceeded (over 3 requests)' });
  const [ok] = await c.raw(JSON.stringify([1, 2, 3].map((id) => ({ jsonrpc: '2.0', method: 'server.ping', id }))));
  assert.equal(ok.length, 3);
});

test('per-IP cost: a metered client exhausting its budget gets -101 and is closed; others keep being served', async () => {
  let now = 0;
  const { manager } = makeManager(new FakeBackend(3), { limitLoopback: true, costLimit: 20, costRate: 1 }, () => now);
  const greedy = await versioned(manager, '1.4');
  let r: any;
  let n = 0;
  do {
    r = await greedy.call('blockchain.relayfee');
    n++;
  } while (!r.error && n < 100);
  assert.deepEqual(r.error, { code: -101, message: 'excessive resource usage' });
  assert.ok(n > 5 && n < 40, `cut off after ${n}`);
  assert.equal(greedy.transport.closed, true);
  // a new session from the same IP starts with the same empty budget
  const again = connect(manager);
  assert.equal((await again.call('server.version', ['x', '1.4'])).error.code, -101);
  // another IP is unaffected
  const other = await versioned(manager, '1.4', '10.1.2.3');
  assert.equal((await other.call('blockchain.relayfee')).result, 0.00001);
  // time refills the bucket
  now += 60_000;
  const later = await versioned(manager, '1.4');
  assert.equal((await later.call('blockchain.relayfee')).result, 0.00001);
});

test('errors cost more: a stream of garbage from a metered IP is cut off quickly', async () => {
  const { manager } = makeManager(new FakeBackend(3), { limitLoopback: true, costLimit: 1000, costRate: 0 });
  const c = await versioned(manager, '1.4');
  let last: any;
  for (let i = 0; i < 20 && !c.transport.closed; i++) [last] = await c.raw('{not json');
  assert.equal(last.error.code, -101);
  assert.equal(c.transport.closed, true);
});

test('loopback is exempt by default', async () => {
  const { manager } = makeManager(new FakeBackend(3), { costLimit: 5, costRate: 0 });
  const c = await versioned(manager, '1.4');
  for (let i = 0; i < 50; i++) assert.equal((await c.call('blockchain.relayfee')).result, 0.00001);
});

test('idle timeout closes a silent session', async () => {
  const { manager } = makeManager(new FakeBackend(3), { idleTimeout: 0.05 });
  const c = await versioned(manager, '1.4');
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(c.transport.closed, true);
  assert.equal(manager.sessions.size, 0);
});

test('a client that does not read its replies is closed', async () => {
  const { manager } = makeManager(new FakeBackend(3), { maxBuffer: 1000 });
  const c = await versioned(manager, '1.4');
  c.transport.buffered = 5000;
  await c.call('server.ping');
  assert.equal(c.transport.closed, true);
});

test('pipelined requests pause reading until the backlog drains', async () => {
  const { manager } = makeManager(new FakeBackend(3));
  const c = await versioned(manager, '1.4');
  for (let i = 0; i < 100; i++) c.session.receive(JSON.stringify({ jsonrpc: '2.0', method: 'server.ping', id: 1000 + i }));
  assert.equal(c.transport.paused, true);
  while (c.transport.sent.length < 101) await c.transport.next();
  assert.equal(c.transport.paused, false);
});

test('method names inherited from Object.prototype are charged like any unknown method and never break the meter', async () => {
  for (const name of ['constructor', '__proto__', 'valueOf', 'toString', 'hasOwnProperty', '__defineGetter__']) {
    let now = 0;
    const { manager } = makeManager(new FakeBackend(3), { limitLoopback: true, costLimit: 1000, costRate: 0 }, () => now);
    // before server.version (the session is then closed) ...
    const first = await connect(manager, '10.9.9.9').call(name);
    assert.equal(first.error.code, 1, `${name}: ${JSON.stringify(first)}`);
    const left = manager.meter.remaining('10.9.9.9', now);
    assert.ok(Number.isFinite(left) && left < 1000 - 100, `${name}: bucket ${left}`);
    // ... and after it
    const c = await versioned(manager, '1.4', '10.9.9.9');
    assert.equal((await c.call(name)).error.code, -32601);
    let r: any;
    for (let i = 0; i < 30 && !c.transport.closed; i++) r = await c.call(name);
    assert.equal(r.error.code, -101, `${name}: never refused`);
    assert.equal(c.transport.closed, true);
  }
});

test('the meter refuses a cost that is not a finite non-negative number, and bad limits', () => {
  const m = new CostMeter({ costLimit: 10, costRate: 1, limitLoopback: true });
  for (const bad of [NaN, -5, Infinity, undefined as unknown as number, {} as unknown as number]) {
    assert.throws(() => m.charge('10.0.0.1', bad, 0), /cost/);
    assert.equal(m.remaining('10.0.0.1', 0), 10);
  }
  assert.throws(() => new CostMeter({ costLimit: NaN, costRate: 1, limitLoopback: true }), /cost limit/);
  assert.throws(() => new CostMeter({ costLimit: 10, costRate: -1, limitLoopback: true }), /cost rate/);
});

test('deeply nested params: -32602, no internal error, no log flood; error texts from huge or deep values stay short', async () => {
  const { manager, logs } = makeManager(new FakeBackend(3));
  const c = await versioned(manager, '1.4');
  const deep = (d: number) => '['.repeat(d) + ']'.repeat(d);
  for (const [method, params] of [
    ['blockchain.scripthash.get_balance', `[${deep(100_000)}]`],
    ['blockchain.scripthash.get_balance', deep(100_000)],
    ['server.ping', `[${deep(100_000)}]`],
    ['blockchain.scripthash.get_balance', `{"scripthash":${deep(100_000)}}`],
  ] as const) {
    const [r] = await c.raw(`{"jsonrpc":"2.0","method":"${method}","id":7,"params":${params}}`);
    assert.equal(r.error?.code, -32602, JSON.stringify(r).slice(0, 300));
    assert.ok(r.error.message.length < 200, r.error.message);
  }
  // in a batch, each item answered
  const [batch] = await c.raw(`[{"jsonrpc":"2.0","method":"server.ping","id":1},{"jsonrpc":"2.0","method":"blockchain.block.header","id":2,"params":[${deep(50_000)}]}]`);
  assert.deepEqual(batch.map((x: any) => x.error?.code ?? 'ok'), ['ok', -32602]);
  // moderately deep and long values: the usual code 1, quoted briefly
  const [wide] = await c.raw(JSON.stringify({ jsonrpc: '2.0', method: 'blockchain.scripthash.get_balance', id: 8, params: ['x'.repeat(500_000)] }));
  assert.equal(wide.error.code, 1);
  assert.ok(wide.error.message.length < 300, `${wide.error.message.length} chars`);
  const [nested] = await c.raw(JSON.stringify({ jsonrpc: '2.0', method: 'blockchain.scripthash.get_balance', id: 9, params: [[[[{ a: [1, 2, { b: 'c' }] }]]]] }));
  assert.equal(nested.error.code, 1);
  // an unknown method of a megabyte is not echoed whole
  const [unknown] = await c.raw(JSON.stringify({ jsonrpc: '2.0', method: 'm'.repeat(500_000), id: 10 }));
  assert.equal(unknown.error.code, -32601);
  assert.ok(unknown.error.message.length < 300);
  assert.ok(!logs.some((l) => /internal error|\n/.test(l)), logs.join('\n').slice(0, 500));
  assert.equal(c.transport.closed, false);
});

test('sessions per IP: the extra one gets -102; loopback exempt unless --limit-loopback; closing frees a slot', async () => {
  const { manager } = makeManager(new FakeBackend(3), { maxSessionsPerIp: 2 });
  const a = connect(manager, '10.0.0.1');
  connect(manager, '10.0.0.1');
  const t = new FakeTransport('10.0.0.1');
  assert.equal(manager.accept(t), null);
  assert.deepEqual(JSON.parse(t.sent[0]!).error, { code: -102, message: 'server busy: too many sessions from your address (limit 2)' });
  assert.equal(t.closed, true);
  connect(manager, '10.0.0.2');
  for (let i = 0; i < 5; i++) connect(manager, '127.0.0.1');
  a.session.close();
  connect(manager, '10.0.0.1');
  const strict = makeManager(new FakeBackend(3), { maxSessionsPerIp: 2, limitLoopback: true }).manager;
  connect(strict, '127.0.0.1');
  connect(strict, '127.0.0.1');
  assert.throws(() => connect(strict, '127.0.0.1'), /refused/);
});

test('subscriptions across all sessions: error 4 beyond --max-subs-total; unsubscribing or closing frees them', async () => {
  const { manager } = makeManager(new FakeBackend(3), { maxSubsTotal: 3 });
  const a = await versioned(manager, '1.6');
  const b = await versioned(manager, '1.6');
  assert.equal((await a.call('blockchain.scripthash.subscribe', [fakeHash('t0')])).result, null);
  assert.equal((await a.call('blockchain.scripthash.subscribe', [fakeHash('t1')])).result, null);
  assert.equal((await b.call('blockchain.scripthash.subscribe', [fakeHash('t2')])).result, null);
  assert.deepEqual((await b.call('blockchain.scripthash.subscribe', [fakeHash('t3')])).error, { code: 4, message: 'Subscription limit reached' });
  assert.equal(manager.subscriptionTotal, 3);
  assert.equal((await a.call('blockchain.scripthash.unsubscribe', [fakeHash('t0')])).result, true);
  assert.equal((await b.call('blockchain.scripthash.subscribe', [fakeHash('t3')])).result, null);
  a.session.close();
  assert.equal(manager.subscriptionTotal, 2);
  assert.equal((await b.call('blockchain.scripthash.subscribe', [fakeHash('t4')])).result, null);
});

test('output queued across all sessions: beyond --max-queued-total the session adding to it is closed', async () => {
  const { manager, logs } = makeManager(new FakeBackend(3), { maxBuffer: 10_000_000, maxQueuedTotal: 1_000_000 });
  const a = await versioned(manager, '1.4');
  const b = await versioned(manager, '1.4');
  a.transport.buffered = 600_000;
  await a.call('server.ping');
  assert.equal(a.transport.closed, false, 'alone under the total');
  b.transport.buffered = 600_000;
  await b.call('server.ping');
  assert.equal(b.transport.closed, true);
  assert.equal(a.transport.closed, false);
  assert.ok(logs.some((l) => /output queued across sessions over 1000000 bytes/.test(l)));
});
