/**
 * The mempool view: `poll()` asks bitcoind what changed (I/O only), `apply()` changes the
 * state (no I/O; confirmed prevouts come from an injected synchronous lookup). Queries
 * compute heights (0 / -1) at read time, so an entry flips to 0 as soon as its parent
 * leaves the mempool.
 */
import { createHash } from 'node:crypto';
import { fromDisplay, isUnspendable, parseWholeTx, toDisplay, type ParsedTx } from './blockparse.js';
import type { Daemon } from './daemon.js';

/** An input of a mempool tx, resolved to the output it spends. */
interface MempoolInput {
  /** Display txid of the funding tx. */
  prev: string;
  vout: number;
  /** Display script hash paid by the spent output (null for unspendable). */
  sh: string | null;
  value: number;
}

/** A mempool transaction with everything queries need. */
export interface MempoolTx {
  txid: string;
  fee: number;
  vsize: number;
  ins: MempoolInput[];
  outs: { sh: string | null; value: number }[];
  /** Script hashes it touches. */
  shs: Set<string>;
}

/** What changed in bitcoind's mempool since the last apply. */
export interface MempoolUpdate {
  /** bitcoind's tip when the mempool was read (display hex). */
  tip: string;
  removed: string[];
  /** New txs with their raw bytes. */
  added: { txid: string; raw: Buffer }[];
}

/** A confirmed output: display script hash and value, or undefined when unknown. */
export type ConfirmedLookup = (txid: Buffer, vout: number) => { sh: Buffer; value: number } | undefined;

const FETCH_BATCH = 500;

/** The mempool as seen by the server. */
export class Mempool {
  readonly txs = new Map<string, MempoolTx>();
  private readonly bySh = new Map<string, Set<string>>();
  /** "txid:vout" -> spending mempool txid. */
  private readonly spends = new Map<string, string>();
  /** Txs whose inputs could not be resolved yet (parent not seen, block not indexed). */
  private readonly unresolved = new Map<string, Buffer>();
  private histogramCache: [number, number][] | null = null;

  /** Reads bitcoind's mempool and fetches the new txs (batched). */
  async poll(daemon: Daemon): Promise<MempoolUpdate> {
    const [tip, ids] = await daemon.batchResults<unknown>([{ method: 'getbestblockhash' }, { method: 'getrawmempool' }]) as [string, string[]];
    const now = new Set(ids);
    const removed: string[] = [];
    for (const t of this.txs.keys()) if (!now.has(t)) removed.push(t);
    for (const t of this.unresolved.keys()) if (!now.has(t)) this.unresolved.delete(t);
    const want = ids.filter((t) => !this.txs.has(t) && !this.unresolved.has(t));
    const added: { txid: string; raw: Buffer }[] = [];
    for (let i = 0; i < want.length; i += FETCH_BATCH) {
      const part = want.slice(i, i + FETCH_BATCH);
      const got = await daemon.batch(part.map((t) => ({ method: 'getrawtransaction', params: [t, false] })));
      got.forEach((o, j) => {
        // A tx may leave the mempool between the two calls: skip it, the next poll settles it.
        if (!o.error && typeof o.result === 'string') added.push({ txid: part[j]!, raw: Buffer.from(o.result, 'hex') });
      });
    }
    return { tip, removed, added };
  }

  /** Applies an update; returns the display script hashes whose mempool part changed. */
  apply(u: MempoolUpdate, lookup: ConfirmedLookup): Set<string> {
    const touched = new Set<string>();
    for (const t of u.removed) this.remove(t, touched);
    const todo = new Map<string, ParsedTx>();
    for (const a of u.added) {
      try {
        todo.set(a.txid, parseWholeTx(a.raw));
      } catch {
        // unparsable: ignore it
      }
      this.unresolved.set(a.txid, a.raw);
    }
    for (const [t, raw] of this.unresolved) if (!todo.has(t)) todo.set(t, parseWholeTx(raw));
    // Parents before children: repeat while some tx became resolvable.
    for (let progress = true; progress && todo.size > 0;) {
      progress = false;
      for (const [txid, tx] of todo) {
        const m = this.resolve(txid, tx, lookup);
        if (!m) continue;
        this.add(m, touched);
        todo.delete(txid);
        this.unresolved.delete(txid);
        progress = true;
      }
    }
    if (touched.size > 0 || u.removed.length > 0) this.histogramCache = null;
    return touched;
  }

