import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeManager, versioned } from '../support/session-harness.js';
import { FakeBackend, fakeHash } from '../support/fake-backend.js';
import { findMethod } from '../../src/methods/registry.js';
import { scriptToAddress } from '../../src/bitcoin/address.js';
import { scriptHash } from '../../src/bitcoin/scripthash.js';
import { deserializedHeader } from '../../src/bitcoin/header.js';
import { verifyCheckpointProof } from '../../src/bitcoin/merkle.js';

const SCRIPT = '0014751e76e8199196d454941c45d1b3a323f1433bd6';
const ADDR = scriptToAddress(SCRIPT, 'regtest')!;
const SH = scriptHash(SCRIPT);
const TX1 = fakeHash('tx1');
const TX2 = fakeHash('tx2');
const MTX = fakeHash('mempool tx');

function setup() {
  const backend = new FakeBackend(20);
  backend.fund(SH, TX1, 3, 50_000);
  backend.fund(SH, TX2, 7, 20_000);
  backend.addMempool([SH], MTX, 300, 5_000);
  backend.addresses.set(`${TX1}:0`, ADDR);
  return makeManager(backend);
}

/** Calls and checks the result with the registry's own validator for that version. */
async function ok(c: Awaited<ReturnType<typeof versioned>>, version: string, method: string, params: unknown[] = []) {
  const r = await c.call(method, params);
  assert.ok(!r.error, `${method}@${version}: ${JSON.stringify(r.error)}`);
  findMethod(method)!.result(r.result, 'result', { version, params });
  return r.result;
}

test('server.* at every version', async () => {
  const { manager, backend } = setup();
  for (const v of ['1.1', '1.2', '1.4', '1.4.2', '1.6']) {
    const c = await versioned(manager, v);
    assert.equal(await ok(c, v, 'server.banner'), 'Welcome to electrum-cli 0.1.0');
    assert.equal(await ok(c, v, 'server.donation_address'), 'bcrt1qdonate');
    assert.deepEqual(await ok(c, v, 'server.peers.subscribe'), []);
    assert.equal(await ok(c, v, 'server.add_peer', [{ hosts: {} }]), false);
    const f = (await ok(c, v, 'server.features')) as any;
    assert.deepEqual(f, {
      hosts: { '127.0.0.1': { tcp_port: 51001 } },
      genesis_hash: backend.genesisHash,
      hash_function: 'sha256',
      server_version: 'electrum-cli 0.1.0',
      protocol_min: '1.0',
      protocol_max: '1.6',
      pruning: null,
      services: ['tcp://127.0.0.1:51001'],
    });
    if (v !== '1.1') assert.equal(await ok(c, v, 'server.ping'), null);
  }
});

test('scripthash methods (1.1+) and their status/history agreement', async () => {
  const { manager } = setup();
  for (const v of ['1.1', '1.4', '1.6']) {
    const c = await versioned(manager, v);
    assert.deepEqual(await ok(c, v, 'blockchain.scripthash.get_balance', [SH]), { confirmed: 70_000, unconfirmed: 5_000 });
    const hist = await ok(c, v, 'blockchain.scripthash.get_history', [SH]);
    assert.deepEqual(hist, [{ tx_hash: TX1, height: 3 }, { tx_hash: TX2, height: 7 }, { tx_hash: MTX, height: 0, fee: 300 }]);
    assert.deepEqual(await ok(c, v, 'blockchain.scripthash.get_mempool', [SH]), [{ tx_hash: MTX, height: 0, fee: 300 }]);
    assert.equal(((await ok(c, v, 'blockchain.scripthash.listunspent', [SH])) as unknown[]).length, 3);
    const status = await ok(c, v, 'blockchain.scripthash.subscribe', [SH.toUpperCase()]);
    assert.match(status as string, /^[0-9a-f]{64}$/);
    assert.equal(await ok(c, v, 'blockchain.scripthash.subscribe', ['00'.repeat(32)]), null);
  }
});

test('unsubscribe (1.4.2+) says whether the subscription existed', async () => {
  const { manager } = setup();
  const c = await versioned(manager, '1.4.2');
  assert.equal(await ok(c, '1.4.2', 'blockchain.scripthash.unsubscribe', [SH]), false);
  await ok(c, '1.4.2', 'blockchain.scripthash.subscribe', [SH]);
  assert.equal(c.session.subCount, 1);
  assert.equal(await ok(c, '1.4.2', 'blockchain.scripthash.unsubscribe', [SH]), true);
  assert.equal(await ok(c, '1.4.2', 'blockchain.scripthash.unsubscribe', [SH]), false);
  assert.equal(c.session.subCount, 0);
  assert.equal(manager.subscribedCount, 0);
});

