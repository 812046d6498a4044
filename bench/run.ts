/**
 * `npm run bench`: runs every benchmark, each in its own process (so one bench's memory and
 * event loop never skew another's figures), one after another (so they do not compete for
 * this machine's two cores). Each writes its own section of docs/BENCHMARKS.md with the
 * machine, date and command. `npm run bench -- sync tip` runs only the named ones; options
 * after the names go to each of them (`npm run bench -- scale --txs 300000`). `scale`
 * (2,000,000 txs, tens of minutes) runs only when named.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** In the order they run; the name is the file bench/<name>.ts. */
const BENCHES = ['cli', 'store', 'sync', 'tip', 'mempool-latency', 'server-load', 'probe'];
/** Run only when named. */
const ON_REQUEST = ['scale'];

const args = process.argv.slice(2);
const firstOption = args.findIndex((a) => a.startsWith('--'));
const wanted = firstOption < 0 ? args : args.slice(0, firstOption);
const passOn = firstOption < 0 ? [] : args.slice(firstOption);
const unknown = wanted.filter((w) => !BENCHES.includes(w) && !ON_REQUEST.includes(w));
if (unknown.length > 0) {
  process.stderr.write(`unknown bench: ${unknown.join(', ')} (known: ${[...BENCHES, ...ON_REQUEST].join(', ')})\n`);
  process.exit(2);
}
const failed: string[] = [];
for (const name of wanted.length > 0 ? wanted : BENCHES) {
  const file = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  if (!existsSync(file)) {
    process.stderr.write(`== ${name}: bench/${name}.ts is missing\n`);
    failed.push(name);
    continue;
  }
  process.stderr.write(`\n== bench ${name}\n`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', file, ...passOn], { stdio: 'inherit' });
  process.stderr.write(`== ${name}: ${r.status === 0 ? 'done' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  if (r.status !== 0) failed.push(name);
}
if (failed.length > 0) {
  process.stderr.write(`\nfailed: ${failed.join(', ')}\n`);
  process.exit(1);
}
process.stderr.write(passOn.includes('--no-write') ? '\nall benchmarks done (--no-write: docs/BENCHMARKS.md left as it was)\n' : '\nall benchmarks written to docs/BENCHMARKS.md\n');
