import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { parseServer } from '../../src/protocol/server-address.js';
import { compareServers, decide } from '../../src/diag/compare.js';
import { runLoadBench } from '../../src/diag/loadbench.js';
import { startLyingServer, WATCH_SCRIPTHASH, EMPTY_SCRIPTHASH, type LyingServer, type LyingOptions } from '../support/lying-server.js';
import { assertLoopbackOnly } from '../support/loopback-guard.js';

assertLoopbackOnly();
const servers: LyingServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});
async function start(o: LyingOptions = {}) {
  const s = await startLyingServer(o);
  servers.push(s);
  return parseServer(s.spec);
}

test('decide: majority, quorum and named disagreements', () => {
  const r = decide('tip', undefined, [
    { server: 'a', answer: { height: 5, hex: 'x' }, ms: 1 },
    { server: 'b', answer: { hex: 'x', height: 5 }, ms: 1 },
    { server: 'c', answer: { height: 4, hex: 'y' }, ms: 1 },
    { server: 'd', error: 'refused', ms: 1 },
  ], 3);
  assert.equal(r.agreeing, 2);
  assert.equal(r.met, false);
  assert.deepEqual(r.servers.map((s) => s.agrees), [true, true, false, false]);
  assert.match(r.disagreements[0]!, /^c says .*"height":4/);
  assert.match(r.disagreements[1]!, /^d: no answer/);
});

test('compare finds the padded balance and the stale tip', async () => {
  const addrs = [await start(), await start(), await start({ balanceDelta: 5000, tipHeight: 25 })];
  const bal = await compareServers(addrs, { question: 'balance', arg: WATCH_SCRIPTHASH });
  assert.equal(bal.agreeing, 2);
  assert.equal(bal.met, true);
  assert.equal(bal.servers[2]!.agrees, false);
  const strict = await compareServers(addrs, { question: 'tip', quorum: 3 });
  assert.equal(strict.met, false);
  assert.equal((strict.answer as { height: number }).height, 30);
  const st = await compareServers(addrs, { question: 'status', arg: EMPTY_SCRIPTHASH, quorum: 3 });
  assert.equal(st.met, true);
  assert.equal(st.answer, null);
});

test('compare validates every answer: two servers agreeing on an invalid reply do not win the vote', async () => {
  const addrs = [await start({ fee: -5 }), await start({ fee: -5 }), await start({ fee: 0.0002 })];
  const r = await compareServers(addrs, { question: 'fee', arg: '2', quorum: 2 });
  assert.equal(r.met, false);
  assert.equal(r.agreeing, 1);
  assert.equal(r.answer, 0.0002);
  for (const s of r.servers.slice(0, 2)) assert.match(s.error ?? '', /invalid reply/);
});

test('runLoadBench: request count, mix and latency figures', async () => {
  const srv = await start();
  const s = await runLoadBench({ server: srv, sessions: 4, requests: 400, scripthashes: [WATCH_SCRIPTHASH, EMPTY_SCRIPTHASH], txids: [] });
  assert.equal(s.requests, 400);
  assert.equal(s.errors, 0);
  assert.ok(s.throughput > 0);
  assert.ok(s.latency.p50 <= s.latency.p99 && s.latency.p99 <= s.latency.max);
  assert.deepEqual(Object.keys(s.byMethod).sort(), ['balance', 'header', 'history', 'listunspent']);
  const dropping = await start({ dropAfter: 50 });
  const d = await runLoadBench({ server: dropping, sessions: 2, requests: 200, scripthashes: [EMPTY_SCRIPTHASH] });
  assert.ok(d.errors >= 1);
  assert.ok(d.errorsByKind.connection! >= 1, JSON.stringify(d.errorsByKind));
  // Refusals are timed apart from answers.
  assert.equal(s.errorLatency.count, 0);
  assert.equal(d.errorLatency.count, d.errors);
  assert.equal(d.latency.count, d.requests - d.errors);
});
