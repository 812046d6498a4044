/**
 * Bytes of an index directory by table, whatever the store (for bench/scale.ts). A "table" is
 * a sub-database (LMDB named database; the unnamed one is "main") and, inside one whose keys
 * start with at most MAX_TAGS distinct first bytes, the rows sharing a first byte (the
 * one-byte table tags of src/server/store/rows.ts): `main/H`, `main/U`, ... Keys starting
 * with random bytes (hashes) make a sub-database one table.
 *
 * For each table: rows, logical bytes (key + value) and on-disk bytes. LMDB: a sub-database's
 * pages (branch + leaf + overflow) x page size, from mdb_stat; tag tables inside one get the
 * overflow pages of their big values and a share of the tree pages in proportion to the bytes
 * their rows take in leaf nodes (header + key + inline value). LevelDB (classic-level): approximateSize() of the
 * table's key range (compressed SST bytes). The directory's file size and allocated size are
 * reported apart (LMDB's file also holds free pages).
 */
import fs from 'node:fs';
import path from 'node:path';

const MAX_TAGS = 32;

/** One table's size. */
export interface TableSize { table: string; rows: number; logicalBytes: number; diskBytes: number }

/** The whole index. */
export interface IndexSize {
  store: 'lmdb' | 'leveldb' | 'unknown';
  /** Sum of the files' sizes, and what they occupy on disk (sparse files count less). */
  fileBytes: number;
  allocatedBytes: number;
  tables: TableSize[];
  /** LMDB: pages on the free list (reusable space inside the file), in bytes. */
  freeBytes?: number;
}

function walk(dir: string): { size: number; blocks: number } {
  let size = 0;
  let blocks = 0;
  for (const f of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, f.name);
    if (f.isDirectory()) { const s = walk(p); size += s.size; blocks += s.blocks; } else {
      const st = fs.statSync(p);
      size += st.size;
      blocks += st.blocks * 512;
    }
  }
  return { size, blocks };
}

const tagName = (b: number): string => (b >= 0x21 && b < 0x7f ? String.fromCharCode(b) : `0x${b.toString(16).padStart(2, '0')}`);

interface TagAcc { rows: number; bytes: number; leaf: number; overflow: number }

/**
 * Per first key byte: rows, key+value bytes, and for LMDB the row's share of B-tree pages
 * (`leaf`: node header + key + inline value) and its overflow pages (values too big for a
 * leaf go to pages of their own, as mdb_put does). `tags` is null once more than MAX_TAGS
 * distinct first bytes appear (the keys are not tagged).
 */
function byFirstByte(entries: Iterable<{ key: Uint8Array; value: Uint8Array | null }>, pageSize = 4096): { tags: Map<number, TagAcc> | null; all: TagAcc } {
  // LMDB: me_nodemax = ((psize - PAGEHDRSZ) / MDB_MINKEYS & -2) - sizeof(indx_t); NODESIZE = 8.
  const nodeMax = (Math.floor((pageSize - 16) / 2) & ~1) - 2;
  const tags = new Map<number, TagAcc>();
  const all: TagAcc = { rows: 0, bytes: 0, leaf: 0, overflow: 0 };
  let split = true;
  for (const { key, value } of entries) {
    const v = value?.length ?? 0;
    const big = 8 + key.length + v > nodeMax;
    const leaf = 8 + key.length + (big ? 8 : v) + 2;
    const overflow = big ? Math.ceil((16 + v) / pageSize) : 0;
    all.rows++; all.bytes += key.length + v; all.leaf += leaf; all.overflow += overflow;
    if (!split) continue;
    const t = key.length > 0 ? key[0]! : -1;
    let e = tags.get(t);
    if (!e) {
      if (tags.size >= MAX_TAGS) { split = false; continue; }
      tags.set(t, (e = { rows: 0, bytes: 0, leaf: 0, overflow: 0 }));
    }
    e.rows++; e.bytes += key.length + v; e.leaf += leaf; e.overflow += overflow;
  }
  return { tags: split ? tags : null, all };
}

