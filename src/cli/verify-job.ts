/**
 * --verify for history, tx, merkle and balance (the one implementation; run-method routes
 * every --verify here): the command's normal answer, wrapped as {"result": ..., "verified":
 * bool, "verification": {...}} (docs/architecture.md §7). Headers are anchored to a checkpoint
 * (checkpoints.ts, or --checkpoint HEIGHT:HASH) and cached; a false answer, anchored or not,
 * ends with exit status 6 naming what was false.
 */
import { UsageError } from '../errors.js';
import type { Job, Outcome } from './job.js';
import type { Target } from './args.js';
import { TARGET_PARAM } from './args.js';
import { checkpointsFor } from '../diag/checkpoints.js';
import { cacheDir } from '../cache-dir.js';
import { FileHeaderStore, MemoryHeaderStore } from '../diag/cache.js';
import { HeaderAnchor } from '../diag/spv.js';
import { TxProver, connectionFetcher, summarizeProofs, type MerkleReply, type ProofItem, type VerifiedOutput } from '../diag/proofs.js';
import { call } from '../methods/call.js';
import { listUnspent, txGet } from '../methods/blockchain.js';

const VERIFIABLE = new Set(['history', 'tx', 'merkle', 'balance']);

/** Runs a registry command with --verify. */
export async function run(job: Job): Promise<void> {
  const name = job.command.spec.name;
  if (!VERIFIABLE.has(name)) throw new UsageError(`--verify does not apply to ${name}`);
  const ctx = job.ctx;
  const checkpoints = checkpointsFor(ctx.network, job.inv.flags.checkpoint as string | undefined);
  const cpText = checkpoints.map((c) => `${c.source === 'user' ? '--checkpoint ' : 'checkpoint '}${c.height}`).join(', ');
  await job.open();
  const method = job.requireMethod();
  const tip = await job.tipHeight();
  const store = ctx.io.env.HOME || ctx.io.env.XDG_CACHE_HOME ? new FileHeaderStore(cacheDir(ctx.io.env), ctx.network, checkpoints) : new MemoryHeaderStore();
  const anchor = new HeaderAnchor({ network: ctx.network, checkpoints, fetcher: connectionFetcher(job.conn), store, ...(tip !== undefined ? { cacheBelow: tip - 6 } : {}) });
  const prover = new TxProver(job.conn, anchor);
  const { Eta } = await import('../format/eta.js');
  const spin = await ctx.out.spinner('verifying…');
  let firstError: Error | undefined;
  const wrapped: Outcome[] = [];
  const etas = new Map<string, InstanceType<typeof Eta>>();
  try {
    const outcomes = await job.callAll(method);
    for (const o of outcomes) {
      if ('error' in o) {
        wrapped.push(o);
        continue;
      }
      const proofs = await proveOutcome(job, prover, name, o, (done, total) => {
        const eta = (etas.get(o.key) ?? etas.set(o.key, new Eta(`verifying${o.key ? ` ${o.key}` : ''}`, total)).get(o.key))!;
        spin.update(eta.text(done));
      });
      const notes = name === 'balance'
        ? ['the funding transactions of the UTXOs were proven; that they are still unspent cannot be proven this way (only the server says so)']
        : [];
      const { verified, verification, error } = summarizeProofs(proofs.items, cpText, [...notes, ...proofs.notes]);
      if (proofs.sats) verification.sats = proofs.sats;
      firstError ??= error;
      const out: VerifiedOutput = { result: o.result, verified, verification };
      wrapped.push({ ...o, result: out });
    }
  } finally {
    spin.stop();
    anchor.flush();
  }
  const { verifyText } = await import('../diag/render.js');
  await job.print(wrapped, async (r) => {
    const w = r as VerifiedOutput;
    const body = name === 'tx' ? String(w.result) : await job.human(w.result);
    return `${body}\n${verifyText(w)}`;
  });
  if (firstError) throw firstError;
}

