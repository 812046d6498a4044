/**
 * `subscribe`/`watch` and `tip --follow` as robust streams. Each session subscribes, then
 * every status notification is turned into a history diff (what is new, what confirmed, what
 * went back to the mempool, what vanished), so each change is reported exactly once and in
 * order, whether it arrives as a notification, twice, or while the connection was down. A
 * dropped connection is retried with exponential backoff (1 s doubling to 60 s); the new
 * session subscribes again and reports what changed meanwhile. Ctrl-C unsubscribes and main
 * exits 130; --until-confirmed N returns (exit 0) once a watched transaction has N
 * confirmations; --exec CMD runs CMD with sh per event, the event as JSON on its stdin.
 */
import { spawn } from 'node:child_process';
import { CliError, ConnectionError, ProtocolError, UsageError } from '../../errors.js';
import { blockHash } from '../../bitcoin/header.js';
import { findMethod } from '../../methods/registry.js';
import { check } from '../../methods/validate.js';
import { call, callBatch, callSubscribe } from '../../methods/call.js';
import { blockHeader, unsubscribe as scripthashUnsubscribe } from '../../methods/blockchain.js';
import { outpointUnsubscribe, spkUnsubscribe } from '../../methods/draft.js';
import { tipOf } from '../../methods/normalise.js';
import { AsyncQueue } from '../../protocol/async-queue.js';
import type { Connection } from '../../protocol/connection.js';
import { formatServer } from '../../protocol/server-address.js';
import { cmpVersion } from '../../protocol/version.js';
import { TARGET_PARAM, type Target } from '../args.js';
import type { Job } from '../job.js';
import { headerHexOf } from './header.js';

/** A history entry (blockchain.scripthash.get_history). */
export interface Entry {
  tx_hash: string;
  height: number;
  fee?: number;
}

/** What changed between two histories of one address. */
export interface HistoryDiff {
  /** Transactions not seen before. */
  added: Entry[];
  /** Seen in the mempool (or in another block), now in a block. */
  confirmed: Entry[];
  /** Seen in a block, now back in the mempool (a reorg). */
  unconfirmed: Entry[];
  /** Gone (replaced, evicted, or reorged out and not re-accepted). */
  removed: Entry[];
}

const inBlock = (e: Entry) => e.height > 0;

/** The changes from `prev` to `next` (pure); 0 <-> -1 (mempool parent states) is no change. */
export function diffHistory(prev: readonly Entry[], next: readonly Entry[]): HistoryDiff {
  const before = new Map(prev.map((e) => [e.tx_hash, e]));
  const after = new Set(next.map((e) => e.tx_hash));
  const d: HistoryDiff = { added: [], confirmed: [], unconfirmed: [], removed: [] };
  for (const e of next) {
    const p = before.get(e.tx_hash);
    if (!p) d.added.push(e);
    else if (inBlock(e) && p.height !== e.height) d.confirmed.push(e);
    else if (!inBlock(e) && inBlock(p)) d.unconfirmed.push(e);
  }
  for (const p of prev) if (!after.has(p.tx_hash)) d.removed.push(p);
  return d;
}

/** True when the diff reports anything. */
export function changed(d: HistoryDiff): boolean {
  return d.added.length + d.confirmed.length + d.unconfirmed.length + d.removed.length > 0;
}

/** Delay before reconnect attempt `n` (0-based): 1 s doubling, capped at 60 s. */
export function backoffMs(n: number, baseMs = 1000, maxMs = 60_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(n, 30));
}

/** Confirmations of a height at a tip (0 for the mempool). */
export function confirmations(height: number, tip: number): number {
  return height > 0 && tip >= height ? tip - height + 1 : 0;
}

interface Watched {
  t: Target;
  status?: string | null;
  history?: Entry[];
}

type Ev = { kind: 'status'; w: Watched; status: unknown } | { kind: 'tip'; header: unknown } | { kind: 'end'; error?: unknown };

/** Emits events: NDJSON or lines on stdout, then --exec, strictly one after another. */
class Emitter {
  private chain: Promise<void> = Promise.resolve();
  constructor(private readonly job: Job) {}

  emit(event: Record<string, unknown>, line: string): Promise<void> {
    const out = this.job.ctx.out;
    // Written at once; only --jq/--fields make printing asynchronous (then it joins the chain).
    const printed = this.job.ctx.json ? out.event(event) : out.data(line);
    if (printed) this.chain = this.chain.then(() => printed);
    const cmd = this.job.inv.flags.exec as string | undefined;
    if (cmd !== undefined) this.chain = this.chain.then(() => runExec(this.job, cmd, event));
    return this.chain;
  }
}

