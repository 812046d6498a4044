/**
 * `tip`: the chain tip from blockchain.headers.subscribe; with --follow, every new tip as
 * it is announced (NDJSON {"type": "tip", ...} under --json) until Ctrl-C.
 */
import { check } from '../../methods/validate.js';
import type { Job } from '../job.js';

/** The event for one tip: raw {height, hex} or a 1.0–1.3 deserialized header. */
export function tipEvent(header: unknown): Record<string, unknown> {
  return { type: 'tip', ...(header as Record<string, unknown>) };
}

async function line(header: unknown): Promise<string> {
  const h = header as { hex?: string; height?: number; block_height?: number };
  const height = h.height ?? h.block_height;
  if (typeof h.hex !== 'string') return `${height}`;
  const { decodeHeader } = await import('../../bitcoin/decode.js');
  const { formatTime } = await import('../../format/cells.js');
  const d = decodeHeader(h.hex, height);
  return `${height}  ${d.hash}  ${formatTime(d.timestamp)}`;
}

export async function run(job: Job): Promise<void> {
  await job.open();
  const method = job.requireMethod();
  const out = job.ctx.out;
  if (job.inv.flags.follow === true) return (await import('./watch.js')).followTips(job);
  if (job.inv.flags.follow !== true) {
    const { result, params } = await job.call();
    await job.print([{ key: '', params, result }], async (r) => {
      // 1.0-1.3 servers send the deserialized header: re-serialize it to show the same view.
      const h = r as { hex?: string; height?: number; block_height?: number };
      const hex = typeof h.hex === 'string' ? h.hex : await (await import('./header.js')).headerHexOf(r);
      const { decodeHeader } = await import('../../bitcoin/decode.js');
      const { renderDecodedHeader } = await import('../../format/tx.js');
      return renderDecodedHeader(decodeHeader(hex, h.height ?? h.block_height), out.opts.color);
    });
    return;
  }
  const params = job.params();
  const ctx = { version: job.version, params };
  const { result, stream } = await job.conn.subscribe(method.name, params);
  check(method.result, result, ctx);
  await job.ctx.verified();
  const show = async (header: unknown) => (job.ctx.json ? out.event(tipEvent(header)) : out.data(await line(header)));
  await show(result);
  for await (const note of stream) {
    const [header] = check(method.notification!, note, ctx) as unknown[];
    await show(header);
  }
}