test('block.header / block.headers with and without checkpoints, hex (<1.6) or list (1.6)', async () => {
  const { manager, backend } = setup();
  for (const v of ['1.4', '1.6']) {
    const c = await versioned(manager, v);
    assert.equal(await ok(c, v, 'blockchain.block.header', [5]), backend.header(5));
    const proved = (await ok(c, v, 'blockchain.block.header', [5, 8])) as any;
    assert.equal(proved.header, backend.header(5));
    const root = backend.headerProof(5, 8).root;
    assert.equal(proved.root, root);
    assert.deepEqual(verifyCheckpointProof(proved.header, 5, 8, proved.branch, root), { ok: true });
    assert.deepEqual((await c.call('blockchain.block.header', [21])).error, { code: 1, message: 'height 21 out of range' });
    assert.deepEqual((await c.call('blockchain.block.header', [5, 30])).error, {
      code: 1,
      message: 'require header height 5 <= cp_height 30 <= chain height 20',
    });
    const hs = (await ok(c, v, 'blockchain.block.headers', [18, 10])) as any;
    assert.equal(hs.count, 3);
    assert.equal(hs.max, 2016);
    if (v === '1.6') assert.deepEqual(hs.headers, backend.headers(18, 3));
    else assert.equal(hs.hex, backend.headers(18, 3).join(''));
    const withCp = (await ok(c, v, 'blockchain.block.headers', [2, 4, 10])) as any;
    assert.equal(withCp.count, 4);
    assert.equal(withCp.root, backend.headerProof(5, 10).root);
    assert.deepEqual(withCp.branch, backend.headerProof(5, 10).branch);
    const none = (await ok(c, v, 'blockchain.block.headers', [50, 10])) as any;
    assert.equal(none.count, 0);
  }
});

test('headers.subscribe shape: deserialized at 1.0-1.2 by default, raw at 1.3 and 1.4+, raw=true from 1.0 (ElectrumX 1.4)', async () => {
  const { manager, backend } = setup();
  const tip = backend.tip();
  const deser = deserializedHeader(tip.hex, tip.height);
  const raw = { hex: tip.hex, height: tip.height };
  const cases: [string, unknown[], unknown][] = [
    ['1.0', [], deser],
    ['1.0', [true], raw],
    ['1.1', [], deser],
    ['1.1', [true], raw],
    ['1.2', [], deser],
    ['1.2', [true], raw],
    ['1.3', [], raw],
    ['1.3', [false], deser],
    ['1.4', [], raw],
    ['1.6', [], raw],
  ];
  for (const [v, params, want] of cases) {
    const c = await versioned(manager, v);
    assert.deepEqual(await ok(c, v, 'blockchain.headers.subscribe', params), want, `${v} ${JSON.stringify(params)}`);
  }
});

test('fees, mempool and transactions', async () => {
  const { manager } = setup();
  const c = await versioned(manager, '1.6');
  assert.equal(await ok(c, '1.6', 'blockchain.estimatefee', [2]), 0.0002);
  assert.equal(await ok(c, '1.6', 'blockchain.estimatefee', [2, 'economical']), 0.0001);
  assert.deepEqual((await c.call('blockchain.estimatefee', [2, 'FAST'])).error, { code: 1, message: 'unknown estimatefee mode: FAST' });
  assert.deepEqual(await ok(c, '1.6', 'mempool.get_info'), { mempoolminfee: 0.00001, minrelaytxfee: 0.00001, incrementalrelayfee: 0.00001 });
  assert.deepEqual(await ok(c, '1.6', 'mempool.get_fee_histogram'), [[12, 1000], [5, 30000]]);
  assert.equal(await ok(c, '1.6', 'blockchain.transaction.get', [TX1]), `02000000${TX1}`);
  assert.deepEqual(await ok(c, '1.6', 'blockchain.transaction.get', [TX1, true]), { txid: TX1, hex: `02000000${TX1}`, confirmations: 1 });
  const missing = await c.call('blockchain.transaction.get', [fakeHash('nope')]);
  assert.equal(missing.error.code, 2);
  assert.deepEqual(await ok(c, '1.6', 'blockchain.transaction.get_merkle', [TX1, 3]), { block_height: 3, merkle: [fakeHash('sibling')], pos: 1 });
  assert.equal(await ok(c, '1.6', 'blockchain.transaction.id_from_pos', [4, 0]), fakeHash('coinbase 4'));
  assert.deepEqual(await ok(c, '1.6', 'blockchain.transaction.id_from_pos', [4, 0, true]), { tx_hash: fakeHash('coinbase 4'), merkle: [] });
  assert.deepEqual((await c.call('blockchain.transaction.id_from_pos', [4, 2])).error, { code: 1, message: 'no tx at position 2 in block at height 4' });
  assert.match((await ok(c, '1.6', 'blockchain.transaction.broadcast', ['0200'])) as string, /^[0-9a-f]{64}$/);
  const rejected = await c.call('blockchain.transaction.broadcast', ['0011']);
  assert.deepEqual(rejected.error, {
    code: 1,
    message: 'the transaction was rejected by network rules.\n\nbad-txns-inputs-missingorspent\n[0011]',
  });
  assert.deepEqual(await c.call('blockchain.transaction.broadcast_package', [['0200', '0201']]).then((r) => r.result), { success: true, count: 2 });
  const c14 = await versioned(manager, '1.4');
  assert.equal(await ok(c14, '1.4', 'blockchain.relayfee'), 0.00001);
  // ElectrumX takes the mode at every version.
  assert.equal(await ok(c14, '1.4', 'blockchain.estimatefee', [2, 'ECONOMICAL']), 0.0001);
});

