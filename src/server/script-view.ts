/**
 * Per-script-hash queries (history, status, balance, UTXOs) over the index and the mempool,
 * with a cache of each script hash's confirmed part, so a wallet with a 50,000-entry history
 * is read from LMDB once per change instead of once per request.
 *
 * Cache rules:
 * - An entry holds only confirmed data (history count, the history and its JSON and hash
 *   state, confirmed balance, confirmed UTXOs); the mempool part is recomputed per request
 *   (it is small and changes every poll).
 * - The indexer calls `invalidate` in the same tick as each commit, with the script hashes
 *   the commit touched (or null: everything), so a connected or reorged block drops exactly
 *   the entries it changed. Dropped entries are marked dead, so a request holding one retries.
 * - Heavy computations read in chunks and yield to the event loop between them (other
 *   sessions are served meanwhile); if the index moved during the pause (the indexer's
 *   generation changed) they start again, and the last attempt reads without yielding, so a
 *   result always comes from one snapshot (docs/protocol.md §11).
 * - The history limit (error 10001) is judged from a row count done inside LMDB, without
 *   reading a single txid: a refusal costs a few milliseconds whatever the history size.
 *   It is counted as ElectrumX counts it: confirmed entries only, refused at >= the limit.
 */
import { createHash, type Hash } from 'node:crypto';
import { sortMempool16 } from '../bitcoin/status.js';
import type { Balance, HistoryEntry, MempoolEntry, Utxo } from './api.js';
import { RPC, RpcError } from './errors.js';
import { toDisplay } from './blockparse.js';
import type { Indexer } from './indexer.js';
import { Lru } from './lru.js';
import type { Mempool } from './mempool.js';
import type { Store } from './store/db.js';
import { decodeAmount, historyKeyTxnum, prefixEnd, TAG, utxoKeyTxnum, utxoKeyVout } from './store/rows.js';

/** Rows read between two yields to the event loop. */
export const CHUNK_ROWS = 2_000;
/** Attempts that may yield before the last, non-yielding one. */
const YIELDING_TRIES = 3;

/** Cache bounds: script hashes, and rows (history entries plus UTXOs) held in all. */
export interface ScriptCacheLimits {
  maxEntries: number;
  maxRows: number;
}

export const DEFAULT_CACHE_LIMITS: ScriptCacheLimits = { maxEntries: 10_000, maxRows: 1_000_000 };

/** The cached confirmed part of one script hash. */
interface Entry {
  /** Set when invalidated: a request holding the entry must read again. */
  dead: boolean;
  /** Confirmed history rows, counted without reading them. */
  count: number;
  history?: HistoryEntry[];
  /** The confirmed entries as JSON, comma-separated, without brackets. */
  json?: string;
  /** The whole get_history reply when the mempool has nothing for this script hash. */
  fullJson?: string;
  /** The whole listunspent reply when the mempool neither spends nor pays this script hash. */
  fullUtxoJson?: string;
  /** SHA-256 state after the confirmed `txid:height:` strings (copied per status). */
  hash?: Hash;
  /** Status when the mempool has nothing for this script hash. */
  status?: string | null;
  balance?: number;
  /** Confirmed UTXOs in chain order, including those a mempool tx spends. */
  utxos?: Utxo[];
  utxoJson?: string;
  pendingHistory?: Promise<void>;
  pendingUtxos?: Promise<void>;
  pendingBalance?: Promise<void>;
}

const yieldTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

/** The first key after `key` in byte order. */
function keyAfter(key: Buffer): Buffer {
  return Buffer.concat([key, Buffer.from([0])]);
}

const entryJson = (e: { tx_hash: string; height: number }): string => `{"tx_hash":"${e.tx_hash}","height":${e.height}}`;
const utxoJson = (u: Utxo): string => `{"tx_hash":"${u.tx_hash}","tx_pos":${u.tx_pos},"height":${u.height},"value":${u.value}}`;

/** History, status, balance and UTXO queries with the confirmed-part cache. */
export class ScriptView {
  private readonly cache: Lru<Entry>;

  constructor(
    private readonly store: Store,
    private readonly indexer: Indexer,
    private readonly mempool: Mempool,
    private readonly historyLimit: number,
    limits: ScriptCacheLimits = DEFAULT_CACHE_LIMITS,
    /** Rows read between yields (tests use small chunks to exercise the retry). */
    private readonly chunkRows = CHUNK_ROWS,
  ) {
    this.cache = new Lru(limits.maxEntries, limits.maxRows, (e) => 1 + (e.history?.length ?? 0) + (e.utxos?.length ?? 0));
  }

  /** Cached script hashes (for tests and diagnostics). */
  get cachedCount(): number {
    return this.cache.size;
  }

