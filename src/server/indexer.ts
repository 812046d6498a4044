/**
 * The block indexer: initial sync (blocks fetched ahead within a byte budget, committed in
 * groups bounded by transactions, bytes and time, each in one atomic store transaction
 * together with the tip it reaches), tip following, and reorgs of any depth.
 *
 * Undo data is kept for the last `undoBlocks` blocks (default 200, ElectrumX's reorg
 * limit). A block below that window is undone from the outputs it spent as bitcoind
 * reports them (`/rest/spenttxouts/<hash>` or `getblock <hash> 3`; Core keeps undo data of
 * stale blocks), resolved to tx numbers and script ids through the index; when it cannot
 * tell, the reorg stops with an error and the index is left as committed, never wrong.
 * The rows are those of src/server/store/rows.ts; the header chain lives in chain.ts.
 */
import { createHash } from 'node:crypto';
import { UsageError } from '../errors.js';
import { NETWORKS, type NetworkName } from '../bitcoin/networks.js';
import { HeaderChain, sha256d } from './chain.js';
import { isUnspendable, parseRawBlock, toDisplay, type RawBlock } from './blockparse.js';
import { parseSpentTxOuts, type Daemon } from './daemon.js';
import { BitcoindError } from './errors.js';
import type { ReadView, Store, WriteTxn } from './store/db.js';
import { findScript, scriptHashOfId, scriptIdOf, txidAt, txidsIn, txnumOf } from './store/lookups.js';
import {
  amountValue, blockKey, blockValue, decodeAmount, decodeBlockValue, decodeMeta, decodeUndo, encodeMeta, encodeUndo,
  decodeScripts, decodeTxnums, encodeScripts, encodeTxnums, historyKey, idPrefix, makeScriptId, META_KEY, outpointKey,
  prefixEnd, SCHEMA_VERSION, scriptKey, scriptPrefixLength, TAG, TXIDS_PER_ROW, txidPrefixKey, txidsKey, undoKey, utxoKey,
  type SpentOutput,
} from './store/rows.js';
import type { SyncProgress } from './sync-progress.js';

/** Blocks whose undo data is kept (a deeper reorg reads spent outputs from bitcoind). */
export const DEFAULT_UNDO_BLOCKS = 200;
/** Memory the indexer may use for blocks in flight and the commit being built, MB. */
export const DEFAULT_DB_CACHE_MB = 256;
/** A commit is written at least this often during sync, ms. */
const COMMIT_MS = 2_000;
/** Blocks fetched at once. */
const FETCH_CONCURRENCY = 8;
/** Txids (and as many script ids) of recent commits kept in memory for the spends that follow. */
const RECENT_ENTRIES = 200_000;
/** Heights whose hashes are asked for in one batch. */
const HASH_BATCH = 256;

const EMPTY = Buffer.alloc(0);

/** What one catch-up changed. */
export interface CatchUpResult {
  /** The tip moved (new blocks or a reorg). */
  tipChanged: boolean;
  /** Display-hex script hashes touched by connected or disconnected blocks (when collecting). */
  touched: Set<string>;
  /** Lowest height whose block changed because of a reorg, or undefined. */
  reorgHeight?: number;
}

/** Options of Indexer. */
export interface IndexerOptions {
  network: NetworkName;
  log?: (line: string) => void;
  onProgress?: (p: SyncProgress) => void;
  /** Cap on blocks per commit (tests use small commits). */
  maxChunkBlocks?: number;
  /** Blocks whose undo data is kept (default DEFAULT_UNDO_BLOCKS; 0 keeps none). */
  undoBlocks?: number;
  /** Memory budget of blocks fetched ahead plus the commit being built, MB (default DEFAULT_DB_CACHE_MB). */
  dbCacheMb?: number;
}

function sha256(b: Buffer): Buffer {
  return createHash('sha256').update(b).digest();
}

/**
 * What one commit adds that range reads of the store do not see yet (a write transaction
 * has point reads only, see src/server/store/db.ts).
 */
interface GroupCtx {
  /** Tx number of the commit's first tx. */
  first: number;
  /** Txids of the commit's txs so far (X rows are written at the end). */
  txids: Buffer[];
  /** Tx numbers of those txids (latin1 keys). */
  txnums: Map<string, number>;
  /** Script ids resolved or assigned in this commit, by script hash (latin1). */
  ids: Map<string, Buffer>;
}

