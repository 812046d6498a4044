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

const closedWithin = (s: net.Socket, ms: number) =>
  new Promise<boolean>((resolve) => {
    if (s.destroyed) return resolve(true);
    const t = setTimeout(() => resolve(false), ms);
    s.once('close', () => {
      clearTimeout(t);
      resolve(true);
    });
  });

test('half-open connections (TLS before its handshake, WebSocket before its upgrade) are counted, capped and timed out', async () => {
  const srv = await startAll({ maxHalfOpen: 2, handshakeTimeout: 0.5 }, new FakeBackend(10), true);
  try {
    const a = await connectTcp(srv.port('tls'));
    const b = await connectTcp(srv.port('ws'));
    while (srv.listeners.halfOpen() < 2) await new Promise((r) => setTimeout(r, 10));
    const c = await connectTcp(srv.port('tls'));
    assert.ok(await closedWithin(c, 2000), 'beyond the cap: dropped');
    // plain TCP is a session at once: not half-open, not refused
    const plain = lineClient(await connectTcp(srv.port('tcp')));
    assert.deepEqual((await plain.call('server.version', ['t', '1.4'])).result, ['electrum-cli 0.1.0', '1.4']);
    assert.ok(await closedWithin(a, 3000), 'TLS without a handshake timed out');
    assert.ok(await closedWithin(b, 3000), 'WebSocket without an upgrade timed out');
    assert.equal(srv.listeners.halfOpen(), 0);
    // completed handshakes leave the count
    const ts = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const s = tls.connect({ port: srv.port('tls'), host: '127.0.0.1', rejectUnauthorized: false }, () => resolve(s));
      s.once('error', reject);
    });
    assert.deepEqual((await lineClient(ts).call('server.version', ['t', '1.4'])).result[1], '1.4');
    const ws = new WebSocket(`ws://127.0.0.1:${srv.port('ws')}/`);
    await new Promise((r, j) => {
      ws.once('open', r);
      ws.once('error', j);
    });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(srv.listeners.halfOpen(), 0);
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(ws.readyState, ws.OPEN, 'a session is not half-open: the handshake timeout no longer applies');
    ws.close();
    ts.destroy();
  } finally {
    await srv.stop();
  }
});

test('PROXY protocol v1 and v2 on listeners marked behind a trusted proxy: metered by the carried address', async () => {
  const { proxyV1, proxyV2 } = await import('../support/proxy-header.js');
  const { manager } = makeManager(new FakeBackend(10), { costLimit: 1000, costRate: 0, maxSessionsPerIp: 2, handshakeTimeout: 0.5 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecli-proxy.'));
  const material = await loadCertificate({ dir, hostnames: ['127.0.0.1'] }, () => {});
  const listeners = await startListeners(
    [
      { kind: 'tcp', host: '127.0.0.1', port: 0, proxyProtocol: true },
      { kind: 'tls', host: '127.0.0.1', port: 0, proxyProtocol: true },
      { kind: 'ws', host: '127.0.0.1', port: 0, proxyProtocol: true },
    ],
    manager,
    material,
  );
  const port = (k: string) => listeners.bound.find((b) => b.kind === k)!.port;
  const left = (ip: string) => manager.meter.remaining(ip, Date.now());
  try {
    // v1 over TCP, header and request in one write
    const s1 = await connectTcp(port('tcp'));
    const c1 = lineClient(s1);
    s1.write(proxyV1('203.0.113.7') + JSON.stringify({ jsonrpc: '2.0', method: 'server.version', params: ['p', '1.4'], id: 1 }) + '\n');
    assert.deepEqual((await c1.waitFor((m) => m.id === 1)).result[1], '1.4');
    assert.ok(left('203.0.113.7') < 1000, 'the carried address is metered');
    assert.equal(left('127.0.0.1'), 1000);
    // v2 IPv6, header split across writes
    const s2 = await connectTcp(port('tcp'));
    const c2 = lineClient(s2);
    const h2 = proxyV2('2001:db8::42');
    s2.write(h2.subarray(0, 7));
    await new Promise((r) => setTimeout(r, 20));
    s2.write(Buffer.concat([h2.subarray(7), Buffer.from(JSON.stringify({ jsonrpc: '2.0', method: 'server.version', params: ['p', '1.4'], id: 2 }) + '\n')]));
    assert.equal((await c2.waitFor((m) => m.id === 2)).result[1], '1.4');
    assert.ok([...manager.sessions].some((s) => s.remoteAddress === '2001:db8::42'));
    // sessions per IP count the carried address
    const s3 = await connectTcp(port('tcp'));
    const c3 = lineClient(s3);
    s3.write(proxyV1('203.0.113.7'));
    const s4 = await connectTcp(port('tcp'));
    const c4 = lineClient(s4);
    s4.write(proxyV1('203.0.113.7'));
    const busy = await Promise.race([c3.waitFor((m) => m.error), c4.waitFor((m) => m.error)]);
    assert.equal(busy.error.code, -102);
    // no header: dropped; a half-finished header times out
    const bare = await connectTcp(port('tcp'));
    bare.write(JSON.stringify({ jsonrpc: '2.0', method: 'server.version', params: ['p', '1.4'], id: 3 }) + '\n');
    assert.ok(await closedWithin(bare, 2000));
    const slow = await connectTcp(port('tcp'));
    slow.write('PROXY TCP4 198.51');
    assert.ok(await closedWithin(slow, 3000));
    // TLS after a v2 header
    const raw = await connectTcp(port('tls'));
    raw.write(proxyV2('198.51.100.9'));
    const ts = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const s = tls.connect({ socket: raw, rejectUnauthorized: false }, () => resolve(s));
      s.once('error', reject);
    });
    assert.equal((await lineClient(ts).call('server.version', ['t', '1.4'])).result[1], '1.4');
    assert.ok(left('198.51.100.9') < 1000);
    ts.destroy();
    // WebSocket after a v1 header
    const wraw = await connectTcp(port('ws'));
    wraw.write(proxyV1('192.0.2.55'));
    const ws = new WebSocket(`ws://127.0.0.1:${port('ws')}/`, { createConnection: () => wraw } as never);
    await new Promise((r, j) => {
      ws.once('open', r);
      ws.once('error', j);
    });
    const got = new Promise<any>((r) => ws.once('message', (d) => r(JSON.parse(d.toString()))));
    ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'server.version', params: ['w', '1.4'], id: 9 }));
    assert.equal((await got).result[1], '1.4');
    assert.ok(left('192.0.2.55') < 1000);
    ws.close();
    // header and upgrade request in one write: the HTTP parser still sees the request
    const one = await connectTcp(port('ws'));
    const reply = new Promise<string>((r) => one.once('data', (d) => r(d.toString('latin1'))));
    one.write(proxyV1('192.0.2.56') + 'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
    assert.match(await reply, /^HTTP\/1\.1 101 /);
    one.destroy();
    for (const s of [s1, s2, s3, s4]) s.destroy();
  } finally {
    const closing = listeners.close();
    await manager.close();
    await closing;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
