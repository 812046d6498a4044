/**
 * `header`: one block header (hex; with --cp-height a checkpoint proof; on 1.0–1.3 the
 * deserialized form). --decode adds the header's fields, hash and whether its PoW meets
 * its own bits; a terminal always shows the decoded view.
 */
import type { Job } from '../job.js';

/** The 80-byte header hex inside any of the result shapes. */
export async function headerHexOf(result: unknown): Promise<string> {
  if (typeof result === 'string') return result;
  const o = result as { header?: unknown; block_height?: unknown };
  if (typeof o.header === 'string') return o.header;
  const { serializeHeader } = await import('../../bitcoin/header.js');
  return serializeHeader(result as Parameters<typeof serializeHeader>[0]);
}

export async function run(job: Job): Promise<void> {
  await job.open();
  const { result, params } = await job.call();
  const height = params[0] as number;
  const { decodeHeader } = await import('../../bitcoin/decode.js');
  const decoded = decodeHeader(await headerHexOf(result), height);
  const shown = job.inv.flags.decode === true ? { result, decoded } : result;
  await job.print([{ key: '', params, result: shown }], async () => {
    const { renderDecodedHeader } = await import('../../format/tx.js');
    return renderDecodedHeader(decoded, job.ctx.out.style);
  });
}