/** Limits of one commit during sync, from the memory budget. */
export function commitLimits(dbCacheMb: number): { fetchBytes: number; commitBytes: number; commitTxs: number } {
  const b = Math.max(16, dbCacheMb) * 2 ** 20;
  // Measured (docs/BENCHMARKS.md, "scale"): a parsed block and the LMDB pages its rows
  // dirty take about 4x its raw size; blocks fetched ahead are raw.
  return { fetchBytes: Math.floor(b / 4), commitBytes: Math.floor(b / 16), commitTxs: Math.max(1000, Math.floor(b / 16000)) };
}

/** Follows bitcoind's active chain into the store. */
export class Indexer {
  /** Tip hash (internal order) of the indexed chain. */
  tipHash: Buffer = Buffer.alloc(32);
  /**
   * Bumped on every committed change, so a computation that yields between reads can tell
   * that the index moved under it (docs/protocol.md §11: one snapshot per request).
   */
  generation = 0;
  /**
   * Called right after each commit (in the same tick) with the display script hashes it
   * touched, or null when they were not collected (initial sync): caches drop what changed.
   */
  onCommit: ((touched: ReadonlySet<string> | null) => void) | null = null;
  readonly chain = new HeaderChain();
  readonly undoBlocks: number;
  private readonly limits: ReturnType<typeof commitLimits>;
  /**
   * Tx numbers of the txids of recent commits (latin1 keys), oldest commit first, and script
   * ids by script hash, recently used: most inputs spend recent outputs and popular scripts
   * recur, so these spare a store read each. Both are dropped on any reorg.
   */
  private recentTxnums: Map<string, number>[] = [];
  private recentTxCount = 0;
  private recentIds = new Map<string, Buffer>();
  private readonly log: (line: string) => void;

  constructor(private readonly store: Store, private readonly daemon: Daemon, private readonly opts: IndexerOptions) {
    this.log = opts.log ?? (() => {});
    this.undoBlocks = opts.undoBlocks ?? DEFAULT_UNDO_BLOCKS;
    this.limits = commitLimits(opts.dbCacheMb ?? DEFAULT_DB_CACHE_MB);
  }

  /** Height of the indexed tip, -1 when empty. */
  get height(): number {
    return this.chain.height;
  }

  /** Tx number of the next transaction to index. */
  get nextTxnum(): number {
    return this.chain.nextTxnum;
  }

  /** Loads the stored tip and header chain; refuses an index of another network. */
  load(): void {
    if (this.store.removedSchema !== undefined) {
      this.log(`the index was written by another version (layout ${this.store.removedSchema}, this version writes ${SCHEMA_VERSION}): it was deleted and is rebuilt from the genesis block`);
    }
    const m = this.store.get(META_KEY);
    if (!m) return;
    const meta = decodeMeta(m);
    if (meta.prefixLen !== scriptPrefixLength()) throw new UsageError(`the index keeps ${meta.prefixLen}-byte script prefixes, this process ${scriptPrefixLength()}`);
    for (const { key, value } of this.store.scan(Buffer.from([TAG.block]), Buffer.from([TAG.block + 1]))) {
      const h = key.readUInt32BE(1);
      if (h > meta.height) break;
      const b = decodeBlockValue(value);
      this.chain.set(h, b.header, sha256d(b.header), b.firstTxnum);
    }
    this.chain.truncate(meta.height, meta.nextTxnum);
    this.tipHash = meta.hash;
    if (this.height >= 0 && toDisplay(this.blockHashAt(0)) !== NETWORKS[this.opts.network].genesisHash) {
      throw new UsageError(`the index was built for another network than ${this.opts.network}`, { hint: 'use another --db directory' });
    }
  }

  /** The 80-byte header at height (a view; valid until the next block), or undefined. */
  headerAt(h: number): Buffer | undefined {
    return this.chain.headerAt(h);
  }

  /** Internal-order block hash at height (caller checks the range). */
  blockHashAt(h: number): Buffer {
    return this.chain.hashAt(h);
  }

  /** [first, end) tx numbers of the block at height. */
  txRange(h: number): [number, number] {
    return this.chain.txRange(h);
  }

  /** Height of the block holding tx number `txnum`. */
  heightOf(txnum: number): number {
    return this.chain.heightOf(txnum);
  }

