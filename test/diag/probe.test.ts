import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { parseServer } from '../../src/protocol/server-address.js';
import { probeAll } from '../../src/diag/probe.js';
import { crawl, healthyServers } from '../../src/diag/crawl.js';
import { startLyingServer, type LyingServer } from '../support/lying-server.js';
import { certValid } from '../support/certs.js';
import { assertLoopbackOnly } from '../support/loopback-guard.js';

assertLoopbackOnly();
const servers: LyingServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});
async function start(o: Parameters<typeof startLyingServer>[0] = {}) {
  const s = await startLyingServer(o);
  servers.push(s);
  return s;
}
/** A loopback port nobody listens on. */
async function deadPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

test('50 servers delaying every reply by 1 s (some dead) are probed concurrently', async () => {
  const specs: string[] = [];
  for (let i = 0; i < 45; i++) specs.push((await start({ delayMs: 1000 })).spec);
  for (let i = 0; i < 5; i++) specs.push(`127.0.0.1:${await deadPort()}:t`);
  const t0 = Date.now();
  const report = await probeAll(specs.map((s) => parseServer(s)), { network: 'regtest', deadlineMs: 5000 });
  const elapsed = Date.now() - t0;
  assert.ok(elapsed < 15_000, `took ${elapsed} ms`);
  assert.equal(report.summary.probed, 50);
  assert.equal(report.summary.reachable, 45);
  const ok = report.servers[0]!;
  assert.equal(ok.genesisOk, true);
  assert.equal(ok.height, 30);
  assert.equal(ok.lag, 0);
  assert.ok(ok.pingP50Ms! >= 900, `ping ${ok.pingP50Ms}`);
  assert.equal(report.servers.at(-1)!.reachable, false);
  assert.equal(report.servers.at(-1)!.errorKind, 'connection');
});

test('probe names stale tips, wrong chains, slow and dropping servers, and TLS certificates', async () => {
  const cert = await certValid(20);
  const honest = await start();
  const honest2 = await start();
  const tlsSrv = await start({ tls: cert });
  const stale = await start({ tipHeight: 20 });
  const wrong = await start({ genesis: '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f' });
  const slow = await start({ delayMs: 3000 });
  const drop = await start({ dropAfter: 0 });
  const report = await probeAll([honest, honest2, tlsSrv, stale, wrong, slow, drop].map((s) => parseServer(s.spec)), { network: 'regtest', deadlineMs: 1500 });
  const by = (s: LyingServer) => report.servers.find((r) => r.server === s.spec)!;
  assert.equal(by(stale).lag, 10);
  assert.equal(by(honest).lag, 0);
  assert.equal(by(wrong).genesisOk, false);
  assert.equal(by(wrong).errorKind, 'wrong-chain');
  assert.equal(by(slow).errorKind, 'timeout');
  assert.equal(by(drop).reachable, false);
  const t = by(tlsSrv).tls!;
  assert.equal(t.selfSigned, true);
  assert.equal(t.ca, false);
  assert.match(t.fingerprint256, /^[0-9a-f]{64}$/);
  assert.ok(t.daysToExpiry >= 19 && t.daysToExpiry <= 20, String(t.daysToExpiry));
  assert.equal(report.summary.wrongChain, 1);
  assert.equal(report.summary.medianHeight, 30);
  // healthy first; the dead and slow ones last
  assert.equal(report.servers.at(-1)!.reachable, false);
});

test('crawl follows peers of peers breadth-first up to a depth', async () => {
  const c = await start();
  const b = await start({ peers: [['127.0.0.1', '127.0.0.1', ['v1.6', `t${c.port}`]]] });
  const a = await start({ peers: [['127.0.0.1', '127.0.0.1', ['v1.6', `t${b.port}`, 'p1000']]] });
  const r2 = await crawl([parseServer(a.spec)], { network: 'regtest', deadlineMs: 2000, maxDepth: 2 });
  assert.deepEqual(new Set(healthyServers(r2)), new Set([a.spec, b.spec, c.spec]));
  assert.equal(r2.crawl.depth, 2);
  const r1 = await crawl([parseServer(a.spec)], { network: 'regtest', deadlineMs: 2000, maxDepth: 1 });
  assert.equal(r1.servers.length, 2);
  const capped = await crawl([parseServer(a.spec)], { network: 'regtest', deadlineMs: 2000, maxServers: 1 });
  assert.equal(capped.servers.length, 1);
  assert.equal(capped.crawl.truncated, true);
});
