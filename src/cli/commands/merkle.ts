/**
 * `merkle`: the merkle branch of a transaction. --verify is src/cli/verify-job.ts (the one
 * implementation: the branch checked against an anchored header, or else against the
 * server's own header); run-method sends --verify there first, and this module defers to it
 * too so that no second, weaker check can run.
 */
import type { Job } from '../job.js';

export async function run(job: Job): Promise<void> {
  if (job.inv.flags.verify === true) return (await import('../verify-job.js')).run(job);
  await job.open();
  const { result, params } = await job.call();
  await job.print([{ key: '', params, result }]);
}