  /** Drops the entries of `touched` display script hashes, or all when null. */
  invalidate(touched: ReadonlySet<string> | null): void {
    if (touched === null) {
      for (const e of this.cache.values()) e.dead = true;
      this.cache.clear();
      return;
    }
    const small = touched.size <= this.cache.size;
    const keys = small ? touched : new Set([...this.cache.keys()].filter((k) => touched.has(k)));
    for (const k of keys) {
      const e = this.cache.peek(k);
      if (e) e.dead = true;
    }
    this.cache.deleteAll(keys);
  }

  /** The live entry of a script hash, created with its row count (synchronous). */
  private entry(key: string, sh: Buffer): Entry {
    let e = this.cache.get(key);
    if (!e) {
      const p = this.indexer.rowsPrefix(TAG.history, sh);
      e = { dead: false, count: p ? this.store.count(p, prefixEnd(p)) : 0 };
      this.cache.set(key, e);
    }
    return e;
  }

  /**
   * Runs `fill` (single-flight per entry and kind) until the entry has what `ready` asks
   * for, then answers with `use` in the same tick, so confirmed and mempool parts are read
   * together.
   */
  private async withEntry<T>(key: string, sh: Buffer, ready: (e: Entry) => boolean, kind: 'pendingHistory' | 'pendingUtxos' | 'pendingBalance', fill: (e: Entry) => Promise<void>, use: (e: Entry) => T): Promise<T> {
    for (;;) {
      const e = this.entry(key, sh);
      const r = this.check(key, e, ready, use);
      if (r.done) return r.value;
      const p = (e[kind] ??= fill(e).finally(() => {
        e[kind] = undefined;
      }));
      await p;
      if (e.dead) continue;
      const r2 = this.check(key, e, ready, use);
      if (r2.done) return r2.value;
    }
  }

  private check<T>(key: string, e: Entry, ready: (e: Entry) => boolean, use: (e: Entry) => T): { done: true; value: T } | { done: false } {
    if (!ready(e)) return { done: false };
    const value = use(e);
    this.cache.reweigh(key);
    return { done: true, value };
  }

