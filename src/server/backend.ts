/**
 * LocalBackend: the `Backend` of src/server/api.ts over the user's own bitcoind, composing
 * daemon (bitcoind client), store (LMDB index), indexer (blocks) and mempool.
 *
 * Entry point for serve.ts:
 *
 *   const { backend, sync, close } = await openBackend({
 *     network: 'regtest', datadir: '~/.bitcoin' (expanded by the caller), dbDir, log, onProgress,
 *   });
 *   await sync;        // initial sync done (the backend answers from the partial index before)
 *   ...                // hand `backend` to the sessions
 *   await close();     // stops polling, closes the store
 *
 * openBackend checks bitcoind first (reachable, auth, network, warm-up/IBD, pruning) and
 * throws DaemonError (exit 7) when it is unusable. After the initial sync it follows the
 * tip and the mempool and emits `tip` then `touched` (docs/protocol.md §11): the tip is polled
 * every 250 ms (one cheap batch), the mempool every 500 ms or ten times as long as its last
 * poll took (so a huge mempool costs at most ~10% of a core), and ZMQ messages, when
 * bitcoind publishes them, trigger the matching poll at once.
 */
import { EventEmitter } from 'node:events';
import { sortMempool16 } from '../bitcoin/status.js';
import { merkleBranchAndRootBuf } from '../bitcoin/merkle.js';
import { scriptToAddress } from '../bitcoin/address.js';
import { NETWORKS, type NetworkName } from '../bitcoin/networks.js';
import { oneLine } from '../errors.js';
import {
  BackendError, type Backend, type BackendEvents, type Balance, type HeaderProof, type HistoryEntry, type MempoolEntry,
  type MempoolInfo, type Tip, type Utxo,
} from './api.js';
import { fromDisplay, toDisplay } from './blockparse.js';
import { Daemon, RpcError, sleep, subscribeZmq } from './daemon.js';
import { Indexer } from './indexer.js';
import { Mempool } from './mempool.js';
import { checkpointBranch } from './checkpoint.js';
import { ScriptView, type ScriptCacheLimits } from './script-view.js';
import { openStore, type Store } from './store/db.js';
import { decodeOutpointValue, outpointKey, txnumKey } from './store/rows.js';
import type { SyncProgress } from './sync-progress.js';

/** ElectrumX's default: about (MAX_SEND - 100) / 99 entries (docs/protocol.md §8). */
export const DEFAULT_HISTORY_LIMIT = Math.floor((8_100_000 - 100) / 99);

/** Options of openBackend. */
export interface OpenBackendOptions {
  network: NetworkName;
  /** bitcoind's datadir, for the cookie (the caller expands `~`). */
  datadir?: string;
  /** http://host:port of bitcoind's RPC (user:pass@ allowed). */
  bitcoindUrl?: string;
  /** Explicit cookie file. */
  rpcCookie?: string;
  rpcUser?: string;
  rpcPassword?: string;
  /** Where the index lives (created if missing). */
  dbDir: string;
  /** Use ZMQ when bitcoind publishes it (default true). */
  zmq?: boolean;
  log: (line: string) => void;
  onProgress?: (p: SyncProgress) => void;
  historyLimit?: number;
  /** Bounds of the per-script-hash cache (default DEFAULT_CACHE_LIMITS). */
  cacheLimits?: ScriptCacheLimits;
  /** Cap on blocks per sync chunk (one store transaction each); default 500. */
  maxChunkBlocks?: number;
  /** Polling period of the tip, ms (default 250). */
  pollMs?: number;
  /** Shortest polling period of the mempool, ms (default 500; stretched for slow polls). */
  mempoolPollMs?: number;
  /**
   * Until the initial sync is done, how long bitcoind may stay unreachable before openBackend
   * or `sync` fails with a DaemonError (ms; default 0: wait for ever). Afterwards the follow
   * loop logs and keeps retrying whatever this is.
   */
  giveUpMs?: number;
  /** Called once bitcoind is checked, before the sync, with what it reports (see readiness.ts). */
  onDetected?: (d: Daemon, indexedTxs: number) => Promise<void>;
  signal?: AbortSignal;
}

