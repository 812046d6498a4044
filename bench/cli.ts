/**
 * Start-up benchmarks of the built binary (`npm run build` first): whole-process wall time
 * of `electrum-cli --version` and of `electrum-cli balance ADDR` against a loopback scripted
 * server, each as a ratio to `node -e 0` measured in the same run (medians of many
 * interleaved runs, because these machines are noisy), both piped and on a terminal.
 *
 * The terminal runs go through util-linux `script` (a pseudo-terminal, sized 80x24 with stty:
 * an unsized one reports 0 columns and electrum-cli shows no spinner there), and so does their
 * baseline `node -e 0`, so the ratio compares like with like; the wrapper's own cost (`script`
 * + `sh` + `stty` running `true`) is measured too and reported, with the ratios it leaves once
 * subtracted. Writes the "cli" section of docs/BENCHMARKS.md. Aims: --version within 1.5x of
 * bare node, balance within 2x, piped and on a terminal.
 *
 * Wall time on a shared machine moves with the load, so each case is also run under bash's
 * `time` (separate runs, interleaved with the others: the wrapper never counts in the wall
 * figures) for its CPU time, user + system, which another process' load barely changes.
 *
 * The binary compiles its bundle with a V8 code cache per command (src/boot.ts); the warm-up
 * run writes it, and rows with NODE_DISABLE_COMPILE_CACHE=1 show the same commands without it.
 * `--baseline-dir DIR` adds the same cases for another checkout's build (`npm run build`
 * there), so an older build is compared in the same run; `--no-write` leaves BENCHMARKS.md alone.
 *
 * It also times the address codecs the hot path bundles (`bech32` + `bs58check`) against
 * `@scure/base` (in the tree through bip32), each bundled by esbuild as scripts/build.mjs
 * bundles them and doing the same encode/decode work, over a baseline that only loads
 * node:crypto (which the hot path loads anyway): the "address codecs" table.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, writeSection } from './report.js';
import { startScriptedServer } from '../test/support/scripted-server.js';

const BIN = fileURLToPath(new URL('../bin/electrum-cli', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const ADDR = 'n4KeA3QBmLxmoaA5ypJfzkhWvr5CfvXgbU';

/** A checkout named by its commit (no machine paths in the report). */
function describeCheckout(dir: string): string {
  const r = spawnSync('git', ['-C', dir, 'log', '-1', '--format=%h'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : 'checkout';
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** How one case is started: directly (stdout and stderr pipes) or inside a sized pseudo-terminal. */
type Mode = 'piped' | 'tty';

function command(mode: Mode, argv: string[]): [string, string[]] {
  if (mode === 'piped') return [argv[0]!, argv.slice(1)];
  return ['script', ['-qefc', `stty cols 80 rows 24 && exec ${argv.map(q).join(' ')}`, '/dev/null']];
}

/** Wall time of one spawn, in ms (async: the scripted server lives in this process). */
function time(mode: Mode, argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const [file, args] = command(mode, argv);
    const t0 = process.hrtime.bigint();
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stdout.resume();
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) reject(new Error(`${argv.join(' ')} (${mode}) exited ${code}: ${err}`));
      else resolve(ms);
    });
  });
}

/** CPU time (user + system) of one run of the command itself, in ms, from bash's `time`. */
function cpu(mode: Mode, argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const timed = `TIMEFORMAT='@cpu %3U %3S'; time ${argv.map(q).join(' ')}`;
    const [file, args] = mode === 'piped'
      ? ['bash', ['-c', timed]]
      : ['script', ['-qefc', `stty cols 80 rows 24 && exec bash -c ${q(timed)}`, '/dev/null']];
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const m = /@cpu ([\d.]+) ([\d.]+)/.exec(out);
      if (code !== 0 || !m) reject(new Error(`${argv.join(' ')} (${mode}, timed) exited ${code}: ${out}`));
      else resolve((Number(m[1]) + Number(m[2])) * 1000);
    });
  });
}

interface Case {
  name: string;
  /** Whose build: this checkout's, or the baseline's. */
  build?: string;
  /** Extra environment. */
  env?: Record<string, string>;
  mode: Mode;
  argv: string[];
  /** Ratio aim against the baseline of its mode. */
  aim?: number;
  /** The baseline of its mode (node -e 0). */
  baseline?: boolean;
  /** The pseudo-terminal wrapper alone. */
  wrapper?: boolean;
}