async function lmdbSize(dir: string): Promise<{ tables: TableSize[]; freeBytes: number }> {
  const { open } = await import('lmdb');
  const root = open({ path: dir, readOnly: true, keyEncoding: 'binary', encoding: 'binary', maxDbs: 64 } as unknown as Parameters<typeof open>[0]);
  const tables: TableSize[] = [];
  try {
    const pagesOf = (s: { treeBranchPageCount: number; treeLeafPageCount: number; overflowPages: number; pageSize: number }): number =>
      (s.treeBranchPageCount + s.treeLeafPageCount + s.overflowPages) * s.pageSize;
    // Named databases are keys of the unnamed one; a data key is not one (openDB throws).
    const names: string[] = [];
    const rootStats = root.getStats() as { treeBranchPageCount: number; treeLeafPageCount: number; overflowPages: number; pageSize: number; free?: { pages?: number }; entryCount: number };
    // Pass 1: keys that could name a database (opening one inside an iteration would end its
    // read transaction, so they are opened afterwards). lmdb-js stores names with a trailing NUL.
    const candidates: { key: string; name: string }[] = [];
    for (const key of root.getKeys({})) {
      const k = key as Buffer;
      const name = k.toString('latin1').replace(/\0$/, '');
      if (k.length > 0 && k.length <= 64 && /^[\x20-\x7e]+$/.test(name)) candidates.push({ key: k.toString('latin1'), name });
    }
    const subKeys = new Set<string>();
    for (const c of candidates) {
      try {
        const sub = root.openDB({ name: c.name, create: false, keyEncoding: 'binary', encoding: 'binary' } as unknown as { name: string });
        if (sub) { names.push(c.name); subKeys.add(c.key); }
      } catch { /* a data key */ }
    }
    const scanMain = function* (): Generator<{ key: Uint8Array; value: Uint8Array | null }> {
      for (const { key, value } of root.getRange({})) {
        const k = key as Buffer;
        if (subKeys.size > 0 && subKeys.has(k.toString('latin1'))) continue;
        yield { key: k, value: (value as Buffer | null) ?? null };
      }
    };
    const main = byFirstByte(scanMain(), rootStats.pageSize);
    // A tag table's bytes: its overflow pages, plus the tree's pages in proportion to its leaf bytes.
    const addSplit = (db: string, r: ReturnType<typeof byFirstByte>, st: typeof rootStats): void => {
      if (r.all.rows === 0) return;
      const treeBytes = (st.treeBranchPageCount + st.treeLeafPageCount) * st.pageSize;
      const overflowBytes = st.overflowPages * st.pageSize;
      const share = (e: TagAcc): number => (r.all.leaf > 0 ? (treeBytes * e.leaf) / r.all.leaf : 0) + (r.all.overflow > 0 ? (overflowBytes * e.overflow) / r.all.overflow : 0);
      if (r.tags && r.tags.size > 1) {
        for (const [t, e] of [...r.tags].sort((a, b) => share(b[1]) - share(a[1]))) {
          tables.push({ table: `${db}/${t < 0 ? '(empty)' : tagName(t)}`, rows: e.rows, logicalBytes: e.bytes, diskBytes: share(e) });
        }
      } else tables.push({ table: db, rows: r.all.rows, logicalBytes: r.all.bytes, diskBytes: pagesOf(st) });
    };
    addSplit('main', main, rootStats);
    for (const name of names) {
      const sub = root.openDB({ name, create: false, keyEncoding: 'binary', encoding: 'binary' } as unknown as { name: string });
      const st = sub.getStats() as unknown as typeof rootStats;
      const entries = function* (): Generator<{ key: Uint8Array; value: Uint8Array | null }> {
        for (const { key, value } of sub.getRange({})) yield { key: key as Buffer, value: (value as Buffer | null) ?? null };
      };
      addSplit(name, byFirstByte(entries(), st.pageSize), st);
    }
    return { tables, freeBytes: (rootStats.free?.pages ?? 0) * rootStats.pageSize };
  } finally {
    await root.close();
  }
}

