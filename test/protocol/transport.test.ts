import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import type net from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { ConnectionError, ProtocolError } from '../../src/errors.js';
import { Connection } from '../../src/protocol/connection.js';
import { CertPins } from '../../src/protocol/cert-pins.js';
import { parseProxy, type ServerAddress } from '../../src/protocol/server-address.js';
import { assertLoopbackOnly, blockedDials } from '../support/loopback-guard.js';
import { selfSigned, type Pem } from '../support/certs.js';
import { fakeServer, versionReply, type FakeServer } from '../support/fake-server.js';
import { socksProxy, type TestProxy } from '../support/socks-proxy.js';

assertLoopbackOnly();

let CERT: Pem;
before(async () => {
  CERT = await selfSigned('ws-server');
});
const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of closers) await c();
  assert.deepEqual(blockedDials(), []);
});

const answer = (msg: any, s: any) => {
  if (versionReply(msg, s, '1.6')) return;
  if (msg) s.send({ jsonrpc: '2.0', result: msg.params, id: msg.id });
};

async function tcpServer(pem?: Pem): Promise<FakeServer> {
  const s = await fakeServer(answer, pem ? { key: pem.key, cert: pem.cert } : undefined);
  closers.push(() => s.close());
  return s;
}

async function proxy(route: Parameters<typeof socksProxy>[0]): Promise<TestProxy> {
  const p = await socksProxy(route);
  closers.push(() => p.close());
  return p;
}

/** A WebSocket Electrum server (wss when given a certificate); records raw frames. */
async function wsServer(pem?: Pem): Promise<{ port: number; frames: string[] }> {
  const frames: string[] = [];
  const onConn = (sock: WebSocket) => {
    sock.on('message', (data) => {
      const text = data.toString();
      frames.push(text);
      const msg = JSON.parse(text);
      if (Array.isArray(msg)) sock.send(JSON.stringify(msg.map((m) => ({ jsonrpc: '2.0', result: m.params, id: m.id }))));
      else if (msg.method === 'server.version') sock.send(JSON.stringify({ jsonrpc: '2.0', result: ['WsX 1', '1.6'], id: msg.id }));
      else if (msg.method === 'big') sock.send(JSON.stringify({ jsonrpc: '2.0', result: 'x'.repeat(5000), id: msg.id }));
      else sock.send(JSON.stringify({ jsonrpc: '2.0', result: msg.params, id: msg.id }));
    });
  };
  let port: number;
  if (pem) {
    const httpsServer = https.createServer({ key: pem.key, cert: pem.cert });
    const wss = new WebSocketServer({ server: httpsServer });
    wss.on('connection', onConn);
    await new Promise<void>((r) => httpsServer.listen(0, '127.0.0.1', r));
    port = (httpsServer.address() as net.AddressInfo).port;
    closers.push(() => new Promise<void>((r) => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      httpsServer.close(() => r());
    }));
  } else {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    wss.on('connection', onConn);
    await new Promise<void>((r) => wss.once('listening', r));
    port = (wss.address() as net.AddressInfo).port;
    closers.push(() => new Promise<void>((r) => {
      for (const c of wss.clients) c.terminate();
      wss.close(() => r());
    }));
  }
  return { port, frames };
}

test('ws: one JSON message per text frame, no trailing newline', async () => {
  const srv = await wsServer();
  const conn = await Connection.open({ server: { host: '127.0.0.1', port: srv.port, transport: 'ws', path: '/electrum' } });
  assert.equal(conn.version, '1.6');
  assert.deepEqual(await conn.request('echo', [1, 'a']), [1, 'a']);
  const r = await conn.batch([{ method: 'a', params: [1] }, { method: 'b', params: [2] }]);
  assert.deepEqual(r, [{ result: [1] }, { result: [2] }]);
  assert.equal(srv.frames.length, 3);
  for (const f of srv.frames) assert.ok(!f.endsWith('\n'));
  assert.ok(srv.frames[2]!.startsWith('['));
  assert.equal(typeof conn.timings.wsMs, 'number');
  conn.close();
});

