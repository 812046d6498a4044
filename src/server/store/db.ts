/**
 * The key-value store behind the index, as a small synchronous interface. LMDB was chosen
 * by measurement (docs/BENCHMARKS.md, "Store choice"): its reads are synchronous and an
 * order of magnitude faster than LevelDB's, so a request reads one consistent snapshot
 * without awaiting per row, and the indexer can read its own uncommitted writes inside a
 * write transaction (no overlay for outputs created and spent within one commit).
 *
 * Each table of src/server/store/rows.ts is its own LMDB database inside one environment
 * (one file, one atomic transaction across all tables). Keys handed to this interface start
 * with the table's tag byte, which routes the call and is not stored: every table is its
 * own B-tree (tables whose keys only grow fill their pages completely) and LMDB's page
 * counts give each table's size on disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import { META_KEY, SCHEMA_VERSION, TAG } from './rows.js';

/** Read access: point gets and ordered range scans over binary keys. */
export interface ReadView {
  get(key: Buffer): Buffer | undefined;
  /** Rows with start <= key < end in key order, within start's table; `limit` caps the count. */
  scan(start: Buffer, end: Buffer, limit?: number): Iterable<{ key: Buffer; value: Buffer }>;
  /** Keys only (cheaper when the value is not needed). */
  keys(start: Buffer, end: Buffer, limit?: number): Iterable<Buffer>;
  /** How many rows have start <= key < end, counted inside the store (no key or value is copied out). */
  count(start: Buffer, end: Buffer): number;
}

/**
 * A write transaction: point reads see its own uncommitted writes. It has no range reads
 * (the LSM store would need to merge its pending writes into every scan): the indexer
 * scans committed rows through the Store and keeps what it adds in a commit in memory.
 */
export interface WriteTxn {
  get(key: Buffer): Buffer | undefined;
  put(key: Buffer, value: Buffer): void;
  /** Put of a key greater than every key of its table (cheaper, and fills pages completely). */
  append(key: Buffer, value: Buffer): void;
  del(key: Buffer): void;
}

/** Size of one table. */
export interface TableStats {
  tag: number;
  entries: number;
  /** LMDB: bytes of the table's pages (branch, leaf and overflow). RocksDB: key and value bytes. */
  bytes: number;
}

/** The store engines: RocksDB (an LSM tree, the default where its binding loads) or LMDB. */
export type StoreEngine = 'rocksdb' | 'lmdb';

/** The store: reads, and atomic synchronous write transactions. */
export interface Store extends ReadView {
  /** Runs `fn` in one atomic write transaction; every change commits together or not at all. */
  update<T>(fn: (tx: WriteTxn) => T): T;
  /** Waits until committed data is durable on disk. */
  flush(): Promise<void>;
  close(): Promise<void>;
  /** Size of each table. */
  stats(): TableStats[];
  /** Which engine holds this index. */
  readonly engine: StoreEngine;
  /**
   * Set when the directory held an index of another layout version (this number), which
   * openStore deleted: the caller says so and syncs from scratch.
   */
  readonly removedSchema: number | undefined;
}

/** Options of openStore. */
export interface StoreOptions {
  /** Tag bytes of the tables (src/server/store/rows.ts TAG). */
  tags: readonly number[];
  /** Key (tag first) of the meta row, whose value starts with the two-byte layout version. */
  metaKey: Buffer;
  /** The layout version this build writes. */
  schema: number;
  /** Engine of a new index (an existing one is opened with the engine that wrote it). */
  engine?: StoreEngine;
  /** Memory for the engine's caches and write buffers, MB (RocksDB; default 128). */
  cacheMb?: number;
}

interface Db {
  get(key: Buffer): unknown;
  getRange(o: { start?: Buffer; end?: Buffer; limit?: number }): Iterable<{ key: unknown; value: unknown }>;
  getKeys(o: { start?: Buffer; end?: Buffer; limit?: number }): Iterable<unknown>;
  getCount(o: { start?: Buffer; end?: Buffer }): number;
  putSync(key: Buffer, value: Buffer, o?: { append?: boolean }): unknown;
  removeSync(key: Buffer): unknown;
  getStats(): unknown;
}