  private resolve(txid: string, tx: ParsedTx, lookup: ConfirmedLookup): MempoolTx | null {
    const ins: MempoolInput[] = [];
    let inSum = 0;
    for (const i of tx.inputs) {
      const prev = i.prevTxid;
      const parent = this.txs.get(prev);
      let sh: string | null;
      let value: number;
      if (parent) {
        const o = parent.outs[i.prevIndex];
        if (!o) return null;
        sh = o.sh;
        value = o.value;
      } else {
        const c = lookup(i.prevHash, i.prevIndex);
        if (!c) return null;
        sh = toDisplay(c.sh);
        value = c.value;
      }
      ins.push({ prev, vout: i.prevIndex, sh, value });
      inSum += value;
    }
    let outSum = 0;
    const outs = tx.outputs.map((o) => {
      outSum += o.value;
      return { sh: isUnspendable(o.script) ? null : toDisplay(createHash('sha256').update(o.script).digest()), value: o.value };
    });
    const shs = new Set<string>();
    for (const x of ins) if (x.sh) shs.add(x.sh);
    for (const x of outs) if (x.sh) shs.add(x.sh);
    return { txid, fee: inSum - outSum, vsize: tx.vsize, ins, outs, shs };
  }

  private add(m: MempoolTx, touched: Set<string>): void {
    this.txs.set(m.txid, m);
    for (const i of m.ins) this.spends.set(`${i.prev}:${i.vout}`, m.txid);
    for (const sh of m.shs) {
      let s = this.bySh.get(sh);
      if (!s) this.bySh.set(sh, (s = new Set()));
      s.add(m.txid);
      touched.add(sh);
    }
  }

  private remove(txid: string, touched: Set<string>): void {
    const m = this.txs.get(txid);
    if (!m) return;
    this.txs.delete(txid);
    for (const i of m.ins) {
      const k = `${i.prev}:${i.vout}`;
      if (this.spends.get(k) === txid) this.spends.delete(k);
    }
    for (const sh of m.shs) {
      const s = this.bySh.get(sh);
      s?.delete(txid);
      if (s && s.size === 0) this.bySh.delete(sh);
      touched.add(sh);
    }
  }

  /**
   * Drops, in the tick of a block commit, what that block made stale: the txs it confirmed
   * and the txs left without a spendable input (a conflict with the block, or a parent
   * that a reorg took away), with their mempool descendants. What remains is a subset of
   * bitcoind's mempool at the new tip, so a query never joins the new block with the old
   * mempool (docs/protocol.md §11); the next poll adds what bitcoind still holds.
   * `touched` (display script hashes the commit changed; null: all) bounds the work to the
   * txs that can be affected. Returns the script hashes whose mempool part changed.
   */
  prune(touched: ReadonlySet<string> | null, isConfirmed: (txid: Buffer) => boolean, lookup: ConfirmedLookup): Set<string> {
    const changed = new Set<string>();
    let candidates: Set<string>;
    if (touched === null) candidates = new Set(this.txs.keys());
    else {
      candidates = new Set();
      const small = touched.size <= this.bySh.size;
      for (const sh of small ? touched : this.bySh.keys()) {
        if (!small && !touched.has(sh)) continue;
        for (const t of this.bySh.get(sh) ?? []) candidates.add(t);
      }
    }
    if (candidates.size === 0) return changed;
    // Confirmed ones first, so that their children's inputs are checked against the block.
    for (const t of candidates) {
      if (isConfirmed(fromDisplay(t))) {
        this.remove(t, changed);
        candidates.delete(t);
      }
    }
    for (const t of candidates) {
      const m = this.txs.get(t);
      if (!m) continue;
      const stale = m.ins.some((i) => !this.txs.has(i.prev) && lookup(fromDisplay(i.prev), i.vout) === undefined);
      if (stale) this.removeWithDescendants(t, changed);
    }
    if (changed.size > 0) this.histogramCache = null;
    return changed;
  }

  private removeWithDescendants(txid: string, changed: Set<string>): void {
    const todo = [txid];
    while (todo.length > 0) {
      const t = todo.pop()!;
      const m = this.txs.get(t);
      if (!m) continue;
      for (let n = 0; n < m.outs.length; n++) {
        const child = this.spends.get(`${t}:${n}`);
        if (child) todo.push(child);
      }
      this.remove(t, changed);
    }
  }

  /** The last `count` txs added to this view, newest first (mempool.recent). */
  recent(count: number): { txid: string; fee: number; vsize: number }[] {
    const ids = [...this.txs.keys()].slice(-count).reverse();
    return ids.map((t) => {
      const m = this.txs.get(t)!;
      return { txid: t, fee: m.fee, vsize: m.vsize };
    });
  }

