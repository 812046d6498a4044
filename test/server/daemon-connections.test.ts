/**
 * The bitcoind client's connection handling (src/server/daemon.ts, "Connections"): stale
 * keep-alive sockets, connections bitcoind closes under a request, the rule for calls that must
 * not be re-sent, and giving up on a bitcoind that is gone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DaemonError } from '../../src/errors.js';
import { Daemon, UnreachableError } from '../../src/server/daemon.js';
import { startNode } from '../support/bitcoind.js';

/** Blocks the event loop like a long synchronous index commit. */
function blockLoop(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

test('a keep-alive socket idle past bitcoind\'s -rpcservertimeout is not written on, even after the event loop was blocked', { timeout: 60_000 }, async () => {
  const node = await startNode({ rpcServerTimeout: 1, wallet: null });
  const fresh = new Daemon({ network: 'regtest', url: node.rpcUrl, cookiePath: node.cookiePath, idleReuseMs: 500 });
  const late = new Daemon({ network: 'regtest', url: node.rpcUrl, cookiePath: node.cookiePath, idleReuseMs: 60_000 });
  try {
    for (const d of [fresh, late]) {
      assert.equal(await d.call('getblockcount'), 0);
      // bitcoind closes the idle socket meanwhile; the client only learns it after the block.
      blockLoop(1500);
      assert.equal(await d.call('getblockcount'), 0);
      assert.deepEqual(await d.batchResults([{ method: 'getblockhash', params: [0] }]), [await node.rpc('getblockhash', [0])]);
    }
    // Closed before reuse: nothing had to be re-sent.
    assert.equal(fresh.resent, 0);
    // Reused though stale: bitcoind's close surfaced and the read was re-sent on a fresh socket.
    assert.ok(late.resent >= 1, `resent ${late.resent}`);
  } finally {
    fresh.close();
    late.close();
    await node.cleanup();
  }
});

test('idempotent reads survive seeded idle and busy drops; a request is re-sent at most CLOSED_RETRIES times', { timeout: 60_000 }, async () => {
  const node = await startNode({ forceSim: true });
  const d = new Daemon({ network: 'regtest', url: node.rpcUrl, cookiePath: node.cookiePath });
  try {
    await node.mine(5);
    const hashes: string[] = [];
    for (let h = 0; h <= 5; h++) hashes.push(await node.rpc('getblockhash', [h]));
    await d.detect();
    node.sim!.setDrops({ seed: 'daemon-drops', request: 0.05, beforeResponse: 0.05, midResponse: 0.05, idle: 0.2, idleWithinMs: 30 });
    for (let i = 0; i < 80; i++) {
      const h = i % 6;
      assert.equal(await d.call('getblockhash', [h]), hashes[h]);
      assert.deepEqual(await d.batchResults([{ method: 'getblockcount' }, { method: 'getbestblockhash' }]), [5, hashes[5]]);
      const [raw] = await d.blocks([hashes[h]!]);
      assert.ok(raw && raw.length > 80);
    }
    const s = node.sim!.dropStats;
    assert.ok(s.request > 0 && s.beforeResponse > 0 && s.midResponse > 0 && s.idle > 0, JSON.stringify(s));
    assert.ok(d.resent >= s.request + s.beforeResponse + s.midResponse, `resent ${d.resent}, ${JSON.stringify(s)}`);
    // Every attempt dropped: the read fails after 1 + CLOSED_RETRIES tries, as "cannot reach".
    node.sim!.setDrops({ seed: 'all', request: 1 });
    const before = node.sim!.dropStats.request;
    await assert.rejects(d.call('getblockcount'), (e: unknown) => e instanceof UnreachableError && /connection closed by bitcoind/.test(e.message));
    assert.equal(node.sim!.dropStats.request - before, 5);
  } finally {
    d.close();
    await node.cleanup();
  }
});

test('non-idempotent calls go on their own connection and are never re-sent once written', { timeout: 30_000 }, async () => {
  const arrivals = new Map<string, number>();
  const connection = new Map<string, string | undefined>();
  let dropReads = 2;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { id: number; method: string } | { id: number; method: string }[];
      const list = Array.isArray(parsed) ? parsed : [parsed];
      for (const m of list) {
        arrivals.set(m.method, (arrivals.get(m.method) ?? 0) + 1);
        connection.set(m.method, req.headers.connection);
      }
      // bitcoind runs the call, then the connection dies before the reply.
      const methods = list.map((m) => m.method);
      if (methods.includes('sendrawtransaction') || (methods.includes('getblockcount') && dropReads-- > 0)) return void req.socket.destroy();
      res.setHeader('content-type', 'application/json');
      const one = (m: { id: number; method: string }) => ({ id: m.id, result: m.method === 'getblockcount' ? 7 : 'ok', error: null });
      res.end(JSON.stringify(Array.isArray(parsed) ? parsed.map(one) : one(parsed)));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const d = new Daemon({ network: 'regtest', url: `http://u:p@127.0.0.1:${(server.address() as AddressInfo).port}` });
  try {
    await assert.rejects(d.call('sendrawtransaction', ['00']), (e: unknown) => e instanceof UnreachableError && e.exitCode === 7);
    assert.equal(arrivals.get('sendrawtransaction'), 1, 'sent exactly once');
    assert.equal(connection.get('sendrawtransaction'), 'close', 'on a connection of its own');
    await assert.rejects(d.batch([{ method: 'getblockcount' }, { method: 'sendrawtransaction', params: ['00'] }]));
    assert.equal(arrivals.get('getblockcount'), 1, 'a batch with one non-idempotent call is not re-sent either');
    dropReads = 2;
    assert.equal(await d.call('getblockcount'), 7);
    assert.equal(arrivals.get('getblockcount'), 1 + 3, 'a read is re-sent until answered');
    assert.equal(connection.get('getblockcount'), 'keep-alive');
    assert.equal(await d.call('submitpackage', [['00']]), 'ok');
    assert.equal(connection.get('submitpackage'), 'close');
  } finally {
    d.close();
    server.close();
  }
});

test('a bitcoind gone for good: retrying() gives up after giveUpMs with one final line; one back within the window is not given up on', { timeout: 30_000 }, async () => {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  const logs: string[] = [];
  const d = new Daemon({ network: 'regtest', url: `http://u:p@127.0.0.1:${port}`, giveUpMs: 600, log: (l) => logs.push(l) });
  try {
    const t0 = Date.now();
    await assert.rejects(d.retrying('bitcoind', () => d.call('getblockcount')), (e: unknown) => {
      assert.ok(e instanceof DaemonError && !(e instanceof UnreachableError) && e.exitCode === 7, String(e));
      assert.equal(e.message, `cannot reach bitcoind at 127.0.0.1:${port} for 0.6 s (connection refused); giving up`);
      assert.doesNotMatch(e.message, /\n/);
      return true;
    });
    assert.ok(Date.now() - t0 >= 550, `gave up after ${Date.now() - t0} ms`);
    assert.match(logs[0]!, /^bitcoind: cannot reach bitcoind at .* connection refused .*; retrying in/);
    // bitcoind comes back within the window: the call succeeds and nothing is given up.
    let calls = 0;
    const back = await d.retrying('bitcoind', async () => {
      if (++calls < 3) return d.call('getblockcount');
      return 'up';
    });
    assert.equal(back, 'up');
  } finally {
    d.close();
  }
});

test('HTTP 503 (Core shutting down, or its work queue full) is transient: retrying() waits it out', { timeout: 30_000 }, async () => {
  let refusals = 2;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (refusals-- > 0) {
        res.statusCode = 503;
        return void res.end();
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id: 1, result: 'ok', error: null }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const d = new Daemon({ network: 'regtest', url: `http://u:p@127.0.0.1:${(server.address() as AddressInfo).port}`, giveUpMs: 20_000 });
  try {
    await assert.rejects(d.call('sendrawtransaction', ['00']), (e: unknown) => e instanceof UnreachableError && /shutting down or busy \(HTTP 503\)/.test(e.message));
    assert.equal(await d.retrying('bitcoind', () => d.call('sendrawtransaction', ['00'])), 'ok');
  } finally {
    d.close();
    server.close();
  }
});