const ENV_OPTIONS = {
  // lmdb treats a path whose last part has an extension ("index.v2", "~/.electrum-cli") as
  // a file; `dir` is always a directory.
  noSubdir: false,
  keyEncoding: 'binary',
  encoding: 'binary',
  compression: false,
  // A kill -9 keeps every committed transaction (the data is in the page cache); only an
  // OS crash could lose the last few, and the index then resumes from its stored tip.
  noSync: true,
  maxDbs: 32,
} as const;

const DEFAULTS: StoreOptions = { tags: Object.values(TAG), metaKey: META_KEY, schema: SCHEMA_VERSION };

/** True when the RocksDB binding loads on this platform (it ships prebuilt for some). */
export async function rocksdbAvailable(): Promise<boolean> {
  try {
    await import('@nxtedition/rocksdb');
    return true;
  } catch {
    return false;
  }
}

/**
 * Opens (creating) the index store in directory `dir`: the engine that wrote an existing
 * index, else opts.engine, else RocksDB when its binding loads, else LMDB.
 */
export async function openStore(dir: string, options: Partial<StoreOptions> = {}): Promise<Store> {
  const opts = { ...DEFAULTS, ...options };
  fs.mkdirSync(dir, { recursive: true });
  const has = (f: string): boolean => fs.existsSync(path.join(dir, f));
  let engine: StoreEngine;
  if (has('data.mdb')) engine = 'lmdb';
  else if (has('CURRENT')) engine = 'rocksdb';
  else engine = opts.engine ?? ((await rocksdbAvailable()) ? 'rocksdb' : 'lmdb');
  if (engine === 'rocksdb') return openRocks(dir, opts);
  return openLmdb(dir, opts);
}

