/**
 * `estimatefee`: Fulcrum may answer -32603 (bitcoind timed out) and older electrs an error
 * "cannot estimate fee" where ElectrumX answers -1 (docs/protocol.md §10): all mean "no
 * estimate", so they print as -1 with a note.
 */
import { ServerError, oneLine } from '../../errors.js';
import { RPC } from '../../protocol/jsonrpc.js';
import type { Job } from '../job.js';

/** True for the errors that servers use instead of -1. */
export function meansNoEstimate(err: unknown): err is ServerError {
  return err instanceof ServerError && (err.code === RPC.INTERNAL_ERROR || /cannot estimate fee/i.test(err.rpcMessage));
}

export async function run(job: Job): Promise<void> {
  await job.open();
  let result: unknown;
  try {
    ({ result } = await job.call());
  } catch (err) {
    if (!meansNoEstimate(err)) throw err;
    job.ctx.out.notice(`the server could not estimate a fee (error ${err.code}: ${oneLine(err.rpcMessage, 120)}); reported as -1`);
    result = -1;
  }
  await job.print([{ key: '', params: [], result }], (r) => job.human(r, 'feerate'));
}