/** The Backend over a local bitcoind and the embedded index. */
export class LocalBackend implements Backend {
  readonly network: NetworkName;
  readonly genesisHash: string;
  readonly events = new EventEmitter<BackendEvents>();
  /** History, status, balance and UTXO queries with their per-script-hash cache. */
  readonly view: ScriptView;
  /** Cached complete checkpoint subtrees (see checkpoint.ts), dropped from a reorg's height. */
  private readonly cpCache = new Map<number, Buffer>();
  /** Set to make the follow loop poll now (ZMQ message, broadcast): the tip, or the mempool too. */
  wake: (what?: 'tip' | 'mempool') => void = () => {};
  /** estimatesmartfee answers for the current tip (ElectrumX caches per tip as well). */
  private feeCache = new Map<string, Promise<number>>();
  private feeCacheTip = '';

  constructor(
    readonly daemon: Daemon,
    readonly store: Store,
    readonly indexer: Indexer,
    readonly mempoolView: Mempool,
    opts: { network: NetworkName; historyLimit?: number; cacheLimits?: ScriptCacheLimits },
  ) {
    this.network = opts.network;
    this.genesisHash = NETWORKS[opts.network].genesisHash;
    this.view = new ScriptView(store, indexer, mempoolView, opts.historyLimit ?? DEFAULT_HISTORY_LIMIT, opts.cacheLimits);
    // Same tick as each commit: no request can see the new rows and an old cached answer.
    indexer.onCommit = (touched) => this.view.invalidate(touched);
  }

  tip(): Tip {
    const h = this.indexer.height;
    return { height: h, hash: toDisplay(this.indexer.blockHashAt(h)), hex: this.indexer.headerAt(h)!.toString('hex') };
  }

  header(height: number): string | undefined {
    return this.indexer.headerAt(height)?.toString('hex');
  }

  headers(start: number, count: number): string[] {
    const out: string[] = [];
    for (let h = start; h < start + count && h <= this.indexer.height; h++) out.push(this.indexer.headerAt(h)!.toString('hex'));
    return out;
  }

  headerProof(height: number, cpHeight: number): HeaderProof {
    if (!(height >= 0 && height <= cpHeight && cpHeight <= this.indexer.height)) {
      throw new BackendError(1, `require header height ${height} <= cp_height ${cpHeight} <= chain height ${this.indexer.height}`);
    }
    const { branch, root } = checkpointBranch((h) => this.indexer.blockHashAt(h), height, cpHeight, this.cpCache);
    return { branch: branch.map(toDisplay), root: toDisplay(root) };
  }

  /** Forgets cached checkpoint subtrees at and above a reorged height. */
  invalidateFrom(height: number): void {
    for (const k of this.cpCache.keys()) if ((k + 1) * 1024 > height) this.cpCache.delete(k);
  }

  private shBytes(scripthash: string): Buffer {
    if (!/^[0-9a-fA-F]{64}$/.test(scripthash)) throw new BackendError(1, `${scripthash} is not a valid script hash`);
    return fromDisplay(scripthash.toLowerCase());
  }

  async history(scripthash: string): Promise<HistoryEntry[]> {
    return this.view.history(scripthash.toLowerCase(), this.shBytes(scripthash));
  }

  /** The get_history reply as JSON text (see Backend.historyJson). */
  async historyJson(scripthash: string): Promise<string> {
    return this.view.historyJson(scripthash.toLowerCase(), this.shBytes(scripthash));
  }

  async mempool(scripthash: string): Promise<MempoolEntry[]> {
    this.shBytes(scripthash);
    return sortMempool16(this.mempoolView.entries(scripthash.toLowerCase()));
  }

  async status(scripthash: string): Promise<string | null> {
    return this.view.status(scripthash.toLowerCase(), this.shBytes(scripthash));
  }

  async balance(scripthash: string): Promise<Balance> {
    return this.view.balance(scripthash.toLowerCase(), this.shBytes(scripthash));
  }

  async listunspent(scripthash: string): Promise<Utxo[]> {
    return this.view.listunspent(scripthash.toLowerCase(), this.shBytes(scripthash));
  }