/** An LSM store's directory: RocksDB (it writes OPTIONS-* files; LevelDB cannot open it) or LevelDB. */
async function openLevel(dir: string) {
  const { ClassicLevel } = await import('classic-level');
  type Level = InstanceType<typeof ClassicLevel<Buffer, Buffer>>;
  if (fs.readdirSync(dir).some((f) => f.startsWith('OPTIONS-'))) {
    // Both are abstract-level stores: the same iterator, open/close and approximateSize.
    const { RocksLevel } = await import('@nxtedition/rocksdb');
    return new RocksLevel(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' }) as Level;
  }
  return new ClassicLevel<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer', createIfMissing: false });
}

async function levelSize(dir: string): Promise<TableSize[]> {
  const db = await openLevel(dir);
  await db.open();
  try {
    const tags = new Map<number, { rows: number; bytes: number }>();
    let rows = 0;
    let bytes = 0;
    let split = true;
    for await (const [key, value] of db.iterator()) {
      const n = key.length + value.length;
      rows++;
      bytes += n;
      if (!split) continue;
      const t = key[0] ?? -1;
      const e = tags.get(t);
      if (e) { e.rows++; e.bytes += n; } else if (tags.size >= MAX_TAGS) split = false; else tags.set(t, { rows: 1, bytes: n });
    }
    const out: TableSize[] = [];
    const approx = async (start: Buffer, end: Buffer): Promise<number> => {
      const f = (db as unknown as { approximateSize?: (a: Buffer, b: Buffer) => Promise<number> }).approximateSize;
      return f ? Number(await f.call(db, start, end)) : 0;
    };
    if (split && tags.size > 1) {
      for (const [t, e] of [...tags].sort((a, b) => b[1].bytes - a[1].bytes)) {
        out.push({ table: tagName(t), rows: e.rows, logicalBytes: e.bytes, diskBytes: t < 0 ? 0 : await approx(Buffer.from([t]), Buffer.from([t + 1])) });
      }
    } else out.push({ table: 'all', rows, logicalBytes: bytes, diskBytes: await approx(Buffer.alloc(0), Buffer.alloc(64, 0xff)) });
    return out;
  } finally {
    await db.close();
  }
}

/** Measures an index directory (the store must be closed by its writer). */
export async function indexSize(dir: string): Promise<IndexSize> {
  const { size, blocks } = walk(dir);
  if (fs.existsSync(path.join(dir, 'data.mdb'))) {
    const r = await lmdbSize(dir);
    return { store: 'lmdb', fileBytes: size, allocatedBytes: blocks, tables: r.tables, freeBytes: r.freeBytes };
  }
  if (fs.existsSync(path.join(dir, 'CURRENT'))) return { store: 'leveldb', fileBytes: size, allocatedBytes: blocks, tables: await levelSize(dir) };
  // A store in a subdirectory (e.g. dir/index/data.mdb): measure that one.
  for (const f of fs.readdirSync(dir, { withFileTypes: true })) {
    if (f.isDirectory()) {
      const sub = path.join(dir, f.name);
      if (fs.existsSync(path.join(sub, 'data.mdb')) || fs.existsSync(path.join(sub, 'CURRENT'))) {
        const r = await indexSize(sub);
        return { ...r, fileBytes: size, allocatedBytes: blocks };
      }
    }
  }
  return { store: 'unknown', fileBytes: size, allocatedBytes: blocks, tables: [] };
}

if (process.argv[1] && path.resolve(process.argv[1]).endsWith('index-size.ts')) {
  console.log(JSON.stringify(await indexSize(process.argv[2]!), null, 1));
}
