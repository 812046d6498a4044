/**
 * `headers`: a run of headers. JSON is the server's result (`hex` before 1.6, `headers`
 * from 1.6); a terminal shows one row per header (height, hash, time).
 */
import type { Job } from '../job.js';

export async function run(job: Job): Promise<void> {
  await job.open();
  const { result, params } = await job.call();
  await job.print([{ key: '', params, result }], async (r) => {
    const { headersOf } = await import('../../methods/normalise.js');
    const { decodeHeader } = await import('../../bitcoin/decode.js');
    const { renderRows } = await import('../../format/table.js');
    const o = r as { count: number; max: number; hex?: string; headers?: string[] };
    const hexes = headersOf(o) ?? [];
    const rows = hexes.map((h, i) => decodeHeader(h, (params[0] as number) + i));
    const table = renderRows(
      [
        { key: 'height', header: 'height', format: 'int' },
        { key: 'hash', header: 'hash', format: 'hash' },
        { key: 'timestamp', header: 'time', format: 'time' },
        { key: 'powValid', header: 'PoW ok', format: 'bool' },
      ],
      rows,
      job.ctx.out.style,
    );
    if (job.ctx.out.plain) return table;
    return `${table}\n${o.count} header${o.count === 1 ? '' : 's'} (server maximum ${o.max})`;
  });
}