test('1.0 broadcast reports a rejection as the result string; transaction.get takes a height', async () => {
  const { manager } = setup();
  const c = await versioned(manager, '1.0');
  assert.equal(await ok(c, '1.0', 'blockchain.transaction.broadcast', ['0011']), 'bad-txns-inputs-missingorspent');
  assert.equal(await ok(c, '1.0', 'blockchain.transaction.get', [TX1, 3]), `02000000${TX1}`);
});

test('legacy address methods (1.0-1.2) answer through the script hash', async () => {
  const { manager } = setup();
  for (const v of ['1.0', '1.2']) {
    const c = await versioned(manager, v);
    assert.deepEqual(await ok(c, v, 'blockchain.address.get_balance', [ADDR]), { confirmed: 70_000, unconfirmed: 5_000 });
    assert.equal(((await ok(c, v, 'blockchain.address.get_history', [ADDR])) as unknown[]).length, 3);
    assert.equal(((await ok(c, v, 'blockchain.address.get_mempool', [ADDR])) as unknown[]).length, 1);
    assert.equal(((await ok(c, v, 'blockchain.address.listunspent', [ADDR])) as unknown[]).length, 3);
    const shStatus = await (await versioned(manager, '1.4')).call('blockchain.scripthash.subscribe', [SH]);
    assert.equal(await ok(c, v, 'blockchain.address.subscribe', [ADDR]), shStatus.result);
    assert.deepEqual((await c.call('blockchain.address.get_balance', ['1BoatSLRHtKNngkdXEeobR76b53LETtpyT'])).error, {
      code: 1,
      message: '1BoatSLRHtKNngkdXEeobR76b53LETtpyT is not a valid address',
    });
  }
});

test('1.0-only and 1.0-1.3 legacy methods', async () => {
  const { manager, backend } = setup();
  const c = await versioned(manager, '1.0');
  assert.equal(await ok(c, '1.0', 'blockchain.numblocks.subscribe'), 20);
  assert.equal(await ok(c, '1.0', 'blockchain.utxo.get_address', [TX1, 0]), ADDR);
  assert.equal(await ok(c, '1.0', 'blockchain.utxo.get_address', [TX1, 5]), null);
  assert.equal((await c.call('blockchain.address.get_proof', [ADDR])).error.code, 1);
  assert.deepEqual(await ok(c, '1.0', 'blockchain.block.get_header', [4]), deserializedHeader(backend.header(4)!, 4));
  assert.deepEqual((await c.call('blockchain.block.get_header', [99])).error, { code: 1, message: 'height 99 out of range' });
  assert.equal(await ok(c, '1.0', 'blockchain.block.get_chunk', [0]), backend.headers(0, 21).join(''));
  assert.equal(await ok(c, '1.0', 'blockchain.block.get_chunk', [1]), '');
  const c13 = await versioned(manager, '1.3');
  assert.equal(await ok(c13, '1.3', 'blockchain.block.get_chunk', [0]), backend.headers(0, 21).join(''));
});

test('history too large is 10001, also on subscribe (and no subscription is kept)', async () => {
  const { manager, backend } = setup();
  backend.historyLimit = 2;
  const c = await versioned(manager, '1.4');
  assert.deepEqual((await c.call('blockchain.scripthash.get_history', [SH])).error, { code: 10001, message: 'history too large' });
  assert.deepEqual((await c.call('blockchain.scripthash.subscribe', [SH])).error, { code: 10001, message: 'history too large' });
  assert.equal(c.session.subCount, 0);
  assert.equal(manager.subscribedCount, 0);
});

void FakeBackend;

