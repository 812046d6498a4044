/**
 * Shared by every benchmark: writes one named section of docs/BENCHMARKS.md (between
 * `<!-- NAME:begin -->` and `<!-- NAME:end -->`), headed by the machine, date and command,
 * so benches can run separately without clobbering each other's figures.
 */
import { readFileSync, writeFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, totalmem, release } from 'node:os';
import { fileURLToPath } from 'node:url';

const FILE = fileURLToPath(new URL('../docs/BENCHMARKS.md', import.meta.url));

export function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown cpu';
  return `${cpus().length} × ${cpu.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Linux ${release()}, Node ${process.version}`;
}

/** Replaces (or appends) section `name` with a heading, the provenance lines and `body`. */
export function writeSection(name: string, title: string, command: string, body: string): void {
  mkdirSync(new URL('../docs/', import.meta.url), { recursive: true });
  const doc = existsSync(FILE) ? readFileSync(FILE, 'utf8') : '# Benchmarks\n\nEvery figure below was measured by `npm run bench` (or the command named in its section). Ratios compare against a baseline measured in the same run, because these machines are noisy.\n';
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const section = `${begin}\n## ${title}\n\n- Machine: ${machine()}\n- Date: ${new Date().toISOString().slice(0, 10)}\n- Command: \`${command}\`\n\n${body.trim()}\n${end}`;
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  const next = i >= 0 && j > i ? doc.slice(0, i) + section + doc.slice(j + end.length) : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(FILE, next);
}

/** Percentile of sorted numbers (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Bytes of every file under `dir` (an index's size on disk). */
export function dirBytes(dir: string): number {
  let n = 0;
  for (const f of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, f.name);
    n += f.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return n;
}
