/**
 * `npm run bench -- scale`: initial sync of `serve --local` on a mainnet-shaped chain of
 * 2,000,000 transactions (issue 8). The chain comes from sim/mainnet-gen.ts
 * (cached in .bench-tmp/); the regtest node simulator serves it over real HTTP (JSON-RPC +
 * REST) from its own process; the real CLI of each build (`node <checkout>/bin/electrum-cli
 * serve --local`) is a child process whose /proc entries are sampled every 100 ms: RssAnon,
 * VmRSS, VmHWM, rchar (bytes it has read: nearly all of it the blocks it fetches) and write_bytes. Sync time runs
 * from spawning serve to its "listening" line (it listens only once caught up).
 *
 * Recorded per build: tx/s overall and per 100,000-tx window (the curve: the window's
 * transactions over the time the indexer took to receive them, i.e. fetch progress, which
 * is at most one fetch group ahead of what is committed), bytes per tx by table
 * (bench/index-size.ts, generic over LMDB / LevelDB), file size, bytes written per tx, peak
 * RssAnon and maxRSS, CPU seconds of indexer and node, and an extrapolation to mainnet.
 *
 * --baseline-dir DIR also runs another checkout's build (its dist/, `npm run build` there
 * first) on the same chain and node in the same run, and reports ratios against it.
 *
 * Usage: npm run bench -- scale [--txs N] [--seed S] [--txs-per-block M] [--tiny-blocks K]
 *   [--tiny-txs T] [--ramp-blocks R] [--baseline-dir DIR] [--repeat N] [--no-write] [--json FILE]
 * (npm passes the options after `scale` on to this file.) BENCH_CACHE_DIR moves the chain
 * cache (e.g. to share one between checkouts).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CACHE_DIR, cachedMainnetChain, type MainnetGenOptions, type MainnetGenStats } from '../sim/mainnet-gen.js';
import { readLines } from '../sim/persist.js';
import { indexSize, type IndexSize } from './index-size.js';
import { writeSection } from './report.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WINDOW = 100_000;
/** Mainnet, for the extrapolation (late 2025, approximate). */
const MAINNET_TXS = 1.2e9;
const MAINNET_UTXOS = 180e6;

/** A build of electrum-cli to measure: a checkout with bin/electrum-cli and a build in dist/. */
export interface Build { label: string; dir: string }

/** One sample of the indexer's /proc entries. */
interface Sample { t: number; writeBytes: number; rss: number; anon: number; hwm: number }

/** What one sync measured. */
export interface ScaleResult {
  build: string;
  txs: number;
  secs: number;
  txPerSec: number;
  /** tx/s per WINDOW-tx window of committed progress. */
  curve: number[];
  /** Peak RssAnon (bytes) per WINDOW-tx window of committed progress: flat when memory is bounded. */
  anonCurve: number[];
  /** Commit points the server reported (seconds since spawn, height). */
  progress: { t: number; height: number }[];
  /** Longest time between two reports that advanced the index (about the longest commit). */
  longestCommitGapSecs: number;
  /** Whether serve ran under a pseudo-terminal (a report per commit) or not (one per 10 s). */
  pty: boolean;
  size: IndexSize;
  writeBytes: number;
  peakAnonBytes: number;
  maxRssBytes: number;
  indexerCpuSecs: number;
  nodeCpuSecs: number;
}

function readProc(pid: number): { writeBytes: number; rss: number; anon: number; hwm: number; cpu: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const io = fs.readFileSync(`/proc/${pid}/io`, 'utf8');
    const kb = (k: string): number => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    const n = (k: string): number => Number(new RegExp(`^${k}: (\\d+)`, 'm').exec(io)?.[1] ?? 0);
    return { writeBytes: n('write_bytes'), rss: kb('VmRSS'), anon: kb('RssAnon'), hwm: kb('VmHWM'), cpu: cpuSecs(pid) };
  } catch {
    return null;
  }
}

/** utime + stime of a process in seconds (its /proc/PID/stat). */
function cpuSecs(pid: number): number {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / 100;
  } catch {
    return 0;
  }
}

