/**
 * The simulator's HTTP transport behaves as bitcoind's (libevent evhttp_set_timeout): no
 * Keep-Alive hint, an idle keep-alive connection closed after -rpcservertimeout without a
 * reply; and the seeded drops are reproducible and really happen.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { Simulator } from '../../sim/server.js';
import type { DropOptions } from '../../sim/drops.js';

function post(sim: Simulator, agent: http.Agent | false, method: string, params: unknown[] = []): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const body = JSON.stringify({ jsonrpc: '1.0', id: 1, method, params });
  const auth = fs.readFileSync(sim.cookiePath, 'utf8');
  return new Promise((resolve, reject) => {
    const req = http.request(sim.rpcUrl, { method: 'POST', agent, headers: { authorization: `Basic ${Buffer.from(auth).toString('base64')}`, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('an idle keep-alive connection is closed after -rpcservertimeout, with no reply and no Keep-Alive hint', { timeout: 30_000 }, async () => {
  const sim = new Simulator({ rpcServerTimeout: 1 });
  await sim.start();
  try {
    const auth = fs.readFileSync(sim.cookiePath, 'utf8');
    const sock = net.connect(sim.rpcPort, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    let got = '';
    sock.on('data', (d) => (got += d));
    const closed = new Promise<number>((r) => sock.once('close', () => r(Date.now())));
    const body = '{"method":"getblockcount","params":[],"id":1}';
    sock.write(`POST / HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${Buffer.from(auth).toString('base64')}\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    for (let i = 0; i < 500 && !got.includes('\r\n\r\n{'); i++) await new Promise((r) => setTimeout(r, 10));
    const answered = Date.now();
    assert.match(got, /^HTTP\/1\.1 200/);
    assert.doesNotMatch(got, /keep-alive:/i, 'Core sends no Keep-Alive: timeout= hint');
    const len = got.length;
    const at = await closed;
    assert.equal(got.length, len, 'nothing is written when the idle connection is closed');
    assert.ok(at - answered >= 900, `closed after ${at - answered} ms, before the 1 s timeout`);
    assert.equal(sim.dropStats.timeout, 1);

    // A Node keep-alive agent therefore keeps the socket and reuses it within the timeout.
    const agent = new http.Agent({ keepAlive: true });
    const a = await post(sim, agent, 'getblockcount');
    assert.equal(a.headers['keep-alive'], undefined);
    assert.equal(a.headers.connection, 'keep-alive');
    await post(sim, agent, 'getblockcount');
    assert.equal(Object.values(agent.freeSockets).flat().length, 1);
    agent.destroy();
  } finally {
    await sim.stop();
    fs.rmSync(sim.datadir, { recursive: true, force: true });
  }
});

test('seeded drops: every kind happens, and the same seed gives the same decisions', { timeout: 30_000 }, async () => {
  const run = async (drops: DropOptions): Promise<string> => {
    const sim = new Simulator({ drops });
    await sim.start();
    const outcomes: string[] = [];
    try {
      for (let i = 0; i < 120; i++) {
        // A fresh connection each: idle drops cannot race the next request.
        try {
          const r = await post(sim, false, 'getblockhash', [0]);
          outcomes.push(JSON.parse(r.body).result ? 'ok' : 'bad');
        } catch (e) {
          outcomes.push((e as NodeJS.ErrnoException).code ?? 'error');
        }
      }
      const s = sim.dropStats;
      assert.ok(s.request > 0 && s.beforeResponse > 0 && s.midResponse > 0 && s.idle > 0, JSON.stringify(s));
      assert.equal(outcomes.filter((o) => o !== 'ok').length, s.request + s.beforeResponse + s.midResponse);
      return `${JSON.stringify(s)} ${outcomes.map((o) => (o === 'ok' ? '.' : 'x')).join('')}`;
    } finally {
      await sim.stop();
      fs.rmSync(sim.datadir, { recursive: true, force: true });
    }
  };
  const a = await run({ seed: 'transport', rate: 0.15 });
  const b = await run({ seed: 'transport', rate: 0.15 });
  assert.equal(a, b);
  assert.notEqual(await run({ seed: 'other', rate: 0.15 }), a);
  // Off by default, and the driver's header exempts a request.
  const sim = new Simulator({});
  await sim.start();
  try {
    for (let i = 0; i < 20; i++) assert.equal((await post(sim, false, 'getblockcount')).status, 200);
    assert.deepEqual(sim.dropStats, { request: 0, beforeResponse: 0, midResponse: 0, idle: 0, timeout: 0 });
  } finally {
    await sim.stop();
    fs.rmSync(sim.datadir, { recursive: true, force: true });
  }
});
