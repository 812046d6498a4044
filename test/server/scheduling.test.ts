/**
 * A session's scheduling (issue 9 item 2, as aiorpcX schedules): requests run concurrently
 * and are answered as they complete, a batch in its own order, a request stuck on bitcoind
 * is answered -102 after --request-timeout, and a 1,000-request batch does not hold every
 * other session up. Real listeners on 127.0.0.1, a fake backend.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { makeManager } from '../support/session-harness.js';
import { FakeBackend, fakeHash } from '../support/fake-backend.js';
import { startListeners } from '../../src/server/listeners.js';
import { scriptHash } from '../../src/bitcoin/scripthash.js';

const STUCK = fakeHash('stuck on bitcoind');
const SLOW = fakeHash('slow');

/** A backend whose transaction() for STUCK never answers and for SLOW answers after `slowMs`. */
class StallingBackend extends FakeBackend {
  slowMs = 300;
  /** CPU time each history() call burns, ms (a heavy query answered without any I/O). */
  busyMs = 0;
  override async history(sh: string) {
    const end = performance.now() + this.busyMs;
    while (performance.now() < end) { /* busy */ }
    return super.history(sh);
  }
  override async transaction(txid: string, verbose: boolean): Promise<unknown> {
    if (txid === STUCK) return new Promise(() => {});
    if (txid === SLOW) {
      await new Promise((r) => setTimeout(r, this.slowMs));
      return 'slow';
    }
    return super.transaction(txid, verbose);
  }
}

async function start(limits = {}, backend: FakeBackend = new StallingBackend(10)) {
  const { manager, logs } = makeManager(backend, limits);
  const listeners = await startListeners([{ kind: 'tcp', host: '127.0.0.1', port: 0 }], manager, undefined);
  const port = listeners.bound[0]!.port;
  return {
    manager, backend, logs, port,
    stop: async () => {
      const closing = listeners.close();
      await manager.close();
      await closing;
    },
  };
}

/** A raw client: every reply line in arrival order (parsed), with a global arrival counter. */
let arrivals = 0;
async function client(port: number) {
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const got: { at: number; msg: any }[] = [];
  let buf = '';
  const waiters = new Set<() => void>();
  socket.on('data', (d) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      got.push({ at: ++arrivals, msg: JSON.parse(buf.slice(0, i)) });
      buf = buf.slice(i + 1);
    }
    for (const w of [...waiters]) w();
  });
  const waitFor = async (pred: (m: any) => boolean, ms = 10_000) => {
    const end = Date.now() + ms;
    for (;;) {
      const hit = got.find((g) => pred(g.msg));
      if (hit) return hit;
      if (Date.now() > end) throw new Error(`not received: ${JSON.stringify(got.map((g) => g.msg)).slice(0, 500)}`);
      await new Promise<void>((r) => {
        waiters.add(r);
        setTimeout(() => { waiters.delete(r); r(); }, 50);
      });
    }
  };
  const send = (m: unknown) => socket.write(`${JSON.stringify(m)}\n`);
  send({ jsonrpc: '2.0', id: 'v', method: 'server.version', params: ['t', '1.4'] });
  await waitFor((m) => m.id === 'v');
  return { socket, got, waitFor, send, close: () => socket.destroy() };
}

test('replies in completion order: server.ping is answered while a request waits on bitcoind', async () => {
  const srv = await start();
  try {
    const c = await client(srv.port);
    c.send({ jsonrpc: '2.0', id: 1, method: 'blockchain.transaction.get', params: [SLOW] });
    c.send({ jsonrpc: '2.0', id: 2, method: 'server.ping', params: [] });
    const ping = await c.waitFor((m) => m.id === 2);
    const slow = await c.waitFor((m) => m.id === 1);
    assert.equal(slow.msg.result, 'slow');
    assert.ok(ping.at < slow.at, 'the ping did not wait for the slow request');
    c.close();
  } finally {
    await srv.stop();
  }
});

test("a batch's replies keep the batch's order, whatever order they complete in", async () => {
  const srv = await start();
  try {
    const c = await client(srv.port);
    c.send([
      { jsonrpc: '2.0', id: 'a', method: 'blockchain.transaction.get', params: [SLOW] },
      { jsonrpc: '2.0', id: 'b', method: 'server.ping', params: [] },
      { jsonrpc: '2.0', id: 'c', method: 'blockchain.block.header', params: [2] },
    ]);
    const r = await c.waitFor((m) => Array.isArray(m));
    assert.deepEqual(r.msg.map((x: { id: string }) => x.id), ['a', 'b', 'c']);
    assert.equal(r.msg[0].result, 'slow');
    c.close();
  } finally {
    await srv.stop();
  }
});

test('a request stuck on bitcoind is answered -102 "server busy - request timed out" after --request-timeout', async () => {
  const srv = await start({ requestTimeout: 0.3 });
  try {
    const c = await client(srv.port);
    c.send({ jsonrpc: '2.0', id: 1, method: 'blockchain.transaction.get', params: [STUCK] });
    c.send({ jsonrpc: '2.0', id: 2, method: 'server.ping', params: [] });
    assert.equal((await c.waitFor((m) => m.id === 2)).msg.result, null);
    const r = await c.waitFor((m) => m.id === 1);
    assert.deepEqual(r.msg.error, { code: -102, message: 'server busy - request timed out' });
    assert.ok(srv.logs.some((l) => /blockchain\.transaction\.get timed out after 0\.3 s/.test(l)));
    // The session goes on.
    c.send({ jsonrpc: '2.0', id: 3, method: 'server.ping', params: [] });
    assert.equal((await c.waitFor((m) => m.id === 3)).msg.result, null);
    c.close();
  } finally {
    await srv.stop();
  }
});

test('a 1,000-request batch does not hold other sessions up: their requests are answered before it completes', { timeout: 60_000 }, async () => {
  const backend = new StallingBackend(10);
  backend.busyMs = 1; // 1,000 requests: about a second of CPU, all of it without I/O
  const sh = scriptHash('0014751e76e8199196d454941c45d1b3a323f1433bd6');
  backend.fund(sh, fakeHash('tx'), 3, 1000);
  const srv = await start({ costLimit: 1e9 }, backend);
  try {
    const a = await client(srv.port);
    const b = await client(srv.port);
    a.send(Array.from({ length: 1000 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'blockchain.scripthash.get_history', params: [sh] })));
    // Let the server take the whole batch in before the other session asks.
    await new Promise((r) => setTimeout(r, 100));
    b.send({ jsonrpc: '2.0', id: 'b', method: 'server.ping', params: [] });
    const big = await a.waitFor((m) => Array.isArray(m), 30_000);
    const ping = await b.waitFor((m) => m.id === 'b');
    assert.equal(big.msg.length, 1000);
    assert.ok(ping.at < big.at, 'the other session waited for the whole batch');
    a.close();
    b.close();
  } finally {
    await srv.stop();
  }
});

test('non-UTF-8 bytes on a line are -32700 "messages must be encoded in UTF-8"', async () => {
  const srv = await start();
  try {
    const c = await client(srv.port);
    c.socket.write(Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":1,"method":"server.ping","params":["'), Buffer.from([0xff, 0xfe]), Buffer.from('"]}\n')]));
    const r = await c.waitFor((m) => m.error);
    assert.deepEqual(r.msg, { jsonrpc: '2.0', error: { code: -32700, message: 'messages must be encoded in UTF-8' }, id: null });
    c.close();
  } finally {
    await srv.stop();
  }
});
