// Bundles src/main.ts into dist/ with esbuild: one ESM entry plus lazily loaded chunks,
// which starts faster than tsc's one-file-per-module output (DESIGN.md §6). Small pure-JS
// packages (commander, bech32, bs58check, ...) are bundled in, so start-up does not pay for
// node resolving and reading each of them; native modules and the heavy packages that only
// some commands load stay external and load from node_modules when needed.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

const EXTERNAL = [
  // native or shipping binaries
  'lmdb', 'classic-level', 'zeromq',
  // heavy, loaded lazily by the few commands that need them
  'cli-table3', 'ora', '@inquirer/prompts', 'bitcoinjs-lib', '@bitcoinerlab/secp256k1', 'ecpair', 'bip32',
  'ws', 'socks', 'selfsigned',
];

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
  // Bundled CommonJS packages may call require(); give ESM output one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
