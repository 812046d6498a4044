/**
 * When the index directory or its disk cannot be used: a full disk, a read-only file system,
 * permission denied, a file where the directory should be, a corrupt store, or an index that
 * another `serve` holds. Each becomes one IndexError line and exit status 8; the store's
 * transactions are atomic, so the index is left as the last committed one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CliError, EXIT } from '../errors.js';

/** The index or its disk is unusable (exit 8). */
export class IndexError extends CliError {
  override readonly exitCode = EXIT.index;
}

const BY_CODE: Readonly<Record<string, string>> = Object.freeze(Object.assign(Object.create(null) as Record<string, string>, {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EIO: 'an input/output error on the disk',
  ENOTDIR: 'a file is in the way (not a directory)',
  EEXIST: 'a file is in the way (not a directory)',
  EISDIR: 'a directory is where the store expects a file',
  EMFILE: 'too many open files',
}));

/** lmdb reports some failures only in its message. */
const BY_MESSAGE: readonly [RegExp, string][] = [
  [/No space left on device|MDB_MAP_FULL/i, 'the disk is full'],
  [/Read-only file system/i, 'the file system is read-only'],
  [/Permission denied|Operation not permitted/i, 'permission denied'],
  [/Input\/output error/i, 'an input/output error on the disk'],
  [/MDB_CORRUPTED|MDB_INVALID|MDB_PAGE_NOTFOUND|MDB_VERSION_MISMATCH|MDB_BAD_/i, 'the index is corrupt'],
];

/**
 * The IndexError for an error raised while opening, reading or writing the index in `dir`,
 * or undefined when `e` is not a disk or store failure (it then keeps its own meaning).
 */
export function indexUnusable(e: unknown, dir: string): IndexError | undefined {
  if (e instanceof IndexError) return e;
  if (e instanceof CliError || !(e instanceof Error)) return undefined;
  const code = (e as NodeJS.ErrnoException).code;
  const why = (typeof code === 'string' && Object.hasOwn(BY_CODE, code) ? BY_CODE[code] : undefined) ?? BY_MESSAGE.find(([re]) => re.test(e.message))?.[1];
  if (!why) return undefined;
  return new IndexError(`index in ${dir} unusable: ${why}`, { cause: e, hint: hintFor(why) });
}

function hintFor(why: string): string {
  if (why.includes('full') || why.includes('quota')) return 'free some space (the index is as it was before the failed write) and start serve again';
  if (why.includes('corrupt')) return 'move the index directory away (or give --db another one) and serve rebuilds it from bitcoind';
  if (why.includes('in the way')) return 'give --db a directory, or remove the file';
  return 'check the directory given by --db (owner, mode, mount) or give another one';
}

/** LMDB's meta page magic (0xBEEFC0DE), at byte 24 of either of the first two pages. */
const LMDB_MAGIC = 0xbeefc0de;

/**
 * Refuses a store file that is not LMDB at all (lmdb's native code may crash on garbage
 * instead of reporting it). A missing or empty file is fine: the store is created.
 */
export function checkStoreFile(dir: string): void {
  const file = path.join(dir, 'data.mdb');
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw indexUnusable(e, dir) ?? e;
  }
  try {
    const head = Buffer.alloc(65536 + 32);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    if (n === 0) return;
    const ok = [0, 4096, 8192, 16384, 65536].some((page) => page + 28 <= n && head.readUInt32LE(page + 24) === LMDB_MAGIC);
    if (!ok) throw new IndexError(`index in ${dir} unusable: the index is corrupt (${file} is not an LMDB file)`, { hint: hintFor('corrupt') });
  } finally {
    fs.closeSync(fd);
  }
}

/** The file that says which process serves from an index directory. */
export const LOCK_FILE = 'serve.pid';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the index directory for this process (creating it): `<dir>/serve.pid` holds our pid.
 * Another live process's lock is an IndexError; a dead one's (kill -9) is taken over.
 * Returns the release function.
 */
export function lockIndex(dir: string): () => void {
  const file = path.join(dir, LOCK_FILE);
  try {
    fs.mkdirSync(dir, { recursive: true });
    if (!fs.statSync(dir).isDirectory()) throw Object.assign(new Error(`${dir} is not a directory`), { code: 'ENOTDIR' });
    for (let attempt = 0; ; attempt++) {
      try {
        fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
        const pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
        if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
          throw new IndexError(`index in ${dir} unusable: it is in use by process ${pid} (another serve)`, {
            hint: `stop that serve, or give this one another --db; if no serve runs, remove ${file}`,
          });
        }
        fs.rmSync(file, { force: true }); // left by a process that is gone
      }
    }
  } catch (e) {
    throw indexUnusable(e, dir) ?? e;
  }
  return () => {
    try {
      if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.rmSync(file, { force: true });
    } catch {
      // already gone
    }
  };
}
