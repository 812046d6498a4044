/**
 * `tip`: the chain tip from blockchain.headers.subscribe, shown decoded on a terminal; with
 * --follow, every new tip as it is announced (watch.ts: NDJSON {"type": "tip", ...} under
 * --json, reconnecting across drops) until Ctrl-C.
 */
import type { Job } from '../job.js';
import { tipOf } from '../../methods/normalise.js';

export async function run(job: Job): Promise<void> {
  await job.open();
  job.requireMethod();
  if (job.inv.flags.follow === true) return (await import('./watch.js')).followTips(job);
  const out = job.ctx.out;
  const { result, params } = await job.call();
  await job.print([{ key: '', params, result }], async (r) => {
    // 1.0-1.3 servers send the deserialized header: re-serialize it to show the same view.
    const hex = await (await import('./header.js')).headerHexOf(typeof (r as { hex?: unknown }).hex === 'string' ? (r as { hex: string }).hex : r);
    const { decodeHeader } = await import('../../bitcoin/decode.js');
    const { renderDecodedHeader } = await import('../../format/tx.js');
    return renderDecodedHeader(decodeHeader(hex, tipOf(r)), out.style);
  });
}