export async function run(argv: string[] = process.argv.slice(2)): Promise<void> {
  const at = argv.indexOf('--baseline-dir');
  const baselineDir = at >= 0 ? argv[at + 1] : undefined;
  if (at >= 0 && !baselineDir) throw new Error('--baseline-dir needs a directory');
  const baseBin = baselineDir ? join(resolve(baselineDir), 'bin', 'electrum-cli') : undefined;
  const server = await startScriptedServer({ transcript: 'electrumx-1.6' });
  const home = mkdtempSync(join(tmpdir(), 'electrum-cli-bench-'));
  const env = { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), TERM: 'xterm-256color', LANG: 'C.UTF-8' };
  const node = process.execPath;
  const noCache = { NODE_DISABLE_COMPILE_CACHE: '1' };
  const balanceOf = (bin: string) => [node, bin, '--server', server.spec, '--network', 'regtest', 'balance', ADDR];
  const balance = balanceOf(BIN);
  const tty = spawnSync('script', ['-qefc', 'true', '/dev/null']).status === 0;
  const base = baseBin ? `baseline ${describeCheckout(resolve(baselineDir!))}` : undefined;
  const cases: Case[] = [
    { name: 'node -e 0', mode: 'piped', argv: [node, '-e', '0'], baseline: true },
    { name: 'electrum-cli --version', mode: 'piped', argv: [node, BIN, '--version'], aim: 1.5 },
    { name: 'electrum-cli balance ADDR --json', mode: 'piped', argv: [...balance, '--json'], aim: 2 },
    { name: 'electrum-cli balance ADDR', mode: 'piped', argv: balance },
    { name: 'electrum-cli balance ADDR --json, no code cache', mode: 'piped', argv: [...balance, '--json'], env: noCache },
    ...(baseBin ? [
      { name: 'electrum-cli --version', build: base, mode: 'piped', argv: [node, baseBin, '--version'] },
      { name: 'electrum-cli balance ADDR --json', build: base, mode: 'piped', argv: [...balanceOf(baseBin), '--json'] },
    ] satisfies Case[] : []),
  ];
  if (tty) {
    cases.push(
      { name: 'script wrapper alone (true)', mode: 'tty', argv: ['true'], wrapper: true },
      { name: 'node -e 0', mode: 'tty', argv: [node, '-e', '0'], baseline: true },
      { name: 'electrum-cli --version', mode: 'tty', argv: [node, BIN, '--version'], aim: 1.5 },
      { name: 'electrum-cli balance ADDR', mode: 'tty', argv: balance, aim: 2 },
      { name: 'electrum-cli balance ADDR --json', mode: 'tty', argv: [...balance, '--json'] },
      { name: 'electrum-cli balance ADDR, no code cache', mode: 'tty', argv: balance, env: noCache },
      ...(baseBin ? [
        { name: 'electrum-cli --version', build: base, mode: 'tty', argv: [node, baseBin, '--version'] },
        { name: 'electrum-cli balance ADDR', build: base, mode: 'tty', argv: balanceOf(baseBin) },
      ] satisfies Case[] : []),
    );
  }
  const samples = cases.map(() => [] as number[]);
  const cpuSamples = cases.map(() => [] as number[]);
  const envOf = (c: Case) => ({ ...env, ...c.env });
  for (const c of cases) await time(c.mode, c.argv, envOf(c)); // warm the file cache; writes the code caches
  for (let i = 0; i < RUNS; i++) {
    for (const [j, c] of cases.entries()) {
      samples[j]!.push(await time(c.mode, c.argv, envOf(c)));
      cpuSamples[j]!.push(await cpu(c.mode, c.argv, envOf(c)));
    }
  }
  await server.close();
  const stats = samples.map((s) => {
    const sorted = [...s].sort((a, b) => a - b);
    return { median: percentile(sorted, 50), p90: percentile(sorted, 90) };
  });
  const cpuMedians = cpuSamples.map((s) => percentile([...s].sort((a, b) => a - b), 50));
  const median = (pred: (c: Case) => boolean) => stats[cases.findIndex(pred)]?.median;
  const rows = cases.map((c, j) => {
    const base = median((x) => x.mode === c.mode && x.baseline === true)!;
    const wrap = c.mode === 'tty' ? median((x) => x.wrapper === true) ?? 0 : 0;
    const m = stats[j]!.median;
    const ratio = m / base;
    const net = c.mode === 'tty' && !c.wrapper ? ` (${((m - wrap) / (base - wrap)).toFixed(2)}x)` : '';
    const verdict = c.wrapper ? 'wrapper' : c.baseline ? 'baseline' : c.aim ? `${c.aim}x ${ratio <= c.aim ? 'met' : 'MISSED'}` : '';
    const cpuBase = cpuMedians[cases.findIndex((x) => x.mode === c.mode && x.baseline === true)]!;
    const cpuCell = c.wrapper ? '' : `${cpuMedians[j]!.toFixed(0)} (${(cpuMedians[j]! / cpuBase).toFixed(2)}x)`;
    return `| ${c.mode === 'tty' ? 'terminal' : 'piped'} | ${c.build ?? 'this'} | \`${c.name}\` | ${m.toFixed(1)} | ${stats[j]!.p90.toFixed(1)} | ${c.wrapper ? '' : `${ratio.toFixed(2)}x${net}`} | ${verdict} | ${cpuCell} |`;
  });
  const body = [
    `${RUNS} interleaved runs of each; whole-process wall time in milliseconds, including node's own start-up.`,
    'The balance runs talk to a loopback scripted server (server.version, server.features, get_balance); without --json they print the table.',
    'The server sets TCP_NODELAY, as real servers do (without it a second reply waited ~40 ms for the client\'s delayed ACK, which earlier figures here measured).',
    'The binary compiles its bundle with the V8 code cache of the command (src/boot.ts), written by the warm-up run; "no code cache" rows run with NODE_DISABLE_COMPILE_CACHE=1.',
    ...(base ? [`"${base}" rows run another checkout's build (its bin/electrum-cli) in the same run.`] : []),
    'Terminal rows run inside `script -qefc "stty cols 80 rows 24 && exec CMD" /dev/null` and are compared with `node -e 0` run the same way;',
    'the figure in brackets subtracts the wrapper alone from both.',
    "CPU ms is the median user + system time of the command alone (bash's `time`, in separate interleaved runs), with its ratio to node -e 0's:",
    'less moved by the load of other processes than wall time.',
    ...(tty ? [] : ['', '`script` (util-linux) is not installed here: terminal rows skipped.']),
    '',
    '| stdout | build | command | median ms | p90 ms | ratio to node -e 0 | aim | CPU ms (ratio) |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  const codecTable = await codecs();
  const all = codecTable ? `${body}\n\n${codecTable}` : body;
  if (!argv.includes('--no-write')) writeSection('cli', 'CLI start-up', `npm run bench -- cli${baselineDir ? ' --baseline-dir DIR' : ''} (bench/cli.ts)`, all);
  process.stdout.write(`${all}\n`);
}

