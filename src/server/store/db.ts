/**
 * The key-value store behind the index, as a small synchronous interface. LMDB was chosen
 * by measurement (docs/BENCHMARKS.md, "Store choice"): its reads are synchronous and an
 * order of magnitude faster than LevelDB's, so a request reads one consistent snapshot
 * without awaiting per row, and the indexer can read its own uncommitted writes inside a
 * write transaction (no overlay for outputs created and spent within one chunk).
 * Another store fits if it can offer the same: synchronous reads and atomic transactions.
 */
import fs from 'node:fs';

/** Read access: point gets and ordered range scans over binary keys. */
export interface ReadView {
  get(key: Buffer): Buffer | undefined;
  /** Rows with start <= key < end in key order; `limit` caps the count. */
  scan(start: Buffer, end: Buffer, limit?: number): Iterable<{ key: Buffer; value: Buffer }>;
  /** Keys only (cheaper when the value is not needed). */
  keys(start: Buffer, end: Buffer, limit?: number): Iterable<Buffer>;
  /** How many rows have start <= key < end, counted inside the store (no key or value is copied out). */
  count(start: Buffer, end: Buffer): number;
}

/** A write transaction: reads see its own uncommitted writes. */
export interface WriteTxn extends ReadView {
  put(key: Buffer, value: Buffer): void;
  del(key: Buffer): void;
}

/** The store: reads, and atomic synchronous write transactions. */
export interface Store extends ReadView {
  /** Runs `fn` in one atomic write transaction; every change commits together or not at all. */
  update<T>(fn: (tx: WriteTxn) => T): T;
  /** Waits until committed data is durable on disk. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Opens (creating) the LMDB store in directory `dir`. */
export async function openStore(dir: string): Promise<Store> {
  fs.mkdirSync(dir, { recursive: true });
  const { open } = await import('lmdb');
  const db = open({
    path: dir,
    // lmdb treats a path whose last part has an extension ("index.v2", "~/.electrum-cli") as
    // a file; `dir` is always a directory.
    noSubdir: false,
    keyEncoding: 'binary',
    encoding: 'binary',
    compression: false,
    // A kill -9 keeps every committed transaction (the data is in the page cache); only an
    // OS crash could lose the last few, and the index then resumes from its stored tip.
    noSync: true,
  });
  const asBuf = (v: unknown): Buffer | undefined => (v === undefined || v === null ? undefined : (v as Buffer));
  const view: ReadView = {
    get: (key) => asBuf(db.get(key)),
    *scan(start, end, limit) {
      for (const { key, value } of db.getRange({ start, end, limit })) yield { key: key as Buffer, value: value as Buffer };
    },
    *keys(start, end, limit) {
      for (const key of db.getKeys({ start, end, limit })) yield key as Buffer;
    },
    count: (start, end) => db.getCount({ start, end }),
  };
  const txn: WriteTxn = {
    ...view,
    put: (key, value) => void db.putSync(key, value),
    del: (key) => void db.removeSync(key),
  };
  return {
    ...view,
    update: (fn) => db.transactionSync(() => fn(txn)),
    flush: async () => {
      await db.flushed;
    },
    close: async () => {
      await db.close();
    },
  };
}
