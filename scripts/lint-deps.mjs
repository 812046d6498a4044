// npm run lint:deps: fails on any import cycle in src/ (type-only imports included: an
// interface that two modules share belongs in a file of its own, docs/architecture.md §3.1).
// `--stats` also prints the figures the architecture notes quote: files per layer, cycles,
// the largest file.
//
// madge lives in the dev-only workspace tools/lint-deps/ together with TypeScript 5, because
// its parsers need the TypeScript compiler API and the project's own TypeScript 7 (the native
// compiler) has none. Some of madge's parser packages are hoisted next to TypeScript 7 all the
// same (their peer range admits it), so this process routes every `require('typescript')` to
// the 5.x copy. The configuration is the usual .madgerc.
import Module, { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join, relative, resolve as resolvePath } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const toolRequire = createRequire(join(root, 'tools/lint-deps/package.json'));
const ts5 = toolRequire.resolve('typescript');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'typescript' ? ts5 : resolve.call(this, request, ...rest);
};
const madge = toolRequire('madge');

const config = JSON.parse(readFileSync(join(root, '.madgerc'), 'utf8'));
// `--src DIR` checks another tree (the test of this script); the default is the project's src/.
const at = process.argv.indexOf('--src');
const src = at > 0 ? resolvePath(process.argv[at + 1] ?? '') : join(root, 'src');
const result = await madge(src, { ...config, baseDir: src, tsConfig: join(root, config.tsConfig) });
const graph = result.obj();
const files = Object.keys(graph).filter((f) => !f.startsWith('../')); // not ../package.json
const cycles = result.circular();
const skipped = result.warnings().skipped;

// Strongly connected components: a cycle count that does not depend on how many distinct
// paths run through one tangle (madge lists each elementary cycle it finds).
function tangles() {
  let index = 0;
  const idx = new Map(), low = new Map(), stack = [], onStack = new Set(), out = [];
  const visit = (v) => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); onStack.add(v);
    for (const w of graph[v] ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do { w = stack.pop(); onStack.delete(w); comp.push(w); } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of files) if (!idx.has(v)) visit(v);
  return out;
}

if (process.argv.includes('--stats')) {
  const perLayer = new Map();
  for (const f of files) {
    const layer = f.includes('/') ? f.slice(0, f.indexOf('/')) : '(top level)';
    perLayer.set(layer, (perLayer.get(layer) ?? 0) + 1);
  }
  const lines = (f) => readFileSync(join(src, f), 'utf8').split('\n').length - 1;
  const largest = files.map((f) => [f, lines(f)]).sort((a, b) => b[1] - a[1])[0];
  console.log(`modules: ${files.length}`);
  for (const [layer, n] of [...perLayer].sort()) console.log(`  ${layer}: ${n}`);
  console.log(`import cycles: ${cycles.length} (tangles: ${tangles().length})`);
  console.log(`largest file: ${relative(process.cwd(), join(src, largest[0]))} (${largest[1]} lines)`);
}
if (skipped.length > 0) {
  console.error(`lint:deps: imports that could not be resolved:\n  ${skipped.join('\n  ')}`);
  process.exit(1);
}
if (cycles.length > 0) {
  console.error(`lint:deps: ${cycles.length} import cycle(s):`);
  for (const c of cycles) console.error(`  ${[...c, c[0]].join(' -> ')}`);
  process.exit(1);
}
console.log(`lint:deps: ${files.length} modules, no import cycles`);
