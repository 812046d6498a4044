/**
 * `ping`: server.ping answers null, which says nothing to a person; a terminal (or a pipe)
 * gets "ok, 2.1 ms", the round trip of the request. --json keeps the server's null.
 */
import type { Job } from '../job.js';

export async function run(job: Job): Promise<void> {
  await job.open();
  const started = performance.now();
  const { result, params } = await job.call();
  const ms = performance.now() - started;
  await job.print([{ key: '', params, result }], () => `ok, ${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`);
}