  /** Every script hash with mempool entries (re-checked on each block, docs/protocol.md §11). */
  scriptHashes(): IterableIterator<string> {
    return this.bySh.keys();
  }

  /** Height of a mempool tx: -1 when an input spends another mempool tx, else 0. */
  heightOf(m: MempoolTx): 0 | -1 {
    for (const i of m.ins) if (this.txs.has(i.prev)) return -1;
    return 0;
  }

  /** Mempool entries of a script hash (unordered). */
  entries(sh: string): { tx_hash: string; height: 0 | -1; fee: number }[] {
    const s = this.bySh.get(sh);
    if (!s) return [];
    return [...s].map((t) => {
      const m = this.txs.get(t)!;
      return { tx_hash: t, height: this.heightOf(m), fee: m.fee };
    });
  }

  /** Net mempool change of a script hash's balance (negative when it spends confirmed coins). */
  delta(sh: string): number {
    let d = 0;
    for (const t of this.bySh.get(sh) ?? []) {
      const m = this.txs.get(t)!;
      for (const o of m.outs) if (o.sh === sh) d += o.value;
      for (const i of m.ins) if (i.sh === sh) d -= i.value;
    }
    return d;
  }

  /** The mempool tx spending an outpoint (display txid), if any. */
  spender(txid: string, vout: number): string | undefined {
    return this.spends.get(`${txid}:${vout}`);
  }

  /** "txid:vout" of the outputs paying `sh` (confirmed or not) that mempool txs spend. */
  spentOutputsOf(sh: string): Set<string> {
    const out = new Set<string>();
    for (const t of this.bySh.get(sh) ?? []) {
      for (const i of this.txs.get(t)!.ins) if (i.sh === sh) out.add(`${i.prev}:${i.vout}`);
    }
    return out;
  }

  /** Outputs paying `sh` created in the mempool and not spent there (listunspent, height 0). */
  unspentOutputs(sh: string): { tx_hash: string; tx_pos: number; height: 0; value: number }[] {
    const out: { tx_hash: string; tx_pos: number; height: 0; value: number }[] = [];
    for (const t of this.bySh.get(sh) ?? []) {
      const m = this.txs.get(t)!;
      m.outs.forEach((o, n) => {
        if (o.sh === sh && !this.spends.has(`${t}:${n}`)) out.push({ tx_hash: t, tx_pos: n, height: 0, value: o.value });
      });
    }
    return out;
  }

  /** [[fee_rate, vsize], ...] with fee_rate strictly decreasing: see compressHistogram. */
  histogram(): [number, number][] {
    if (this.histogramCache) return this.histogramCache;
    const byRate = new Map<number, number>();
    for (const m of this.txs.values()) {
      // 0.1 sat/vB resolution, rounded down as ElectrumX does (10 * rate, then floor).
      const rate = Math.floor(10 * (m.fee / Math.max(1, m.vsize))) / 10;
      byRate.set(rate, (byRate.get(rate) ?? 0) + m.vsize);
    }
    this.histogramCache = compressHistogram(byRate);
    return this.histogramCache;
  }
}

/** ElectrumX's MEMPOOL_COMPACT_HISTOGRAM_BINSIZE for Bitcoin (vbytes). */
export const HISTOGRAM_BIN_SIZE = 30_000;

/**
 * ElectrumX's `_compress_histogram` (mempool.py; Fulcrum bins the same way): walking the
 * rates from the highest, a bin is closed once its size is strictly above the bin size,
 * which then grows by 10%; a rate holding more than twice the bin size first closes the
 * bin before it (at the previous rate), so a big lump gets a bin of its own; a trailing
 * partial bin is not sent.
 */
export function compressHistogram(byRate: ReadonlyMap<number, number>, binSize = HISTOGRAM_BIN_SIZE): [number, number][] {
  const out: [number, number][] = [];
  let bin = binSize;
  let cum = 0;
  let prev: number | undefined;
  for (const rate of [...byRate.keys()].sort((a, b) => b - a)) {
    const size = byRate.get(rate)!;
    if (size > 2 * bin && prev !== undefined && cum > 0) {
      out.push([prev, cum]);
      cum = 0;
      bin *= 1.1;
    }
    cum += size;
    if (cum > bin) {
      out.push([rate, cum]);
      cum = 0;
      bin *= 1.1;
    }
    prev = rate;
  }
  return out;
}

/** Internal-order bytes of a display txid (re-exported for callers building lookups). */
export const txidBytes = fromDisplay;