  /** Tx number of an indexed txid (internal order), or undefined. */
  txnumOf(txid: Buffer): number | undefined {
    return txnumOf(this.store, txid);
  }

  /** Txid (internal order) of an indexed tx number. */
  txidAt(txnum: number): Buffer {
    const t = txidAt(this.store, txnum);
    if (!t) throw new RangeError(`tx number ${txnum} is not indexed`);
    return t;
  }

  /** Txids of the block at height, in block order. */
  blockTxids(h: number): Buffer[] {
    const [first, end] = this.txRange(h);
    return txidsIn(this.store, first, end);
  }

  /** Script id of a script hash (internal order), or undefined when it has no rows. */
  scriptId(sh: Buffer): Buffer | undefined {
    return scriptIdOf(this.store, sh);
  }

  /** Key prefix of the H or U rows of script hash `sh`, or undefined when it has none. */
  rowsPrefix(tag: typeof TAG.history | typeof TAG.utxo, sh: Buffer): Buffer | undefined {
    const id = this.scriptId(sh);
    return id ? idPrefix(tag, id) : undefined;
  }

  /** The confirmed unspent output at an outpoint: its script hash and value, or undefined. */
  unspentOutput(txid: Buffer, vout: number): { sh: Buffer; value: number } | undefined {
    const n = txnumOf(this.store, txid);
    if (n === undefined || !Number.isInteger(vout) || vout < 0 || vout >= 2 ** 24) return undefined;
    const id = this.store.get(outpointKey(n, vout));
    const v = id && this.store.get(utxoKey(id, n, vout));
    const sh = id && scriptHashOfId(this.store, id);
    return v && sh ? { sh, value: decodeAmount(v) } : undefined;
  }

  /** Brings the index to bitcoind's active tip (undoing stale blocks first). */
  async catchUp(collect: boolean, signal?: AbortSignal): Promise<CatchUpResult> {
    const res: CatchUpResult = { tipChanged: false, touched: new Set() };
    for (;;) {
      if (signal?.aborted) return res;
      const [count, best] = await this.daemon.retrying('bitcoind', () => this.daemon.batchResults<number | string>([{ method: 'getblockcount' }, { method: 'getbestblockhash' }]), signal) as [number, string];
      if (this.height >= 0 && best === toDisplay(this.tipHash)) return res;
      if (this.height >= 0) {
        const fork = await this.findFork(Math.min(this.height, count));
        if (fork < this.height) {
          this.log(`reorg: undoing ${this.height - fork} block(s) above height ${fork}`);
          await this.disconnectTo(fork, collect ? res.touched : null);
          res.tipChanged = true;
          res.reorgHeight = Math.min(res.reorgHeight ?? Infinity, fork + 1);
        }
      }
      if (this.height < count) {
        this.daemon.checkPruned(this.height + 1);
        await this.syncForward(count, collect ? res.touched : null, signal);
        res.tipChanged = true;
      }
    }
  }

  /** Highest height <= from whose stored hash is bitcoind's active block there. */
  private async findFork(from: number): Promise<number> {
    let h = from;
    while (h >= 0) {
      const lo = Math.max(0, h - 31);
      const heights = Array.from({ length: h - lo + 1 }, (_, i) => h - i);
      const hashes = await this.daemon.batchResults<string>(heights.map((x) => ({ method: 'getblockhash', params: [x] })));
      for (let i = 0; i < heights.length; i++) {
        if (hashes[i] === toDisplay(this.blockHashAt(heights[i]!))) return heights[i]!;
      }
      h = lo - 1;
    }
    return -1;
  }

