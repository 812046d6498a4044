/** The inputs of the committed files (scripts/gen.ts and the freshness test share it). */
import type { Command } from 'commander';
import pkg from '../../package.json' with { type: 'json' };
import { buildProgram } from '../cli/program.js';
import type { Io } from '../cli/io.js';
import { genInput } from './input.js';
import type { GenInput } from './model.js';

const sink = { write: () => true };

function inertIo(): Io {
  return {
    stdout: sink,
    stderr: sink,
    stdin: process.stdin,
    isTTY: { stdin: false, stdout: false, stderr: false },
    env: {},
    cwd: '.',
    signal: new AbortController().signal,
  };
}

/** The whole commander tree, built with an inert runtime: no action runs. */
function inertProgram(version: string): Command {
  return buildProgram({
    io: inertIo(),
    version,
    context: () => Promise.reject(new Error('generation runs no command')),
  });
}

/** Inputs for `npm run gen`: the package version stamps the generated files. */
export async function generatedFiles(): Promise<GenInput> {
  return genInput(inertProgram(pkg.version), pkg.version);
}
