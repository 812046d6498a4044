import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { ConnectionError, EXIT, ProtocolError, ServerError, TimeoutError } from '../../src/errors.js';
import { Connection } from '../../src/protocol/connection.js';
import { assertLoopbackOnly, blockedDials } from '../support/loopback-guard.js';
import { fakeServer, versionReply, type FakeServer } from './fake-server.js';

assertLoopbackOnly();
after(() => assert.deepEqual(blockedDials(), []));

const servers: FakeServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});
async function serve(...args: Parameters<typeof fakeServer>): Promise<FakeServer> {
  const s = await fakeServer(...args);
  servers.push(s);
  return s;
}

/** A server that answers server.version and echoes `params` as the result of anything else. */
function echo(msg: any, s: Parameters<Parameters<typeof fakeServer>[0]>[1]): void {
  if (versionReply(msg, s, '1.4')) return;
  const one = (m: any) => ({ jsonrpc: '2.0', result: { method: m.method, params: m.params }, id: m.id });
  if (Array.isArray(msg)) s.send(msg.map(one));
  else if (msg) s.send(one(msg));
}

test('request/response with negotiation first', async () => {
  const srv = await serve(echo);
  const traced: string[] = [];
  const conn = await Connection.open({ server: srv.addr(), trace: (d, l) => traced.push(`${d} ${l}`) });
  assert.equal(conn.version, '1.4');
  assert.equal(conn.serverSoftware, 'FakeX 1.0');
  assert.deepEqual(await conn.request('blockchain.block.header', [5]), { method: 'blockchain.block.header', params: [5] });
  assert.equal(JSON.parse(srv.lines[0]!).method, 'server.version');
  assert.deepEqual(JSON.parse(srv.lines[0]!).params, ['electrum-cli/0.1.0', ['1.0', '1.6']]);
  assert.ok(traced[0]!.startsWith('send {"jsonrpc":"2.0","method":"server.version"'));
  assert.ok(traced.some((t) => t.startsWith('recv ')));
  assert.equal(typeof conn.timings.connectMs, 'number');
  assert.equal(typeof conn.timings.firstReplyMs, 'number');
  conn.close();
  assert.equal(await conn.closed, undefined);
});

test('a batch goes out as one line and is matched by id when answered out of order', async () => {
  const srv = await serve((msg, s) => {
    if (versionReply(msg, s)) return;
    assert.ok(Array.isArray(msg));
    const replies = msg.map((m: any) =>
      m.params[0] === 'bad'
        ? { jsonrpc: '2.0', error: { code: 1, message: 'bad thing' }, id: m.id }
        : { jsonrpc: '2.0', result: m.params[0], id: m.id });
    // Reverse order, padded like ElectrumX, with \r\n line ends.
    const line = JSON.stringify(replies.reverse());
    s.write(`${line.slice(0, -1)}        ]\r\n`);
  });
  const conn = await Connection.open({ server: srv.addr() });
  const r = await conn.batch([
    { method: 'm', params: ['a'] },
    { method: 'm', params: ['bad'] },
    { method: 'm', params: ['c'] },
  ]);
  assert.deepEqual(r[0], { result: 'a' });
  assert.ok('error' in r[1]! && r[1].error instanceof ServerError && r[1].error.code === 1);
  assert.deepEqual(r[2], { result: 'c' });
  assert.equal(srv.lines.length, 2, 'version + one batch line');
  assert.equal(conn.batchSupported, true);
  conn.close();
});

test('padded single replies (spaces before the final brace) are accepted', async () => {
  const srv = await serve((msg, s) => {
    if (versionReply(msg, s)) return;
    const line = JSON.stringify({ jsonrpc: '2.0', result: 42, id: msg.id });
    s.write(`${line.slice(0, -1)}${' '.repeat(1000)}}\n`);
  });
  const conn = await Connection.open({ server: srv.addr() });
  assert.equal(await conn.request('x'), 42);
  conn.close();
});

