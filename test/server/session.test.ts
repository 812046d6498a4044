import { test } from 'node:test';
import { INVALID_UTF8 } from '../../src/server/dialect.js';
import assert from 'node:assert/strict';
import { connect, makeManager, versioned } from '../support/session-harness.js';

test('server.version negotiates like ElectrumX and answers 1.0 with the software string', async () => {
  const { manager } = makeManager();
  const cases: [unknown, unknown][] = [
    [['x', ['1.4', '1.6']], ['electrum-cli 0.1.0', '1.6']],
    [['x', '1.4'], ['electrum-cli 0.1.0', '1.4']],
    [['x', '1.4.2'], ['electrum-cli 0.1.0', '1.4.2']],
    [['x', ['1.1', '1.2']], ['electrum-cli 0.1.0', '1.2']],
    [['x', ['1.4', '1.9']], ['electrum-cli 0.1.0', '1.6']],
    [['x', '1.0'], 'electrum-cli 0.1.0'],
    [['x'], ['electrum-cli 0.1.0', '1.4']],
    [[], ['electrum-cli 0.1.0', '1.4']],
    // extra arguments are ignored (1.6 rule), positional or named
    [['x', '1.6', 'extra', 42], ['electrum-cli 0.1.0', '1.6']],
    [{ client_name: 'x', protocol_version: '1.6', other: 1 }, ['electrum-cli 0.1.0', '1.6']],
  ];
  for (const [params, want] of cases) {
    const c = connect(manager);
    const r = await c.call('server.version', params);
    assert.deepEqual(r.result, want, JSON.stringify(params));
    assert.equal(r.jsonrpc, '2.0');
  }
});