  /**
   * Indexes blocks height+1 .. target. Blocks are fetched ahead (FETCH_CONCURRENCY at once,
   * within the fetch budget, estimated from the size of the blocks that arrived last) and
   * committed in groups closed by transactions, raw bytes, block count or age, whichever
   * comes first, so a commit stays small however the block sizes change along the chain.
   */
  private async syncForward(target: number, touched: Set<string> | null, signal?: AbortSignal): Promise<void> {
    const t0 = Date.now();
    const startHeight = this.height;
    let txs = 0;
    let lastReport = 0;
    const report = (done: boolean): void => {
      const dt = Math.max(1e-3, (Date.now() - t0) / 1000);
      const bps = (this.height - startHeight) / dt;
      this.opts.onProgress?.({
        height: this.height, target, txs, blocksPerSec: bps, txPerSec: txs / dt,
        indexedTxs: this.nextTxnum, done,
      });
    };
    let failed = false;
    const fetcher = new BlockFetcher(this.daemon, this.height + 1, target, this.limits.fetchBytes, signal);
    const maxBlocks = this.opts.maxChunkBlocks ?? Infinity;
    let group: RawBlock[] = [];
    let groupTxs = 0;
    let groupBytes = 0;
    let groupStart = 0;
    const commit = (): boolean => {
      const blocks = group;
      group = [];
      groupTxs = 0;
      groupBytes = 0;
      const ok = this.connect(blocks, touched);
      txs += blocks.slice(0, ok).reduce((a, b) => a + b.txs.length, 0);
      if (Date.now() - lastReport > 250) {
        lastReport = Date.now();
        report(false);
      }
      return ok === blocks.length;
    };
    try {
      for (;;) {
        if (signal?.aborted) return;
        if (group.length > 0 && !fetcher.ready() && Date.now() - groupStart >= COMMIT_MS && !commit()) return;
        let raw: Buffer | null;
        try {
          raw = await fetcher.next();
        } catch (e) {
          // The chain moved under us (a block height vanished): let catchUp re-check the fork.
          if (e instanceof BitcoindError && (e.code === -8 || e.code === -5)) {
            if (group.length > 0) commit();
            return;
          }
          throw e;
        }
        if (raw === null) break;
        if (signal?.aborted) return;
        const b = parseRawBlock(raw);
        if (group.length === 0) groupStart = Date.now();
        group.push(b);
        groupTxs += b.txs.length;
        groupBytes += raw.length;
        if (groupTxs >= this.limits.commitTxs || groupBytes >= this.limits.commitBytes || group.length >= maxBlocks || Date.now() - groupStart >= COMMIT_MS) {
          if (!commit()) return;
        }
      }
      if (group.length > 0) commit();
    } catch (e) {
      failed = true;
      throw e;
    } finally {
      fetcher.stop();
      // No "done" after a failure (a full disk once printed "sync ... done" before the error).
      if (!failed) report(true);
    }
  }

  /**
   * Connects consecutive blocks in one transaction; stops at the first block that does not
   * build on the tip (a reorg under way). Returns how many were connected.
   */
  private connect(blocks: RawBlock[], touched: Set<string> | null): number {
    const added: { h: number; header: Buffer; hash: Buffer; first: number }[] = [];
    let height = this.height;
    let tip = this.tipHash;
    let nextTxnum = this.nextTxnum;
    const ctx: GroupCtx = { first: nextTxnum, txids: [], txnums: new Map(), ids: new Map() };
    this.store.update((tx) => {
      for (const b of blocks) {
        if (height >= 0 && !b.prevHash.equals(tip)) break;
        height++;
        const first = nextTxnum;
        nextTxnum = this.writeBlock(tx, ctx, b, height, first, touched);
        added.push({ h: height, header: b.header, hash: b.hash, first });
        tip = b.hash;
      }
      if (added.length === 0) return;
      writeTxids(tx, ctx.first, ctx.txids);
      tx.put(META_KEY, encodeMeta({ schema: SCHEMA_VERSION, height, hash: tip, nextTxnum }));
    });
    for (const a of added) this.chain.set(a.h, a.header, a.hash, a.first);
    this.chain.truncate(height, nextTxnum);
    this.remember(ctx);
    this.tipHash = Buffer.from(tip);
    if (added.length > 0) this.committed(touched);
    return added.length;
  }

  /** Keeps a committed group's txids and script ids for the commits that follow. */
  private remember(ctx: GroupCtx): void {
    this.recentTxnums.push(ctx.txnums);
    this.recentTxCount += ctx.txnums.size;
    while (this.recentTxnums.length > 1 && this.recentTxCount - this.recentTxnums[0]!.size >= RECENT_ENTRIES) this.recentTxCount -= this.recentTxnums.shift()!.size;
    for (const [k, id] of ctx.ids) {
      this.recentIds.delete(k);
      this.recentIds.set(k, id);
    }
    for (const k of this.recentIds.keys()) {
      if (this.recentIds.size <= RECENT_ENTRIES) break;
      this.recentIds.delete(k);
    }
  }

