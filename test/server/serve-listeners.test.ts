import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { makeManager } from './session-harness.js';
import { FakeBackend, fakeHash } from '../support/fake-backend.js';
import { startListeners } from '../../src/server/listeners.js';
import { loadCertificate } from '../../src/server/certificate.js';
import { assertLoopbackOnly } from '../support/loopback-guard.js';
import { lineClient } from './serve-client.js';

assertLoopbackOnly();

const connectTcp = (port: number) =>
  new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });

async function startAll(limits = {}, backend = new FakeBackend(10), withTls = false) {
  const { manager, logs } = makeManager(backend, limits);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecli-listen-'));
  const material = withTls ? await loadCertificate({ dir, hostnames: ['127.0.0.1'] }, () => {}) : undefined;
  const specs = [
    { kind: 'tcp' as const, host: '127.0.0.1', port: 0 },
    { kind: 'ws' as const, host: '127.0.0.1', port: 0 },
    ...(withTls ? [{ kind: 'tls' as const, host: '127.0.0.1', port: 0 }] : []),
  ];
  const listeners = await startListeners(specs, manager, material);
  const port = (k: string) => listeners.bound.find((b) => b.kind === k)!.port;
  const stop = async () => {
    const closing = listeners.close();
    await manager.close();
    await closing;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { manager, backend, listeners, port, stop, logs, dir };
}

test('TCP: negotiation, padded requests, pipelining; TLS with a generated certificate kept on disk; WebSocket', async () => {
  const srv = await startAll({}, new FakeBackend(10), true);
  try {
    const c = lineClient(await connectTcp(srv.port('tcp')));
    assert.deepEqual((await c.call('server.version', ['t', '1.4'])).result, ['electrum-cli 0.1.0', '1.4']);
    assert.equal((await c.call('blockchain.headers.subscribe')).result.height, 10);

    const socket = await connectTcp(srv.port('tcp'));
    const p = lineClient(socket);
    // one write carrying two messages, the second split across writes, with padding
    socket.write('{"jsonrpc":"2.0","method":"server.version","params":["t","1.6"],"id":1}\n{"jsonrpc":"2.0","method":"server.');
    await new Promise((r) => setTimeout(r, 20));
    socket.write('ping","id":2' + ' '.repeat(1000) + '}\r\n');
    assert.equal((await p.waitFor((m) => m.id === 2)).result, null);

    assert.ok(fs.existsSync(path.join(srv.dir, 'tls.crt')) && fs.existsSync(path.join(srv.dir, 'tls.key')));
    const again = await loadCertificate({ dir: srv.dir, hostnames: [] }, (l) => assert.ok(!/generated/.test(l), 'regenerated'));
    assert.equal(again.cert, fs.readFileSync(path.join(srv.dir, 'tls.crt'), 'utf8'));
    const ts = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const s = tls.connect({ port: srv.port('tls'), host: '127.0.0.1', rejectUnauthorized: false }, () => resolve(s));
      s.once('error', reject);
    });
    const t = lineClient(ts);
    assert.deepEqual((await t.call('server.version', ['t', '1.6'])).result, ['electrum-cli 0.1.0', '1.6']);
    assert.equal(ts.getPeerCertificate().subject?.CN, 'localhost');
    ts.destroy();

    const ws = new WebSocket(`ws://127.0.0.1:${srv.port('ws')}/`);
    await new Promise((r, j) => {
      ws.once('open', r);
      ws.once('error', j);
    });
    const got = new Promise<any>((r) => ws.once('message', (d) => r(JSON.parse(d.toString()))));
    ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'server.version', params: ['w', '1.6'], id: 9 }));
    assert.deepEqual((await got).result, ['electrum-cli 0.1.0', '1.6']);
    ws.close();
  } finally {
    await srv.stop();
  }
});

test('an oversized request line gets -32600 and the connection is closed; others keep working', async () => {
  const srv = await startAll({ maxRequest: 5000 });
  try {
    const good = lineClient(await connectTcp(srv.port('tcp')));
    await good.call('server.version', ['t', '1.4']);
    const bad = lineClient(await connectTcp(srv.port('tcp')));
    await bad.call('server.version', ['t', '1.4']);
    const sock = await connectTcp(srv.port('tcp'));
    const big = lineClient(sock);
    sock.write('{"jsonrpc":"2.0","method":"server.ping","params":["' + 'x'.repeat(10_000));
    const err = await big.waitFor((m) => m.error);
    assert.deepEqual(err, { jsonrpc: '2.0', error: { code: -32600, message: 'request too large (over 5000 bytes)' }, id: null });
    assert.ok(await big.closedSoon());
    assert.equal((await good.call('server.ping')).result, null);
  } finally {
    await srv.stop();
  }
});

