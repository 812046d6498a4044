/**
 * The inputs of the committed files (scripts/gen.ts and the freshness test share it): the
 * package version and the doctor checks when src/diag/doctor-checks.ts exists.
 */
import pkg from '../../package.json' with { type: 'json' };
import { loadGenInput } from './input.js';
import type { GenInput } from './model.js';

// A non-literal specifier: the module may not exist yet, and then the page simply has no
// DIAGNOSTICS CHECKS section.
const DOCTOR = '../diag/doctor-checks.js';

/** Inputs for `npm run gen`. */
export function generatedFiles(): Promise<GenInput> {
  return loadGenInput(pkg.version, async () => {
    try {
      return (await import(DOCTOR)) as { DOCTOR_CHECKS?: unknown };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return undefined;
      throw err;
    }
  });
}