test('a server refusing batches gets the calls one by one', async () => {
  const srv = await serve((msg, s) => {
    if (versionReply(msg, s)) return;
    if (Array.isArray(msg)) s.send({ jsonrpc: '2.0', error: { code: -32600, message: 'batches not supported' }, id: null });
    else s.send({ jsonrpc: '2.0', result: msg.params[0], id: msg.id });
  });
  const conn = await Connection.open({ server: srv.addr() });
  assert.deepEqual(await conn.batch([{ method: 'm', params: [1] }, { method: 'm', params: [2] }]), [{ result: 1 }, { result: 2 }]);
  assert.equal(conn.batchSupported, false);
  const before = srv.lines.length;
  assert.deepEqual(await conn.batch([{ method: 'm', params: [3] }, { method: 'm', params: [4] }]), [{ result: 3 }, { result: 4 }]);
  assert.equal(srv.lines.length - before, 2, 'no second batch attempt');
  conn.close();
});

test('JSON-RPC errors become ServerError with the method', async () => {
  const srv = await serve((msg, s) => {
    if (versionReply(msg, s)) return;
    s.send({ jsonrpc: '2.0', error: { code: -32601, message: 'unknown method "x.y"' }, id: msg.id });
  });
  const conn = await Connection.open({ server: srv.addr() });
  await assert.rejects(conn.request('x.y'), (e: unknown) => e instanceof ServerError && e.code === -32601 && e.method === 'x.y' && e.exitCode === EXIT.server);
  assert.ok(conn.isOpen);
  conn.close();
});

test('a notification before the subscribe reply is buffered; other keys and junk are ignored', async () => {
  const srv = await serve((msg, s) => {
    if (versionReply(msg, s)) return;
    if (msg.method === 'blockchain.scripthash.subscribe') {
      const sh = msg.params[0];
      s.send({ jsonrpc: '2.0', method: 'blockchain.relayfee', params: [] }); // ElectrumX junk
      s.send({ jsonrpc: '2.0', method: 'blockchain.scripthash.subscribe', params: ['other', 'zz'] });
      s.send({ jsonrpc: '2.0', method: 'blockchain.scripthash.subscribe', params: [sh, 'status1'] });
      s.send({ jsonrpc: '2.0', result: 'status0', id: msg.id });
      s.send({ jsonrpc: '2.0', method: 'blockchain.scripthash.subscribe', params: [sh, 'status2'] });
    } else if (msg.method === 'blockchain.headers.subscribe') {
      s.send({ jsonrpc: '2.0', result: { height: 1, hex: '00' }, id: msg.id });
      setTimeout(() => s.send({ jsonrpc: '2.0', method: 'blockchain.headers.subscribe', params: [{ height: 2, hex: '11' }] }), 20);
    }
  });
  const conn = await Connection.open({ server: srv.addr() });
  const all = conn.notifications();
  const { result, stream } = await conn.subscribe('blockchain.scripthash.subscribe', ['ab'.repeat(32)]);
  assert.equal(result, 'status0');
  assert.deepEqual((await stream.next()).value, ['ab'.repeat(32), 'status1']);
  assert.deepEqual((await stream.next()).value, ['ab'.repeat(32), 'status2']);
  const h = await conn.subscribe('blockchain.headers.subscribe', []);
  assert.deepEqual(h.result, { height: 1, hex: '00' });
  assert.deepEqual((await h.stream.next()).value, [{ height: 2, hex: '11' }]);
  assert.equal((await all.next()).value!.method, 'blockchain.relayfee');
  conn.close();
  assert.equal((await stream.next()).done, true, 'a local close ends streams cleanly');
});

test('the stream ends with the close reason when the server drops the session', async () => {
  const srv = await serve((msg, s) => {
    if (versionReply(msg, s)) return;
    s.send({ jsonrpc: '2.0', result: null, id: msg.id });
    setTimeout(() => s.end(), 10);
  });
  const conn = await Connection.open({ server: srv.addr() });
  const { stream } = await conn.subscribe('blockchain.headers.subscribe');
  await assert.rejects(stream.next(), (e: unknown) => e instanceof ConnectionError && /closed the connection/.test(e.message));
  assert.ok((await conn.closed) instanceof ConnectionError);
});

