/**
 * `serve`: the embedded Electrum server (DESIGN.md §4), built in src/server/.
 * TODO: once src/server/serve.ts exists, parse its options table here and call
 * `serve(options, { log, isTTY })` from a lazy `await import('../../server/serve.js')`.
 * Until then the command says so instead of pretending.
 */
import { CliError } from '../../errors.js';
import type { Context } from '../context.js';

export async function run(_ctx: Context, _args: readonly string[]): Promise<void> {
  throw new CliError('serve is not available yet in this build', { hint: 'it arrives with the embedded server (serve --local)' });
}
