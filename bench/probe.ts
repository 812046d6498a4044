/**
 * The 50-server probe figure: 45 loopback servers delaying every reply by 1 s plus 5 dead
 * ports, probed by probeAll (the default concurrency, 5 s deadline). A sequential probe would
 * need about 50 x (3 round trips) s; the concurrent one about one wave of three round trips.
 * Run: node --import tsx bench/probe.ts
 */
import net from 'node:net';
import { parseServer } from '../src/protocol/server-address.js';
import { probeAll } from '../src/diag/probe.js';
import { startLyingServer } from '../test/support/lying-server.js';
import { writeSection } from './report.js';

const DELAY = 1000;
const servers = await Promise.all(Array.from({ length: 45 }, () => startLyingServer({ delayMs: DELAY })));
const dead: string[] = [];
for (let i = 0; i < 5; i++) {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  dead.push(`127.0.0.1:${(s.address() as net.AddressInfo).port}:t`);
  await new Promise<void>((r) => s.close(() => r()));
}
const addrs = [...servers.map((s) => s.spec), ...dead].map((s) => parseServer(s));
const t0 = performance.now();
const report = await probeAll(addrs, { network: 'regtest', deadlineMs: 5000 });
const elapsed = performance.now() - t0;
const slowest = Math.max(...report.servers.filter((r) => r.reachable).map((r) => r.totalMs));
await Promise.all(servers.map((s) => s.close()));
const body = [
  `| servers | reachable | reply delay | slowest server | whole probe | probe / reply delay | probe / slowest server | sequential estimate |`,
  `|---|---|---|---|---|---|---|---|`,
  `| 50 (5 dead) | ${report.summary.reachable} | ${DELAY} ms | ${(slowest / 1000).toFixed(2)} s | ${(elapsed / 1000).toFixed(2)} s | ${(elapsed / DELAY).toFixed(2)} | ${(elapsed / slowest).toFixed(2)} | ${((45 * slowest) / 1000).toFixed(0)} s |`,
  '',
  'Each reachable server costs three round trips (server.version; then features and tip together; then 3 pings at once),',
  'so a single server takes about 3 x the reply delay. With the default 100 probes in flight the 50 servers run in one wave,',
  'so the whole probe takes about as long as the slowest server instead of the sum (the test allows 15 s).',
].join('\n');
writeSection('probe', 'peers --probe: 50 loopback servers, 1 s reply delay', 'node --import tsx bench/probe.ts', body);
console.log(body);
