/**
 * The block indexer: initial sync (pipelined fetch, one atomic store transaction per chunk
 * of blocks together with the tip it reaches), tip following, and reorgs of any depth
 * (blocks are undone exactly from their undo rows, re-fetching the stale block by hash).
 * It also keeps the header chain and per-block tx-number ranges in memory.
 */
import { createHash } from 'node:crypto';
import { UsageError } from '../errors.js';
import { NETWORKS, type NetworkName } from '../bitcoin/networks.js';
import { isUnspendable, parseRawBlock, toDisplay, type RawBlock } from './blockparse.js';
import { parseSpentTxOuts, RpcError, type Daemon } from './daemon.js';
import type { Store, WriteTxn } from './store/db.js';
import {
  blockKey, blockValue, decodeBlockValue, decodeMeta, decodeOutpointValue, decodeUndo, encodeMeta, encodeUndo,
  historyKey, META_KEY, outpointKey, outpointValue, prefixEnd, SCHEMA_VERSION, TAG, txidPrefix, txidPrefixKey,
  txidPrefixKeyTxnum, txnumKey, undoKey, utxoKey, utxoValue, type SpentOutput,
} from './store/rows.js';
import type { SyncProgress } from './sync-progress.js';

/** Undo entries whose funding tx number was not looked up at index time (spenttxouts path). */
const TXNUM_UNKNOWN = 2 ** 40 - 1;
/** Raw bytes fetched per pipeline step during sync. */
const GROUP_BYTES = 8_000_000;
const MAX_GROUP_BLOCKS = 500;

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
  /** Cap on blocks per fetch-and-commit step (default 500; tests use small chunks). */
  maxChunkBlocks?: number;
}

function sha256(b: Buffer): Buffer {
  return createHash('sha256').update(b).digest();
}

/** Follows bitcoind's active chain into the store. */
export class Indexer {
  /** Height of the indexed tip, -1 when empty. */
  height = -1;
  /** Internal-order hash of the indexed tip. */
  tipHash: Buffer = Buffer.alloc(32);
  /** Tx number of the next transaction to index. */
  nextTxnum = 0;
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
  private headersBuf = Buffer.alloc(80 * 1024);
  private hashesBuf = Buffer.alloc(32 * 1024);
  private firstTx: number[] = [];
  private readonly log: (line: string) => void;

  constructor(private readonly store: Store, private readonly daemon: Daemon, private readonly opts: IndexerOptions) {
    this.log = opts.log ?? (() => {});
  }

  /** Loads the stored tip and header chain; refuses an index of another schema or network. */
  load(): void {
    const m = this.store.get(META_KEY);
    if (!m) return;
    const meta = decodeMeta(m);
    if (meta.schema !== SCHEMA_VERSION) {
      throw new UsageError(`the index has schema ${meta.schema}, this version needs ${SCHEMA_VERSION}`, { hint: 'delete the index directory to rebuild it' });
    }
    for (const { key, value } of this.store.scan(Buffer.from([TAG.block]), Buffer.from([TAG.block + 1]))) {
      const h = key.readUInt32BE(1);
      if (h > meta.height) break;
      const b = decodeBlockValue(value);
      this.setBlock(h, b.header, sha256d(b.header), b.firstTxnum);
    }
    this.height = meta.height;
    this.tipHash = meta.hash;
    this.nextTxnum = meta.nextTxnum;
    if (this.height >= 0 && toDisplay(this.blockHashAt(0)) !== NETWORKS[this.opts.network].genesisHash) {
      throw new UsageError(`the index was built for another network than ${this.opts.network}`, { hint: 'use another --db directory' });
    }
  }

  private setBlock(h: number, header: Buffer, hash: Buffer, firstTxnum: number): void {
    if ((h + 1) * 80 > this.headersBuf.length) {
      const hb = Buffer.alloc(this.headersBuf.length * 2);
      this.headersBuf.copy(hb);
      this.headersBuf = hb;
      const xb = Buffer.alloc(this.hashesBuf.length * 2);
      this.hashesBuf.copy(xb);
      this.hashesBuf = xb;
    }
    header.copy(this.headersBuf, h * 80, 0, 80);
    hash.copy(this.hashesBuf, h * 32, 0, 32);
    this.firstTx[h] = firstTxnum;
  }

