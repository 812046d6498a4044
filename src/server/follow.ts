/**
 * The follow loop of `serve --local`: after the initial sync it keeps the index and the mempool
 * view at bitcoind's tip and emits the backend's `tip` then `touched` events (docs/protocol.md
 * §11). The tip is polled every 250 ms (one cheap batch), the mempool every 500 ms or ten times
 * as long as its last poll took (so a huge mempool costs at most ~10% of a core), and ZMQ
 * messages (zmq.ts), when bitcoind publishes them, trigger the matching poll at once, as does a
 * broadcast (LocalBackend.wake).
 *
 * A failed round is logged and retried a second later (bitcoind restarting, a reorg racing a
 * read), except a failure that `fatal` names (the index or its disk unusable): that ends the
 * loop, and `run` rejects with it.
 */
import { oneLine } from '../errors.js';
import type { LocalBackend } from './backend.js';
import { toDisplay } from './blockparse.js';
import { sleep } from './sleep.js';
import { subscribeZmq, zmqEndpoints, zmqWakes } from './zmq.js';

export interface FollowOptions {
  /** Polling period of the tip, ms (default 250). */
  pollMs?: number;
  /** Shortest polling period of the mempool, ms (default 500; stretched for slow polls). */
  mempoolPollMs?: number;
  /** Use ZMQ when bitcoind publishes it (default true). */
  zmq?: boolean;
  log: (line: string) => void;
  /** The error that ends the loop for a round's failure, or undefined to log it and retry. */
  fatal?: (e: unknown) => Error | undefined;
}

/** Keeps one LocalBackend at bitcoind's tip. */
export class Follower {
  readonly timer: FollowTimer;
  /** Script hashes whose mempool part a commit pruned, notified with the round's `touched`. */
  private readonly pruned = new Set<string>();
  private stepping: Promise<unknown> = Promise.resolve();

  constructor(private readonly backend: LocalBackend, private readonly opts: FollowOptions) {
    this.timer = new FollowTimer(opts.pollMs ?? 250, opts.mempoolPollMs ?? 500);
    backend.wake = (what = 'mempool') => this.timer.wake(what);
    const { indexer, view, mempoolView } = backend;
    // Same tick as each commit: no request can see the new rows with an old cached answer,
    // nor with mempool txs the block confirmed or conflicted with (docs/protocol.md §11).
    indexer.onCommit = (touched) => {
      view.invalidate(touched);
      const isConfirmed = (txid: Buffer): boolean => indexer.txnumOf(txid) !== undefined;
      for (const s of mempoolView.prune(touched, isConfirmed, backend.confirmedOutput)) this.pruned.add(s);
    };
  }

  /**
   * One round: catch up with bitcoind's tip, then (when `mempool` is true or the tip moved)
   * its mempool; emits `tip` then `touched`. Returns how long the mempool poll took (ms), or
   * undefined when it was skipped. Public so tests can step deterministically instead of
   * waiting for the poll timer.
   */
  step(signal?: AbortSignal, mempool = true): Promise<number | undefined> {
    // Rounds never overlap (the follow loop and a test or broadcast may ask at once).
    const run = this.stepping.then(() => this.stepOnce(signal, mempool));
    this.stepping = run.catch(() => {});
    return run;
  }