test('ws: a frame over the size limit is a ProtocolError', async () => {
  const srv = await wsServer();
  const conn = await Connection.open({ server: { host: '127.0.0.1', port: srv.port, transport: 'ws' }, maxLine: 1000 });
  await assert.rejects(conn.request('big'), (e: unknown) => e instanceof ProtocolError && /1000 bytes/.test(e.message));
});

test('wss: the certificate is pinned like an s server', async () => {
  const srv = await wsServer(CERT);
  const store = CertPins.load();
  const conn = await Connection.open({ server: { host: '127.0.0.1', port: srv.port, transport: 'wss' }, tls: { certPins: store } });
  assert.equal(conn.info.tls?.trust, 'tofu');
  assert.deepEqual(await conn.request('echo', ['x']), ['x']);
  conn.close();
  assert.equal(store.get(`127.0.0.1:${srv.port}`)?.ca, false);
});

test('ws: a plain TCP Electrum port answers the upgrade badly', async () => {
  const srv = await fakeServer((msg, s) => {
    if (!msg) s.send({ jsonrpc: '2.0', error: { code: -32700, message: 'invalid JSON' }, id: null });
  });
  closers.push(() => srv.close());
  await assert.rejects(
    Connection.open({ server: { host: '127.0.0.1', port: srv.port, transport: 'ws' }, connectTimeoutMs: 2000 }),
    (e: unknown) => e instanceof ConnectionError && /WebSocket handshake/.test(e.message),
  );
});

test('socks5: the proxy gets the host name (even .onion) and carries TCP', async () => {
  const srv = await tcpServer();
  const p = await proxy(() => ({ port: srv.port }));
  const server: ServerAddress = { host: 'abcdefghijklmnop.onion', port: 50001, transport: 'tcp' };
  const conn = await Connection.open({ server, proxy: parseProxy(`socks5://127.0.0.1:${p.port}`) });
  assert.deepEqual(await conn.request('echo', [7]), [7]);
  assert.deepEqual(p.requests, [{ atyp: 3, host: 'abcdefghijklmnop.onion', port: 50001 }]);
  assert.match(conn.info.proxy ?? '', /^socks5h:\/\/127\.0\.0\.1:\d+$/);
  conn.close();
});

test('socks5: TLS over the proxy pins under the onion name', async () => {
  const srv = await tcpServer(CERT);
  const p = await proxy(() => ({ port: srv.port }));
  const store = CertPins.load();
  const conn = await Connection.open({
    server: { host: 'electrum.example.org', port: 50002, transport: 'tls' },
    proxy: parseProxy(`socks5h://127.0.0.1:${p.port}`),
    tls: { certPins: store },
  });
  assert.equal(conn.info.tls?.trust, 'tofu');
  assert.deepEqual(await conn.request('echo', [1]), [1]);
  assert.equal(p.requests[0]!.host, 'electrum.example.org');
  assert.ok(store.get('electrum.example.org:50002'));
  conn.close();
});

test('socks5: WebSocket over the proxy', async () => {
  const srv = await wsServer();
  const p = await proxy(() => ({ port: srv.port }));
  const conn = await Connection.open({
    server: { host: 'ws.example.org', port: 50003, transport: 'ws' },
    proxy: parseProxy(`127.0.0.1:${p.port}`),
  });
  assert.deepEqual(await conn.request('echo', ['w']), ['w']);
  assert.equal(p.requests[0]!.host, 'ws.example.org');
  conn.close();
});

test('socks5: proxy refusals map to clear errors', async () => {
  const p = await proxy(() => ({ reply: 4 }));
  await assert.rejects(
    Connection.open({ server: { host: 'gone.onion', port: 50001, transport: 'tcp' }, proxy: parseProxy(`socks5h://127.0.0.1:${p.port}`) }),
    (e: unknown) => e instanceof ConnectionError && /could not connect to gone\.onion:50001: host unreachable/.test(e.message),
  );
  const dead = await proxy(() => ({ reply: 1 }));
  await dead.close();
  await assert.rejects(
    Connection.open({ server: { host: 'x.org', port: 1, transport: 'tcp' }, proxy: parseProxy(`socks5h://127.0.0.1:${dead.port}`) }),
    (e: unknown) => e instanceof ConnectionError && /connection refused by proxy 127\.0\.0\.1:\d+/.test(e.message),
  );
});
