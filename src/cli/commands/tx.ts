/**
 * `tx`: checks that what the server returned is the requested transaction (its hex hashes
 * to the txid; a verbose object names it), and with --decode adds a local decoding.
 */
import { CliError, ProtocolError } from '../../errors.js';
import type { NetworkName } from '../../bitcoin/networks.js';
import type { Job, Outcome } from '../job.js';

/** Throws ProtocolError unless `result` (hex or verbose object) is transaction `txid`. */
export async function checkTx(result: unknown, txid: string): Promise<void> {
  if (typeof result === 'string') {
    const { parseRawTx } = await import('../../bitcoin/tx.js');
    let got: string;
    try {
      got = parseRawTx(result).txid;
    } catch (err) {
      throw new ProtocolError(`server returned a transaction that does not parse (${(err as Error).message}), not ${txid}`);
    }
    if (got !== txid) throw new ProtocolError(`server returned a transaction whose txid is ${got}, not the requested ${txid}`);
    return;
  }
  const got = (result as { txid?: unknown }).txid;
  if (got !== txid) throw new ProtocolError(`server returned a transaction whose txid is ${String(got)}, not the requested ${txid}`);
  const hex = (result as { hex?: unknown }).hex;
  if (typeof hex === 'string') await checkTx(hex, txid);
}

async function decoded(result: unknown, network: NetworkName): Promise<unknown> {
  const { decodeTx } = await import('../../bitcoin/decode.js');
  const hex = typeof result === 'string' ? result : (result as { hex?: string }).hex;
  return hex === undefined ? null : decodeTx(hex, network);
}

export async function run(job: Job): Promise<void> {
  await job.open();
  const method = job.requireMethod();
  const outcomes = await job.callAll(method);
  const decode = job.inv.flags.decode === true;
  const checked: Outcome[] = [];
  for (const o of outcomes) {
    if ('error' in o) {
      checked.push(o);
      continue;
    }
    try {
      await checkTx(o.result, o.params[0] as string);
      checked.push(decode ? { ...o, result: { result: o.result, decoded: await decoded(o.result, job.ctx.network) } } : o);
    } catch (err) {
      if (!(err instanceof CliError) || !job.inv.fanout) throw err;
      checked.push({ key: o.key, params: o.params, error: err });
    }
  }
  await job.print(checked, async (r) => {
    if (!decode) return typeof r === 'string' ? r : JSON.stringify(r, null, 2);
    const { renderDecodedTx } = await import('../../format/tx.js');
    return renderDecodedTx((r as { decoded: never }).decoded, job.ctx.out.style);
  });
}
