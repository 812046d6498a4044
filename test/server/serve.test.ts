/**
 * The whole `serve --local` in-process over the regtest node (the simulator, or a real
 * bitcoind when BITCOIND is set), answers checked against the node itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, resolveServeConfig, parseHostPort } from '../../src/server/serve.js';
import { startNode, type NodeHandle } from '../support/bitcoind.js';
import { connectLines } from '../support/serve-client.js';
import { startServe } from '../support/serve-in-process.js';
import { addressToScriptHash } from '../../src/bitcoin/scripthash.js';
import { statusHash } from '../../src/bitcoin/status.js';
import { NETWORKS } from '../../src/bitcoin/networks.js';
import { assertLoopbackOnly } from '../support/loopback-guard.js';

assertLoopbackOnly();

test('options: defaults and parsing', () => {
  const env = { HOME: '/home/u' };
  const c = resolveServeConfig({ local: true }, env);
  assert.equal(c.network, 'mainnet');
  assert.deepEqual(c.listen, [{ kind: 'tcp', host: '127.0.0.1', port: 50001 }]);
  assert.equal(c.dbDir, path.join('/home/u', '.local', 'share', 'electrum-cli', 'mainnet'));
  assert.equal(c.datadir, path.join('/home/u', '.bitcoin'));
  assert.equal(c.limits.maxRequest, 1_000_000);
  const r = resolveServeConfig({ local: true, network: 'regtest', tls: true, ws: '0.0.0.0:0', db: 'x', maxSubs: '10', limitLoopback: true }, { ...env, XDG_DATA_HOME: '/d' });
  assert.deepEqual(r.listen, [
    { kind: 'tcp', host: '127.0.0.1', port: 51001 },
    { kind: 'tls', host: '127.0.0.1', port: 51002 },
    { kind: 'ws', host: '0.0.0.0', port: 0 },
  ]);
  assert.equal(r.limits.maxSubs, 10);
  assert.equal(r.limits.limitLoopback, true);
  assert.equal(resolveServeConfig({ local: true, network: 'signet' }, { XDG_DATA_HOME: '/d' }).dbDir, path.join('/d', 'electrum-cli', 'signet'));
  assert.deepEqual(parseHostPort('[::1]:5', '--tcp'), { host: '::1', port: 5 });
  assert.deepEqual(parseHostPort(':7', '--tcp'), { host: '127.0.0.1', port: 7 });
  assert.deepEqual(parseHostPort('8', '--tcp'), { host: '127.0.0.1', port: 8 });
  for (const bad of [{}, { local: true, tcp: 'nope' }, { local: true, maxSessions: 'x' }, { local: true, rpcUser: 'u' }, { local: true, tlsCert: 'c' }, { local: true, network: 'moon' }]) {
    assert.throws(() => resolveServeConfig(bad as never, env), (e: any) => e.exitCode === 2, JSON.stringify(bad));
  }
});

test('serve over the regtest node: features, headers, history, balance, notifications, broadcast, shutdown', { timeout: 120_000 }, async () => {
  const node = await startNode();
  let srv: Awaited<ReturnType<typeof startServe>> | undefined;
  try {
    await node.mine(101);
    // A payee outside the paying wallet: Core's coin selection could otherwise spend addr's own coin.
    const addr = await node.otherAddress('bech32');
    const sh = addressToScriptHash(addr, 'regtest');
    const txid1 = await node.send(addr, 1.25);
    await node.mine(1);
    srv = await startServe(node);
    const c = await connectLines(srv.port);
    assert.deepEqual((await c.call('server.version', ['serve-test', ['1.4', '1.6']])).result, ['electrum-cli 0.1.0', '1.6']);
    const f = (await c.call('server.features')).result;
    assert.equal(f.genesis_hash, NETWORKS.regtest.genesisHash);
    assert.deepEqual(f.hosts, { '127.0.0.1': { tcp_port: srv.port } });
    const count = await node.rpc<number>('getblockcount');
    const tip = (await c.call('blockchain.headers.subscribe')).result;
    assert.equal(tip.height, count);
    assert.equal(tip.hex, await node.rpc('getblockheader', [await node.rpc('getblockhash', [count]), false]));
    const hs = (await c.call('blockchain.block.headers', [0, 5])).result;
    assert.equal(hs.count, 5);
    assert.equal(hs.headers[3], await node.rpc('getblockheader', [await node.rpc('getblockhash', [3]), false]));

    const hist = (await c.call('blockchain.scripthash.get_history', [sh])).result;
    assert.deepEqual(hist, [{ tx_hash: txid1, height: count }]);
    assert.deepEqual((await c.call('blockchain.scripthash.get_balance', [sh])).result, { confirmed: 125_000_000, unconfirmed: 0 });
    const utxos = (await c.call('blockchain.scripthash.listunspent', [sh])).result;
    assert.equal(utxos.length, 1);
    assert.equal(utxos[0].value, 125_000_000);
    const raw = await node.rpc<string>('getrawtransaction', [txid1]);
    assert.equal((await c.call('blockchain.transaction.get', [txid1])).result, raw);
    const merkle = (await c.call('blockchain.transaction.get_merkle', [txid1, count])).result;
    assert.equal(merkle.block_height, count);
    assert.equal((await c.call('blockchain.transaction.id_from_pos', [count, merkle.pos])).result, txid1);

    const status0 = (await c.call('blockchain.scripthash.subscribe', [sh])).result;
    assert.equal(status0, statusHash(hist));
    const txid2 = await node.send(addr, 0.5);
    const n1 = await c.waitFor((m) => m.method === 'blockchain.scripthash.subscribe' && m.params[1] !== status0, 15_000);
    assert.equal(n1.params[0], sh);
    const mem = (await c.call('blockchain.scripthash.get_mempool', [sh])).result;
    assert.equal(mem.length, 1);
    assert.equal(mem[0].tx_hash, txid2);
    assert.equal((await c.call('blockchain.scripthash.get_balance', [sh])).result.unconfirmed, 50_000_000);

    const before = c.lines.length;
    await node.mine(1);
    const n2 = await c.waitFor((m) => m.method === 'blockchain.scripthash.subscribe' && m.params[1] !== n1.params[1], 15_000);
    const hdr = c.lines.findIndex((m, i) => i >= before && m.method === 'blockchain.headers.subscribe');
    assert.ok(hdr >= 0 && hdr < c.lines.indexOf(n2), 'header notification before the status one');
    assert.equal(c.lines[hdr].params[0].height, count + 1);

    const rejected = (await c.call('blockchain.transaction.broadcast', ['0200000000000000000000'])).error;
    assert.ok(rejected && (rejected.code === 1 || rejected.code === 2), JSON.stringify(rejected));
    assert.equal((await c.call('mempool.get_fee_histogram')).result.length >= 0, true);
    assert.equal(typeof (await c.call('mempool.get_info')).result.minrelaytxfee, 'number');

    await srv.stop();
    assert.equal(await srv.done, 0);
    assert.ok(srv.logs.includes('stopped'), srv.logs.join('\n'));
    assert.ok(await new Promise((r) => { const t = setInterval(() => { if (c.closed) { clearInterval(t); r(true); } }, 20); }));
  } finally {
    await srv?.stop().catch(() => {});
    await node.cleanup();
    if (srv) fs.rmSync(srv.db, { recursive: true, force: true });
  }
});

test('serve refuses a bitcoind on another network with exit status 7; an interrupt while waiting is a clean stop', { timeout: 60_000 }, async () => {
  const node = await startNode();
  const db = fs.mkdtempSync(path.join(os.tmpdir(), 'ecli-serve-'));
  try {
    await assert.rejects(
      serve({ local: true, network: 'signet', bitcoind: node.rpcUrl, rpcCookie: node.cookiePath, db, tcp: '127.0.0.1:0', zmq: false }, { log: () => {}, isTTY: false, handleSignals: false }),
      (e: any) => e.exitCode === 7,
    );
    const ac = new AbortController();
    // nothing listens on port 9: serve keeps retrying until interrupted
    const p = serve({ local: true, network: 'regtest', bitcoind: 'http://127.0.0.1:9', rpcUser: 'u', rpcPassword: 'p', db, tcp: '127.0.0.1:0', zmq: false }, { log: () => {}, isTTY: false, signal: ac.signal, handleSignals: false });
    setTimeout(() => ac.abort(), 300);
    assert.equal(await p, 0);
  } finally {
    await node.cleanup();
    fs.rmSync(db, { recursive: true, force: true });
  }
});