/** Starts the simulator in a child process on the chain file; resolves its RPC URL and cookie. */
async function startNode(file: string, log: (l: string) => void): Promise<{ child: ChildProcess; rpcUrl: string; cookie: string; datadir: string }> {
  const datadir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-scale-node-'));
  const child = spawn(process.execPath, ['--max-old-space-size=16384', '--import', 'tsx', path.join(ROOT, 'sim/main.ts'), '--datadir', datadir, '--port', '0', '--preload', file], {
    stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT,
  });
  const t0 = Date.now();
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { rpcport: number }).rpcport);
    });
    child.once('exit', (code) => reject(new Error(`simulator exited (${code}) while loading: ${err}`)));
  });
  log(`node (simulator, pid ${child.pid}) loaded the chain in ${((Date.now() - t0) / 1000).toFixed(0)} s, ${(readProc(child.pid!)!.rss / 2 ** 30).toFixed(1)} GiB RSS`);
  return { child, rpcUrl: `http://127.0.0.1:${port}/`, cookie: path.join(datadir, 'regtest', '.cookie'), datadir };
}

/** Tx count of every block of the chain file, cumulated by height (genesis = 1 tx). */
function cumulativeTxs(file: string): number[] {
  const cum = [1];
  for (const line of readLines(file)) {
    const f = parseInt(line.slice(160, 162), 16);
    const n = f < 0xfd ? f : f === 0xfd ? Buffer.from(line.slice(162, 166), 'hex').readUInt16LE(0) : Buffer.from(line.slice(162, 170), 'hex').readUInt32LE(0);
    cum.push(cum[cum.length - 1]! + n);
  }
  return cum;
}

const shq = (a: string): string => `'${a.replace(/'/g, "'\\''")}'`;
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/**
 * Runs `serve --local` of a build until it listens (synced) and measures it. Under a
 * pseudo-terminal (util-linux `script`, when present) serve prints its progress line after
 * every commit (at most every 250 ms) instead of every 10 s, which is what the curve is
 * made of; /proc is read from the serve process itself.
 */
