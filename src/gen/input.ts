/**
 * Gathers the generators' inputs: the real commander tree (built with an inert runtime: no
 * action runs), the serve options table, and the doctor checks when that module exists.
 */
import { buildProgram } from '../cli/program.js';
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

/** Reads id/description pairs from whatever shape DOCTOR_CHECKS has. */
export function checkDocs(checks: unknown): CheckDoc[] {
  if (!Array.isArray(checks)) return [];
  return checks.flatMap((c): CheckDoc[] => {
    if (typeof c !== 'object' || c === null) return [];
    const o = c as Record<string, unknown>;
    const id = [o.id, o.name, o.key].find((x) => typeof x === 'string') as string | undefined;
    const title = [o.title, o.label].find((x) => typeof x === 'string') as string | undefined;
    const body = [o.description, o.summary].find((x) => typeof x === 'string') as string | undefined;
    const critical = o.critical === true ? ' (critical)' : '';
    const description = [title ? `${title}${critical}.` : critical.trim(), body].filter(Boolean).join(' ');
    return id ? [{ id, description }] : [];
  });
}

/**
 * The inputs of `npm run gen`. `loadDoctor` imports src/diag/doctor-checks.ts, which may not
 * exist yet; it is a parameter so the bundle never references a missing file.
 */
export async function loadGenInput(version: string, loadDoctor?: () => Promise<{ DOCTOR_CHECKS?: unknown } | undefined>): Promise<GenInput> {
  const program = buildProgram({
    io: inertIo(),
    version,
    context: () => Promise.reject(new Error('generation runs no command')),
  });
  const { SERVE_OPTIONS } = await import('../server/serve.js');
  const input: GenInput = { program, version, serveOptions: SERVE_OPTIONS };
  const doctor = loadDoctor ? await loadDoctor() : undefined;
  const checks = checkDocs(doctor?.DOCTOR_CHECKS);
  if (checks.length > 0) input.doctorChecks = checks;
  return input;
}
