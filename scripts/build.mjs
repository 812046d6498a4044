// Bundles src/main.ts into ONE CommonJS file, dist/cli.cjs, and src/boot.ts into dist/boot.cjs,
// the loader bin/electrum-cli runs (docs/architecture.md §6). Small pure-JS packages
// (commander, bech32, bs58check, cli-table3, ...) are bundled in, so start-up does not pay for
// node resolving and reading each of them; native modules and the heavy packages that only
// some commands load stay external and load from node_modules when needed.
//
// Why one CommonJS file: node 20 keeps no compiled code between runs, and compiling our
// JavaScript was a third of a short command's CPU. V8 can reuse compiled code only for a
// script compiled through node:vm, which must be a single classic script: boot.ts compiles
// dist/cli.cjs with the V8 code cache of the command being run (it writes one per command
// into the user's cache directory).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

const EXTERNAL = [
  // native or shipping binaries
  'lmdb', 'zeromq', '@nxtedition/rocksdb',
  // heavy, loaded lazily by the few commands that need them
  'ora', '@inquirer/prompts', 'bitcoinjs-lib', '@bitcoinerlab/secp256k1', 'bip32',
  'ws', 'socks', 'selfsigned', 'jq-wasm',
];
// cli-table3 and @colors/colors are bundled: loaded from node_modules they cost ~10 ms more
// (resolving and compiling a dozen CommonJS files). src/format/box.cts requires them inside a
// function, so they are evaluated on the first boxed table only.

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
const common = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning' };
await build({
  ...common,
  entryPoints: ['src/main.ts'],
  outfile: 'dist/cli.cjs',
  format: 'cjs',
  sourcemap: 'linked',
  external: EXTERNAL,
});
// The loader is CommonJS too (bin/package.json makes the binary CommonJS): a run that imports
// no ES module (most) never starts node's ESM loader.
await build({ ...common, entryPoints: ['src/boot.ts'], outfile: 'dist/boot.cjs', format: 'cjs', packages: 'external' });

// A script compiled through node:vm has no `import()` of its own on node 20 (only with an
// experimental flag, or an experimental constant that warns on stderr), so each `import("pkg")`
// esbuild left for an external package becomes a call of the loader's own import()
// (src/boot.ts passes it in as __electrumImport), which resolves from dist/ as before.
const bundle = new URL('../dist/cli.cjs', import.meta.url);
let text = readFileSync(bundle, 'utf8');
const isExternal = (name) => name.startsWith('node:') || EXTERNAL.some((e) => name === e || name.startsWith(`${e}/`));
text = text.replace(/\bimport\(("[^"]+")\)/g, (all, spec) => {
  if (!isExternal(JSON.parse(spec))) throw new Error(`dist/cli.cjs: unexpected ${all} (bundled code should not be imported at run time)`);
  return `__electrumImport(${spec})`;
});
const left = /\bimport\(\s*[^)\s]/.exec(text);
if (left) throw new Error(`dist/cli.cjs: an import() the loader cannot serve: ${text.slice(left.index, left.index + 60)}`);
// The build id names the code cache, so a cache is only ever used with the bundle it was made
// from (V8 itself compares only the source's length).
const id = createHash('sha256').update(text).digest('hex').slice(0, 16);
writeFileSync(bundle, `${text}\n//# electrum-cli-build=${id}\n`);
