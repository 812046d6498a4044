/**
 * Gathers the generators' inputs: the real commander tree (built with an inert runtime: no
 * action runs), the serve options table and the doctor checks.
 */
import { buildProgram } from '../cli/program.js';
import { DOCTOR_CHECKS, type DoctorCheckSpec } from '../diag/doctor-checks.js';
import { SERVE_OPTIONS } from '../server/serve-options.js';
import type { Io } from '../cli/io.js';
import type { CheckDoc, GenInput } from './model.js';

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

/** The doctor checks as the man page lists them (critical ones marked). */
export function checkDocs(checks: readonly DoctorCheckSpec[]): CheckDoc[] {
  return checks.map((c) => ({ id: c.id, description: `${c.title}${c.critical ? ' (critical)' : ''}. ${c.description}` }));
}

/** The inputs of `npm run gen` and `completion SHELL`. */
export async function loadGenInput(version: string): Promise<GenInput> {
  const program = buildProgram({
    io: inertIo(),
    version,
    context: () => Promise.reject(new Error('generation runs no command')),
  });
  return { program, version, serveOptions: SERVE_OPTIONS, doctorChecks: checkDocs(DOCTOR_CHECKS) };
}