  /** The listunspent reply as JSON text (see Backend.listunspentJson). */
  async listunspentJson(scripthash: string): Promise<string> {
    return this.view.listunspentJson(scripthash.toLowerCase(), this.shBytes(scripthash));
  }

  /** Display hash of the block holding an indexed txid, or undefined. */
  private blockOf(txid: string): string | undefined {
    const n = this.indexer.txnumOf(fromDisplay(txid));
    return n === undefined ? undefined : toDisplay(this.indexer.blockHashAt(this.indexer.heightOf(n)));
  }

  private daemonError(e: unknown): BackendError {
    if (e instanceof RpcError) return new BackendError(2, `daemon error: DaemonError({'code': ${e.code}, 'message': '${e.rpcMessage}'})`);
    if (e instanceof BackendError) return e;
    return new BackendError(2, `daemon error: ${oneLine((e as Error).message)}`);
  }

  async transaction(txid: string, verbose: boolean): Promise<unknown> {
    if (!/^[0-9a-fA-F]{64}$/.test(txid)) throw new BackendError(1, `${txid} should be a transaction hash`);
    const id = txid.toLowerCase();
    const block = this.blockOf(id);
    try {
      return await this.daemon.call('getrawtransaction', block ? [id, verbose, block] : [id, verbose]);
    } catch (e) {
      throw this.daemonError(e);
    }
  }

  private blockTxids(height: number): Buffer[] {
    if (!(Number.isInteger(height) && height >= 0 && height <= this.indexer.height)) throw new BackendError(1, `height ${height} out of range`);
    const [first, end] = this.indexer.txRange(height);
    return [...this.store.scan(txnumKey(first), txnumKey(end))].map((r) => r.value);
  }

  async merkle(txid: string, height: number): Promise<{ block_height: number; merkle: string[]; pos: number }> {
    const txids = this.blockTxids(height);
    const want = fromDisplay(txid.toLowerCase());
    const pos = txids.findIndex((t) => t.equals(want));
    if (pos < 0) throw new BackendError(1, `tx ${txid} not in block at height ${height}`);
    return { block_height: height, merkle: merkleBranchAndRootBuf(txids, pos).branch.map(toDisplay), pos };
  }

  async idFromPos(height: number, pos: number, merkle: boolean): Promise<string | { tx_hash: string; merkle: string[] }> {
    const txids = this.blockTxids(height);
    if (!(Number.isInteger(pos) && pos >= 0 && pos < txids.length)) throw new BackendError(1, `no tx at position ${pos} in block at height ${height}`);
    const tx_hash = toDisplay(txids[pos]!);
    if (!merkle) return tx_hash;
    return { tx_hash, merkle: merkleBranchAndRootBuf(txids, pos).branch.map(toDisplay) };
  }

  async utxoAddress(txid: string, index: number): Promise<string | null> {
    if (!/^[0-9a-fA-F]{64}$/.test(txid) || !Number.isInteger(index) || index < 0) return null;
    // The index keeps script hashes, not scripts: the output's script comes from bitcoind
    // (with the block hash from the index, so no -txindex is needed for confirmed txs).
    const id = txid.toLowerCase();
    const block = this.blockOf(id);
    let tx: { vout?: { n: number; scriptPubKey?: { hex?: string } }[] };
    try {
      tx = await this.daemon.call('getrawtransaction', block ? [id, true, block] : [id, true]);
    } catch (e) {
      if (e instanceof RpcError) return null; // unknown to bitcoind
      throw this.daemonError(e);
    }
    const script = tx.vout?.find((v) => v.n === index)?.scriptPubKey?.hex;
    return script === undefined ? null : scriptToAddress(script, this.network);
  }

  async broadcast(rawTx: string): Promise<string> {
    // Never retried: the first attempt may have reached the network already.
    try {
      const txid = await this.daemon.call<string>('sendrawtransaction', [rawTx]);
      this.wake('mempool');
      return txid;
    } catch (e) {
      if (e instanceof RpcError) throw new BackendError(1, `the transaction was rejected by network rules.\n\n${e.rpcMessage}\n[${rawTx}]`);
      throw this.daemonError(e);
    }
  }

