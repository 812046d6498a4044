import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startNode } from '../support/bitcoind.js';
import { Simulator } from '../../sim/server.js';
import { httpRequest } from '../support/http-request.js';

const body = (method: string, params: unknown = [], extra: Record<string, unknown> = {}) => JSON.stringify({ jsonrpc: '1.0', id: 7, method, params, ...extra });

test('cookie auth: 401 without or with a wrong cookie, a new cookie on restart', { timeout: 60_000 }, async () => {
  const node = await startNode({ wallet: null });
  try {
    const cookie = fs.readFileSync(node.cookiePath, 'utf8');
    assert.match(cookie, /^__cookie__:[0-9a-f]{64}$/);
    assert.equal((await httpRequest(node.rpcUrl, { method: 'POST', body: body('getblockcount') })).status, 401);
    const wrong = await httpRequest(node.rpcUrl, { method: 'POST', body: body('getblockcount'), auth: '__cookie__:' + '0'.repeat(64) });
    assert.equal(wrong.status, 401);
    assert.match(String(wrong.headers['www-authenticate']), /Basic realm="jsonrpc"/);
    const ok = await httpRequest(node.rpcUrl, { method: 'POST', body: body('getblockcount'), auth: cookie });
    assert.equal(ok.status, 200);
    assert.deepEqual(JSON.parse(ok.body.toString()), { result: 0, error: null, id: 7 });
    await node.restart();
    const cookie2 = fs.readFileSync(node.cookiePath, 'utf8');
    assert.notEqual(cookie2, cookie);
    assert.equal((await httpRequest(node.rpcUrl, { method: 'POST', body: body('getblockcount'), auth: cookie })).status, 401);
    assert.equal((await httpRequest(node.rpcUrl, { method: 'POST', body: body('getblockcount'), auth: cookie2 })).status, 200);
    await node.stop();
    assert.equal(fs.existsSync(node.cookiePath), false, 'cookie removed on shutdown');
  } finally {
    await node.cleanup();
  }
});

test('fixed rpcuser/rpcpassword instead of a cookie', { timeout: 30_000 }, async () => {
  const sim = new Simulator({ rpcUser: 'u', rpcPassword: 'p' });
  await sim.start();
  try {
    assert.equal(fs.existsSync(sim.cookiePath), false);
    assert.equal((await httpRequest(sim.rpcUrl, { method: 'POST', body: body('getblockcount'), auth: 'u:x' })).status, 401);
    assert.equal((await httpRequest(sim.rpcUrl, { method: 'POST', body: body('getblockcount'), auth: 'u:p' })).status, 200);
  } finally {
    await sim.stop();
    fs.rmSync(sim.datadir, { recursive: true, force: true });
  }
});

test('JSON-RPC shapes: errors, batches, named params, 2.0 replies', { timeout: 30_000 }, async () => {
  const sim = new Simulator();
  await sim.start();
  const auth = fs.readFileSync(sim.cookiePath, 'utf8');
  const post = async (b: string) => {
    const r = await httpRequest(sim.rpcUrl, { method: 'POST', body: b, auth });
    return { status: r.status, json: r.body.length ? JSON.parse(r.body.toString()) : undefined };
  };
  try {
    let r = await post(body('nosuchmethod'));
    assert.equal(r.status, 404);
    assert.deepEqual(r.json, { result: null, error: { code: -32601, message: 'Method not found' }, id: 7 });
    r = await post(body('getblockhash', [5]));
    assert.equal(r.status, 500);
    assert.deepEqual(r.json.error, { code: -8, message: 'Block height out of range' });
    r = await post(body('getrawtransaction', ['ab'.repeat(32)]));
    assert.deepEqual(r.json.error, { code: -5, message: 'No such mempool or blockchain transaction. Use gettransaction for wallet transactions.' });
    r = await post(body('getblockhash', { height: 0 }));
    assert.equal(r.json.result, '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206');
    r = await post(JSON.stringify([{ id: 1, method: 'getblockcount' }, { id: 2, method: 'getblockhash', params: [9] }]));
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, [
      { result: 0, error: null, id: 1 },
      { result: null, error: { code: -8, message: 'Block height out of range' }, id: 2 },
    ]);
    r = await post(JSON.stringify({ jsonrpc: '2.0', id: 'x', method: 'getblockhash', params: [9] }));
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { jsonrpc: '2.0', error: { code: -8, message: 'Block height out of range' }, id: 'x' });
    r = await post('{not json');
    assert.equal(r.status, 500);
    assert.equal(r.json.error.code, -32700);
    r = await post(body('getnewaddress'));
    assert.equal(r.json.error.code, -18, 'no wallet loaded');
  } finally {
    await sim.stop();
    fs.rmSync(sim.datadir, { recursive: true, force: true });
  }
});

test('warming up answers -28 until ready', { timeout: 30_000 }, async () => {
  const sim = new Simulator({ warmupMs: 60_000 });
  await sim.start();
  try {
    const r = await httpRequest(sim.rpcUrl, { method: 'POST', body: body('getblockcount'), auth: fs.readFileSync(sim.cookiePath, 'utf8') });
    assert.equal(JSON.parse(r.body.toString()).error.code, -28);
  } finally {
    await sim.stop();
    fs.rmSync(sim.datadir, { recursive: true, force: true });
  }
});
