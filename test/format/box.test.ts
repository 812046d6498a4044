// cli-table3 (and its colour library) load on the first boxed table only: a pipe's
// tab-separated rows never evaluate them (format/box.cts; ~12 ms of a piped `balance ADDR`).
// Each case runs in a fresh node, since this test process may have loaded them already.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const TABLE = fileURLToPath(new URL('../../src/format/table.ts', import.meta.url));

/** The CommonJS modules of `pkg` loaded after `render` ran against format/table.ts. */
function loadedAfter(render: string, pkg: string): { out: string; loaded: boolean } {
  const script = `
    import { createRequire } from 'node:module';
    const t = await import(${JSON.stringify(TABLE)});
    const out = ${render};
    const loaded = Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/node_modules/${pkg}/'));
    process.stdout.write(JSON.stringify({ out, loaded }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { out: string; loaded: boolean };
}

test('plain (piped) rows do not load cli-table3 or @colors/colors', () => {
  for (const pkg of ['cli-table3', '@colors/colors']) {
    const r = loadedAfter(`t.renderPairs([['confirmed', '1']], { plain: true, color: false })`, pkg);
    assert.equal(r.out, 'confirmed\t1');
    assert.equal(r.loaded, false, `${pkg} was loaded`);
  }
});

test('a boxed table loads them (so the check above can see them)', () => {
  for (const pkg of ['cli-table3', '@colors/colors']) {
    const r = loadedAfter(`t.renderPairs([['confirmed', '1']], { color: true })`, pkg);
    assert.match(r.out, /confirmed/);
    assert.equal(r.loaded, true, `${pkg} was not loaded`);
  }
});
