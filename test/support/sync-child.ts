/**
 * A syncing backend in its own process, for the kill -9 test (test/server/indexer.test.ts)
 * and bench/sync.ts (which measures this process's peak RSS apart from the node's).
 * Opens the backend on a bitcoind (URL and cookie from argv), prints "open" once syncing
 * starts and "synced" when done, then exits. With --report it prints one more line first:
 * {"secs","height","txs","maxRssBytes","maxAnonBytes","writeBytes","curve","anonCurve"} (secs from
 * openBackend to the end of the sync; maxAnonBytes is the peak of Linux's RssAnon, i.e. without
 * LMDB's mapped pages; writeBytes is /proc/self/io write_bytes, what reached the disk layer;
 * curve is [txs, secs] at each progress report, anonCurve [txs, RssAnon bytes] every 50 ms).
 * Usage: node --import tsx test/support/sync-child.ts URL COOKIE DBDIR [--chunk N] [--undo-blocks N]
 *        [--db-cache MB] [--engine lmdb|rocksdb] [--report]
 */
import fs from 'node:fs';
import { openBackend } from '../../src/server/serve.js';

const [url, cookie, dbDir, ...rest] = process.argv.slice(2);
const opt = (name: string): number | undefined => {
  const i = rest.indexOf(name);
  return i >= 0 ? Number(rest[i + 1]) : undefined;
};
const report = rest.includes('--report');
let maxAnon = 0;
const curve: [number, number][] = [];
const anonCurve: [number, number][] = [];
const sampleAnon = (): void => {
  try {
    const m = /RssAnon:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) {
      maxAnon = Math.max(maxAnon, Number(m[1]) * 1024);
      if (anonCurve.length === 0 || anonCurve[anonCurve.length - 1]![0] !== txs) anonCurve.push([txs, Number(m[1]) * 1024]);
    }
  } catch {
    // not Linux: reported as 0
  }
};
const writeBytes = (): number => {
  try {
    return Number(/write_bytes:\s+(\d+)/.exec(fs.readFileSync('/proc/self/io', 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
};
const sampler = report ? setInterval(sampleAnon, 50) : undefined;
const t0 = process.hrtime.bigint();
let txs = 0;
const b = await openBackend({
  network: 'regtest', bitcoindUrl: url, rpcCookie: cookie, dbDir: dbDir!, zmq: false,
  maxChunkBlocks: opt('--chunk') ?? 3, undoBlocks: opt('--undo-blocks'), dbCacheMb: opt('--db-cache'),
  dbEngine: rest.includes('--engine') ? (rest[rest.indexOf('--engine') + 1] as 'lmdb' | 'rocksdb') : undefined,
  log: report ? (l) => process.stderr.write(`${l}\n`) : () => {},
  onProgress: (p) => {
    txs = Math.max(txs, p.txs);
    if (report) curve.push([p.txs, Number(process.hrtime.bigint() - t0) / 1e9]);
    if (report && !p.done) process.stderr.write(`height ${p.height}/${p.target}, ${Math.round(p.txPerSec)} tx/s\n`);
  },
  pollMs: 3_600_000, mempoolPollMs: 3_600_000,
});
process.stdout.write('open\n');
await b.sync;
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
if (report) {
  clearInterval(sampler);
  sampleAnon();
  // resourceUsage().maxRSS is the process's peak resident set (KiB), mapped LMDB pages included.
  process.stdout.write(`${JSON.stringify({ secs, height: b.backend.tip().height, txs, maxRssBytes: process.resourceUsage().maxRSS * 1024, maxAnonBytes: maxAnon, writeBytes: writeBytes(), curve, anonCurve })}\n`);
}
process.stdout.write('synced\n');
await b.close();