  private async stepOnce(signal: AbortSignal | undefined, mempool: boolean): Promise<number | undefined> {
    const b = this.backend;
    const { indexer, daemon, mempoolView } = b;
    const before = indexer.height >= 0 ? toDisplay(indexer.tipHash) : '';
    const r = await indexer.catchUp(true, signal);
    if (r.reorgHeight !== undefined) b.invalidateFrom(r.reorgHeight);
    const touched = r.touched;
    if (!mempool && !r.tipChanged) return undefined;
    const t0 = Date.now();
    let u = await daemon.retrying('bitcoind', () => mempoolView.poll(daemon), signal);
    // The mempool only makes sense against the tip it was read at: index a new block first.
    for (let i = 0; i < 3 && u.tip !== toDisplay(indexer.tipHash); i++) {
      const r2 = await indexer.catchUp(true, signal);
      if (r2.reorgHeight !== undefined) b.invalidateFrom(r2.reorgHeight);
      for (const s of r2.touched) touched.add(s);
      u = await mempoolView.poll(daemon);
    }
    const tipChanged = toDisplay(indexer.tipHash) !== before;
    if (tipChanged) for (const s of mempoolView.scriptHashes()) touched.add(s);
    for (const s of this.pruned) touched.add(s);
    this.pruned.clear();
    // A mempool read at another tip than the index's is not applied (the next round reads
    // again): the pruned view stays a subset of bitcoind's mempool at the indexed tip.
    if (u.tip === toDisplay(indexer.tipHash)) for (const s of mempoolView.apply(u, b.confirmedOutput)) touched.add(s);
    else b.wake('mempool');
    if (tipChanged) b.events.emit('tip', b.tip());
    if (touched.size > 0) b.events.emit('touched', touched);
    return Date.now() - t0;
  }

  /** Follows until `signal` aborts (resolves) or a round fails fatally (rejects); see the top of this file. */
  async run(signal: AbortSignal): Promise<void> {
    const { log } = this.opts;
    const closeZmq = this.opts.zmq === false ? null
      : await subscribeZmq(await zmqEndpoints(this.backend.daemon), (topic, body) => this.timer.wake(zmqWakes(topic, body)), log);
    this.timer.mempoolPolled(0);
    try {
      await this.timer.run(signal, async (mempool) => {
        const ms = await this.step(signal, mempool);
        if (ms !== undefined) this.timer.mempoolPolled(ms);
      }, log, this.opts.fatal);
    } finally {
      closeZmq?.();
    }
  }
}

/**
 * When the follow loop polls next: the tip every `tipMs`, the mempool every `mempoolMs` or
 * ten times its last poll's duration, and at once after wake(). A wake that arrives while
 * a poll runs is kept for the next round, so no ZMQ message is lost to a busy loop.
 */
export class FollowTimer {
  private wantTip = false;
  private wantMempool = false;
  private nextMempoolAt = 0;
  private resolve: (() => void) | null = null;

  constructor(private readonly tipMs: number, private readonly mempoolMs: number) {}

  /** Asks for a poll now. */
  wake(what: 'tip' | 'mempool'): void {
    if (what === 'tip') this.wantTip = true;
    else this.wantMempool = true;
    this.resolve?.();
  }

  /** Records a mempool poll that took `ms`, scheduling the next one. */
  mempoolPolled(ms: number): void {
    this.nextMempoolAt = Date.now() + Math.max(this.mempoolMs, 10 * ms);
  }

  /**
   * Runs `round` until `signal` aborts; a failed round is logged and retried a second later,
   * unless `fatal` maps its error to one that ends the run (thrown).
   */
  async run(signal: AbortSignal, round: (mempool: boolean) => Promise<void>, log: (line: string) => void, fatal?: (e: unknown) => Error | undefined): Promise<void> {
    while (!signal.aborted) {
      const mempool = await this.next(signal);
      if (signal.aborted) break;
      try {
        await round(mempool);
      } catch (e) {
        if (signal.aborted) break;
        const end = fatal?.(e);
        if (end) throw end;
        log(`sync: ${oneLine((e as Error).message)}`);
        await sleep(1000, signal).catch(() => {});
      }
    }
  }

  /** Waits for the next round; resolves whether it should include the mempool. */
  async next(signal: AbortSignal): Promise<boolean> {
    if (!this.wantTip && !this.wantMempool) {
      const wait = Math.min(this.tipMs, Math.max(0, this.nextMempoolAt - Date.now()));
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(t);
          signal.removeEventListener('abort', done);
          this.resolve = null;
          resolve();
        };
        const t = setTimeout(done, wait);
        this.resolve = done;
        signal.addEventListener('abort', done, { once: true });
      });
    }
    const mempool = this.wantMempool || Date.now() >= this.nextMempoolAt;
    this.wantTip = false;
    this.wantMempool = false;
    return mempool;
  }
}
