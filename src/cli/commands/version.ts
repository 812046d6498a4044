/**
 * `version`: the answer to the session's first server.version. Protocol 1.4+ refuses a
 * second server.version, so this shows what negotiation already learned instead of asking.
 */
import type { Job } from '../job.js';

export async function run(job: Job): Promise<void> {
  await job.open();
  const result = [job.conn.serverSoftware ?? '', job.version];
  await job.print([{ key: '', params: [], result }]);
}
