// `npm run lint:deps` (scripts/lint-deps.mjs) on small trees of its own: it must see through
// the `.js` specifiers of ESM TypeScript to the `.ts` files, count type-only imports, and
// fail on a cycle or on an import it cannot resolve.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/lint-deps.mjs', import.meta.url));

function lint(files: Record<string, string>, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lint-deps-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    const r = spawnSync(process.execPath, [script, '--src', dir, ...args], { encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a tree without cycles passes, with its figures under --stats', () => {
  const r = lint(
    {
      'cli/main.ts': "import { b } from '../lib/b.js';\nexport const a = b;\n",
      'lib/b.ts': "import type { T } from './types.js';\n\nexport const b: T = 1;\n",
      'lib/types.ts': 'export type T = number;\n',
    },
    '--stats',
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /modules: 3\n {2}cli: 1\n {2}lib: 2\n/);
  assert.match(r.stdout, /import cycles: 0 \(tangles: 0\)/);
  assert.match(r.stdout, /largest file: .*lib\/b\.ts \(3 lines\)/);
});

test('a cycle through .js specifiers fails and is named, type-only imports included', () => {
  const r = lint({
    'a.ts': "import { b } from './b.js';\nexport interface A { b: typeof b }\n",
    'b.ts': "import type { A } from './a.js';\nexport const b = 1;\nexport type B = A;\n",
  });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /1 import cycle\(s\):\n {2}a\.ts -> b\.ts -> a\.ts\n/);
});

test('a dynamic import() closes a cycle too', () => {
  const r = lint({
    'a.ts': "export async function f() { return (await import('./b.js')).g; }\n",
    'b.ts': "import { f } from './a.js';\nexport const g = f;\n",
  });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /a\.ts -> b\.ts -> a\.ts/);
});

test('an import that resolves to no file fails', () => {
  const r = lint({ 'a.ts': "import { x } from './missing.js';\nexport const y = x;\n" });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /could not be resolved:\n {2}.*missing/);
});
