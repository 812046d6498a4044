/**
 * `subscribe` (alias `watch`): the current status of each address, then every change as
 * the server announces it, until Ctrl-C (exit 130) or the server closes (exit 3).
 * Under --json: NDJSON {"type": "status", "arg", "scripthash" | "address", "status"}.
 */
import type { Target } from '../args.js';
import { TARGET_PARAM } from '../args.js';
import { check } from '../../methods/validate.js';
import type { Job } from '../job.js';

/** One status event. `address` replaces `scripthash` on 1.0–1.2 address subscriptions. */
export function statusEvent(target: Target, byAddress: boolean, status: unknown): Record<string, unknown> {
  return byAddress
    ? { type: 'status', arg: target.arg, address: target.address, status }
    : { type: 'status', arg: target.arg, scripthash: target.scripthash, status };
}

export async function run(job: Job): Promise<void> {
  await job.open();
  const method = job.requireMethod();
  const out = job.ctx.out;
  const targets = (job.inv.fanout ? job.inv.fanout.items.map((i) => i.value) : [job.inv.values[TARGET_PARAM]]) as Target[];
  const byAddress = method.params[0]?.kind === 'address';
  const subs = await Promise.all(
    targets.map(async (t) => {
      const params = job.params({ ...job.inv.values, [TARGET_PARAM]: t }, method);
      const ctx = { version: job.version, params };
      const { result, stream } = await job.conn.subscribe(method.name, params);
      return { t, ctx, status: check(method.result, result, ctx), stream };
    }),
  );
  await job.ctx.verified();
  const show = (t: Target, status: unknown, initial: boolean) => {
    if (job.ctx.json) out.event(statusEvent(t, byAddress, status));
    else out.data(`${t.arg}: ${initial ? 'status' : 'changed, status'} ${status === null ? 'null (no history)' : String(status)}`);
  };
  for (const s of subs) show(s.t, s.status, true);
  await Promise.all(
    subs.map(async (s) => {
      for await (const note of s.stream) {
        const [, status] = check(method.notification!, note, s.ctx) as unknown[];
        show(s.t, status, false);
      }
    }),
  );
}
