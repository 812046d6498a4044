/**
 * Start-up benchmarks of the built binary (`npm run build` first): whole-process wall time
 * of `electrum-cli --version` and of `electrum-cli balance ADDR --json` against a loopback
 * scripted server, each as a ratio to `node -e 0` measured in the same run (medians of many
 * interleaved runs, because these machines are noisy). Writes the "cli" section of
 * docs/BENCHMARKS.md. Aims: --version within 1.5x of bare node, balance within 2x.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, writeSection } from './report.js';
import { startScriptedServer } from '../test/support/scripted-server.js';

const BIN = fileURLToPath(new URL('../bin/electrum-cli', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 40);

/** Wall time of one spawn, in ms (async: the scripted server lives in this process). */
function time(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}: ${err}`));
      else resolve(ms);
    });
  });
}

export async function run(): Promise<void> {
  const server = await startScriptedServer({ transcript: 'electrumx-1.6' });
  const home = mkdtempSync(join(tmpdir(), 'electrum-cli-bench-'));
  const env = { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
  const cases: [string, string[]][] = [
    ['node -e 0', ['-e', '0']],
    ['electrum-cli --version', [BIN, '--version']],
    ['electrum-cli balance ADDR --json', [BIN, '--server', server.spec, '--network', 'regtest', 'balance', 'n4KeA3QBmLxmoaA5ypJfzkhWvr5CfvXgbU', '--json']],
  ];
  const samples = cases.map(() => [] as number[]);
  for (const [, args] of cases) await time(args, env); // warm the file cache
  for (let i = 0; i < RUNS; i++) {
    for (const [j, [, args]] of cases.entries()) samples[j]!.push(await time(args, env));
  }
  await server.close();
  const stats = samples.map((s) => {
    const sorted = [...s].sort((a, b) => a - b);
    return { median: percentile(sorted, 50), p90: percentile(sorted, 90) };
  });
  const base = stats[0]!.median;
  const aims = [undefined, 1.5, 2];
  const rows = cases.map(([name], j) => {
    const ratio = stats[j]!.median / base;
    const aim = aims[j];
    return `| \`${name}\` | ${stats[j]!.median.toFixed(1)} | ${stats[j]!.p90.toFixed(1)} | ${ratio.toFixed(2)}x | ${aim ? `${aim}x ${ratio <= aim ? 'met' : 'MISSED'}` : 'baseline'} |`;
  });
  const body = [
    `${RUNS} interleaved runs of each; whole-process wall time in milliseconds, including node's own start-up.`,
    'The balance run talks to a loopback scripted server (server.version, server.features, get_balance).',
    '',
    '| command | median ms | p90 ms | ratio to node -e 0 | aim |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  writeSection('cli', 'CLI start-up', 'npm run bench (bench/cli.ts)', body);
  process.stdout.write(`${body}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