test('server.version: no overlap is error 1 and a disconnect; a repeat is error 1', async () => {
  const { manager } = makeManager();
  for (const v of ['0.8', ['1.7', '1.8'], '2.0', 'abc', ['1.6', '1.4']]) {
    const c = connect(manager);
    const r = await c.call('server.version', ['x', v]);
    assert.equal(r.error.code, 1);
    assert.equal(r.error.message, `unsupported protocol version: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
    assert.equal(c.transport.closed, true);
  }
  const c = await versioned(manager, '1.4');
  const r = await c.call('server.version', ['x', '1.4']);
  assert.deepEqual(r.error, { code: 1, message: 'server.version already sent' });
  assert.equal(c.transport.closed, false);
  const bad = connect(manager);
  const r2 = await bad.call('server.version', ['x', 5]);
  assert.equal(r2.error.code, 1);
  assert.match(r2.error.message, /5 should be a protocol version/);
});

test('the first message must be server.version (ElectrumX): error 1, then disconnect', async () => {
  const { manager } = makeManager();
  const c = connect(manager);
  const r = await c.call('server.ping');
  assert.deepEqual(r.error, { code: 1, message: 'use server.version to identify client' });
  assert.equal(c.transport.closed, true);
  assert.equal(manager.sessions.size, 0);
});

test('the method table follows the negotiated version', async () => {
  const { manager } = makeManager();
  const sh = 'ab'.repeat(32);
  const expect = async (version: string, method: string, params: unknown[], available: boolean) => {
    const c = await versioned(manager, version);
    const r = await c.call(method, params);
    if (available) assert.ok(!r.error || r.error.code !== -32601, `${method} at ${version}: ${JSON.stringify(r)}`);
    else assert.deepEqual(r.error, { code: -32601, message: `unknown method "${method}"` }, `${method} at ${version}`);
  };
  await expect('1.6', 'blockchain.relayfee', [], false);
  await expect('1.4.2', 'blockchain.relayfee', [], true);
  await expect('1.4', 'blockchain.scripthash.unsubscribe', [sh], false);
  await expect('1.4.2', 'blockchain.scripthash.unsubscribe', [sh], true);
  await expect('1.4', 'mempool.get_info', [], false);
  await expect('1.6', 'mempool.get_info', [], true);
  await expect('1.4', 'blockchain.transaction.broadcast_package', [['00']], false);
  await expect('1.2', 'blockchain.address.get_balance', ['bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080'], true);
  await expect('1.3', 'blockchain.address.get_balance', ['bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080'], false);
  await expect('1.0', 'blockchain.scripthash.get_balance', [sh], false);
  await expect('1.0', 'blockchain.numblocks.subscribe', [], true);
  await expect('1.1', 'blockchain.numblocks.subscribe', [], false);
  await expect('1.3', 'blockchain.block.get_header', [1], true);
  await expect('1.4', 'blockchain.block.get_header', [1], false);
  await expect('1.0', 'server.ping', [], false);
  // ElectrumX 1.4 (the last to serve 1.0) answered server.features at every version.
  await expect('1.0', 'server.features', [], true);
  await expect('1.4', 'no.such.method', [], false);
});

test('params: counts give -32602 in ElectrumX wording, bad values give 1 quoting the value', async () => {
  const { manager } = makeManager();
  const c = await versioned(manager, '1.4');
  assert.deepEqual((await c.call('blockchain.scripthash.get_balance', [])).error, {
    code: -32602,
    message: '0 arguments passed to method "blockchain.scripthash.get_balance" but it requires 1',
  });
  assert.deepEqual((await c.call('blockchain.scripthash.get_balance', ['ab'.repeat(32), 1])).error, {
    code: -32602,
    message: '2 arguments passed to method "blockchain.scripthash.get_balance" taking at most 1',
  });
  // ElectrumX ignores server.ping's arguments below 1.7.
  assert.equal((await c.call('server.ping', [1, 'ab'])).result, null);
  assert.deepEqual((await c.call('blockchain.scripthash.get_balance', ['xyz'])).error, {
    code: 1,
    message: 'xyz is not a valid script hash',
  });
  assert.deepEqual((await c.call('blockchain.block.header', [-1])).error, { code: 1, message: '-1 should be a non-negative integer' });
  assert.deepEqual((await c.call('blockchain.transaction.get', ['ab'.repeat(32), 'yes'])).error, { code: 1, message: '"verbose" must be a boolean' });
  // named params by their documented names
  assert.equal(typeof (await c.call('blockchain.block.header', { height: 3 })).result, 'string');
  assert.deepEqual((await c.call('blockchain.block.header', { cp_height: 3 })).error, {
    code: -32602,
    message: 'method "blockchain.block.header" requires parameter "height"',
  });
  assert.deepEqual((await c.call('blockchain.block.header', { height: 3, foo: 1 })).error, {
    code: -32602,
    message: 'method "blockchain.block.header" does not take parameter "foo"',
  });
});

test('batches: answered as an array in order; empty is -32600; notification-only gets nothing', async () => {
  const { manager } = makeManager();
  const c = await versioned(manager, '1.4');
  const out = await c.raw(JSON.stringify([
    { jsonrpc: '2.0', method: 'server.ping', id: 'a' },
    { jsonrpc: '2.0', method: 'server.banner', params: [], id: 7 },
    { jsonrpc: '2.0', method: 'nope', id: 8 },
    { jsonrpc: '2.0', method: 'server.ping' },
    42,
  ]));
  assert.equal(out.length, 1);
  const batch = out[0];
  assert.ok(Array.isArray(batch));
  assert.deepEqual(batch.map((r: any) => r.id), ['a', 7, 8, null]);
  assert.equal(batch[0].result, null);
  assert.equal(batch[1].result, 'Welcome to electrum-cli 0.1.0');
  assert.equal(batch[2].error.code, -32601);
  assert.equal(batch[3].error.code, -32600);

  const empty = await c.raw('[]');
  assert.deepEqual(empty, [{ jsonrpc: '2.0', error: { code: -32600, message: 'batch is empty' }, id: null }]);

  c.session.receive(JSON.stringify([{ jsonrpc: '2.0', method: 'server.ping' }]));
  c.session.receive(JSON.stringify({ jsonrpc: '2.0', method: 'server.ping' }));
  const r = await c.call('server.ping');
  assert.equal(r.result, null);
  assert.equal(c.transport.sent.filter((s) => !s.includes(`"id":${r.id}`)).length, 3, 'nothing sent for notifications');
});

test('server.version may open a batch', async () => {
  const { manager } = makeManager();
  const c = connect(manager);
  const [batch] = await c.raw(JSON.stringify([
    { jsonrpc: '2.0', method: 'server.version', params: ['x', '1.6'], id: 1 },
    { jsonrpc: '2.0', method: 'server.ping', id: 2 },
  ]));
  assert.deepEqual(batch[0].result, ['electrum-cli 0.1.0', '1.6']);
  assert.equal(batch[1].result, null);
});

test('padding and malformed input: whitespace accepted, aiorpcX\'s codes (-32700, -32600, -32601, -32602), responses ignored', async () => {
  const { manager } = makeManager();
  const c = await versioned(manager, '1.4');
  const padded = '{"jsonrpc":"2.0","method":"server.ping","params":[],"id":5' + ' '.repeat(900) + '}';
  assert.deepEqual(await c.raw(padded), [{ jsonrpc: '2.0', result: null, id: 5 }]);
  assert.deepEqual(await c.raw('  \t[ {"jsonrpc":"2.0" , "method":"server.ping","id":6}   ]  '), [[{ jsonrpc: '2.0', result: null, id: 6 }]]);
  const [parse] = await c.raw('{"method": ');
  assert.deepEqual(parse, { jsonrpc: '2.0', error: { code: -32700, message: 'invalid JSON' }, id: null });
  const [notObj] = await c.raw('17');
  assert.equal(notObj.error.code, -32600);
  // aiorpcX's codes: params neither list nor object -32602, a method that is no string -32601.
  const [badParams] = await c.raw('{"jsonrpc":"2.0","id": 4, "method": "server.ping", "params": "x"}');
  assert.deepEqual(badParams, { jsonrpc: '2.0', error: { code: -32602, message: 'invalid request arguments: x' }, id: 4 });
  const [badMethod] = await c.raw('{"jsonrpc":"2.0","id": 7, "method": 5}');
  assert.deepEqual(badMethod.error, { code: -32601, message: 'method must be a string' });
  // The dialect is fixed at 2.0 by the first message: one without "jsonrpc" is refused.
  const [no20] = await c.raw('{"id": 8, "method": "server.ping"}');
  assert.deepEqual(no20.error, { code: -32600, message: '"jsonrpc" is not "2.0"' });
  // A response-shaped message (no method) gets no reply at all.
  c.session.receive('{"jsonrpc":"2.0","id": 3, "result": 1}');
  c.session.receive('[{"jsonrpc":"2.0","id": 9, "result": 1}]');
  const before = c.transport.sent.length;
  assert.equal((await c.call('server.ping')).result, null);
  assert.equal(c.transport.sent.length, before + 1);
  assert.equal(c.transport.closed, false);
  assert.equal((await c.call('server.ping')).result, null);
});

test('a handler crash is -32603 and the session keeps serving', async () => {
  const { manager, backend, logs } = makeManager();
  backend.relayFee = async () => {
    throw new TypeError('boom');
  };
  const c = await versioned(manager, '1.4');
  assert.deepEqual((await c.call('blockchain.relayfee')).error, { code: -32603, message: 'internal server error' });
  assert.ok(logs.some((l) => l.includes('boom')));
  assert.equal((await c.call('server.ping')).result, null);
});

test('Electrum 2.x\'s "0.9" and "0.10" are served as 1.0 (ElectrumX 1.4)', async () => {
  const { manager } = makeManager();
  for (const v of ['0.9', '0.10', ['0.9', '0.10']]) {
    const c = connect(manager);
    const r = await c.call('server.version', ['electrum 2.9', v]);
    assert.equal(r.result, 'electrum-cli 0.1.0', JSON.stringify(v));
    assert.equal(c.session.version, '1.0');
    assert.equal(typeof (await c.call('blockchain.numblocks.subscribe')).result, 'number');
  }
});

test('JSON-RPC 1.0 sessions (fixed by the first message): {result, error, id} replies, no batches, ids required', async () => {
  const { manager } = makeManager();
  const c = connect(manager);
  const [v] = await c.raw('{"jsonrpc":"1.0","method":"server.version","params":["old","1.4"],"id":1}');
  assert.deepEqual(v, { result: ['electrum-cli 0.1.0', '1.4'], error: null, id: 1 });
  const [p] = await c.raw('{"method":"server.ping","params":[],"id":"a"}');
  assert.deepEqual(p, { result: null, error: null, id: 'a' });
  const [e] = await c.raw('{"method":"blockchain.block.header","params":[99999],"id":2}');
  assert.deepEqual(e, { result: null, error: { code: 1, message: 'height 99999 out of range' }, id: 2 });
  const [b] = await c.raw('[{"method":"server.ping","params":[],"id":3}]');
  assert.deepEqual(b, { result: null, error: { code: -32600, message: 'request object must be a dictionary' }, id: null });
  const [named] = await c.raw('{"method":"server.ping","params":{},"id":4}');
  assert.equal(named.error.code, -32602);
  const [noId] = await c.raw('{"method":"server.ping","params":[]}');
  assert.deepEqual(noId.error, { code: -32600, message: 'request has no "id"' });
  // Notifications in 1.0 shape too.
  await c.raw('{"method":"blockchain.headers.subscribe","params":[],"id":5}');
  manager.backend.events.emit('tip', manager.backend.tip());
  await manager.settled();
  const n = JSON.parse(c.transport.sent.at(-1)!);
  assert.deepEqual(Object.keys(n), ['method', 'params', 'id']);
  assert.deepEqual([n.method, n.id], ['blockchain.headers.subscribe', null]);
});

test('a 1.0-shaped first message ({result, error} keys) or none of "jsonrpc" picks the dialect as aiorpcX does', async () => {
  const { manager } = makeManager();
  const loose = connect(manager);
  const [v] = await loose.raw('{"method":"server.version","params":["x","1.4"],"id":1}');
  assert.deepEqual(v, { jsonrpc: '2.0', result: ['electrum-cli 0.1.0', '1.4'], id: 1 });
  // Loose: a later message with or without "jsonrpc" is fine.
  assert.equal((await loose.raw('{"method":"server.ping","id":2}'))[0].result, null);
  assert.equal((await loose.call('server.ping')).result, null);
});

test('non-UTF-8 input is -32700 "messages must be encoded in UTF-8"', async () => {
  const { manager } = makeManager();
  const c = await versioned(manager, '1.4');
  const [r] = await c.raw(INVALID_UTF8);
  assert.deepEqual(r.error, { code: -32700, message: 'messages must be encoded in UTF-8' });
});
