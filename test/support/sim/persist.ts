/**
 * On-disk state of a simulated node under <datadir>/regtest/: every accepted block as one hex line
 * (append-only, in arrival order, so parents precede children and replay re-derives everything),
 * a small JSON state file (seed, invalidated blocks, wallets) and the mempool (hex + entry time).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { WalletState } from './wallet.js';

/** Persisted node settings and wallet/chain marks. */
export interface SimState {
  seed: string;
  invalidated: string[];
  wallets: WalletState[];
  loaded: string[];
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
  get mempoolFile(): string { return path.join(this.dir, 'sim-mempool.json'); }
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

  readMempool(): { hex: string; time: number }[] {
    if (!fs.existsSync(this.mempoolFile)) return [];
    try { return JSON.parse(fs.readFileSync(this.mempoolFile, 'utf8')); } catch { return []; }
  }
  writeMempool(m: { hex: string; time: number }[]): void { atomicWrite(this.mempoolFile, JSON.stringify(m)); }
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
