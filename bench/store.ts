/**
 * Store choice with the real write pattern: the indexer itself syncs a chain file (one raw
 * block hex per line, e.g. from the mainnet-shaped generator) served by the regtest node
 * simulator over HTTP, once per engine (RocksDB, LMDB) and optionally once with another
 * build (--baseline-tree DIR: a checkout of an older layout with node_modules), each in a
 * child process (test/support/sync-child.ts) so memory and /proc/self/io are the indexer's.
 * Reports tx/s (whole sync and per 100,000-tx window), bytes on disk per tx, bytes written
 * to disk per tx (write_bytes), peak RssAnon and maxRSS, and each table's size.
 * Run: node --import tsx bench/store.ts --chain FILE [--engines rocksdb,lmdb] [--baseline-tree DIR] [--db-cache MB]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Simulator } from '../sim/server.js';
import { openStore, type StoreEngine } from '../src/server/store/db.js';
import { TABLES } from '../src/server/store/rows.js';
import { generateChain } from '../sim/chaingen.js';
import { dirBytes, writeSection } from './report.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** One measured sync. */
export interface StoreRun {
  label: string;
  txs: number;
  secs: number;
  txPerSec: number;
  windows: number[];
  bytesPerTx: number;
  writeBytesPerTx: number;
  maxAnonMb: number;
  maxRssMb: number;
  tables: { name: string; entries: number; bytesPerTx: number }[];
}

/** tx/s in each full 100,000-tx window, from [txs, secs] samples. */
export function windowRates(curve: [number, number][], size = 100_000): number[] {
  const out: number[] = [];
  let prevSecs = 0;
  for (const [n, s] of curve) {
    while (n >= (out.length + 1) * size) {
      out.push(Math.round(size / Math.max(1e-3, s - prevSecs)));
      prevSecs = s;
    }
  }
  return out;
}

async function run(sim: Simulator, tree: string, label: string, args: string[], engine: StoreEngine | null, log: (l: string) => void): Promise<StoreRun> {
  const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-store-'));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(tree, 'test/support/sync-child.ts'), sim.rpcUrl, sim.cookiePath, dbDir, '--report', '--chunk', '1000000', ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: tree });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4000)));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    const line = out.split('\n').find((l) => l.startsWith('{'));
    if (code !== 0 || !line) throw new Error(`${label}: sync child exited with ${code}: ${err}`);
    const rep = JSON.parse(line) as { secs: number; txs: number; maxRssBytes: number; maxAnonBytes: number; writeBytes: number; curve: [number, number][] };
    const txs = rep.txs + 1;
    const tables: StoreRun['tables'] = [];
    if (engine) {
      const st = await openStore(dbDir);
      for (const t of st.stats()) tables.push({ name: TABLES.find((x) => x.tag === t.tag)?.name ?? String(t.tag), entries: t.entries, bytesPerTx: t.bytes / txs });
      await st.close();
    }
    const r: StoreRun = {
      label, txs, secs: rep.secs, txPerSec: txs / rep.secs, windows: windowRates(rep.curve), bytesPerTx: dirBytes(dbDir) / txs,
      writeBytesPerTx: rep.writeBytes / txs, maxAnonMb: rep.maxAnonBytes / 2 ** 20, maxRssMb: rep.maxRssBytes / 2 ** 20, tables,
    };
    log(JSON.stringify(r));
    return r;
  } finally {
    fs.rmSync(dbDir, { recursive: true, force: true });
  }
}

/** Syncs the chain once per engine (and baseline build); returns the runs. */
export async function main(opts: { chain: string; engines?: StoreEngine[]; baselineTree?: string; dbCacheMb?: number; log?: (l: string) => void }): Promise<StoreRun[]> {
  const log = opts.log ?? ((l: string) => console.error(l));
  const sim = new Simulator({ rest: true, preloadFile: opts.chain });
  await sim.start();
  log(`simulator holds ${sim.node!.chain.height} blocks`);
  const runs: StoreRun[] = [];
  try {
    const cache = opts.dbCacheMb ? ['--db-cache', String(opts.dbCacheMb)] : [];
    if (opts.baselineTree) runs.push(await run(sim, opts.baselineTree, 'baseline build (layout 1, LMDB)', [], null, log));
    for (const e of opts.engines ?? ['rocksdb', 'lmdb']) runs.push(await run(sim, ROOT, `layout 2, ${e}`, ['--engine', e, ...cache], e, log));
  } finally {
    await sim.stop();
    fs.rmSync(sim.datadir, { recursive: true, force: true });
  }
  return runs;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  let chain = arg('--chain');
  let tmp: string | undefined;
  if (!chain) {
    // No chain given (npm run bench): a small chaingen chain, which says little about size at scale.
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-store-chain-'));
    chain = path.join(tmp, 'chain.hex');
    const fd = fs.openSync(chain, 'w');
    generateChain({ blocks: 400, txsPerBlock: 200, seed: 'bench-store', onBlock: (hex) => void fs.writeSync(fd, `${hex}\n`) });
    fs.closeSync(fd);
  }
  const runs = await main({
    chain, engines: arg('--engines')?.split(',') as StoreEngine[] | undefined, baselineTree: arg('--baseline-tree'),
    dbCacheMb: arg('--db-cache') ? Number(arg('--db-cache')) : undefined,
  });
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  const f = (n: number): string => Math.round(n).toLocaleString('en');
  writeSection('store', 'Store choice (real write pattern)', process.argv.slice(1).map((a) => path.relative(ROOT, a) || a).join(' '), `
The indexer syncs ${f(runs[0]!.txs)} transactions ${tmp ? '(a small chaingen chain: run with --chain FILE for a mainnet-shaped one)' : `of ${path.basename(chain)}`}
from the simulator, once per engine, each in a child process.

| run | tx/s | tx/s per 100k window | bytes on disk / tx | written to disk / tx | peak RssAnon | maxRSS |
|---|---|---|---|---|---|---|
${runs.map((r) => `| ${r.label} | ${f(r.txPerSec)} | ${r.windows.map(f).join(', ')} | ${f(r.bytesPerTx)} | ${f(r.writeBytesPerTx)} | ${f(r.maxAnonMb)} MiB | ${f(r.maxRssMb)} MiB |`).join('\n')}

Per table (bytes / tx; LMDB: pages, RocksDB: key + value bytes before compression):

| run | ${TABLES.map((t) => t.name).join(' | ')} |
|---|${TABLES.map(() => '---').join('|')}|
${runs.filter((r) => r.tables.length > 0).map((r) => `| ${r.label} | ${TABLES.map((t) => (r.tables.find((x) => x.name === t.name)?.bytesPerTx ?? 0).toFixed(1)).join(' | ')} |`).join('\n')}
`);
  console.log(JSON.stringify(runs));
}