async function openLmdb(dir: string, opts: StoreOptions): Promise<Store> {
  const { open } = await import('lmdb');
  let env = open({ path: dir, ...ENV_OPTIONS });
  let dbs = new Map<number, Db>();
  const openTables = (): void => {
    dbs = new Map();
    for (const tag of opts.tags) dbs.set(tag, env.openDB({ name: `t${String.fromCharCode(tag)}`, keyEncoding: 'binary', encoding: 'binary', compression: false }) as unknown as Db);
  };
  // Layout 1 kept its rows in the main database, its meta row under key "M" (two-byte
  // version first); later layouts keep only the tables' names there.
  const legacy = env.get(Buffer.from('M')) as Buffer | undefined;
  let removedSchema: number | undefined;
  if (legacy && Buffer.isBuffer(legacy) && legacy.length >= 2) removedSchema = legacy.readUInt16BE(0);
  else {
    openTables();
    const meta = dbs.get(opts.metaKey[0]!)!.get(opts.metaKey.subarray(1)) as Buffer | undefined;
    if (meta && meta.readUInt16BE(0) !== opts.schema) removedSchema = meta.readUInt16BE(0);
  }
  if (removedSchema !== undefined) {
    await env.close();
    for (const f of ['data.mdb', 'lock.mdb']) fs.rmSync(path.join(dir, f), { force: true });
    env = open({ path: dir, ...ENV_OPTIONS });
  }
  if (dbs.size === 0 || removedSchema !== undefined) openTables();
  const dbOf = (key: Buffer): Db => {
    const db = dbs.get(key[0]!);
    if (!db) throw new RangeError(`no table with tag 0x${(key[0] ?? 0).toString(16)}`);
    return db;
  };
  /** Range bounds inside start's table; an end in a later table means "to the table's end". */
  const bounds = (start: Buffer, end: Buffer): { db: Db; tag: number; start?: Buffer; end?: Buffer } => {
    const tag = start[0]!;
    return { db: dbOf(start), tag, start: start.length > 1 ? start.subarray(1) : undefined, end: end[0] === tag && end.length > 1 ? end.subarray(1) : undefined };
  };
  const withTag = (tag: number, k: Buffer): Buffer => {
    const out = Buffer.allocUnsafe(k.length + 1);
    out[0] = tag;
    k.copy(out, 1);
    return out;
  };
  const asBuf = (v: unknown): Buffer | undefined => (v === undefined || v === null ? undefined : (v as Buffer));
  const view: ReadView = {
    get: (key) => asBuf(dbOf(key).get(key.subarray(1))),
    *scan(start, end, limit) {
      const b = bounds(start, end);
      for (const { key, value } of b.db.getRange({ start: b.start, end: b.end, limit })) yield { key: withTag(b.tag, key as Buffer), value: value as Buffer };
    },
    *keys(start, end, limit) {
      const b = bounds(start, end);
      for (const key of b.db.getKeys({ start: b.start, end: b.end, limit })) yield withTag(b.tag, key as Buffer);
    },
    count: (start, end) => {
      const b = bounds(start, end);
      return b.db.getCount({ start: b.start, end: b.end });
    },
  };
  // A scan of the whole store (tests' dumps) walks every table in tag order.
  const scanAll = function* (start: Buffer, end: Buffer, limit?: number): Iterable<{ key: Buffer; value: Buffer }> {
    if (start.length === 1 && end.length === 1 && !dbs.has(start[0]!)) {
      for (const tag of [...dbs.keys()].sort((a, b) => a - b)) {
        if (tag < start[0]! || tag >= end[0]!) continue;
        yield* view.scan(Buffer.from([tag]), Buffer.from([tag + 1]), limit);
      }
      return;
    }
    yield* view.scan(start, end, limit);
  };
  const txn: WriteTxn = {
    get: view.get,
    put: (key, value) => void dbOf(key).putSync(key.subarray(1), value),
    append: (key, value) => {
      // LMDB refuses (false) a key that is not the table's greatest: then a plain put.
      const db = dbOf(key);
      if (db.putSync(key.subarray(1), value, { append: true }) === false) db.putSync(key.subarray(1), value);
    },
    del: (key) => void dbOf(key).removeSync(key.subarray(1)),
  };
  return {
    ...view,
    scan: scanAll,
    removedSchema,
    engine: 'lmdb',
    update: (fn) => env.transactionSync(() => fn(txn)),
    flush: async () => {
      await env.flushed;
    },
    close: async () => {
      await env.close();
    },
    stats: () => [...dbs].map(([tag, db]) => {
      const s = db.getStats() as { pageSize: number; treeBranchPageCount: number; treeLeafPageCount: number; overflowPages: number; entryCount: number };
      return { tag, entries: s.entryCount, bytes: s.pageSize * (s.treeBranchPageCount + s.treeLeafPageCount + s.overflowPages) };
    }),
  };
}

/**
 * The parts of RocksLevel used, below abstract-level's wrappers: those defer an iterator's
 * close to a later tick, and an open iterator pins RocksDB's memtables, so a commit doing
 * tens of thousands of lookups would hold them all.
 */
