// Runs every test/**/*.test.ts with node:test through tsx. Node 20's --test takes no globs,
// so the files are listed here. Extra arguments filter by substring of the path.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}
// test/acceptance/ needs Debian packages (the Electrum wallet, shells): `npm run test:acceptance`.
const args = process.argv.slice(2);
const acceptance = args.includes('--acceptance');
const filters = args.filter((a) => a !== '--acceptance');
const files = walk('test').map((f) => relative('.', f)).sort()
  .filter((f) => f.startsWith('test/acceptance/') === acceptance)
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  env: { ...process.env, ELECTRUM_CLI_TEST: '1' },
});
process.exit(r.status ?? 1);
