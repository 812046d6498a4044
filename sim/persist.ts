/**
 * On-disk state of a simulated node under <datadir>/regtest/: every accepted block as one hex line
 * (append-only, in arrival order, so parents precede children and replay re-derives everything),
 * a small JSON state file (seed, invalidated blocks, wallets) and, like Core, `mempool.dat`, written
 * only on a clean shutdown or by savemempool (node/mempool_persist.cpp DumpMempool).
 *
 * mempool.dat is Core's format version 1 (what -persistmempoolv1 writes; Core reads both):
 *   uint64 LE version (1) | uint64 LE count | per tx: tx with witness, int64 LE entry time (s),
 *   int64 LE fee delta (0) | CompactSize(0) fee-delta map | CompactSize(0) unbroadcast set.
 * Version 2 (Core's default: an 8-byte key after the version, XOR over the rest) is read too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Reader, Writer } from './bytes.js';
import { readTx } from './tx.js';
import type { WalletState } from './wallet.js';

/** One persisted mempool entry: raw tx hex and entry time in seconds. */
export interface SavedTx { hex: string; time: number }

/** Persisted node settings and wallet/chain marks. */
export interface SimState {
  seed: string;
  invalidated: string[];
  wallets: WalletState[];
  /** Wallets loaded at start-up (Core's settings.json "wallet" list). */
  loadOnStartup?: string[];
}

/** File locations and read/write helpers for one datadir. */
export class Store {
  readonly dir: string;
  constructor(datadir: string) {
    this.dir = path.join(datadir, 'regtest');
    fs.mkdirSync(this.dir, { recursive: true });
  }
  get blocksFile(): string { return path.join(this.dir, 'sim-blocks.hex'); }
  get stateFile(): string { return path.join(this.dir, 'sim-state.json'); }
  get mempoolFile(): string { return path.join(this.dir, 'mempool.dat'); }
  get cookieFile(): string { return path.join(this.dir, '.cookie'); }

  /** Raw block hex lines in arrival order (streamed: the file may exceed a string's maximum length). */
  readBlocks(): Iterable<string> {
    return fs.existsSync(this.blocksFile) ? readLines(this.blocksFile) : [];
  }
  /** True when blocks were persisted before. */
  hasBlocks(): boolean {
    return fs.existsSync(this.blocksFile) && fs.statSync(this.blocksFile).size > 0;
  }
  /** Appends one block durably before the node acknowledges it. */
  appendBlock(hex: string): void { fs.appendFileSync(this.blocksFile, hex + '\n'); }
  /** Appends many blocks (bulk preload). */
  appendBlocks(hexes: string[]): void { if (hexes.length) fs.appendFileSync(this.blocksFile, hexes.join('\n') + '\n'); }

  readState(): SimState | undefined {
    if (!fs.existsSync(this.stateFile)) return undefined;
    return JSON.parse(fs.readFileSync(this.stateFile, 'utf8')) as SimState;
  }
  writeState(s: SimState): void { atomicWrite(this.stateFile, JSON.stringify(s)); }

  /** The saved mempool; empty when there is none or it is unreadable (Core then starts empty too). */
  readMempool(): SavedTx[] {
    if (!fs.existsSync(this.mempoolFile)) return [];
    try { return decodeMempoolDat(fs.readFileSync(this.mempoolFile)); } catch { return []; }
  }
  /** Writes mempool.dat through a .new file renamed over the old one, as Core does. */
  writeMempool(m: SavedTx[]): void {
    const w = new Writer().u64(1).u64(m.length);
    for (const e of m) w.bytes(Buffer.from(e.hex, 'hex')).u64(e.time).u64(0);
    w.varint(0).varint(0);
    const tmp = this.mempoolFile + '.new';
    fs.writeFileSync(tmp, w.done());
    fs.renameSync(tmp, this.mempoolFile);
  }
}

/** Parses mempool.dat version 1 or 2. */
export function decodeMempoolDat(buf: Buffer): SavedTx[] {
  const version = Number(buf.readBigUInt64LE(0));
  let body = buf.subarray(8);
  if (version === 2) {
    if (body[0] !== 8) throw new RangeError('bad mempool.dat key');
    const key = body.subarray(1, 9);
    body = Buffer.from(body.subarray(9));
    // AutoFile XORs with the key at the byte's file offset; the body starts at offset 17.
    for (let i = 0; i < body.length; i++) body[i] ^= key[(17 + i) % 8];
  } else if (version !== 1) throw new RangeError(`unknown mempool.dat version ${version}`);
  const r = new Reader(body);
  const n = r.u64();
  const out: SavedTx[] = [];
  for (let i = 0; i < n; i++) {
    const start = r.off;
    readTx(r);
    const hex = body.subarray(start, r.off).toString('hex');
    const time = r.u64();
    r.u64();
    out.push({ hex, time });
  }
  return out;
}

/** Non-empty lines of a text file, read in chunks (for block files of gigabytes). */
export function* readLines(file: string): Generator<string> {
  const fd = fs.openSync(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(16 << 20);
    let rest = Buffer.alloc(0);
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      const buf = rest.length ? Buffer.concat([rest, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      let start = 0;
      for (let i = buf.indexOf(10, start); i >= 0; i = buf.indexOf(10, start)) {
        if (i > start) yield buf.toString('latin1', start, i).trim();
        start = i + 1;
      }
      rest = Buffer.from(buf.subarray(start));
      if (n === 0) break;
    }
    if (rest.length) yield rest.toString('latin1').trim();
  } finally {
    fs.closeSync(fd);
  }
}

function atomicWrite(file: string, data: string): void {
  const tmp = file + '.tmp';
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}
