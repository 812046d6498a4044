/** The protocol 1.7 draft on the server side, gated as ElectrumX master gates it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeManager, versioned, connect } from '../support/session-harness.js';
import { FakeBackend, fakeHash } from '../support/fake-backend.js';
import { findMethod, methodsAt } from '../../src/methods/registry.js';
import { scriptHash } from '../../src/bitcoin/scripthash.js';

const SCRIPT = '0014751e76e8199196d454941c45d1b3a323f1433bd6';
const SH = scriptHash(SCRIPT);
const TX1 = fakeHash('tx1');
const MTX = fakeHash('mempool tx');

function setup(protocolMax = '1.7') {
  const backend = new FakeBackend(20);
  backend.fund(SH, TX1, 3, 50_000);
  backend.addMempool([SH], MTX, 300, 5_000);
  return makeManager(backend, {}, undefined, { protocolMax });
}

async function ok(c: Awaited<ReturnType<typeof versioned>>, method: string, params: unknown[] = []) {
  const r = await c.call(method, params);
  assert.ok(!r.error, `${method}: ${JSON.stringify(r.error)}`);
  findMethod(method)!.result(r.result, 'result', { version: '1.7', params });
  return r.result;
}

test('1.7 is served only when enabled (--experimental-protocol 1.7)', async () => {
  const off = makeManager().manager;
  const c = connect(off);
  assert.deepEqual((await c.call('server.version', ['x', ['1.7', '1.7']])).error, { code: 1, message: 'unsupported protocol version: ["1.7","1.7"]' });
  const c2 = connect(off);
  assert.deepEqual((await c2.call('server.version', ['x', ['1.4', '1.7']])).result, ['electrum-cli 0.1.0', '1.6']);
  assert.equal(off.features().protocol_max, '1.6');
  const { manager } = setup();
  const c3 = connect(manager);
  assert.deepEqual((await c3.call('server.version', ['x', ['1.4', '1.7']])).result, ['electrum-cli 0.1.0', '1.7']);
  assert.equal(manager.features().protocol_max, '1.7');
  // A client asking for 1.6 still gets 1.6.
  const c4 = connect(manager);
  assert.deepEqual((await c4.call('server.version', ['x', '1.6'])).result, ['electrum-cli 0.1.0', '1.6']);
});

test('gating at 1.7 exactly as ElectrumX master: scripthash methods dropped, draft methods added', () => {
  const names = (v: string) => new Set(methodsAt(v).map((m) => m.name));
  const at16 = names('1.6');
  const at17 = names('1.7');
  const scripthash = ['get_balance', 'get_history', 'get_mempool', 'listunspent', 'subscribe', 'unsubscribe'].map((m) => `blockchain.scripthash.${m}`);
  const draft = [
    ...['get_balance', 'get_history', 'get_mempool', 'listunspent', 'subscribe', 'unsubscribe'].map((m) => `blockchain.scriptpubkey.${m}`),
    'blockchain.outpoint.subscribe', 'blockchain.outpoint.get_status', 'blockchain.outpoint.unsubscribe',
    'blockchain.transaction.testmempoolaccept', 'mempool.recent',
  ];
  for (const m of scripthash) {
    assert.ok(at16.has(m), m);
    assert.ok(!at17.has(m), m);
  }
  for (const m of draft) {
    assert.ok(at17.has(m), m);
    assert.ok(!at16.has(m), m);
  }
  // ElectrumX master's set_request_handlers at (1, 7): exactly these.
  assert.deepEqual([...at17].sort(), [
    'blockchain.block.header', 'blockchain.block.headers', 'blockchain.estimatefee', 'blockchain.headers.subscribe',
    'blockchain.transaction.broadcast', 'blockchain.transaction.get', 'blockchain.transaction.get_merkle',
    'blockchain.transaction.id_from_pos', 'mempool.get_fee_histogram', 'server.add_peer', 'server.banner',
    'server.donation_address', 'server.features', 'server.peers.subscribe', 'server.ping', 'server.version',
    'blockchain.transaction.broadcast_package', 'mempool.get_info', ...draft,
  ].sort());
});

test('scriptpubkey methods answer through the script hash, wrapped as ElectrumX wraps them; notifications name the script hash', async () => {
  const { manager, backend } = setup();
  const c = await versioned(manager, '1.7');
  assert.deepEqual((await c.call('blockchain.scripthash.get_balance', [SH])).error, { code: -32601, message: 'unknown method "blockchain.scripthash.get_balance"' });
  assert.deepEqual(await ok(c, 'blockchain.scriptpubkey.get_balance', [SCRIPT]), await backend.balance(SH));
  assert.deepEqual(await ok(c, 'blockchain.scriptpubkey.get_history', [SCRIPT]), { history: await backend.history(SH) });
  assert.deepEqual(await ok(c, 'blockchain.scriptpubkey.get_mempool', [SCRIPT]), { history: await backend.mempool(SH) });
  assert.deepEqual(await ok(c, 'blockchain.scriptpubkey.listunspent', [SCRIPT]), { utxos: await backend.listunspent(SH) });
  assert.deepEqual((await c.call('blockchain.scriptpubkey.get_balance', ['xyz'])).error, { code: 1, message: 'xyz should be a hex string' });
  const status = await ok(c, 'blockchain.scriptpubkey.subscribe', [SCRIPT]);
  assert.equal(status, await backend.status(SH));
  backend.addMempool([SH], fakeHash('m2'));
  await manager.settled();
  const n = c.notifications();
  assert.equal(n.length, 1);
  assert.equal(n[0].method, 'blockchain.scriptpubkey.subscribe');
  assert.deepEqual(n[0].params, [SH, await backend.status(SH)]);
  assert.equal(await ok(c, 'blockchain.scriptpubkey.unsubscribe', [SCRIPT]), true);
  assert.equal(await ok(c, 'blockchain.scriptpubkey.unsubscribe', [SCRIPT]), false);
});

test('outpoint get_status / subscribe / unsubscribe: ElectrumX keys, notifications only on a change', async () => {
  const { manager, backend } = setup();
  const c = await versioned(manager, '1.7');
  assert.deepEqual(await ok(c, 'blockchain.outpoint.get_status', [TX1, 0, '']), {});
  backend.outpoints.set(`${TX1}:0`, { funder_height: 3 });
  assert.deepEqual(await ok(c, 'blockchain.outpoint.get_status', [TX1, 0, SCRIPT]), { funder_height: 3 });
  assert.deepEqual((await c.call('blockchain.outpoint.get_status', [TX1, 0, 'zz'])).error, { code: 1, message: 'zz should be a hex string' });
  assert.equal((await c.call('blockchain.outpoint.get_status', [TX1, 0])).error.code, -32602, 'spk_hint is required, as in ElectrumX');
  assert.deepEqual(await ok(c, 'blockchain.outpoint.subscribe', [TX1, 0, '']), { funder_height: 3 });
  assert.equal(c.session.subCount, 1);
  backend.setOutpoint(fakeHash('other'), 1, { funder_height: 5 });
  await manager.settled();
  assert.deepEqual(c.notifications(), [], 'no change, no notification');
  backend.setOutpoint(TX1, 0, { funder_height: 3, spender_txhash: MTX, spender_height: 0 });
  await manager.settled();
  assert.deepEqual(c.notifications(), [{ jsonrpc: '2.0', method: 'blockchain.outpoint.subscribe', params: [TX1, 0, { funder_height: 3, spender_txhash: MTX, spender_height: 0 }] }]);
  backend.mine();
  await manager.settled();
  assert.deepEqual(c.notifications().filter((x) => x.method === 'blockchain.outpoint.subscribe'), []);
  assert.equal(await ok(c, 'blockchain.outpoint.unsubscribe', [TX1, 0]), true);
  assert.equal(await ok(c, 'blockchain.outpoint.unsubscribe', [TX1, 0]), false);
  assert.equal(c.session.subCount, 0);
  backend.setOutpoint(TX1, 0, { funder_height: 3, spender_txhash: MTX, spender_height: 21 });
  await manager.settled();
  assert.deepEqual(c.notifications(), []);
});

test('testmempoolaccept, mempool.recent, server.ping (a pong, and a notification gets no reply), features without hash_function', async () => {
  const { manager, backend } = setup();
  backend.recent = [{ txid: MTX, fee: 300, vsize: 141 }];
  const c = await versioned(manager, '1.7');
  const r = await ok(c, 'blockchain.transaction.testmempoolaccept', [['0200', '0011']]) as { allowed: boolean }[];
  assert.deepEqual(r.map((x) => x.allowed), [true, false]);
  assert.deepEqual(await ok(c, 'mempool.recent'), [{ txid: MTX, fee: 300, vsize: 141 }]);
  assert.deepEqual(await ok(c, 'server.ping', [4, 'ab']), { data: '0000' });
  assert.deepEqual(await ok(c, 'server.ping'), { data: '' });
  assert.deepEqual((await c.call('server.ping', [0, 'xyz'])).error, { code: 1, message: 'xyz should be a hex string' });
  const before = c.transport.sent.length;
  c.session.receive(JSON.stringify({ jsonrpc: '2.0', method: 'server.ping', params: ['00'] }));
  const after = await c.call('server.ping');
  assert.deepEqual(after.result, { data: '' });
  assert.equal(c.transport.sent.length, before + 1, 'the ping notification got no reply');
  assert.equal(c.transport.closed, false);
  const f = await ok(c, 'server.features') as Record<string, unknown>;
  assert.equal('hash_function' in f, false);
  const c16 = await versioned(manager, '1.6');
  assert.equal(((await c16.call('server.features')).result as Record<string, unknown>).hash_function, 'sha256');
  assert.equal((await c16.call('mempool.recent')).error.code, -32601);
});