test('200 concurrent sessions with 1,000 subscriptions keep being served and notified', async () => {
  const backend = new FakeBackend(10);
  const srv = await startAll({}, backend);
  try {
    const clients = await Promise.all(Array.from({ length: 200 }, async () => lineClient(await connectTcp(srv.port('tcp')))));
    await Promise.all(clients.map((c) => c.call('server.version', ['t', '1.4'])));
    const shs = Array.from({ length: 1000 }, (_, i) => fakeHash(`listen ${i}`));
    await Promise.all(clients.map(async (c, i) => {
      await c.call('blockchain.headers.subscribe');
      for (let k = 0; k < 5; k++) await c.call('blockchain.scripthash.subscribe', [shs[i * 5 + k]]);
    }));
    assert.equal(srv.manager.subscribedCount, 1000);
    assert.equal(srv.manager.sessions.size, 200);
    backend.addMempool(shs, fakeHash('fan-out tx'));
    backend.mine();
    await Promise.all(clients.map(async (c, i) => {
      await c.waitFor((m) => m.method === 'blockchain.headers.subscribe' && m.params[0].height === 11);
      await c.waitFor((m) => m.method === 'blockchain.scripthash.subscribe' && m.params[0] === shs[i * 5 + 4] && m.params[1] !== null);
    }));
    const answers = await Promise.all(clients.map((c) => c.call('server.ping')));
    assert.ok(answers.every((a) => a.result === null));
  } finally {
    await srv.stop();
  }
});

test('closing: listeners stop accepting and sessions are closed', async () => {
  const srv = await startAll();
  const c = lineClient(await connectTcp(srv.port('tcp')));
  await c.call('server.version', ['t', '1.4']);
  const port = srv.port('tcp');
  await srv.stop();
  assert.ok(await c.closedSoon());
  await assert.rejects(connectTcp(port));
});

test('every byte received is charged: an oversized line, blank lines, WebSocket binary frames (answered as text, refreshing the idle timer)', async () => {
  const srv = await startAll({ maxRequest: 5000, limitLoopback: true, costLimit: 10_000, costRate: 0, idleTimeout: 0.4 });
  const left = () => srv.manager.meter.remaining('127.0.0.1', Date.now());
  try {
    // an oversized line: the bytes that came (>= 10,000) plus an error
    let before = left();
    const sock = await connectTcp(srv.port('tcp'));
    const big = lineClient(sock);
    sock.write('{"jsonrpc":"2.0","method":"server.ping","params":["' + 'x'.repeat(10_000));
    await big.waitFor((m) => m.error);
    assert.ok(before - left() >= 100 + 10_000 / 5000, `oversized line charged ${before - left()}`);
    // 50,000 blank lines: no request, but 50,000 bytes = 10 units
    before = left();
    const blank = lineClient(await connectTcp(srv.port('tcp')));
    await blank.call('server.version', ['t', '1.4']);
    const sockBlank = await connectTcp(srv.port('tcp'));
    sockBlank.write('\n'.repeat(50_000));
    const pinger = lineClient(sockBlank);
    assert.equal((await pinger.call('server.version', ['t', '1.4'])).result[1], '1.4');
    assert.ok(before - left() >= 50_000 / 5000, `blank lines charged ${before - left()}`);
    sockBlank.destroy();
    blank.close();

    // a binary frame is a message like a text frame: answered and charged
    const ws = new WebSocket(`ws://127.0.0.1:${srv.port('ws')}/`);
    await new Promise((r, j) => {
      ws.once('open', r);
      ws.once('error', j);
    });
    const replies: any[] = [];
    ws.on('message', (d) => replies.push(JSON.parse(d.toString())));
    const until = async (n: number) => {
      while (replies.length < n) await new Promise((r) => setTimeout(r, 10));
    };
    ws.send(Buffer.from(JSON.stringify({ jsonrpc: '2.0', method: 'server.version', params: ['w', '1.4'], id: 1 })), { binary: true });
    await until(1);
    assert.deepEqual(replies[0].result, ['electrum-cli 0.1.0', '1.4']);
    before = left();
    const padded = JSON.stringify({ jsonrpc: '2.0', method: 'server.ping', id: 2 }).slice(0, -1) + ' '.repeat(4900) + '}';
    // binary frames keep the session alive past the idle timeout
    for (let i = 0; i < 8; i++) {
      ws.send(Buffer.from(padded), { binary: true });
      await until(2 + i);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(ws.readyState, ws.OPEN, 'binary frames refreshed the idle timer');
    assert.ok(before - left() >= 8 * (4900 / 5000), `binary frames charged ${before - left()}`);
    ws.close();
  } finally {
    await srv.stop();
  }
});
