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

/** A write transaction: reads see its own uncommitted writes. */
export interface WriteTxn extends ReadView {
  put(key: Buffer, value: Buffer): void;
  /** Put of a key greater than every key of its table (cheaper, and fills pages completely). */
  append(key: Buffer, value: Buffer): void;
  del(key: Buffer): void;
}

/** Size of one table. */
export interface TableStats {
  tag: number;
  entries: number;
  /** Bytes of the table's pages (branch, leaf and overflow). */
  bytes: number;
}

/** The store: reads, and atomic synchronous write transactions. */
export interface Store extends ReadView {
  /** Runs `fn` in one atomic write transaction; every change commits together or not at all. */
  update<T>(fn: (tx: WriteTxn) => T): T;
  /** Waits until committed data is durable on disk. */
  flush(): Promise<void>;
  close(): Promise<void>;
  /** Page usage of each table. */
  stats(): TableStats[];
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
  keyEncoding: 'binary',
  encoding: 'binary',
  compression: false,
  // A kill -9 keeps every committed transaction (the data is in the page cache); only an
  // OS crash could lose the last few, and the index then resumes from its stored tip.
  noSync: true,
  maxDbs: 32,
} as const;

/** Opens (creating) the LMDB store in directory `dir`. */
export async function openStore(dir: string, opts: StoreOptions = { tags: Object.values(TAG), metaKey: META_KEY, schema: SCHEMA_VERSION }): Promise<Store> {
  fs.mkdirSync(dir, { recursive: true });
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
    ...view,
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