const CODEC_WORK = `
const w = bech32.toWords(new Uint8Array(20).fill(1));
bech32.decode(bech32.encode('bc', [0, ...w]));
bech32m.decode(bech32m.encode('bc', [1, ...w]));
bs58check.decode(bs58check.encode(new Uint8Array(21).fill(2)));
`;
const CODECS: [string, string][] = [
  ['node:crypto only (baseline)', "import 'node:crypto';"],
  ['bech32 + bs58check (today)', `import 'node:crypto';\nimport { bech32, bech32m } from 'bech32';\nimport bs58check from 'bs58check';\n${CODEC_WORK}`],
  ['@scure/base', `import { createHash } from 'node:crypto';\nimport { bech32, bech32m, createBase58check } from '@scure/base';\nconst bs58check = createBase58check((d) => new Uint8Array(createHash('sha256').update(d).digest()));\n${CODEC_WORK}`],
];

/** Load time of each codec choice, bundled; undefined when @scure/base is not in the tree. */
async function codecs(): Promise<string | undefined> {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'electrum-cli-codecs-'));
  const files: string[] = [];
  try {
    for (const [i, [, src]] of CODECS.entries()) {
      const out = join(dir, `c${i}.mjs`);
      await build({ stdin: { contents: src, resolveDir: fileURLToPath(new URL('..', import.meta.url)), loader: 'js' }, outfile: out, bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'silent' });
      files.push(out);
    }
  } catch {
    return undefined;
  }
  const t = files.map(() => [] as number[]);
  const env = { PATH: process.env.PATH };
  for (let i = 0; i < RUNS; i++) for (const [j, f] of files.entries()) t[j]!.push(await time('piped', [process.execPath, f], env));
  const med = t.map((s) => percentile([...s].sort((a, b) => a - b), 50));
  return [
    '### Address codecs on the hot path',
    '',
    `${RUNS} interleaved runs; each file is the codec bundled by esbuild plus one bech32, bech32m and base58check round trip.`,
    '',
    '| codec | median ms | over the baseline |',
    '|---|---|---|',
    ...CODECS.map(([name], j) => `| ${name} | ${med[j]!.toFixed(1)} | ${j === 0 ? '' : `${(med[j]! - med[0]!).toFixed(1)} ms`} |`),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