  private forgetRecent(): void {
    this.recentTxnums = [];
    this.recentTxCount = 0;
    this.recentIds.clear();
  }

  /** Tx number of a recently committed txid (latin1), or undefined. */
  private recentTxnum(k: string): number | undefined {
    for (let i = this.recentTxnums.length - 1; i >= 0; i--) {
      const n = this.recentTxnums[i]!.get(k);
      if (n !== undefined) return n;
    }
    return undefined;
  }

  /** Id of script `sh`, assigning one (an S row) to a script seen for the first time. */
  private idFor(tx: WriteTxn, ctx: GroupCtx, sh: Buffer): Buffer {
    const k = sh.toString('latin1');
    let id = ctx.ids.get(k) ?? this.recentIds.get(k);
    if (id) {
      ctx.ids.set(k, id);
      return id;
    }
    const f = findScript(tx, sh);
    if (f.id) id = f.id;
    else {
      // Collision numbers go from 0 in order of first appearance; a gap left by a reorg is reused.
      let n = 0;
      while (f.taken.includes(n)) n++;
      id = makeScriptId(sh, n);
      const key = scriptKey(sh);
      const old = tx.get(key);
      const entry = encodeScripts([{ n, rest: sh.subarray(scriptPrefixLength()) }]);
      tx.put(key, old ? Buffer.concat([old, entry]) : entry);
    }
    ctx.ids.set(k, id);
    return id;
  }

  /** Writes every row of one block; returns the next tx number. */
  private writeBlock(tx: WriteTxn, ctx: GroupCtx, b: RawBlock, height: number, first: number, touched: Set<string> | null): number {
    const undo: SpentOutput[] = [];
    let txnum = first;
    const ids: Buffer[] = [];
    const touch = (id: Buffer): void => {
      for (const s of ids) if (s.equals(id)) return;
      ids.push(id);
    };
    for (let t = 0; t < b.txs.length; t++) {
      const t0 = b.txs[t]!;
      const txid = b.txids[t]!;
      ctx.txids.push(txid);
      ctx.txnums.set(txid.toString('latin1'), txnum);
      const tk = txidPrefixKey(txid);
      const tOld = tx.get(tk);
      tx.put(tk, tOld ? Buffer.concat([tOld, encodeTxnums([txnum])]) : encodeTxnums([txnum]));
      ids.length = 0;
      if (t > 0) {
        for (const inp of t0.inputs) {
          const pk = inp.prevHash.toString('latin1');
          const n = ctx.txnums.get(pk) ?? this.recentTxnum(pk) ?? txnumOf(this.store, inp.prevHash);
          const ok = n === undefined ? undefined : outpointKey(n, inp.prevIndex);
          const id = ok && tx.get(ok);
          const uk = id && utxoKey(id, n!, inp.prevIndex);
          const v = uk && tx.get(uk);
          if (!v) throw new RangeError(`block ${toDisplay(b.hash)} spends ${toDisplay(inp.prevHash)}:${inp.prevIndex}, which the index does not know`);
          tx.del(ok);
          tx.del(uk);
          undo.push({ txnum: n!, vout: inp.prevIndex, id, value: decodeAmount(v) });
          touch(id);
          if (touched) touched.add(toDisplay(scriptHashOfId(tx, id)!));
        }
      }
      // The genesis coinbase cannot be spent and no server indexes it (docs/protocol.md §3).
      if (height > 0) {
        for (let v = 0; v < t0.outputs.length; v++) {
          const out = t0.outputs[v]!;
          if (isUnspendable(out.script)) continue;
          const sh = sha256(out.script);
          const id = this.idFor(tx, ctx, sh);
          tx.put(utxoKey(id, txnum, v), amountValue(out.value));
          tx.append(outpointKey(txnum, v), id);
          touch(id);
          touched?.add(toDisplay(sh));
        }
      }
      for (const id of ids) tx.put(historyKey(id, txnum), EMPTY);
      txnum++;
    }
    tx.put(blockKey(height), blockValue(b.header, first));
    if (this.undoBlocks > 0) tx.put(undoKey(height), encodeUndo(undo));
    if (height - this.undoBlocks >= 0) tx.del(undoKey(height - this.undoBlocks));
    return txnum;
  }