test('a reply with an unknown id is a ProtocolError (exit 5) and fails the session', async () => {
  const srv = await serve((msg, s) => {
    if (versionReply(msg, s)) return;
    s.send({ jsonrpc: '2.0', result: 1, id: 999 });
  });
  const conn = await Connection.open({ server: srv.addr() });
  await assert.rejects(conn.request('x'), (e: unknown) => e instanceof ProtocolError && /unknown id 999/.test(e.message) && e.exitCode === EXIT.protocol);
  assert.ok((await conn.closed) instanceof ProtocolError);
});

test('malformed JSON is a ProtocolError', async () => {
  const srv = await serve((msg, s) => {
    if (versionReply(msg, s)) return;
    s.write('{"jsonrpc":"2.0","result":\n');
  });
  const conn = await Connection.open({ server: srv.addr() });
  await assert.rejects(conn.request('x'), (e: unknown) => e instanceof ProtocolError && /not valid JSON/.test(e.message));
});

test('an oversized reply line is a ProtocolError naming the limit', async () => {
  const srv = await serve((msg, s) => {
    if (versionReply(msg, s)) return;
    s.write(`{"jsonrpc":"2.0","result":"${'a'.repeat(5000)}","id":${msg.id}}\n`);
  });
  const conn = await Connection.open({ server: srv.addr(), maxLine: 1000 });
  await assert.rejects(conn.request('x'), (e: unknown) => e instanceof ProtocolError && /1000 bytes/.test(e.message) && e.exitCode === EXIT.protocol);
});

test('the server closing mid-reply, or with requests outstanding, is a ConnectionError', async () => {
  const mid = await serve((msg, s) => {
    if (versionReply(msg, s)) return;
    s.write('{"jsonrpc":"2.0","res');
    setTimeout(() => s.end(), 10);
  });
  const c1 = await Connection.open({ server: mid.addr() });
  await assert.rejects(c1.request('x'), (e: unknown) => e instanceof ConnectionError && /middle of a reply/.test(e.message) && e.exitCode === EXIT.connection);

  const silent = await serve((msg, s) => {
    if (versionReply(msg, s)) return;
    if (msg.method === 'close') s.end();
  });
  const c2 = await Connection.open({ server: silent.addr() });
  const a = c2.request('a');
  const b = c2.request('close');
  await assert.rejects(a, /with 2 requests unanswered/);
  await assert.rejects(b, ConnectionError);
});

test('a request times out with TimeoutError; its late reply is ignored', async () => {
  const srv = await serve((msg, s) => {
    if (versionReply(msg, s)) return;
    if (msg.method === 'slow') setTimeout(() => s.send({ jsonrpc: '2.0', result: 'late', id: msg.id }), 150);
    else s.send({ jsonrpc: '2.0', result: 'fast', id: msg.id });
  });
  const conn = await Connection.open({ server: srv.addr(), requestTimeoutMs: 5000 });
  await assert.rejects(conn.request('slow', [], { timeoutMs: 50 }), (e: unknown) => e instanceof TimeoutError && e.exitCode === EXIT.connection && /within/.test(e.message));
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(conn.isOpen, 'late reply did not kill the session');
  assert.equal(await conn.request('quick'), 'fast');
  conn.close();
});

