/**
 * Initial-sync throughput of the embedded indexer on a generated regtest-shaped chain
 * (>= 200,000 txs) served by a minimal in-process bitcoind stand-in (RPC + REST blocks +
 * spenttxouts). The indexer does not validate PoW or scripts, so the generator only builds
 * well-formed blocks: each tx spends 1-2 earlier outputs and pays 2 P2WPKH outputs from a
 * pool of reused keys. Writes the figures to docs/BENCHMARKS.md (section "sync").
 * Run: node --import tsx bench/sync.ts [txs] [--no-rest]
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { openBackend } from '../src/server/backend.js';
import { REGTEST_GENESIS_HASH, REGTEST_GENESIS_HEX } from '../test/support/sim/genesis.js';
import { writeSection } from './report.js';

const TXS = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 220_000);
const REST = !process.argv.includes('--no-rest');
const PER_BLOCK = 1000;
const KEYS = 50_000;

let seed = 42;
function rnd(n: number): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) % n;
}
const sha256d = (b: Buffer): Buffer => createHash('sha256').update(createHash('sha256').update(b).digest()).digest();
const scripts = Array.from({ length: KEYS }, (_, i) => Buffer.concat([Buffer.from([0, 20]), createHash('sha256').update(`k${i}`).digest().subarray(0, 20)]));
const varint = (n: number): Buffer => (n < 0xfd ? Buffer.from([n]) : Buffer.from([0xfd, n & 0xff, n >> 8]));
function u64(v: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32LE(v >>> 0, 0);
  b.writeUInt32LE(Math.floor(v / 2 ** 32), 4);
  return b;
}
function tx(ins: { txid: Buffer; vout: number }[], outs: { value: number; script: Buffer }[], coinbaseHeight?: number): Buffer {
  const parts: Buffer[] = [Buffer.from([2, 0, 0, 0]), varint(ins.length || 1)];
  if (coinbaseHeight !== undefined) {
    const sig = Buffer.from([4, ...Buffer.from(Uint32Array.of(coinbaseHeight).buffer)]);
    parts.push(Buffer.alloc(32), Buffer.from([0xff, 0xff, 0xff, 0xff]), varint(sig.length), sig, Buffer.from([0xff, 0xff, 0xff, 0xff]));
  }
  for (const i of ins) {
    const b = Buffer.alloc(41);
    i.txid.copy(b);
    b.writeUInt32LE(i.vout, 32);
    b.writeUInt32LE(0xfffffffd, 37);
    parts.push(b);
  }
  parts.push(varint(outs.length));
  for (const o of outs) parts.push(u64(o.value), varint(o.script.length), o.script);
  parts.push(Buffer.alloc(4));
  return Buffer.concat(parts);
}

console.error(`generating ${TXS} txs...`);
const genesis = Buffer.from(REGTEST_GENESIS_HEX, 'hex');
const blocks: Buffer[] = [genesis];
const spent: Buffer[] = [Buffer.from([1, 0])];
const hashes: string[] = [REGTEST_GENESIS_HASH];
const pool: { txid: Buffer; vout: number; value: number; script: Buffer }[] = [];
let made = 0;
let prev = sha256d(genesis.subarray(0, 80));
while (made < TXS) {
  const h = blocks.length;
  const txs: Buffer[] = [];
  const undo: Buffer[] = [varint(0)];
  const cb = tx([], [{ value: 50e8, script: scripts[rnd(KEYS)]! }], h);
  const cbid = sha256d(cb);
  txs.push(cb);
  const newOuts: typeof pool = [{ txid: cbid, vout: 0, value: 50e8, script: scripts[rnd(KEYS)]! }];
  newOuts[0]!.script = cb.subarray(cb.length - 4 - 22, cb.length - 4);
  const n = pool.length > 10 ? Math.min(PER_BLOCK, TXS - made) : 0;
  for (let i = 0; i < n && pool.length > 2; i++) {
    const k = 1 + rnd(2);
    const ins = [];
    let total = 0;
    for (let j = 0; j < k && pool.length > 0; j++) {
      const at = rnd(pool.length);
      const c = pool[at]!;
      pool[at] = pool[pool.length - 1]!;
      pool.pop();
      ins.push(c);
      total += c.value;
    }
    const fee = Math.min(1000, Math.floor(total / 10));
    const a = Math.floor((total - fee) / 2);
    const outs = [{ value: a, script: scripts[rnd(KEYS)]! }, { value: total - fee - a, script: scripts[rnd(KEYS)]! }];
    const raw = tx(ins, outs);
    const id = sha256d(raw);
    txs.push(raw);
    undo.push(varint(ins.length), ...ins.flatMap((c) => [u64(c.value), varint(c.script.length), c.script]));
    outs.forEach((o, v) => newOuts.push({ txid: id, vout: v, value: o.value, script: o.script }));
    made++;
  }
  pool.push(...newOuts);
  made += 1;
  const header = Buffer.alloc(80);
  header.writeUInt32LE(0x20000000, 0);
  prev.copy(header, 4);
  createHash('sha256').update(String(h)).digest().copy(header, 36);
  header.writeUInt32LE(1_600_000_000 + h * 600, 68);
  header.writeUInt32LE(0x207fffff, 72);
  const block = Buffer.concat([header, varint(txs.length), ...txs]);
  prev = sha256d(header);
  blocks.push(block);
  hashes.push(Buffer.from(prev).reverse().toString('hex'));
  spent.push(Buffer.concat([varint(txs.length), ...undo]));
}
const byHash = new Map(hashes.map((h, i) => [h, i]));
const tip = blocks.length - 1;
console.error(`${blocks.length} blocks, ${made} txs, ${(blocks.reduce((a, b) => a + b.length, 0) / 2 ** 20).toFixed(0)} MiB`);

const rpc = (m: { method: string; params: unknown[] }): unknown => {
  switch (m.method) {
    case 'getblockchaininfo': return { chain: 'regtest', blocks: tip, headers: tip, initialblockdownload: false, pruned: false };
    case 'getblockhash': return hashes[m.params[0] as number];
    case 'getnetworkinfo': return { version: 300000, relayfee: 0.00001 };
    case 'getblockcount': return tip;
    case 'getbestblockhash': return hashes[tip];
    case 'getblock': return blocks[byHash.get(m.params[0] as string)!]!.toString('hex');
    case 'getrawmempool': return [];
    default: throw new Error(`unsupported ${m.method}`);
  }
};
const server = http.createServer((req, res) => {
  const url = req.url ?? '/';
  if (url.startsWith('/rest/')) {
    if (!REST) return void res.writeHead(404).end();
    if (url === '/rest/chaininfo.json') return void res.end('{}');
    const m = /^\/rest\/(block|spenttxouts)\/([0-9a-f]{64})\.bin$/.exec(url);
    const i = m ? byHash.get(m[2]!) : undefined;
    if (i === undefined) return void res.writeHead(404).end();
    return void res.end(m![1] === 'block' ? blocks[i] : spent[i]);
  }
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const msg = JSON.parse(body);
    const one = (x: { id: number; method: string; params: unknown[] }) => ({ id: x.id, result: rpc(x), error: null });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(Array.isArray(msg) ? msg.map(one) : one(msg)));
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as AddressInfo).port;

const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sync-'));
let peakRss = 0;
const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
const t0 = process.hrtime.bigint();
const b = await openBackend({
  network: 'regtest', bitcoindUrl: `http://u:p@127.0.0.1:${port}`, dbDir, zmq: false, pollMs: 3_600_000,
  log: (l) => console.error(l), onProgress: (p) => p.done || console.error(`height ${p.height}/${p.target} ${Math.round(p.txPerSec)} tx/s`),
});
await b.sync;
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
clearInterval(rssTimer);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
await b.close();
const bytes = fs.readdirSync(dbDir).reduce((a, f) => a + fs.statSync(path.join(dbDir, f)).size, 0);
fs.rmSync(dbDir, { recursive: true, force: true });
server.close();
const totalTx = made + 1;
const r = { blocksPerSec: tip / secs, txPerSec: totalTx / secs, bytesPerTx: bytes / totalTx, peakRssMiB: peakRss / 2 ** 20 };
console.log(JSON.stringify({ txs: totalTx, blocks: tip, secs, ...r }));
writeSection(REST ? 'sync' : 'sync-rpc', REST ? 'Initial sync (REST + spenttxouts)' : 'Initial sync (RPC only)', `node --import tsx bench/sync.ts ${TXS}${REST ? '' : ' --no-rest'}`, `
Generated chain: ${tip.toLocaleString('en')} blocks, ${totalTx.toLocaleString('en')} txs (~${PER_BLOCK} per block, 1-2 inputs, 2 P2WPKH outputs over ${KEYS.toLocaleString('en')} reused keys), served from memory by an in-process bitcoind stand-in ${REST ? 'over REST (`/rest/block`, `/rest/spenttxouts`)' : 'over RPC (`getblock hash 0` batches)'}. Measured from openBackend to the end of the initial sync.

| blocks/s | tx/s | index bytes per tx | peak RSS |
|---|---|---|---|
| ${Math.round(r.blocksPerSec).toLocaleString('en')} | ${Math.round(r.txPerSec).toLocaleString('en')} | ${Math.round(r.bytesPerTx)} | ${Math.round(r.peakRssMiB)} MiB |
`);