  /** The 80-byte header at height (a view; valid until the next block), or undefined. */
  headerAt(h: number): Buffer | undefined {
    if (!Number.isInteger(h) || h < 0 || h > this.height) return undefined;
    return this.headersBuf.subarray(h * 80, h * 80 + 80);
  }

  /** Internal-order block hash at height (caller checks the range). */
  blockHashAt(h: number): Buffer {
    return this.hashesBuf.subarray(h * 32, h * 32 + 32);
  }

  /** [first, end) tx numbers of the block at height. */
  txRange(h: number): [number, number] {
    return [this.firstTx[h]!, h < this.height ? this.firstTx[h + 1]! : this.nextTxnum];
  }

  /** Height of the block holding tx number `txnum` (binary search). */
  heightOf(txnum: number): number {
    let lo = 0;
    let hi = this.height;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.firstTx[mid]! <= txnum) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Tx number of an indexed txid (internal order), or undefined. */
  txnumOf(txid: Buffer, view: { keys: Store['keys']; get: Store['get'] } = this.store): number | undefined {
    const p = txidPrefix(txid);
    for (const key of view.keys(p, prefixEnd(p))) {
      const n = txidPrefixKeyTxnum(key);
      const full = view.get(txnumKey(n));
      if (full && full.equals(txid)) return n;
    }
    return undefined;
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

  private async fetchGroup(from: number, n: number): Promise<{ from: number; hashes: string[]; blocks: Buffer[]; spent: (Buffer | null)[] | null }> {
    const hashes = await this.daemon.batchResults<string>(Array.from({ length: n }, (_, i) => ({ method: 'getblockhash', params: [from + i] })));
    const [blocks, spent] = await Promise.all([
      this.daemon.blocks(hashes),
      this.daemon.spentTxOuts ? Promise.all(hashes.map((h, i) => (from + i === 0 ? null : this.daemon.spentOutputs(h)))) : null,
    ]);
    return { from, hashes, blocks, spent };
  }

  /** Indexes blocks height+1 .. target, fetching the next group while writing the current. */
  private async syncForward(target: number, touched: Set<string> | null, signal?: AbortSignal): Promise<void> {
    const t0 = Date.now();
    const startHeight = this.height;
    let txs = 0;
    let lastReport = 0;
    let groupBlocks = 1;
    let next = this.height + 1;
    let pending: ReturnType<Indexer['fetchGroup']> | null = this.fetchGroup(next, Math.min(groupBlocks, target - next + 1));
    next += Math.min(groupBlocks, target - next + 1);
    const report = (done: boolean): void => {
      const dt = Math.max(1e-3, (Date.now() - t0) / 1000);
      const bps = (this.height - startHeight) / dt;
      this.opts.onProgress?.({
        height: this.height, target, txs, blocksPerSec: bps, txPerSec: txs / dt,
        indexedTxs: this.nextTxnum, done,
      });
    };
    let failed = false;
    try {
      while (pending) {
        let g;
        try {
          g = await pending;
        } catch (e) {
          // The chain moved under us (a block height vanished): let catchUp re-check the fork.
          if (e instanceof RpcError && (e.code === -8 || e.code === -5)) return;
          throw e;
        }
        pending = null;
        const bytes = g.blocks.reduce((a, b) => a + b.length, 0);
        groupBlocks = Math.max(1, Math.min(this.opts.maxChunkBlocks ?? MAX_GROUP_BLOCKS, Math.round((GROUP_BYTES * g.blocks.length) / Math.max(1, bytes))));
        if (next <= target && !signal?.aborted) {
          const n = Math.min(groupBlocks, target - next + 1);
          pending = this.fetchGroup(next, n);
          pending.catch(() => {}); // observed when awaited; a reorg may abandon it
          next += n;
        }
        const parsed = g.blocks.map(parseRawBlock);
        const ok = this.connect(parsed, g.spent, touched);
        txs += parsed.slice(0, ok).reduce((a, b) => a + b.txs.length, 0);
        if (ok < parsed.length || signal?.aborted) return;
        if (Date.now() - lastReport > 250) {
          lastReport = Date.now();
          report(false);
        }
      }
    } catch (e) {
      failed = true;
      throw e;
    } finally {
      // No "done" after a failure (a full disk once printed "sync ... done" before the error).
      if (!failed) report(true);
    }
  }

  /**
   * Connects consecutive blocks in one transaction; stops at the first block that does not
   * build on the tip (a reorg under way). Returns how many were connected.
   */
  private connect(blocks: RawBlock[], spent: (Buffer | null)[] | null, touched: Set<string> | null): number {
    const added: { h: number; header: Buffer; hash: Buffer; first: number }[] = [];
    let height = this.height;
    let tip = this.tipHash;
    let nextTxnum = this.nextTxnum;
    this.store.update((tx) => {
      for (let i = 0; i < blocks.length; i++) {
        const b = blocks[i]!;
        if (height >= 0 && !b.prevHash.equals(tip)) break;
        height++;
        const first = nextTxnum;
        const sp = spent?.[i] ? parseSpentTxOuts(spent[i]!) : null;
        nextTxnum = this.writeBlock(tx, b, height, first, sp, touched);
        added.push({ h: height, header: b.header, hash: b.hash, first });
        tip = b.hash;
      }
      if (added.length > 0) tx.put(META_KEY, encodeMeta({ schema: SCHEMA_VERSION, height, hash: tip, nextTxnum }));
    });
    for (const a of added) this.setBlock(a.h, a.header, a.hash, a.first);
    this.height = height;
    this.tipHash = Buffer.from(tip);
    this.nextTxnum = nextTxnum;
    if (added.length > 0) this.committed(touched);
    return added.length;
  }

  /** Writes every row of one block; returns the next tx number. */
  private writeBlock(tx: WriteTxn, b: RawBlock, height: number, first: number, spentOuts: { value: number; script: Buffer }[][] | null, touched: Set<string> | null): number {
    const undo: SpentOutput[] = [];
    let txnum = first;
    const shs: Buffer[] = [];
    const touch = (sh: Buffer): void => {
      for (const s of shs) if (s.equals(sh)) return;
      shs.push(sh);
    };
    if (spentOuts && spentOuts.length !== b.txs.length) throw new RangeError(`spenttxouts lists ${spentOuts.length} txs, block has ${b.txs.length}`);
    for (let t = 0; t < b.txs.length; t++) {
      const t0 = b.txs[t]!;
      const txid = b.txids[t]!;
      tx.put(txnumKey(txnum), txid);
      tx.put(txidPrefixKey(txid, txnum), Buffer.alloc(0));
      shs.length = 0;
      if (t > 0) {
        const so = spentOuts?.[t];
        if (so && so.length !== t0.inputs.length) throw new RangeError(`spenttxouts lists ${so.length} inputs for a tx with ${t0.inputs.length}`);
        for (let i = 0; i < t0.inputs.length; i++) {
          const inp = t0.inputs[i]!;
          const ok = outpointKey(inp.prevHash, inp.prevIndex);
          let sh: Buffer;
          let value: number;
          let ftx: number;
          if (so) {
            const script = so[i]!.script;
            value = so[i]!.value;
            if (isUnspendable(script)) continue;
            sh = sha256(script);
            ftx = TXNUM_UNKNOWN;
          } else {
            const o = tx.get(ok);
            if (!o) throw new RangeError(`block ${toDisplay(b.hash)} spends ${toDisplay(inp.prevHash)}:${inp.prevIndex}, which the index does not know`);
            const d = decodeOutpointValue(o);
            sh = Buffer.from(d.sh);
            value = d.value;
            ftx = d.txnum;
          }
          tx.del(ok);
          tx.del(utxoKey(sh, inp.prevHash, inp.prevIndex));
          undo.push({ txid: Buffer.from(inp.prevHash), vout: inp.prevIndex, sh, value, txnum: ftx });
          touch(sh);
        }
      }
      // The genesis coinbase cannot be spent and no server indexes it (docs/protocol.md §3).
      if (height > 0) {
        for (let v = 0; v < t0.outputs.length; v++) {
          const out = t0.outputs[v]!;
          if (isUnspendable(out.script)) continue;
          const sh = sha256(out.script);
          tx.put(utxoKey(sh, txid, v), utxoValue(out.value, txnum));
          tx.put(outpointKey(txid, v), outpointValue(sh, out.value, txnum));
          touch(sh);
        }
      }
      const empty = Buffer.alloc(0);
      for (const sh of shs) {
        tx.put(historyKey(sh, txnum), empty);
        touched?.add(toDisplay(sh));
      }
      txnum++;
    }
    tx.put(blockKey(height), blockValue(b.header, first));
    tx.put(undoKey(height), encodeUndo(undo));
    return txnum;
  }

  /** Undoes blocks above `fork`, newest first, one transaction each. */
  private async disconnectTo(fork: number, touched: Set<string> | null): Promise<void> {
    while (this.height > fork) {
      const h = this.height;
      const hash = toDisplay(this.blockHashAt(h));
      const [raw] = await this.daemon.retrying('bitcoind', () => this.daemon.blocks([hash]));
      const b = parseRawBlock(raw!);
      if (!b.hash.equals(this.blockHashAt(h))) throw new RangeError(`bitcoind returned another block for ${hash}`);
      const [first] = this.txRange(h);
      const prev = h > 0 ? Buffer.from(this.blockHashAt(h - 1)) : Buffer.alloc(32);
      this.store.update((tx) => {
        const undo = decodeUndo(tx.get(undoKey(h)) ?? Buffer.alloc(0));
        let u = undo.length;
        for (let t = b.txs.length - 1; t >= 0; t--) {
          const t0 = b.txs[t]!;
          const txid = b.txids[t]!;
          const txnum = first + t;
          const empty = Buffer.alloc(0);
          if (h > 0) {
            for (let v = 0; v < t0.outputs.length; v++) {
              const out = t0.outputs[v]!;
              if (isUnspendable(out.script)) continue;
              const sh = sha256(out.script);
              tx.del(utxoKey(sh, txid, v));
              tx.del(outpointKey(txid, v));
              tx.del(historyKey(sh, txnum));
              touched?.add(toDisplay(sh));
            }
          }
          if (t > 0) {
            // Undo entries are in input order; unspendable prevouts were not recorded.
            const mine: SpentOutput[] = [];
            for (let i = t0.inputs.length - 1; i >= 0; i--) {
              const e = undo[u - 1];
              if (e && e.vout === t0.inputs[i]!.prevIndex && e.txid.equals(t0.inputs[i]!.prevHash)) {
                mine.push(e);
                u--;
              }
            }
            for (const e of mine) {
              const ftx = e.txnum === TXNUM_UNKNOWN ? this.txnumOf(e.txid, tx) : e.txnum;
              if (ftx === undefined) throw new RangeError(`cannot undo block ${hash}: funding tx ${toDisplay(e.txid)} is not indexed`);
              tx.put(utxoKey(e.sh, e.txid, e.vout), utxoValue(e.value, ftx));
              tx.put(outpointKey(e.txid, e.vout), outpointValue(e.sh, e.value, ftx));
              tx.del(historyKey(e.sh, txnum));
              touched?.add(toDisplay(e.sh));
            }
          }
          tx.del(txidPrefixKey(txid, txnum));
          tx.del(txnumKey(txnum));
        }
        tx.del(blockKey(h));
        tx.del(undoKey(h));
        tx.put(META_KEY, encodeMeta({ schema: SCHEMA_VERSION, height: h - 1, hash: prev, nextTxnum: first }));
      });
      this.height = h - 1;
      this.tipHash = prev;
      this.nextTxnum = first;
      this.firstTx.length = h;
      this.committed(touched);
    }
  }

  private committed(touched: ReadonlySet<string> | null): void {
    this.generation++;
    this.onCommit?.(touched);
  }
}

function sha256d(b: Buffer): Buffer {
  return sha256(sha256(b));
}