  async broadcastPackage(rawTxs: string[], verbose: boolean): Promise<unknown> {
    let r: { package_msg?: string; 'tx-results'?: Record<string, { txid?: string; error?: string }> };
    try {
      r = await this.daemon.call('submitpackage', [rawTxs]);
    } catch (e) {
      if (e instanceof RpcError) throw new BackendError(1, `the tx package was rejected by network rules.\n\n${e.rpcMessage}`);
      throw this.daemonError(e);
    }
    this.wake('mempool');
    if (verbose) return r;
    const errors = Object.values(r['tx-results'] ?? {}).filter((x) => x.error).map((x) => ({ txid: x.txid ?? '', error: x.error! }));
    return errors.length > 0 ? { success: r.package_msg === 'success', errors } : { success: r.package_msg === 'success' };
  }

  async estimateFee(blocks: number, mode?: string): Promise<number> {
    const target = feeTargetBucket(blocks);
    const tip = this.indexer.height >= 0 ? toDisplay(this.indexer.tipHash) : '';
    if (tip !== this.feeCacheTip) {
      this.feeCache.clear();
      this.feeCacheTip = tip;
    }
    const key = `${target}/${mode ?? ''}`;
    let p = this.feeCache.get(key);
    if (!p) {
      p = this.daemon.call<{ feerate?: number }>('estimatesmartfee', mode ? [target, mode] : [target])
        .then((r) => (typeof r.feerate === 'number' ? r.feerate : -1));
      this.feeCache.set(key, p);
      // Errors are not cached: the next request asks bitcoind again.
      p.catch(() => this.feeCache.get(key) === p && this.feeCache.delete(key));
    }
    try {
      return await p;
    } catch (e) {
      throw this.daemonError(e);
    }
  }

  async relayFee(): Promise<number> {
    try {
      return (await this.daemon.call<{ relayfee: number }>('getnetworkinfo')).relayfee;
    } catch (e) {
      throw this.daemonError(e);
    }
  }

  async mempoolInfo(): Promise<MempoolInfo> {
    try {
      const r = await this.daemon.call<MempoolInfo>('getmempoolinfo');
      return { mempoolminfee: r.mempoolminfee, minrelaytxfee: r.minrelaytxfee, incrementalrelayfee: r.incrementalrelayfee };
    } catch (e) {
      throw this.daemonError(e);
    }
  }

  async feeHistogram(): Promise<[number, number][]> {
    return this.mempoolView.histogram();
  }

  /** A synchronous lookup of confirmed outputs, for the mempool. */
  confirmedOutput = (txid: Buffer, vout: number): { sh: Buffer; value: number } | undefined => {
    const o = this.store.get(outpointKey(txid, vout));
    if (!o) return undefined;
    const d = decodeOutpointValue(o);
    return { sh: Buffer.from(d.sh), value: d.value };
  };

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

  private stepping: Promise<unknown> = Promise.resolve();

  private async stepOnce(signal: AbortSignal | undefined, mempool: boolean): Promise<number | undefined> {
    const before = this.indexer.height >= 0 ? toDisplay(this.indexer.tipHash) : '';
    const r = await this.indexer.catchUp(true, signal);
    if (r.reorgHeight !== undefined) this.invalidateFrom(r.reorgHeight);
    const touched = r.touched;
    if (!mempool && !r.tipChanged) return undefined;
    const t0 = Date.now();
    let u = await this.daemon.retrying('bitcoind', () => this.mempoolView.poll(this.daemon), signal);
    // The mempool only makes sense against the tip it was read at: index a new block first.
    for (let i = 0; i < 3 && u.tip !== toDisplay(this.indexer.tipHash); i++) {
      const r2 = await this.indexer.catchUp(true, signal);
      if (r2.reorgHeight !== undefined) this.invalidateFrom(r2.reorgHeight);
      for (const s of r2.touched) touched.add(s);
      u = await this.mempoolView.poll(this.daemon);
    }
    const tipChanged = toDisplay(this.indexer.tipHash) !== before;
    if (tipChanged) for (const s of this.mempoolView.scriptHashes()) touched.add(s);
    for (const s of this.mempoolView.apply(u, this.confirmedOutput)) touched.add(s);
    if (tipChanged) this.events.emit('tip', this.tip());
    if (touched.size > 0) this.events.emit('touched', touched);
    return Date.now() - t0;
  }
}

