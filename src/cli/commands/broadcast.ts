/**
 * `broadcast` and `broadcast-package`: one consent rule (prompts/broadcast-consent.ts requireConsent: --yes, or a
 * confirmation at a terminal; else exit 2 before connecting). `broadcast` computes the txid of RAWTX first, sends it once (never retried: it may have
 * been accepted even if the reply is lost), and checks that the server answered that txid.
 * Servers sometimes answer other strings: a protocol 1.0 rejection text, or warning HTML
 * for clients they think are old (docs/protocol.md §5.3).
 */
import { ProtocolError, ServerError, TimeoutError, UsageError } from '../../errors.js';
import { parseRawTx } from '../../bitcoin/tx.js';
import { preview } from '../../protocol/jsonrpc.js';
import { cmpVersion } from '../../protocol/version.js';
import type { Job } from '../job.js';

/** The txid of a raw transaction the user gave; a usage error when it does not parse. */
export function txidOf(raw: string): string {
  try {
    return parseRawTx(raw).txid;
  } catch (err) {
    throw new UsageError(`RAWTX is not a valid transaction: ${(err as Error).message}`, {
      hint: 'give the signed transaction in hex (a file holding it, or - for stdin)',
    });
  }
}

export async function run(job: Job): Promise<void> {
  const txid = txidOf(job.inv.values.raw_tx as string);
  const { confirmBroadcast, requireConsent } = await import('../prompts/broadcast-consent.js');
  requireConsent(job.ctx); // without --yes or a terminal: exit 2 before connecting
  await job.open();
  const method = job.requireMethod();
  // Never hand a transaction to a server on another chain.
  await job.ctx.verified();
  await confirmBroadcast(job.ctx, job.conn, job.inv.values.raw_tx as string);
  let result: unknown;
  try {
    ({ result } = await job.call(job.inv.values, method));
  } catch (err) {
    if (err instanceof TimeoutError) {
      throw new TimeoutError(`${err.message} (broadcast of ${txid})`, {
        hint: `the transaction may have been accepted anyway: check with \`electrum-cli tx ${txid}\` before broadcasting again`,
      });
    }
    throw err;
  }
  if (result !== txid) {
    const text = String(result);
    if (cmpVersion(job.version, '1.1') < 0) {
      // Protocol 1.0 reports a rejection as the result string.
      throw new ServerError(1, text, method.name, { hint: 'the server rejected the transaction (protocol 1.0 reports this as text)' });
    }
    throw new ProtocolError(`server answered ${preview(text)} to the broadcast instead of the txid ${txid}`, {
      hint: 'the transaction may or may not have been accepted: check with `electrum-cli tx TXID` on another server',
    });
  }
  await job.print([{ key: '', params: [], result }]);
}

/** `broadcast-package`: parents first, child last, as one broadcast_package request. */
export async function runPackage(job: Job): Promise<void> {
  const raws = job.inv.values.raw_txs as string[];
  raws.forEach(txidOf); // a usage error before anything else
  const { confirmPackage, requireConsent } = await import('../prompts/broadcast-consent.js');
  requireConsent(job.ctx, 'broadcast-package');
  await job.open();
  const method = job.requireMethod(); // 1.6 only: names the versions that have it (exit 2)
  await job.ctx.verified();
  await confirmPackage(job.ctx, job.conn, raws);
  const { result } = await job.call(job.inv.values, method);
  await job.print([{ key: '', params: [], result }]);
}
