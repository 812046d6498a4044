/**
 * Consent before `broadcast` and `broadcast-package`: --yes, or a decoded summary (outputs,
 * fee from the parents the server gives) and a yes/no question at a terminal; otherwise exit 2
 * naming --yes, before anything is sent.
 */
import type { NetworkName } from '../../bitcoin/networks.js';
import { decodeTx, type DecodedTx } from '../../bitcoin/decode.js';
import { parseRawTx } from '../../bitcoin/tx.js';
import { formatBtc, formatSats } from '../../bitcoin/units.js';
import type { Connection } from '../../protocol/connection.js';
import { formatServer } from '../../protocol/server-address.js';
import type { PromptContext } from '../interfaces.js';
import { startProgress } from '../progress.js';
import { canPrompt, confirm, needsTerminal } from './ask.js';
import { callBatch } from '../../methods/call.js';
import { txGet } from '../../methods/blockchain.js';

/** What the broadcast summary shows: the decoded tx plus the fee when every parent was found. */
export interface BroadcastSummary {
  tx: DecodedTx;
  /** Satoshis; undefined when an input's value is unknown. */
  fee?: number;
  feeNote?: string;
}

/** Input values from the parents' raw transactions (one batch); the fee when all are known. */
export async function summarize(conn: Connection, raw: string, network: NetworkName): Promise<BroadcastSummary> {
  const tx = decodeTx(raw, network);
  const parents = [...new Set(tx.inputs.filter((i) => !i.coinbase).map((i) => i.txid))];
  let values: Map<string, number[]>;
  try {
    const replies = await callBatch(conn, txGet, parents.map((p) => [p]));
    values = new Map();
    replies.forEach((r, i) => {
      if ('error' in r || typeof r.result !== 'string') return;
      const parsed = parseRawTx(r.result);
      if (parsed.txid !== parents[i]) return; // a server lying about a parent gets no say in the fee
      values.set(parents[i]!, parsed.outputs.map((o) => o.value));
    });
  } catch (err) {
    return { tx, feeNote: `unknown (${(err as Error).message})` };
  }
  let inSum = 0;
  for (const i of tx.inputs) {
    const v = values.get(i.txid)?.[i.vout];
    if (v === undefined) return { tx, feeNote: `unknown (the server did not give input ${i.txid}:${i.vout})` };
    inSum += v;
  }
  const outSum = tx.outputs.reduce((s, o) => s + o.value, 0);
  return { tx, fee: inSum - outSum };
}

/** The summary as text for stderr (pure). */
export function renderSummary(s: BroadcastSummary, server: string): string {
  const lines = [`About to broadcast ${s.tx.txid}`, `  to ${server}`, `  ${s.tx.inputs.length} input${s.tx.inputs.length === 1 ? '' : 's'}, ${s.tx.outputs.length} output${s.tx.outputs.length === 1 ? '' : 's'}:`];
  for (const o of s.tx.outputs) {
    lines.push(`    #${o.n}  ${o.address ?? `(${o.type})`}  ${formatBtc(o.value)} BTC`);
  }
  const total = s.tx.outputs.reduce((sum, o) => sum + o.value, 0);
  lines.push(`  total out: ${formatBtc(total)} BTC`);
  if (s.fee !== undefined) {
    const rate = s.fee / s.tx.vsize;
    lines.push(`  fee: ${formatSats(s.fee)} sats (${rate.toFixed(rate < 10 ? 2 : 1)} sat/vB over ${s.tx.vsize} vB)`);
  } else {
    lines.push(`  fee: ${s.feeNote ?? 'unknown'}`);
  }
  return lines.join('\n');
}

/**
 * The one rule for `broadcast` and `broadcast-package`: --yes, or someone at a terminal to
 * confirm; otherwise exit 2 naming --yes, before anything is sent.
 */
export function requireConsent(ctx: Pick<PromptContext, 'io' | 'opts'>, what = 'broadcast'): void {
  if (ctx.opts.yes || canPrompt(ctx.io, ctx.opts)) return;
  throw needsTerminal(what, 'pass --yes to broadcast without a prompt (scripts, pipes, --json)');
}