async function syncOnce(build: Build, node: { child: ChildProcess; rpcUrl: string; cookie: string }, cum: number[], log: (l: string) => void): Promise<ScaleResult> {
  const txs = cum[cum.length - 1]!;
  const entry = path.join(build.dir, 'bin', 'electrum-cli');
  const db = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-scale-db-'));
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-scale-home-'));
  const args = [entry, 'serve', '--local', '--network', 'regtest', '--bitcoind', node.rpcUrl, '--rpc-cookie', node.cookie, '--db', path.join(db, 'index'), '--tcp', '127.0.0.1:0', '--no-zmq'];
  const pty = SCRIPT !== null;
  const nodeCpu0 = cpuSecs(node.child.pid!);
  const t0 = performance.now();
  const env = { ...process.env, HOME: home, XDG_DATA_HOME: path.join(home, 'data'), NO_COLOR: '1' };
  const child = pty
    ? spawn(SCRIPT!, ['-qefc', `exec ${[process.execPath, ...args].map(shq).join(' ')}`, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'], env })
    : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  // Under script(1), serve is its child (exec keeps the shell's pid).
  let pid = pty ? 0 : child.pid!;
  const findPid = (): void => {
    if (pid) return;
    try { pid = Number(fs.readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/)[0]) || 0; } catch { /* not yet */ }
  };
  const samples: Sample[] = [];
  let last: ReturnType<typeof readProc> = null;
  const sample = (): void => {
    findPid();
    const p = pid ? readProc(pid) : null;
    if (!p) return;
    last = p;
    samples.push({ t: (performance.now() - t0) / 1000, writeBytes: p.writeBytes, rss: p.rss, anon: p.anon, hwm: p.hwm });
  };
  const timer = setInterval(sample, 100);
  const progress: { t: number; height: number }[] = [];
  let errText = '';
  let lastLog = 0;
  try {
    const listening = await new Promise<number>((resolve, reject) => {
      let buf = '';
      const onData = (c: Buffer): void => {
        buf += c.toString().replace(ANSI, '');
        const parts = buf.split(/[\r\n]+/);
        buf = parts.pop()!;
        // A live progress line has no line end until the next one starts: take it now if whole.
        if (/^\s*sync height \d+\/\d+\b.*(ETA \S+|done)\s*$/.test(buf)) { parts.push(buf); buf = ''; }
        for (const line of parts.map((l) => l.trim()).filter(Boolean)) {
          errText = `${errText}${line}\n`.slice(-4000);
          const t = (performance.now() - t0) / 1000;
          const m = /^sync height (\d+)\//.exec(line);
          if (m) progress.push({ t, height: Number(m[1]) });
          if (/^listening /.test(line)) { sample(); resolve(t); }
          if (Date.now() - lastLog > 15_000 || /error|cannot/i.test(line)) { lastLog = Date.now(); log(`  [${build.label}] ${line}`); }
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code, sig) => reject(new Error(`serve (${build.label}) exited with ${code ?? sig} before listening:\n${errText}`)));
    });
    const final = last!;
    const nodeCpu = cpuSecs(node.child.pid!) - nodeCpu0;
    clearInterval(timer);
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    process.kill(pid, 'SIGTERM');
    await exited;
    // Commit points -> tx counts; each window's time interpolated between the commits around it.
    const points = [{ t: 0, txs: 0 }, ...progress.map((p) => ({ t: p.t, txs: cum[Math.min(p.height, cum.length - 1)]! }))];
    const curve: number[] = [];
    let prevT = 0;
    for (let w = 1; w * WINDOW <= txs; w++) {
      const target = w * WINDOW;
      const k = points.findIndex((p) => p.txs >= target);
      if (k <= 0) break;
      const a = points[k - 1]!;
      const b = points[k]!;
      const t = a.t + ((target - a.txs) / Math.max(1, b.txs - a.txs)) * (b.t - a.t);
      curve.push(WINDOW / Math.max(1e-3, t - prevT));
      prevT = t;
    }
    // Each sample's committed tx count, interpolated between the commit points around it.
    const txsAt = (t: number): number => {
      const k = points.findIndex((p) => p.t >= t);
      if (k < 0) return points[points.length - 1]!.txs;
      if (k === 0) return 0;
      const a = points[k - 1]!;
      const b = points[k]!;
      return a.txs + ((t - a.t) / Math.max(1e-9, b.t - a.t)) * (b.txs - a.txs);
    };
    const anonCurve = curve.map(() => 0);
    for (const x of samples) {
      const w = Math.min(anonCurve.length - 1, Math.floor(txsAt(x.t) / WINDOW));
      if (w >= 0) anonCurve[w] = Math.max(anonCurve[w]!, x.anon);
    }
    let longestGap = 0;
    for (let i = 1; i < points.length; i++) if (points[i]!.txs > points[i - 1]!.txs) longestGap = Math.max(longestGap, points[i]!.t - points[i - 1]!.t);
    const size = await indexSize(path.join(db, 'index'));
    const peakAnon = Math.max(...samples.map((x) => x.anon));
    const result: ScaleResult = {
      build: build.label, txs, secs: listening, txPerSec: txs / listening, curve, anonCurve, progress, longestCommitGapSecs: longestGap, pty, size,
      writeBytes: final.writeBytes, peakAnonBytes: peakAnon, maxRssBytes: Math.max(...samples.map((x) => x.hwm)), indexerCpuSecs: final.cpu, nodeCpuSecs: nodeCpu,
    };
    log(`[${build.label}] ${txs.toLocaleString('en')} txs in ${listening.toFixed(0)} s = ${Math.round(result.txPerSec).toLocaleString('en')} tx/s, ` +
      `${Math.round(size.fileBytes / txs)} B/tx on disk, ${Math.round(final.writeBytes / txs)} B written/tx, peak RssAnon ${(peakAnon / 2 ** 20).toFixed(0)} MiB, ` +
      `maxRSS ${(result.maxRssBytes / 2 ** 20).toFixed(0)} MiB, ${progress.length} progress reports, longest ${longestGap.toFixed(1)} s between commits`);
    return result;
  } finally {
    clearInterval(timer);
    if (child.exitCode === null && child.signalCode === null) {
      if (pid) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
      child.kill('SIGKILL');
    }
    fs.rmSync(db, { recursive: true, force: true });
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** util-linux script(1), for a pseudo-terminal, or null. */
const SCRIPT = ['/usr/bin/script', '/bin/script'].find((p) => fs.existsSync(p)) ?? null;

function describe(dir: string): string {
  try {
    const branch = execFileSync('git', ['-C', dir, 'rev-parse', '--abbrev-ref', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const hash = execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return `${branch}@${hash}`;
  } catch {
    return path.basename(dir);
  }
}

/** Options of the scale bench. */
export interface ScaleOptions extends Omit<MainnetGenOptions, 'onBlock'> {
  baselineDir?: string;
  repeat?: number;
  write?: boolean;
  log?: (l: string) => void;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en');
const mib = (b: number): string => `${fmt(b / 2 ** 20)} MiB`;

/** Generates (or reuses) the chain, syncs it with each build, writes section "scale". */
export async function main(opts: ScaleOptions): Promise<ScaleResult[]> {
  const log = opts.log ?? ((l: string) => console.error(l));
  const gen = { txs: opts.txs, seed: opts.seed ?? 'bench-scale', txsPerBlock: opts.txsPerBlock, tinyBlocks: opts.tinyBlocks, tinyTxs: opts.tinyTxs, rampBlocks: opts.rampBlocks };
  log(`chain: ${fmt(gen.txs)} txs, seed ${gen.seed} (cache ${process.env.BENCH_CACHE_DIR ?? path.relative(ROOT, CACHE_DIR)})`);
  const chain = cachedMainnetChain(gen, log, process.env.BENCH_CACHE_DIR ?? CACHE_DIR);
  log(chain.cached ? `  cached: ${chain.file}` : `  generated in ${chain.secs.toFixed(0)} s: ${chain.file}`);
  const cum = cumulativeTxs(chain.file);
  const txs = cum[cum.length - 1]!; // genesis included: the index holds it too
  const builds: Build[] = [];
  if (opts.baselineDir) {
    const dir = path.resolve(opts.baselineDir);
    // Builds before the code-cache loader have dist/main.js; later ones dist/cli.cjs.
    const built = ['main.js', 'cli.cjs'].some((f) => fs.existsSync(path.join(dir, 'dist', f)));
    if (!built || !fs.existsSync(path.join(dir, 'bin', 'electrum-cli'))) throw new Error(`--baseline-dir ${dir}: no bin/electrum-cli and dist/ (a checkout of electrum-cli; run npm run build there)`);
    builds.push({ label: `baseline ${describe(dir)}`, dir });
  }
  builds.push({ label: `this ${describe(ROOT)}`, dir: ROOT });
  const node = await startNode(chain.file, log);
  const results: ScaleResult[] = [];
  try {
    for (let r = 0; r < (opts.repeat ?? 1); r++) {
      // Alternate the order on repeats so neither build always runs on a warmer machine.
      for (const b of r % 2 === 0 ? builds : [...builds].reverse()) results.push(await syncOnce(b, node, cum, log));
    }
  } finally {
    const exited = new Promise<void>((r) => node.child.once('exit', () => r()));
    node.child.kill('SIGTERM');
    await exited;
    fs.rmSync(node.datadir, { recursive: true, force: true });
  }
  if (opts.write !== false) writeReport(opts, chain.stats, txs, builds, results);
  return results;
}

/** Median of the repeats of one build (by tx/s), or its only run. */
function pickRun(results: ScaleResult[], label: string): ScaleResult {
  const runs = results.filter((r) => r.build === label).sort((a, b) => a.txPerSec - b.txPerSec);
  return runs[Math.floor((runs.length - 1) / 2)]!;
}

function writeReport(opts: ScaleOptions, st: MainnetGenStats, txs: number, builds: Build[], results: ScaleResult[]): void {
  const runs = builds.map((b) => pickRun(results, b.label));
  const base = opts.baselineDir ? runs[0] : undefined;
  const utxoPerTx = st.utxos / txs;
  const flags = [
    opts.txs !== 2_000_000 ? `--txs ${opts.txs}` : '', opts.seed && opts.seed !== 'bench-scale' ? `--seed ${opts.seed}` : '',
    opts.txsPerBlock ? `--txs-per-block ${opts.txsPerBlock}` : '', opts.tinyBlocks ? `--tiny-blocks ${opts.tinyBlocks}` : '',
    opts.tinyTxs ? `--tiny-txs ${opts.tinyTxs}` : '', opts.rampBlocks ? `--ramp-blocks ${opts.rampBlocks}` : '',
    opts.baselineDir ? '--baseline-dir DIR' : '', (opts.repeat ?? 1) > 1 ? `--repeat ${opts.repeat}` : '',
  ].filter(Boolean).join(' ');
  const ratio = (v: number, b: number | undefined): string => (b ? ` (${(v / b).toFixed(2)}x)` : '');
  const summary = runs.map((r) => {
    const b = base && r !== base ? base : undefined;
    return `| ${r.build} | ${r.secs.toFixed(0)} s | ${fmt(r.txPerSec)}${ratio(r.txPerSec, b?.txPerSec)} | ${r.longestCommitGapSecs.toFixed(1)} s | ${fmt(r.size.fileBytes / txs)}${ratio(r.size.fileBytes, b?.size.fileBytes)} | ${mib(r.size.fileBytes)} | ${fmt(r.writeBytes / txs)}${ratio(r.writeBytes, b?.writeBytes)} | ${mib(r.peakAnonBytes)}${ratio(r.peakAnonBytes, b?.peakAnonBytes)} | ${mib(r.maxRssBytes)} | ${r.indexerCpuSecs.toFixed(0)} s / ${r.nodeCpuSecs.toFixed(0)} s |`;
  });
  const windows = Math.max(...runs.map((r) => r.curve.length));
  const curveRows: string[] = [];
  for (let w = 0; w < windows; w++) curveRows.push(`| ${fmt(w * WINDOW)}-${fmt((w + 1) * WINDOW)} | ${runs.map((r) => (r.curve[w] === undefined ? '' : fmt(r.curve[w]!))).join(' | ')} | ${runs.map((r) => (r.anonCurve?.[w] ? fmt(r.anonCurve[w]! / 2 ** 20) : '')).join(' | ')} |`);
  const tableNames = [...new Set(runs.flatMap((r) => r.size.tables.map((t) => t.table)))];
  const tableRows = tableNames.map((name) => `| ${name} | ${runs.map((r) => {
    const t = r.size.tables.find((x) => x.table === name);
    return t ? (t.diskBytes > 0 ? `${fmt(t.rows)} rows, ${(t.diskBytes / txs).toFixed(1)} B/tx (${(t.logicalBytes / txs).toFixed(1)} logical)` : `${fmt(t.rows)} rows, ${(t.logicalBytes / txs).toFixed(1)} B/tx logical (the store compresses; its files are in the table above)`) : '';
  }).join(' | ')} |`);
  // Tables whose row count tracks the UTXO set (within 10%) scale with UTXOs, the rest with txs.
  const extrapolate = (r: ScaleResult): { linear: number; adjusted: number; utxoTables: string[] } => {
    const disk = r.size.fileBytes;
    const utxoTables = r.size.tables.filter((t) => Math.abs(t.rows - st.utxos) <= 0.1 * st.utxos);
    const utxoBytes = utxoTables.reduce((a, t) => a + t.diskBytes, 0);
    const perTx = (disk - utxoBytes) / txs;
    const perUtxo = utxoBytes / Math.max(1, st.utxos);
    return { linear: (disk / txs) * MAINNET_TXS, adjusted: perTx * MAINNET_TXS + perUtxo * MAINNET_UTXOS, utxoTables: utxoTables.map((t) => t.table) };
  };
  const extra = runs.map((r) => {
    const e = extrapolate(r);
    return `| ${r.build} | ${fmt(e.linear / 1e9)} GB | ${fmt(e.adjusted / 1e9)} GB | ${e.utxoTables.join(', ') || '(none)'} | ${fmt((r.writeBytes / txs) * MAINNET_TXS / 1e12)} TB |`;
  });
  const cmd = `npm run bench -- scale${flags ? ` ${flags}` : ''}`;
  writeSection('scale', 'Initial sync at scale (mainnet-shaped chain)', cmd, `
Chain: sim/mainnet-gen.ts (seed \`${st.seed}\`; shape in sim/README.md), ${fmt(st.blocks)} blocks,
${fmt(txs)} transactions with the genesis coinbase (${Math.max(100, opts.tinyBlocks ?? 100)} blocks of ${1 + (opts.tinyTxs ?? 0)} tx, ${opts.rampBlocks ? `a ${opts.rampBlocks}-block ramp, ` : ''}then ${opts.txsPerBlock ?? 2000} txs per block of
~${fmt(st.largestBlockBytes / 1000)} KB), ${(st.distinctScripts / st.txs).toFixed(2)} distinct scripts per tx, ${fmt(st.utxos)} UTXOs at the tip (${utxoPerTx.toFixed(2)} per tx;
mainnet ~0.15). The regtest node simulator serves it from its own process over HTTP JSON-RPC and REST on 127.0.0.1;
each build's real CLI runs \`serve --local --no-zmq\` as a child process with a fresh index, timed from spawn to its
"listening" line (it listens once synced). Its /proc entries are sampled every 100 ms. Bytes per tx are over the
${fmt(txs)} indexed txs. This machine's two cores are shared with other work: compare rows of the same run.

| build | sync | tx/s | longest commit | index B/tx (file) | index file | written B/tx | peak RssAnon | maxRSS (VmHWM) | CPU indexer / node |
|---|---|---|---|---|---|---|---|---|---|
${summary.join('\n')}

- *written B/tx*: \`write_bytes\` of the indexer's /proc/PID/io (bytes it caused to be written to disk) over the txs.
- *peak RssAnon*: the highest anonymous resident memory sampled (heap and buffers, without mapped store pages);
  maxRSS is the kernel's high-water mark VmHWM, which counts mapped store pages too.
- *CPU node*: the simulator's CPU time during that sync, to tell when the node, not the indexer, was the limit.

**Sync speed per 100,000-tx window** (tx/s of committed progress: serve runs under a pseudo-terminal, so it prints
its progress line after every commit, at most every 250 ms; a window's time is interpolated between the commits
around it, so one long commit shows as a flat stretch at its average rate; the longest time between two commits
is in the table above), and the peak RssAnon sampled in each window (flat when the indexer's memory is bounded):

| txs | ${runs.map((r) => `tx/s ${r.build}`).join(' | ')} | ${runs.map((r) => `peak RssAnon MiB ${r.build}`).join(' | ')} |
|---|${runs.map(() => '---|---|').join('')}
${curveRows.join('\n')}

**Bytes per tx by table** (bench/index-size.ts: on-disk pages per table; LMDB tag tables get their overflow pages
and a share of the tree pages by the bytes their rows take in leaf nodes; logical = key + value bytes only; the
tables' sum is below the file size by the file's free and not yet used pages):

| table | ${runs.map((r) => r.build).join(' | ')} |
|---|${runs.map(() => '---|').join('')}
${tableRows.join('\n')}
${runs.map((r) => (r.size.freeBytes ? `\nFree pages inside ${r.build}'s file: ${mib(r.size.freeBytes)}.` : '')).join('')}

**Extrapolation to mainnet** (~${MAINNET_TXS / 1e9} billion txs, ~${MAINNET_UTXOS / 1e6} million UTXOs). *Linear*: index bytes per tx
here x mainnet's tx count. *Adjusted*: the tables whose row count matches this chain's UTXO count (within 10%)
scaled by mainnet's UTXO count instead, the rest by its tx count. Both assume bytes per row stay as here (B-tree
fill, key sizes) and that mainnet's mix of inputs, outputs and script reuse is this chain's; mainnet has more
inputs and outputs per tx (batches, consolidations), which raises history and outpoint rows per tx, so read them as a
lower bound. Written bytes scale linearly (their growth once the index outgrows RAM is not modelled).

| build | linear | adjusted | tables scaled by UTXOs | written at mainnet size |
|---|---|---|---|---|
${extra.join('\n')}
`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const argv = process.argv.slice(2);
  const get = (name: string): string | undefined => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
  const num = (name: string): number | undefined => {
    const v = get(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) { process.stderr.write(`${name} expects a positive integer, got ${JSON.stringify(v)}\n`); process.exit(2); }
    return n;
  };
  const r = await main({
    txs: num('--txs') ?? 2_000_000, seed: get('--seed'), txsPerBlock: num('--txs-per-block'), tinyBlocks: num('--tiny-blocks'),
    tinyTxs: get('--tiny-txs') === '0' ? 0 : num('--tiny-txs'), rampBlocks: get('--ramp-blocks') === '0' ? 0 : num('--ramp-blocks'),
    baselineDir: get('--baseline-dir'), repeat: num('--repeat'), write: !argv.includes('--no-write'),
  });
  const out = get('--json');
  if (out) fs.writeFileSync(out, `${JSON.stringify(r, null, 1)}\n`);
}