/**
 * ElectrumX's bucketing of estimatefee targets, so cached answers are shared: up to 12
 * exact, 25 kept, up to 48 rounded down to even, up to 1008 down to a multiple of 24,
 * capped at 1008. Targets below 1 go to bitcoind unchanged (it rejects them).
 */
export function feeTargetBucket(blocks: number): number {
  if (!Number.isInteger(blocks) || blocks <= 12 || blocks === 25) return blocks;
  if (blocks <= 48) return blocks - (blocks % 2);
  if (blocks <= 1008) return blocks - (blocks % 24);
  return 1008;
}

/** Opens the index, checks bitcoind and starts syncing; see the top of this file. */
export async function openBackend(opts: OpenBackendOptions): Promise<{ backend: LocalBackend; sync: Promise<void>; close(): Promise<void> }> {
  const daemon = new Daemon({
    network: opts.network, datadir: opts.datadir, cookiePath: opts.rpcCookie, url: opts.bitcoindUrl,
    user: opts.rpcUser, password: opts.rpcPassword, log: opts.log, giveUpMs: opts.giveUpMs,
  });
  await daemon.retrying('bitcoind', () => daemon.detect(opts.signal), opts.signal).catch((e) => {
    daemon.close();
    throw e;
  });
  const store = await openStore(opts.dbDir);
  const indexer = new Indexer(store, daemon, { network: opts.network, log: opts.log, onProgress: opts.onProgress, maxChunkBlocks: opts.maxChunkBlocks });
  try {
    indexer.load();
  } catch (e) {
    daemon.close();
    await store.close();
    throw e;
  }
  const backend = new LocalBackend(daemon, store, indexer, new Mempool(), { network: opts.network, historyLimit: opts.historyLimit, cacheLimits: opts.cacheLimits });
  const stop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  if (indexer.height >= 0) opts.log(`index at height ${indexer.height}; syncing with bitcoind`);

  const follow = new FollowTimer(opts.pollMs ?? 250, opts.mempoolPollMs ?? 500);
  backend.wake = (what = 'mempool') => follow.wake(what);

  const sync = (async () => {
    await opts.onDetected?.(daemon, indexer.nextTxnum);
    // catchUp resumes from the indexed tip, so a sync cut by a bitcoind restart picks up again.
    await daemon.retrying('bitcoind', () => indexer.catchUp(false, signal), signal);
    if (signal.aborted) return;
    await backend.step(signal);
    opts.log(`index synced at height ${indexer.height}`);
  })();
  const loop = (async () => {
    try {
      await sync;
    } catch {
      return; // reported through `sync`
    }
    const closeZmq = opts.zmq === false ? null : await subscribeZmq(await daemon.zmqEndpoints(), (topic, body) => follow.wake(zmqWakes(topic, body)), opts.log);
    follow.mempoolPolled(0);
    try {
      await follow.run(signal, async (mempool) => {
        const ms = await backend.step(signal, mempool);
        if (ms !== undefined) follow.mempoolPolled(ms);
      }, opts.log);
    } finally {
      closeZmq?.();
    }
  })();

  return {
    backend,
    sync,
    close: async () => {
      stop.abort();
      await sync.catch(() => {});
      await loop;
      daemon.close();
      await store.close();
    },
  };
}

/** Which poll a ZMQ message calls for: blocks (hashblock, sequence C/D) or the mempool. */
export function zmqWakes(topic: string, body: Buffer): 'tip' | 'mempool' {
  if (topic === 'hashblock' || topic === 'rawblock') return 'tip';
  if (topic === 'sequence' && body.length >= 33 && (body[32] === 0x43 || body[32] === 0x44)) return 'tip';
  return 'mempool';
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

  /** Runs `round` until `signal` aborts; a failed round is logged and retried a second later. */
  async run(signal: AbortSignal, round: (mempool: boolean) => Promise<void>, log: (line: string) => void): Promise<void> {
    while (!signal.aborted) {
      const mempool = await this.next(signal);
      if (signal.aborted) break;
      try {
        await round(mempool);
      } catch (e) {
        if (signal.aborted) break;
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