/**
 * The summaries of a package (parents first): each transaction's fee from the package's own
 * outputs and, for inputs outside it, the server's raw parents (one batch).
 */
export async function summarizePackage(conn: Connection, raws: readonly string[], network: NetworkName): Promise<BroadcastSummary[]> {
  const txs = raws.map((r) => decodeTx(r, network));
  const values = new Map<string, number[]>(txs.map((t) => [t.txid, t.outputs.map((o) => o.value)]));
  const outside = [...new Set(txs.flatMap((t) => t.inputs.filter((i) => !i.coinbase && !values.has(i.txid)).map((i) => i.txid)))];
  let note: string | undefined;
  try {
    const replies = await callBatch(conn, txGet, outside.map((p) => [p]));
    replies.forEach((r, i) => {
      if ('error' in r || typeof r.result !== 'string') return;
      const parsed = parseRawTx(r.result);
      if (parsed.txid === outside[i]) values.set(outside[i]!, parsed.outputs.map((o) => o.value));
    });
  } catch (err) {
    note = `unknown (${(err as Error).message})`;
  }
  return txs.map((tx) => {
    let inSum = 0;
    for (const i of tx.inputs) {
      const v = values.get(i.txid)?.[i.vout];
      if (v === undefined) return { tx, feeNote: note ?? `unknown (the server did not give input ${i.txid}:${i.vout})` };
      inSum += v;
    }
    return { tx, fee: inSum - tx.outputs.reduce((sum, o) => sum + o.value, 0) };
  });
}

/** Before a package broadcast: the same rule as confirmBroadcast, one question for the whole package. */
export async function confirmPackage(ctx: PromptContext, conn: Connection, raws: readonly string[]): Promise<void> {
  if (ctx.opts.yes) return;
  requireConsent(ctx, 'broadcast-package');
  const progress = startProgress(ctx.out, 'fetching the inputs…');
  let all: BroadcastSummary[];
  try {
    all = await summarizePackage(conn, raws, ctx.network);
  } finally {
    progress.stop();
  }
  const server = formatServer(conn.server);
  const lines = [`About to broadcast a package of ${all.length} transaction${all.length === 1 ? '' : 's'} (parents first) to ${server}:`];
  for (const [i, s] of all.entries()) lines.push(`${i + 1}. ${renderSummary(s, server).split('\n').filter((l) => !l.startsWith('  to ')).join('\n   ')}`);
  if (all.every((s) => s.fee !== undefined)) {
    const fee = all.reduce((sum, s) => sum + s.fee!, 0);
    const vsize = all.reduce((sum, s) => sum + s.tx.vsize, 0);
    const rate = fee / vsize;
    lines.push(`package fee: ${formatSats(fee)} sats (${rate.toFixed(rate < 10 ? 2 : 1)} sat/vB over ${vsize} vB)`);
  }
  ctx.io.stderr.write(`${lines.join('\n')}\n`);
  if (!(await confirm(ctx.io, 'Broadcast this package?', false))) {
    const { InterruptedError } = await import('../../errors.js');
    throw new InterruptedError('broadcast cancelled: nothing was sent');
  }
}

/**
 * Before a broadcast: nothing with --yes; a decoded summary and a yes/no question on a
 * terminal; otherwise exit 2 naming --yes. A "no" sends nothing and exits 130.
 */
export async function confirmBroadcast(ctx: PromptContext, conn: Connection, raw: string): Promise<void> {
  if (ctx.opts.yes) return;
  requireConsent(ctx);
  const progress = startProgress(ctx.out, 'fetching the inputs…');
  let s: BroadcastSummary;
  try {
    s = await summarize(conn, raw, ctx.network);
  } finally {
    progress.stop();
  }
  ctx.io.stderr.write(`${renderSummary(s, formatServer(conn.server))}\n`);
  if (!(await confirm(ctx.io, 'Broadcast this transaction?', false))) {
    const { InterruptedError } = await import('../../errors.js');
    throw new InterruptedError('broadcast cancelled: nothing was sent');
  }
}