test('lax params as ElectrumX and Fulcrum take them (server input only)', async () => {
  const { manager, backend } = setup();
  const fees: [number, string | undefined][] = [];
  const estimate = backend.estimateFee.bind(backend);
  backend.estimateFee = (blocks, mode) => (fees.push([blocks, mode]), estimate(blocks, mode));
  const c = await versioned(manager, '1.6');
  const header3 = backend.header(3);
  // Integers as strings, floats (truncated) and booleans, like Python's int().
  for (const h of ['3', ' 3 ', 3.9, '+3']) assert.equal((await c.call('blockchain.block.header', [h])).result, header3, JSON.stringify(h));
  assert.equal((await c.call('blockchain.block.header', [true])).result, backend.header(1));
  for (const bad of ['3.5', 'x', -1, '-2', null, [3]]) assert.equal((await c.call('blockchain.block.header', [bad])).error?.code, 1, JSON.stringify(bad));
  // Counts are clipped, not refused.
  const many = (await c.call('blockchain.block.headers', [0, 1e20])).result;
  assert.equal(many.count, 21);
  assert.equal(many.max, 2016);
  // 0/1 for verbose and merkle; truthiness for broadcast_package's verbose.
  assert.deepEqual((await c.call('blockchain.transaction.get', [TX1, 1])).result, { txid: TX1, hex: `02000000${TX1}`, confirmations: 1 });
  assert.equal((await c.call('blockchain.transaction.get', [TX1, 0])).result, `02000000${TX1}`);
  assert.deepEqual((await c.call('blockchain.transaction.get', [TX1, 2])).error, { code: 1, message: '"verbose" must be a boolean' });
  assert.deepEqual((await c.call('blockchain.transaction.id_from_pos', [4, 0, 1])).result, { tx_hash: fakeHash('coinbase 4'), merkle: [] });
  assert.deepEqual((await c.call('blockchain.transaction.broadcast_package', [['0200'], 'yes'])).result, { package_msg: 'success', 'tx-results': {} });
  assert.deepEqual((await c.call('blockchain.transaction.broadcast_package', [['0200'], ''])).result, { success: true, count: 1 });
  // estimatefee: a mode at every version, a non-string mode is no mode, target 0 is 1.
  const c11 = await versioned(manager, '1.1');
  assert.equal((await c11.call('blockchain.estimatefee', [2, 'economical'])).result, 0.0001);
  assert.equal((await c.call('blockchain.estimatefee', [2, 7])).result, 0.0002);
  assert.equal((await c.call('blockchain.estimatefee', ['0'])).result, 0.0002);
  assert.deepEqual(fees, [[2, 'ECONOMICAL'], [2, undefined], [0, undefined]]);
  // server.ping with arguments below 1.7.
  assert.equal((await c.call('server.ping', [10, 'ff'])).result, null);
  // Four-part protocol versions, and blockchain.relayfee at every 1.5.x.
  const c4 = await versioned(manager, '1.4.2.1');
  assert.equal(c4.session.version, '1.4.2.1');
  assert.equal((await c4.call('blockchain.scripthash.unsubscribe', [SH])).result, false);
  const c151 = await versioned(manager, '1.5.1');
  assert.equal((await c151.call('blockchain.relayfee')).result, 0.00001);
});

test('server.features hosts: --report-host names the public host with the bound ports; unserved ports are left out', async () => {
  const plain = makeManager().manager;
  plain.addListener({ kind: 'tls', host: '0.0.0.0', port: 51002 });
  const f = plain.features();
  assert.deepEqual(f.hosts, { '127.0.0.1': { tcp_port: 51001 }, '0.0.0.0': { ssl_port: 51002 } });
  assert.deepEqual(f.services, ['tcp://127.0.0.1:51001', 'ssl://0.0.0.0:51002']);
  const named = makeManager(undefined, {}, undefined, { reportHost: 'electrum.example.org' }).manager;
  named.addListener({ kind: 'tls', host: '0.0.0.0', port: 51002 });
  named.addListener({ kind: 'ws', host: '::1', port: 60003 });
  assert.deepEqual(named.features().hosts, { 'electrum.example.org': { tcp_port: 51001, ssl_port: 51002, ws_port: 60003 } });
  assert.deepEqual(named.features().services, ['tcp://electrum.example.org:51001', 'ssl://electrum.example.org:51002', 'ws://electrum.example.org:60003']);
});

test("server.banner replaces ElectrumX's five variables", async () => {
  const { manager } = makeManager(undefined, {}, undefined, {
    banner: '$SERVER_VERSION|$SERVER_SUBVERSION|$DAEMON_VERSION|$DAEMON_SUBVERSION|$DONATION_ADDRESS',
  });
  const c = await versioned(manager, '1.4');
  assert.equal(await ok(c, '1.4', 'server.banner'), '0.1.0|electrum-cli 0.1.0|29.1.0|/Satoshi:29.1.0/|bcrt1qdonate');
});