  /**
   * The spent outputs of block `hash` as bitcoind reports them (per tx, coinbase first),
   * for a block whose undo rows the index no longer keeps.
   */
  private async spentByBlock(hash: string): Promise<{ value: number; script: Buffer }[][]> {
    const bin = this.daemon.spentTxOuts ? await this.daemon.retrying('bitcoind', () => this.daemon.spentOutputs(hash)) : null;
    if (bin) return parseSpentTxOuts(bin);
    const blk = await this.daemon.retrying('bitcoind', () => this.daemon.call<{ tx: { vin: { coinbase?: string; prevout?: { value: number; scriptPubKey: { hex: string } } }[] }[] }>('getblock', [hash, 3]));
    return blk.tx.map((t) => t.vin.filter((i) => i.coinbase === undefined).map((i) => {
      if (!i.prevout) throw new RangeError(`bitcoind has no undo data for block ${hash}`);
      return { value: Math.round(i.prevout.value * 1e8), script: Buffer.from(i.prevout.scriptPubKey.hex, 'hex') };
    }));
  }

  /** Undo entries of an indexed block from what bitcoind says it spent. */
  private undoFromSpent(view: ReadView, b: RawBlock, spent: { value: number; script: Buffer }[][]): SpentOutput[] {
    if (spent.length !== b.txs.length) throw new RangeError(`bitcoind lists spent outputs of ${spent.length} txs for block ${toDisplay(b.hash)} of ${b.txs.length}`);
    const undo: SpentOutput[] = [];
    for (let t = 1; t < b.txs.length; t++) {
      const inputs = b.txs[t]!.inputs;
      if (spent[t]!.length !== inputs.length) throw new RangeError(`bitcoind lists ${spent[t]!.length} spent outputs for a tx with ${inputs.length} inputs`);
      for (let i = 0; i < inputs.length; i++) {
        const { value, script } = spent[t]![i]!;
        const id = scriptIdOf(view, sha256(script));
        const txnum = txnumOf(view, inputs[i]!.prevHash);
        if (!id || txnum === undefined) throw new RangeError(`cannot undo block ${toDisplay(b.hash)}: the output ${toDisplay(inputs[i]!.prevHash)}:${inputs[i]!.prevIndex} it spends is not indexed`);
        undo.push({ txnum, vout: inputs[i]!.prevIndex, id, value });
      }
    }
    return undo;
  }

