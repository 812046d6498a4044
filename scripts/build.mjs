// Bundles src/main.ts into dist/ with esbuild: one ESM entry plus lazily loaded chunks,
// which starts faster than tsc's one-file-per-module output (docs/architecture.md §6). Small pure-JS
// packages (commander, bech32, bs58check, ...) are bundled in, so start-up does not pay for
// node resolving and reading each of them; native modules and the heavy packages that only
// some commands load stay external and load from node_modules when needed.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const EXTERNAL = [
  // native or shipping binaries
  'lmdb', 'classic-level', 'zeromq', '@nxtedition/rocksdb',
  // heavy, loaded lazily by the few commands that need them
  'ora', '@inquirer/prompts', 'bitcoinjs-lib', '@bitcoinerlab/secp256k1', 'bip32',
  'ws', 'socks', 'selfsigned', 'jq-wasm',
];
// cli-table3 and @colors/colors are bundled: loaded from node_modules they cost ~10 ms more
// (resolving and compiling a dozen CommonJS files). src/format/box.cts requires them inside a
// function, so they stay in a lazily loaded chunk and are evaluated on the first boxed table
// only; both go through that one file, so table.ts and cli-table3 share one colour instance.

// What every command runs through: the commander tree and the context it hands to actions
// (with them, everything they import statically: registry, connection, run-method, job, ...).
const HOT_PATH = ['src/cli/program.ts', 'src/cli/context.ts'];

/**
 * Puts the hot path into ONE chunk. esbuild gives every module the chunk of the set of entry
 * points (main plus every `import()` target) that reach it, so a hot path shared in
 * different ways by the lazy modules came out as ~25 small chunks, and node's ESM loader
 * spent ~20 ms resolving, reading and linking them. Every lazily imported module is only
 * ever loaded after the hot path has run, so letting each one also import the hot path
 * changes nothing at run time (those modules are already evaluated) but gives every hot
 * module the same set of entry points, hence the same chunk. Only `import()` of our own
 * files is affected; main.ts itself stays small for `--version`.
 */
function hotPathChunk(roots) {
  const rootPaths = roots.map((r) => resolve(r));
  return {
    name: 'hot-path-chunk',
    setup(b) {
      b.onResolve({ filter: /^\./ }, async (args) => {
        if (args.kind !== 'dynamic-import' || args.pluginData?.inner) return undefined;
        const r = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { inner: true } });
        if (r.errors.length > 0) return { errors: r.errors };
        return r.external ? { path: r.path, external: true } : { path: r.path, namespace: 'lazy' };
      });
      b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => {
        const lines = rootPaths.map((p) => `import ${JSON.stringify(p)};`);
        lines.push(`export * from ${JSON.stringify(args.path)};`);
        // `export *` leaves out a default export; forward it when the module has one.
        if (/\bexport\s+default\b|\bas\s+default\b/.test(readFileSync(args.path, 'utf8'))) {
          lines.push(`export { default } from ${JSON.stringify(args.path)};`);
        }
        return { contents: lines.join('\n'), loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { main: 'src/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  external: EXTERNAL,
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [hotPathChunk(HOT_PATH)],
  // Bundled CommonJS packages may call require(); give ESM output one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
