// Bundles src/main.ts into dist/ with esbuild: one ESM entry plus lazily loaded chunks,
// which starts faster than tsc's one-file-per-module output (DESIGN.md §6).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

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
  // Native modules and large optional ones stay as real node_modules imports.
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
});