interface RocksDb {
  open(o: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
  _chainedBatch(): { _put(k: Buffer, v: Buffer, o: object): void; _del(k: Buffer, o: object): void; _writeSync(o: object): void; _clear(): void; _closeSync(): void };
  _getManySync(keys: Buffer[], o: object): (Buffer | undefined)[];
  _iterator(o: Record<string, unknown>): { _nextvSync(n: number, o: object): { rows: (Buffer | undefined)[]; finished: boolean }; _closeSync(): void };
}

/**
 * The RocksDB store (@nxtedition/rocksdb, prebuilt in its npm package): one key space
 * (keys keep their tag byte), synchronous gets, scans and atomic batch writes. A write
 * transaction collects its writes in memory (reads see them) and commits them as one
 * WriteBatch, which RocksDB applies atomically and logs to its write-ahead log first: a
 * kill -9 leaves the index at the last batch written.
 */
async function openRocks(dir: string, opts: StoreOptions): Promise<Store> {
  const { RocksLevel } = await import('@nxtedition/rocksdb');
  const cache = Math.max(16, opts.cacheMb ?? 128) * 2 ** 20;
  let db = new RocksLevel(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' }) as unknown as RocksDb;
  const openIt = (): Promise<void> => db.open({
    createIfMissing: true, cacheSize: Math.floor(cache / 2), memtableMemoryBudget: Math.floor(cache / 2),
    filterPolicy: 'bloomfilter:10', infoLogLevel: 'header',
    // Index and filter blocks inside the block cache, so their memory is bounded by it and
    // does not grow with the index (about 6% of the table files otherwise: ~10 GB on mainnet).
    cacheIndexAndFilterBlocks: true,
  });
  await openIt();
  const get = (key: Buffer): Buffer | undefined => db._getManySync([key], {})[0] ?? undefined;
  let batch: ReturnType<RocksDb['_chainedBatch']> | null = null;
  let removedSchema: number | undefined;
  const meta = get(opts.metaKey);
  if (meta && meta.readUInt16BE(0) !== opts.schema) {
    removedSchema = meta.readUInt16BE(0);
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    db = new RocksLevel(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' }) as unknown as RocksDb;
    await openIt();
  }
  function* rows(start: Buffer, end: Buffer, limit: number | undefined, values: boolean): Iterable<[Buffer, Buffer]> {
    const it = db._iterator({ gte: start, lt: end, limit: limit ?? -1, keys: true, values, keyEncoding: 'buffer', valueEncoding: 'buffer' });
    try {
      for (let size = 8; ; size = Math.min(1000, size * 4)) {
        const { rows: r, finished } = it._nextvSync(size, {});
        for (let i = 0; i < r.length; i += 2) yield [r[i]!, r[i + 1] ?? EMPTY];
        if (finished) return;
      }
    } finally {
      it._closeSync();
    }
  }
  const view: ReadView = {
    get,
    *scan(start, end, limit) {
      for (const [key, value] of rows(start, end, limit, true)) yield { key, value };
    },
    *keys(start, end, limit) {
      for (const [key] of rows(start, end, limit, false)) yield key;
    },
    count: (start, end) => {
      let n = 0;
      for (const _ of rows(start, end, undefined, false)) n++;
      return n;
    },
  };
  return {
    ...view,
    removedSchema,
    engine: 'rocksdb',
    update(fn) {
      const pending = new Map<string, Buffer | null>();
      const txn: WriteTxn = {
        get: (key) => {
          const p = pending.get(key.toString('latin1'));
          return p === undefined ? get(key) : p ?? undefined;
        },
        put: (key, value) => void pending.set(key.toString('latin1'), value),
        append: (key, value) => void pending.set(key.toString('latin1'), value),
        del: (key) => void pending.set(key.toString('latin1'), null),
      };
      const r = fn(txn);
      if (pending.size > 0) {
        // One batch for the store's life, cleared after each write: a WriteBatch keeps a
        // copy of every row until it is destroyed, and V8 does not know that native size,
        // so a batch per commit left hundreds of MB of written batches waiting for a GC
        // (RssAnon grew with the sync; docs/architecture.md §6). Cleared, it keeps only the
        // capacity of the largest commit.
        batch ??= db._chainedBatch();
        try {
          for (const [k, v] of pending) {
            if (v === null) batch._del(Buffer.from(k, 'latin1'), {});
            else batch._put(Buffer.from(k, 'latin1'), v, {});
          }
          batch._writeSync({});
        } finally {
          batch._clear();
        }
      }
      return r;
    },
    flush: async () => {},
    close: () => {
      batch?._closeSync();
      batch = null;
      return db.close();
    },
    stats() {
      const out = new Map<number, TableStats>();
      for (const tag of opts.tags) out.set(tag, { tag, entries: 0, bytes: 0 });
      for (const [k, v] of rows(Buffer.from([0]), Buffer.from([0xff]), undefined, true)) {
        const t = out.get(k[0]!);
        if (t) {
          t.entries++;
          t.bytes += k.length + v.length;
        }
      }
      return [...out.values()];
    },
  };
}

const EMPTY = Buffer.alloc(0);
