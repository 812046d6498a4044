/** The inputs of the committed files (scripts/gen.ts and the freshness test share it). */
import pkg from '../../package.json' with { type: 'json' };
import { loadGenInput } from './input.js';
import type { GenInput } from './model.js';

/** Inputs for `npm run gen`: the package version stamps the generated files. */
export function generatedFiles(): Promise<GenInput> {
  return loadGenInput(pkg.version);
}