  /** Undoes blocks above `fork`, newest first, one transaction each. */
  private async disconnectTo(fork: number, touched: Set<string> | null): Promise<void> {
    this.forgetRecent();
    if (this.height - fork > this.undoBlocks) this.log(`reorg of ${this.height - fork} blocks is deeper than the ${this.undoBlocks} kept in the undo window: reading the spent outputs of the older blocks from bitcoind`);
    while (this.height > fork) {
      const h = this.height;
      const hash = toDisplay(this.blockHashAt(h));
      const [raw] = await this.daemon.retrying('bitcoind', () => this.daemon.blocks([hash]));
      const b = parseRawBlock(raw!);
      if (!b.hash.equals(this.blockHashAt(h))) throw new RangeError(`bitcoind returned another block for ${hash}`);
      const stored = this.store.get(undoKey(h));
      const spent = stored || h === 0 ? null : await this.spentByBlock(hash);
      // The block leaving the window at the bottom comes back into it (a clean sync of the
      // shorter chain keeps its undo rows too).
      const back = h - this.undoBlocks;
      let backBlock: { b: RawBlock; spent: { value: number; script: Buffer }[][] } | null = null;
      const backMissing = this.undoBlocks > 0 && back >= 0 && !this.store.get(undoKey(back));
      if (backMissing && back > 0) {
        const bh = toDisplay(this.blockHashAt(back));
        const [braw] = await this.daemon.retrying('bitcoind', () => this.daemon.blocks([bh]));
        backBlock = { b: parseRawBlock(braw!), spent: await this.spentByBlock(bh) };
      }
      const [first, end] = this.txRange(h);
      const prev = h > 0 ? Buffer.from(this.blockHashAt(h - 1)) : Buffer.alloc(32);
      // Everything is looked up before the write transaction, which has point reads only.
      const undo = stored ? decodeUndo(stored) : spent ? this.undoFromSpent(this.store, b, spent) : [];
      const backUndo = backBlock ? this.undoFromSpent(this.store, backBlock.b, backBlock.spent) : backMissing ? [] : null;
      const outIds = b.txs.map((t0) => t0.outputs.map((out) => {
        if (h === 0 || isUnspendable(out.script)) return undefined;
        const sh = sha256(out.script);
        const id = scriptIdOf(this.store, sh);
        if (!id) throw new RangeError(`cannot undo block ${hash}: an output script is not indexed`);
        touched?.add(toDisplay(sh));
        return id;
      }));
      // H rows this block removes, per script id: a script left without any loses its S row.
      const removed = new Map<string, { id: Buffer; rows: number }>();
      const txIds: Buffer[][] = [];
      let u = undo.length;
      for (let t = b.txs.length - 1; t >= 0; t--) {
        const ids = new Map<string, Buffer>();
        for (const id of outIds[t]!) if (id) ids.set(id.toString('latin1'), id);
        if (t > 0) {
          for (let i = b.txs[t]!.inputs.length - 1; i >= 0; i--) {
            const e = undo[--u];
            if (!e || e.vout !== b.txs[t]!.inputs[i]!.prevIndex) throw new RangeError(`undo data of block ${hash} does not match its inputs`);
            ids.set(e.id.toString('latin1'), e.id);
          }
        }
        txIds[t] = [...ids.values()];
        for (const [k, id] of ids) {
          const r = removed.get(k) ?? { id, rows: 0 };
          r.rows++;
          removed.set(k, r);
        }
      }
      const dropScripts: Buffer[] = [];
      for (const { id, rows } of removed.values()) {
        const sh = scriptHashOfId(this.store, id);
        if (sh) touched?.add(toDisplay(sh));
        const p = idPrefix(TAG.history, id);
        if (this.store.count(p, prefixEnd(p)) <= rows) dropScripts.push(id);
      }
      this.store.update((tx) => {
        let ui = undo.length;
        for (let t = b.txs.length - 1; t >= 0; t--) {
          const t0 = b.txs[t]!;
          const txnum = first + t;
          for (let v = 0; v < t0.outputs.length; v++) {
            const id = outIds[t]![v];
            if (!id) continue;
            tx.del(utxoKey(id, txnum, v));
            tx.del(outpointKey(txnum, v));
          }
          if (t > 0) {
            for (let i = t0.inputs.length - 1; i >= 0; i--) {
              const e = undo[--ui]!;
              tx.put(utxoKey(e.id, e.txnum, e.vout), amountValue(e.value));
              tx.put(outpointKey(e.txnum, e.vout), e.id);
            }
          }
          for (const id of txIds[t]!) tx.del(historyKey(id, txnum));
          const tk = txidPrefixKey(b.txids[t]!);
          const left = decodeTxnums(tx.get(tk) ?? EMPTY).filter((x) => x !== txnum);
          if (left.length > 0) tx.put(tk, encodeTxnums(left));
          else tx.del(tk);
        }
        truncateTxids(tx, first, end);
        for (const id of dropScripts) {
          const key = scriptKey(id);
          const left = decodeScripts(tx.get(key) ?? EMPTY).filter((e) => e.n !== id[scriptPrefixLength()]);
          if (left.length > 0) tx.put(key, encodeScripts(left));
          else tx.del(key);
        }
        tx.del(blockKey(h));
        tx.del(undoKey(h));
        if (backUndo) tx.put(undoKey(back), encodeUndo(backUndo));
        tx.put(META_KEY, encodeMeta({ schema: SCHEMA_VERSION, height: h - 1, hash: prev, nextTxnum: first }));
      });
      this.chain.truncate(h - 1, first);
      this.tipHash = prev;
      this.committed(touched);
    }
  }

  private committed(touched: ReadonlySet<string> | null): void {
    this.generation++;
    this.onCommit?.(touched);
  }
}