/** Runs `cmd` with sh, the event as JSON on stdin; its output is passed through. */
function runExec(job: Job, cmd: string, event: Record<string, unknown>): Promise<void> {
  const io = job.ctx.io;
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', cmd], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...io.env, ELECTRUM_CLI_EVENT: String(event.type) } as NodeJS.ProcessEnv, cwd: io.cwd });
    child.stdout.on('data', (d: Buffer) => io.stdout.write(d.toString()));
    child.stderr.on('data', (d: Buffer) => io.stderr.write(d.toString()));
    child.on('error', (err) => {
      job.ctx.out.warn(`--exec: ${err.message}`);
      resolve();
    });
    child.on('close', (code) => {
      if (code !== 0) job.ctx.out.warn(`--exec command exited ${code} for a ${String(event.type)} event`);
      resolve();
    });
    child.stdin.on('error', () => {});
    child.stdin.end(`${JSON.stringify(event)}\n`);
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The session loop shared by both watchers: run `session`, and on a dropped connection retry with backoff. */
async function reconnecting(job: Job, session: (conn: Connection, first: boolean) => Promise<'done' | 'lost'>): Promise<void> {
  const signal = job.ctx.io.signal;
  let first = true;
  let attempt = 0;
  for (;;) {
    let outcome: 'done' | 'lost';
    try {
      if (!first) job.conn = await job.ctx.reconnect();
      outcome = await session(job.conn, first);
      attempt = 0;
    } catch (err) {
      if (signal.aborted) return;
      // The first session's failures are the command's failures (exit 3, 4, 5...).
      if (first || !(err instanceof ConnectionError)) throw err;
      const delay = backoffMs(attempt++);
      job.ctx.out.notice(`${formatServer(job.conn.server)}: ${(err as CliError).message}; retrying in ${Math.round(delay / 1000)} s`);
      await sleep(delay, signal);
      continue;
    } finally {
      first = false;
    }
    if (signal.aborted || outcome === 'done') return;
    const delay = backoffMs(attempt++);
    job.ctx.out.notice(`connection to ${formatServer(job.conn.server)} lost; reconnecting in ${Math.round(delay / 1000)} s`);
    await sleep(delay, signal);
  }
}

/** Pumps a notification stream into the merged queue; its end (or error) ends the session. */
function pump(stream: AsyncIterableIterator<unknown[]>, q: AsyncQueue<Ev>, wrap: (params: unknown[]) => Ev): void {
  void (async () => {
    try {
      for await (const p of stream) q.push(wrap(p));
      q.push({ kind: 'end' });
    } catch (error) {
      q.push({ kind: 'end', error });
    }
  })();
}

/** `subscribe` / `watch`. */
export async function run(job: Job): Promise<void> {
  await job.open();
  const method = job.requireMethod();
  const targets = (job.inv.fanout ? job.inv.fanout.items.map((i) => i.value) : [job.inv.values[TARGET_PARAM]]) as Target[];
  const byAddress = method.params[0]?.kind === 'address';
  // The 1.7 draft: scriptpubkey methods, notified with the script hash.
  const byScript = method.params[0]?.kind === 'script';
  const historyMethod = findMethod(byAddress ? 'blockchain.address.get_history' : byScript ? 'blockchain.scriptpubkey.get_history' : 'blockchain.scripthash.get_history')!;
  const until = job.inv.flags.untilConfirmed as number | undefined;
  if (until !== undefined && until < 1) throw new UsageError('--until-confirmed needs at least 1 confirmation');
  const tipMethod = findMethod('blockchain.headers.subscribe')!;
  const watched: Watched[] = targets.map((t) => ({ t }));
  const emitter = new Emitter(job);
  const key = (w: Watched) => (byAddress ? { address: w.t.address } : { scripthash: w.t.scripthash });
  /** Transactions first seen with fewer than N confirmations: the ones --until-confirmed waits for. */
  const tracked = new Map<string, { w: Watched; height: number }>();
  let tip: number | undefined;
  let finished = false;
  let historyWarned = false;

  const unsubscribe = () => {
    const conn = job.conn;
    if (!conn?.isOpen || byAddress || cmpVersion(job.version, '1.4.2') < 0) return;
    for (const w of watched) {
      const [m, p] = byScript ? [spkUnsubscribe, w.t.script] : [scripthashUnsubscribe, w.t.scripthash];
      call(conn, m, [p]).catch(() => {});
    }
  };
  const onAbort = () => unsubscribe();
  job.ctx.io.signal.addEventListener('abort', onAbort, { once: true });

  const track = (w: Watched, entries: readonly Entry[], initial: boolean) => {
    if (until === undefined) return;
    for (const e of entries) {
      if (initial && tip !== undefined && confirmations(e.height, tip) >= until) continue;
      tracked.set(e.tx_hash, { w, height: e.height });
    }
  };
  const checkConfirmed = async (): Promise<boolean> => {
    if (until === undefined || tip === undefined) return false;
    for (const [txid, x] of tracked) {
      const c = confirmations(x.height, tip);
      if (c >= until) {
        await emitter.emit(
          { type: 'confirmed', arg: x.w.t.arg, ...key(x.w), tx_hash: txid, height: x.height, confirmations: c },
          `${x.w.t.arg}: ${txid} has ${c} confirmation${c === 1 ? '' : 's'} (block ${x.height})`,
        );
        return true;
      }
    }
    return false;
  };

  const fetchHistory = async (conn: Connection, w: Watched): Promise<Entry[]> => {
    const params = [byAddress ? w.t.address : byScript ? w.t.script : w.t.scripthash];
    const checked = await call(conn, historyMethod, params);
    return (historyMethod.unwrap ? historyMethod.unwrap(checked) : checked) as Entry[];
  };

  /** A status for `w` (subscribe reply or notification): diff the history and report the change once. */
  const onStatus = async (conn: Connection, w: Watched, status: string | null) => {
    // A repeated notification, or no change while we were away: nothing new to report.
    if (w.history !== undefined && status === w.status) return;
    let history: Entry[];
    try {
      history = status === null ? [] : await fetchHistory(conn, w);
    } catch (err) {
      if (err instanceof ConnectionError) throw err;
      // No history from this server: still report the status change, without the entries.
      if (!historyWarned) job.ctx.out.warn(`cannot read histories (${(err as Error).message}): events carry the status only`);
      historyWarned = true;
      w.status = status;
      await emitter.emit({ type: 'status', arg: w.t.arg, ...key(w), status }, `${w.t.arg}: status ${status ?? 'null (no history)'}`);
      return;
    }
    w.status = status;
    if (w.history === undefined) {
      w.history = history;
      track(w, history, true);
      await emitter.emit(
        { type: 'status', arg: w.t.arg, ...key(w), status, history },
        `${w.t.arg}: status ${status ?? 'null (no history)'}, ${history.length} transaction${history.length === 1 ? '' : 's'}`,
      );
      return;
    }
    const d = diffHistory(w.history, history);
    w.history = history;
    for (const e of d.confirmed) if (tracked.has(e.tx_hash)) tracked.get(e.tx_hash)!.height = e.height;
    for (const e of d.unconfirmed) if (tracked.has(e.tx_hash)) tracked.get(e.tx_hash)!.height = e.height;
    for (const e of d.removed) tracked.delete(e.tx_hash);
    track(w, d.added, false);
    // Every status change is one event, even when the entries moved between mempool states only.
    const parts = [
      ...d.added.map((e) => `+ ${e.tx_hash} ${e.height > 0 ? `in block ${e.height}` : 'in the mempool'}`),
      ...d.confirmed.map((e) => `confirmed ${e.tx_hash} in block ${e.height}`),
      ...d.unconfirmed.map((e) => `unconfirmed ${e.tx_hash} (back in the mempool)`),
      ...d.removed.map((e) => `removed ${e.tx_hash}`),
    ];
    await emitter.emit({ type: 'status', arg: w.t.arg, ...key(w), status, ...d }, `${w.t.arg}: ${changed(d) ? parts.join('; ') : `status ${status ?? 'null'}`}`);
  };

  try {
    await reconnecting(job, async (conn, first) => {
      const q = new AsyncQueue<Ev>();
      const subs = await Promise.all(
        watched.map(async (w) => {
          const params = job.params({ ...job.inv.values, [TARGET_PARAM]: w.t }, method);
          const ctx = { version: job.version, params };
          const { result, stream } = await callSubscribe(conn, method, params, byScript ? { key: w.t.scripthash } : {});
          return { w, ctx, status: result as string | null, stream };
        }),
      );
      if (until !== undefined) {
        const { result, stream } = await callSubscribe(conn, tipMethod, []);
        tip = tipOf(result) ?? tip;
        pump(stream, q, (p) => ({ kind: 'tip', header: (check(tipMethod.notification!, p, { version: job.version, params: [] }) as unknown[])[0] }));
      }
      if (first) await job.ctx.verified();
      for (const s of subs) {
        pump(s.stream, q, (p) => ({ kind: 'status', w: s.w, status: (check(method.notification!, p, s.ctx) as unknown[])[1] }));
      }
      // What the subscribe replies say: first the initial report, after a reconnect what changed meanwhile.
      for (const s of subs) await onStatus(conn, s.w, s.status);
      if (await checkConfirmed()) return 'done';
      for await (const ev of q) {
        if (ev.kind === 'end') {
          if (ev.error !== undefined && !(ev.error instanceof ConnectionError)) throw ev.error;
          return 'lost';
        }
        if (ev.kind === 'tip') tip = tipOf(ev.header) ?? tip;
        else await onStatus(conn, ev.w, ev.status as string | null);
        if (await checkConfirmed()) return 'done';
      }
      return 'lost';
    });
    finished = true;
  } finally {
    job.ctx.io.signal.removeEventListener('abort', onAbort);
    if (finished) unsubscribe();
  }
}

/** `tip --follow`: every new tip once, in order, across reconnects (missed blocks are fetched). */
export async function followTips(job: Job): Promise<void> {
  await job.open();
  const method = job.requireMethod();
  const emitter = new Emitter(job);
  let last: { height: number; hash: string } | undefined;
  const show = async (header: unknown) => {
    const h = header as { hex?: string };
    const height = tipOf(header);
    if (height === undefined) return;
    // 1.0-1.3 servers send deserialized headers: re-serialize to get the hash.
    const hash = blockHash(typeof h.hex === 'string' ? h.hex : await headerHexOf(header));
    if (last && last.height === height && last.hash === hash) return; // seen
    last = { height, hash };
    const line = `${height}  ${hash}`;
    await emitter.emit({ type: 'tip', ...(header as Record<string, unknown>) }, line);
  };
  /** After a reconnect, the blocks announced while away (raw-header servers, up to 100). */
  const missed = async (conn: Connection, now: number) => {
    if (!last || now <= last.height + 1 || now - last.height > 100 || cmpVersion(job.version, '1.4') < 0) return;
    const heights = Array.from({ length: now - last.height - 1 }, (_, i) => last!.height + 1 + i);
    let replies;
    try {
      replies = await callBatch(conn, blockHeader, heights.map((h) => [h]));
    } catch (err) {
      // A malformed header ends the catch-up, as it always did; the live stream goes on.
      if (err instanceof ProtocolError) return;
      throw err;
    }
    for (const [i, r] of replies.entries()) {
      if ('error' in r || typeof r.result !== 'string') return;
      await show({ hex: r.result, height: heights[i] });
    }
  };
  await reconnecting(job, async (conn, first) => {
    const params = job.params({}, method);
    const ctx = { version: job.version, params };
    const { result: header, stream } = await callSubscribe(conn, method, params);
    if (first) await job.ctx.verified();
    const h = tipOf(header);
    if (!first && h !== undefined) await missed(conn, h);
    await show(header);
    try {
      for await (const note of stream) await show((check(method.notification!, note, ctx) as unknown[])[0]);
    } catch (err) {
      if (!(err instanceof ConnectionError)) throw err;
    }
    return 'lost';
  });
}

/**
 * `outpoint-watch` (1.7 draft): the output's status, then each change, across reconnects
 * (a status that did not change while away is not reported again). Ctrl-C unsubscribes.
 */
export async function followOutpoint(job: Job): Promise<void> {
  await job.open();
  const method = job.requireMethod();
  const emitter = new Emitter(job);
  const txid = job.inv.values.tx_hash as string;
  const vout = job.inv.values.txout_idx as number;
  let last: string | undefined;
  const show = async (status: Record<string, unknown>) => {
    const json = JSON.stringify(status);
    if (json === last) return;
    last = json;
    const what = status.funder_height === undefined
      ? 'no such output'
      : status.spender_txhash === undefined
        ? `unspent (funded ${heightText(status.funder_height as number)})`
        : `spent by ${String(status.spender_txhash)} ${heightText(status.spender_height as number)}`;
    await emitter.emit({ type: 'outpoint', tx_hash: txid, txout_idx: vout, status }, `${txid}:${vout}: ${what}`);
  };
  const onAbort = () => {
    if (job.conn?.isOpen) call(job.conn, outpointUnsubscribe, [txid, vout]).catch(() => {});
  };
  job.ctx.io.signal.addEventListener('abort', onAbort, { once: true });
  try {
    await reconnecting(job, async (conn, first) => {
      const params = job.params(job.inv.values, method);
      const ctx = { version: job.version, params };
      const { result, stream } = await callSubscribe(conn, method, params);
      const status = result as Record<string, unknown>;
      if (first) await job.ctx.verified();
      await show(status);
      try {
        for await (const note of stream) {
          const p = check(method.notification!, note, ctx) as unknown[];
          if (p[1] === vout) await show(p[2] as Record<string, unknown>);
        }
      } catch (err) {
        if (!(err instanceof ConnectionError)) throw err;
      }
      return 'lost';
    });
  } finally {
    job.ctx.io.signal.removeEventListener('abort', onAbort);
  }
}

function heightText(h: number): string {
  return h > 0 ? `in block ${h}` : 'in the mempool';
}
