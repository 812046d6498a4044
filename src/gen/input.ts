/**
 * Gathers the generators' inputs from a commander tree: the tree itself, the serve options
 * table and the doctor checks. The tree is given, not built here: `completion SHELL` passes
 * the root of the run it is part of, `npm run gen` one built with an inert runtime (files.ts),
 * so nothing under the tree that program.ts builds imports program.ts back.
 */
import type { Command } from 'commander';
import { DOCTOR_CHECKS, type DoctorCheckSpec } from '../diag/doctor-checks.js';
import { SERVE_OPTIONS } from '../server/serve-options.js';
import type { CheckDoc, GenInput } from './model.js';

/** The doctor checks as the man page lists them (critical ones marked). */
export function checkDocs(checks: readonly DoctorCheckSpec[]): CheckDoc[] {
  return checks.map((c) => ({ id: c.id, description: `${c.title}${c.critical ? ' (critical)' : ''}. ${c.description}` }));
}

/** The inputs of `npm run gen` and `completion SHELL`, for the whole tree under `program`. */
export function genInput(program: Command, version: string): GenInput {
  return { program, version, serveOptions: SERVE_OPTIONS, doctorChecks: checkDocs(DOCTOR_CHECKS) };
}