/** Writes the X rows of tx numbers [first, first + txids.length), completing a partial row. */
function writeTxids(tx: WriteTxn, first: number, txids: Buffer[]): void {
  let n = first;
  let i = 0;
  while (i < txids.length) {
    const bucket = Math.floor(n / TXIDS_PER_ROW);
    const off = n % TXIDS_PER_ROW;
    const take = Math.min(TXIDS_PER_ROW - off, txids.length - i);
    const row = Buffer.allocUnsafe((off + take) * 32);
    if (off > 0) {
      const old = tx.get(txidsKey(bucket));
      if (!old || old.length < off * 32) throw new RangeError(`txid row ${bucket} is short`);
      old.copy(row, 0, 0, off * 32);
    }
    for (let j = 0; j < take; j++) txids[i + j]!.copy(row, (off + j) * 32);
    if (off > 0) tx.put(txidsKey(bucket), row);
    else tx.append(txidsKey(bucket), row);
    n += take;
    i += take;
  }
}

/** Removes the X entries of tx numbers [first, end). */
function truncateTxids(tx: WriteTxn, first: number, end: number): void {
  if (end <= first) return;
  const b0 = Math.floor(first / TXIDS_PER_ROW);
  const last = Math.floor((end - 1) / TXIDS_PER_ROW);
  for (let b = last; b > b0; b--) tx.del(txidsKey(b));
  const off = first % TXIDS_PER_ROW;
  if (off === 0) tx.del(txidsKey(b0));
  else {
    const old = tx.get(txidsKey(b0));
    if (old) tx.put(txidsKey(b0), Buffer.from(old.subarray(0, off * 32)));
  }
}

/**
 * Fetches blocks from..to in order, FETCH_CONCURRENCY at once, and stops issuing requests
 * while the blocks in flight and waiting (in flight ones estimated at the size of the last
 * block that arrived) exceed `budget` bytes.
 */
class BlockFetcher {
  private next_ = 0;
  private hashes: string[] = [];
  private hashesFrom = 0;
  private hashesPending: Promise<void> | null = null;
  private readonly queue: { p: Promise<Buffer>; size: number | null }[] = [];
  private lastSize = 1_000_000;
  private stopped = false;

  constructor(private readonly daemon: Daemon, from: number, private readonly to: number, private readonly budget: number, private readonly signal?: AbortSignal) {
    this.next_ = from;
    this.hashesFrom = from;
  }

  /** True when the next block has arrived. */
  ready(): boolean {
    return this.queue.length > 0 && this.queue[0]!.size !== null;
  }

  stop(): void {
    this.stopped = true;
    for (const q of this.queue) q.p.catch(() => {});
    this.queue.length = 0;
  }

  private queuedBytes(): number {
    return this.queue.reduce((a, q) => a + (q.size ?? this.lastSize), 0);
  }

  /** Hash of height h, fetching the next batch of hashes when needed. */
  private async hashAt(h: number): Promise<string> {
    while (h >= this.hashesFrom + this.hashes.length) {
      this.hashesPending ??= (async () => {
        const from = this.hashesFrom + this.hashes.length;
        const n = Math.min(HASH_BATCH, this.to - from + 1);
        const got = await this.daemon.batchResults<string>(Array.from({ length: n }, (_, i) => ({ method: 'getblockhash', params: [from + i] })));
        // Keep only hashes still needed (queued heights are behind `next_`).
        const drop = Math.max(0, Math.min(this.hashes.length, this.next_ - this.hashesFrom - FETCH_CONCURRENCY * 2));
        this.hashes = this.hashes.slice(drop).concat(got);
        this.hashesFrom += drop;
      })().finally(() => {
        this.hashesPending = null;
      });
      await this.hashesPending;
    }
    return this.hashes[h - this.hashesFrom]!;
  }

  private fill(): void {
    while (!this.stopped && this.next_ <= this.to && this.queue.length < FETCH_CONCURRENCY && (this.queue.length === 0 || this.queuedBytes() + this.lastSize <= this.budget)) {
      const h = this.next_++;
      const entry: { p: Promise<Buffer>; size: number | null } = { p: null as unknown as Promise<Buffer>, size: null };
      entry.p = (async () => {
        const [raw] = await this.daemon.blocks([await this.hashAt(h)]);
        entry.size = raw!.length;
        this.lastSize = raw!.length;
        return raw!;
      })();
      entry.p.catch(() => {}); // observed when its turn comes
      this.queue.push(entry);
    }
  }

  /** The next block's raw bytes, or null after the last. */
  async next(): Promise<Buffer | null> {
    if (this.signal?.aborted) return null;
    this.fill();
    const e = this.queue.shift();
    if (!e) return null;
    const raw = await e.p;
    this.fill();
    return raw;
  }
}