test('keepalive sends server.ping when idle (protocol >= 1.2)', async () => {
  const srv = await serve((msg, s) => {
    if (versionReply(msg, s, '1.4')) return;
    s.send({ jsonrpc: '2.0', result: null, id: msg.id });
  });
  const conn = await Connection.open({ server: srv.addr(), keepaliveMs: 30 });
  const deadline = Date.now() + 5000;
  while (!srv.lines.some((l) => l.includes('server.ping')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.ok(srv.lines.some((l) => l.includes('"server.ping"')));
  conn.close();

  const old = await serve((msg, s) => {
    if (versionReply(msg, s, '1.1')) return;
    s.send({ jsonrpc: '2.0', result: null, id: msg.id });
  });
  const c2 = await Connection.open({ server: old.addr(), keepaliveMs: 20 });
  await new Promise((r) => setTimeout(r, 120));
  assert.ok(!old.lines.some((l) => l.includes('server.ping')), 'no ping below 1.2');
  c2.close();
});

test('connection refused maps to ConnectionError with the address', async () => {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((r) => probe.close(r));
  await assert.rejects(
    Connection.open({ server: { host: '127.0.0.1', port, transport: 'tcp' } }),
    (e: unknown) => e instanceof ConnectionError && e.message === `connection refused by 127.0.0.1:${port}` && !!e.hint,
  );
});

test('a connect timeout is a TimeoutError', async () => {
  // A transport factory that never connects stands in for a black-holed address.
  await assert.rejects(
    Connection.open({
      server: { host: '127.0.0.1', port: 1, transport: 'tcp' },
      transportFactory: async () => {
        const { connectTimeout } = await import('../../src/protocol/net-errors.js');
        throw connectTimeout({ host: '127.0.0.1', port: 1, transport: 'tcp' }, 10, 'connect');
      },
    }),
    (e: unknown) => e instanceof TimeoutError && /timed out after/.test(e.message),
  );
});

test('no reply at all over plain TCP hints at TLS', async () => {
  const srv = await serve((_msg, s) => s.end());
  await assert.rejects(Connection.open({ server: srv.addr() }), (e: unknown) =>
    e instanceof ConnectionError && /1 request unanswered/.test(e.message) && /try 127\.0\.0\.1:\d+:s/.test(e.hint ?? ''));
});

test('start-up stays light: ws and socks are not in the static import graph of connection.ts', async () => {
  const { readFileSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const seen = new Set<string>();
  const packages = new Set<string>();
  const walk = (url: URL) => {
    if (seen.has(url.href)) return;
    seen.add(url.href);
    const src = readFileSync(fileURLToPath(url), 'utf8');
    for (const m of src.matchAll(/^import\s+(?!type\b)[^'"]*?from\s+'([^']+)'/gm)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) walk(new URL(spec.replace(/\.js$/, '.ts'), url));
      else packages.add(spec);
    }
  };
  walk(new URL('../../src/protocol/connection.ts', import.meta.url));
  assert.ok(![...packages].some((p) => p === 'ws' || p === 'socks'), [...packages].join(', '));
  assert.ok(![...seen].some((u) => /\/(ws|socks)\.ts$/.test(u)));
});

test('--connect-timeout covers the handshake: a server that never answers server.version times out on it, not on the request timeout', async () => {
  const srv = await serve(() => {});
  const t0 = Date.now();
  await assert.rejects(
    Connection.open({ server: srv.addr(), connectTimeoutMs: 300, requestTimeoutMs: 60_000 }),
    (e: unknown) => e instanceof TimeoutError && /did not answer server\.version within 0\.3 s/.test(e.message) && /--connect-timeout/.test(e.hint ?? ''),
  );
  assert.ok(Date.now() - t0 < 30_000);
  // An explicit handshake timeout (doctor's) still wins.
  await assert.rejects(
    Connection.open({ server: srv.addr(), connectTimeoutMs: 60_000, negotiate: { timeoutMs: 100 } }),
    (e: unknown) => e instanceof TimeoutError && /server\.version: no reply/.test(e.message),
  );
});

test('aborting the signal ends Connection.open at once: in the handshake and before it', async () => {
  const { InterruptedError } = await import('../../src/errors.js');
  const srv = await serve(() => {});
  const ac = new AbortController();
  const opening = Connection.open({ server: srv.addr(), connectTimeoutMs: 60_000, requestTimeoutMs: 60_000, signal: ac.signal });
  while (srv.lines.length === 0) await new Promise((r) => setTimeout(r, 10));
  ac.abort();
  await assert.rejects(opening, (e: unknown) => e instanceof InterruptedError && e.exitCode === EXIT.interrupted);
  await assert.rejects(Connection.open({ server: srv.addr(), signal: ac.signal }), (e: unknown) => e instanceof InterruptedError);
  // The server sees the socket go away.
  const deadline = Date.now() + 5000;
  while (srv.sessions.some((s) => !s.socket.destroyed && s.socket.readyState !== 'closed') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
});