/** Reports proofs done of a total (the spinner's n/N and ETA). */
type OnProof = (done: number, total: number) => void;

async function proveOutcome(job: Job, prover: TxProver, name: string, o: Extract<Outcome, { result: unknown }>, onProof: OnProof = () => {}): Promise<{ items: ProofItem[]; notes: string[]; sats?: { proven: number; claimed: number } }> {
  const notes: string[] = [];
  if (name === 'history') {
    const entries = o.result as { tx_hash: string; height: number }[];
    const items: ProofItem[] = [];
    onProof(0, entries.length);
    for (const e of entries) {
      items.push(strip(await prover.prove(e.tx_hash, e.height)));
      onProof(items.length, entries.length);
    }
    return { items, notes };
  }
  if (name === 'merkle') {
    // The branch in hand is the one checked (not a second get_merkle), at the height asked.
    const txid = o.params[0] as string;
    const r = o.result as MerkleReply & { block_height: number };
    const height = typeof o.params[1] === 'number' ? o.params[1] : r.block_height;
    return { items: [strip(await prover.prove(txid, height, { merkle: r }))], notes };
  }
  if (name === 'tx') {
    const txid = o.params[0] as string;
    const raw = typeof o.result === 'string' ? o.result : (o.result as { hex?: string }).hex;
    const height = await heightOf(job, txid);
    if (height === undefined) {
      return { items: [{ txid, height: 0, status: 'unanchored', reason: 'the server would not say which block holds it (no verbose transaction), so its confirmation cannot be proven' }], notes };
    }
    return { items: [strip(await prover.prove(txid, height, raw !== undefined ? { raw } : {}))], notes };
  }
  // balance: prove every confirmed UTXO's funding output, then compare the sum
  const sh = scripthashOf(job, o);
  const utxos = await call(job.conn, listUnspent, [sh]);
  const items: ProofItem[] = [];
  let proven = 0;
  onProof(0, utxos.length);
  for (const u of utxos) {
    const p = await prover.proveOutput(u.tx_hash, u.height, u.tx_pos, u.value, sh);
    if (p.status === 'verified') proven += u.value;
    items.push(p);
    onProof(items.length, utxos.length);
  }
  const bal = o.result as { confirmed: number };
  notes.push(`${proven} sats of confirmed outputs proven against the chain; the server reports ${bal.confirmed} confirmed`);
  if (typeof bal.confirmed === 'number' && proven < bal.confirmed && items.every((i) => i.status === 'verified' || i.status === 'unconfirmed')) {
    notes.push('the confirmed balance exceeds the proven outputs: outputs spent in the mempool still count as confirmed, otherwise the server overstates it');
  }
  return { items, notes, sats: { proven, claimed: typeof bal.confirmed === 'number' ? bal.confirmed : 0 } };
}

function scripthashOf(job: Job, o: Extract<Outcome, { result: unknown }>): string {
  const f = job.inv.fanout;
  const t = (f ? f.items.find((i) => i.key === o.key)?.value : job.inv.values[TARGET_PARAM]) as Target | undefined;
  if (!t) throw new UsageError('balance --verify needs an address or script hash');
  return t.scripthash;
}

/** The confirmed height of a tx from the verbose object, or undefined. */
async function heightOf(job: Job, txid: string): Promise<number | undefined> {
  try {
    const v = (await call(job.conn, txGet, [txid, true])) as { confirmations?: unknown; blockhash?: unknown };
    if (typeof v?.confirmations !== 'number' || v.confirmations < 1) return v?.confirmations === 0 ? 0 : undefined;
    const tip = await job.tipHeight();
    return tip === undefined ? undefined : tip - v.confirmations + 1;
  } catch {
    return undefined;
  }
}

function strip(p: ProofItem & { tx?: unknown }): ProofItem {
  const { tx: _tx, ...rest } = p;
  return rest;
}
