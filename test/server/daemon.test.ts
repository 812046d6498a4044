import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { DaemonError } from '../../src/errors.js';
import { Daemon, defaultCookiePath, parseSpentTxOuts } from '../../src/server/daemon.js';
import { BitcoindError } from '../../src/server/errors.js';

/** A fake bitcoind: JSON-RPC with Basic auth against a password, plus one REST path. */
async function fakeBitcoind(): Promise<{ url: string; server: http.Server; setPassword(p: string): void; calls: string[] }> {
  let password = 'one';
  const calls: string[] = [];
  const server = http.createServer((req, res) => {
    const auth = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
    if (req.url?.startsWith('/rest/')) {
      if (req.url === '/rest/chaininfo.json') return void res.end('{}');
      res.statusCode = 404;
      return void res.end('not found');
    }
    if (auth !== `__cookie__:${password}`) {
      res.statusCode = 401;
      return void res.end();
    }
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const msg = JSON.parse(body);
      const one = (m: { id: number; method: string; params: unknown[] }) => {
        calls.push(m.method);
        if (m.method === 'getblockcount') return { id: m.id, result: 42, error: null };
        return { id: m.id, result: null, error: { code: -32601, message: 'Method not found' } };
      };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(Array.isArray(msg) ? msg.map(one) : one(msg)));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, server, setPassword: (p) => (password = p), calls };
}

test('cookie auth, re-read on 401 after a restart, batches and RPC errors', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daemon-test-'));
  const cookie = defaultCookiePath(dir, 'regtest');
  fs.mkdirSync(path.dirname(cookie), { recursive: true });
  fs.writeFileSync(cookie, '__cookie__:one');
  const fake = await fakeBitcoind();
  const d = new Daemon({ network: 'regtest', datadir: dir, url: fake.url });
  try {
    assert.equal(await d.call('getblockcount'), 42);
    // bitcoind restarts with a new cookie.
    fake.setPassword('two');
    fs.writeFileSync(cookie, '__cookie__:two');
    assert.equal(await d.call('getblockcount'), 42);
    const b = await d.batch([{ method: 'getblockcount' }, { method: 'nope' }]);
    assert.equal(b[0]!.result, 42);
    assert.ok(b[1]!.error instanceof BitcoindError && b[1]!.error.code === -32601);
    await assert.rejects(d.call('nope'), (e: unknown) => e instanceof BitcoindError && e.code === -32601);
    // A wrong cookie that stays wrong is an auth DaemonError.
    fake.setPassword('three');
    await assert.rejects(d.call('getblockcount'), (e: unknown) => e instanceof DaemonError && /refused the credentials/.test(e.message));
    assert.equal(await d.restGet('/rest/block/00.bin'), null);
    assert.ok(await d.restGet('/rest/chaininfo.json'));
  } finally {
    d.close();
    fake.server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('fixed --rpc-user/--rpc-password refused: a final DaemonError (exit 7); a refused cookie is retried until bitcoind rewrites it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daemon-test-'));
  const cookie = defaultCookiePath(dir, 'regtest');
  fs.mkdirSync(path.dirname(cookie), { recursive: true });
  fs.writeFileSync(cookie, '__cookie__:old');
  const fake = await fakeBitcoind();
  const fixed = new Daemon({ network: 'regtest', url: fake.url, user: '__cookie__', password: 'wrong' });
  const cookied = new Daemon({ network: 'regtest', datadir: dir, url: fake.url });
  try {
    let attempts = 0;
    await assert.rejects(fixed.retrying('bitcoind', () => (attempts++, fixed.call('getblockcount'))), (e: unknown) => {
      assert.ok(e instanceof DaemonError && e.exitCode === 7, String(e));
      assert.match(e.message, /rejected the RPC user and password \(HTTP 401\)/);
      return true;
    });
    assert.equal(attempts, 1);
    // bitcoind (re)starting writes the cookie a moment later: the retry picks it up.
    setTimeout(() => fs.writeFileSync(cookie, '__cookie__:one'), 100);
    assert.equal(await cookied.retrying('bitcoind', () => cookied.call('getblockcount')), 42);
  } finally {
    fixed.close();
    cookied.close();
    fake.server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('no cookie ever found and no RPC ever answered: a 401 is final (exit 7) naming the cookie file looked for; after a success a 401 is retried', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daemon-test-'));
  // A regtest datadir, a node asked for as testnet: testnet3/.cookie does not exist.
  fs.mkdirSync(path.join(dir, 'regtest'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'regtest', '.cookie'), '__cookie__:one');
  const fake = await fakeBitcoind();
  const wrong = new Daemon({ network: 'testnet', datadir: dir, url: fake.url });
  const cookie = defaultCookiePath(dir, 'regtest');
  const right = new Daemon({ network: 'regtest', datadir: dir, url: fake.url });
  try {
    let attempts = 0;
    await assert.rejects(wrong.retrying('bitcoind', () => (attempts++, wrong.call('getblockcount'))), (e: unknown) => {
      assert.ok(e instanceof DaemonError && e.exitCode === 7, String(e));
      assert.equal(e.message, `bitcoind at ${new URL(fake.url).host} wants credentials (HTTP 401) and there is no cookie at ${defaultCookiePath(dir, 'testnet')}`);
      assert.match(e.hint ?? '', /running for testnet with that datadir/);
      return true;
    });
    assert.equal(attempts, 1, 'not retried');
    // After a first success, bitcoind restarting (cookie gone, then a new one) is waited for.
    assert.equal(await right.call('getblockcount'), 42);
    fs.rmSync(cookie);
    fake.setPassword('two');
    setTimeout(() => fs.writeFileSync(cookie, '__cookie__:two'), 300);
    assert.equal(await right.retrying('bitcoind', () => right.call('getblockcount')), 42);
  } finally {
    wrong.close();
    right.close();
    fake.server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('unreachable bitcoind is a DaemonError naming the address', async () => {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  const d = new Daemon({ network: 'regtest', url: `http://u:p@127.0.0.1:${port}` });
  await assert.rejects(d.call('getblockcount'), (e: unknown) => e instanceof DaemonError && e.exitCode === 7
    && e.message === `cannot reach bitcoind at 127.0.0.1:${port}: connection refused — is it running with -server?`);
  d.close();
});

test('spenttxouts: Core layout (coinbase list empty, then value + script per input)', () => {
  const hex = '03' + '00' + '01' + '00f2052a01000000' + '16' + '0014' + '11'.repeat(20)
    + '02' + 'e803000000000000' + '22' + '5120' + '22'.repeat(32) + '0000000000000000' + '00';
  const got = parseSpentTxOuts(Buffer.from(hex, 'hex'));
  assert.equal(got.length, 3);
  assert.equal(got[0]!.length, 0);
  assert.equal(got[1]![0]!.value, 5_000_000_000);
  assert.equal(got[1]![0]!.script.toString('hex'), '0014' + '11'.repeat(20));
  assert.equal(got[2]![0]!.value, 1000);
  assert.equal(got[2]![1]!.script.length, 0);
  assert.throws(() => parseSpentTxOuts(Buffer.from(hex + '00', 'hex')), RangeError);
  assert.throws(() => parseSpentTxOuts(Buffer.from(hex.slice(0, -20), 'hex')), RangeError);
});