  /**
   * Reads rows of `prefix` in chunks, yielding between chunks; restarts when the index
   * moved meanwhile (the last try does not yield). `done` runs in the tick of the last read.
   * `prefixOf` names the rows (a script's id) and is asked again on every try.
   */
  private async readRows<T>(prefixOf: () => Buffer | undefined, decode: (key: Buffer, value: Buffer) => T, done: (rows: T[]) => void): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const yielding = attempt < YIELDING_TRIES;
      const gen = this.indexer.generation;
      const rows: T[] = [];
      const prefix = prefixOf();
      if (!prefix) return done(rows);
      const end = prefixEnd(prefix);
      let start = prefix;
      let moved = false;
      for (;;) {
        let n = 0;
        let last: Buffer | undefined;
        for (const { key, value } of this.store.scan(start, end, this.chunkRows)) {
          rows.push(decode(key, value));
          last = key;
          n++;
        }
        if (n < this.chunkRows) break;
        start = keyAfter(last!);
        if (yielding) {
          await yieldTurn();
          if (this.indexer.generation !== gen) {
            moved = true;
            break;
          }
        }
      }
      if (!moved) return done(rows);
    }
  }

  private fillHistory(e: Entry, sh: Buffer): Promise<void> {
    return this.readRows(
      () => this.indexer.rowsPrefix(TAG.history, sh),
      (key) => {
        const n = historyKeyTxnum(key);
        return { tx_hash: toDisplay(this.indexer.txidAt(n)), height: this.indexer.heightOf(n) };
      },
      (rows) => {
        if (e.dead) return;
        e.history = rows;
        e.count = rows.length;
      },
    );
  }

  private fillUtxos(e: Entry, sh: Buffer): Promise<void> {
    return this.readRows(
      () => this.indexer.rowsPrefix(TAG.utxo, sh),
      (key, value) => {
        const n = utxoKeyTxnum(key);
        return { txnum: n, utxo: { tx_hash: toDisplay(this.indexer.txidAt(n)), tx_pos: utxoKeyVout(key), height: this.indexer.heightOf(n), value: decodeAmount(value) } };
      },
      (rows) => {
        if (e.dead) return;
        rows.sort((a, b) => a.txnum - b.txnum || a.utxo.tx_pos - b.utxo.tx_pos);
        e.utxos = rows.map((r) => r.utxo);
        e.balance = e.utxos.reduce((a, u) => a + u.value, 0);
      },
    );
  }

  private fillBalance(e: Entry, sh: Buffer): Promise<void> {
    return this.readRows(() => this.indexer.rowsPrefix(TAG.utxo, sh), (_key, value) => decodeAmount(value), (values) => {
      if (!e.dead) e.balance = values.reduce((a, v) => a + v, 0);
    });
  }

  private mempoolEntries(key: string): MempoolEntry[] {
    return sortMempool16(this.mempool.entries(key));
  }

  /** ElectrumX's limited_history: `len(confirmed) >= limit` is refused (mempool not counted). */
  private checkLimit(e: Entry): void {
    if (e.count >= this.historyLimit) throw new RpcError(RPC.HISTORY_TOO_LARGE, 'history too large');
  }

  /**
   * Answers from the history: refuses over the limit before reading any row, else fills the
   * confirmed history and hands it with the sorted mempool entries to `use`.
   */
  private async withHistory<T>(key: string, sh: Buffer, use: (e: Entry, mem: MempoolEntry[]) => T): Promise<T> {
    return this.withEntry(key, sh, (e) => {
      // Judged before (and again after) reading: the count alone decides.
      this.checkLimit(e);
      return e.history !== undefined;
    }, 'pendingHistory', (e) => this.fillHistory(e, sh), (e) => {
      this.checkLimit(e);
      return use(e, this.mempoolEntries(key));
    });
  }

  /** Confirmed entries in chain order, then mempool entries in 1.6 order (with fee). */
  history(key: string, sh: Buffer): Promise<HistoryEntry[]> {
    return this.withHistory(key, sh, (e, mem) => [...e.history!, ...mem]);
  }

  /** The get_history reply as JSON text (the confirmed part is encoded once per change). */
  historyJson(key: string, sh: Buffer): Promise<string> {
    return this.withHistory(key, sh, (e, mem) => {
      if (mem.length === 0 && e.fullJson !== undefined) return e.fullJson;
      e.json ??= e.history!.map(entryJson).join(',');
      if (mem.length === 0) return (e.fullJson = `[${e.json}]`);
      const m = mem.map((x) => JSON.stringify(x)).join(',');
      return `[${e.json}${e.json && m ? ',' : ''}${m}]`;
    });
  }

  /** Status hash of docs/protocol.md §4, or null for no history. */
  status(key: string, sh: Buffer): Promise<string | null> {
    return this.withHistory(key, sh, (e, mem) => {
      if (!e.hash) {
        const h = createHash('sha256');
        for (const x of e.history!) h.update(`${x.tx_hash}:${x.height}:`, 'latin1');
        e.hash = h;
      }
      if (mem.length === 0) {
        if (e.status === undefined) e.status = e.history!.length === 0 ? null : e.hash.copy().digest('hex');
        return e.status;
      }
      const h = e.hash.copy();
      for (const x of mem) h.update(`${x.tx_hash}:${x.height}:`, 'latin1');
      return h.digest('hex');
    });
  }

  /** Confirmed balance (including coins spent in the mempool) and the net mempool change. */
  balance(key: string, sh: Buffer): Promise<Balance> {
    return this.withEntry(key, sh, (e) => e.balance !== undefined, 'pendingBalance', (e) => this.fillBalance(e, sh),
      (e) => ({ confirmed: e.balance!, unconfirmed: this.mempool.delta(key) }));
  }

  private withUtxos<T>(key: string, sh: Buffer, use: (e: Entry, spent: Set<string>) => T): Promise<T> {
    return this.withEntry(key, sh, (e) => e.utxos !== undefined, 'pendingUtxos', (e) => this.fillUtxos(e, sh),
      (e) => use(e, this.mempool.spentOutputsOf(key)));
  }

  /** Confirmed UTXOs not spent in the mempool (chain order), then mempool outputs (height 0). */
  listunspent(key: string, sh: Buffer): Promise<Utxo[]> {
    return this.withUtxos(key, sh, (e, spent) => [
      ...(spent.size === 0 ? e.utxos! : e.utxos!.filter((u) => !spent.has(`${u.tx_hash}:${u.tx_pos}`))),
      ...this.mempool.unspentOutputs(key),
    ]);
  }

  /** The listunspent reply as JSON text (the confirmed part is encoded once per change). */
  listunspentJson(key: string, sh: Buffer): Promise<string> {
    return this.withUtxos(key, sh, (e, spent) => {
      const memOuts = this.mempool.unspentOutputs(key);
      if (spent.size === 0 && memOuts.length === 0) return (e.fullUtxoJson ??= `[${e.utxoJson ??= e.utxos!.map(utxoJson).join(',')}]`);
      let conf: string;
      if (spent.size === 0) conf = e.utxoJson ??= e.utxos!.map(utxoJson).join(',');
      else conf = e.utxos!.filter((u) => !spent.has(`${u.tx_hash}:${u.tx_pos}`)).map(utxoJson).join(',');
      const m = memOuts.map(utxoJson).join(',');
      return `[${conf}${conf && m ? ',' : ''}${m}]`;
    });
  }
}
