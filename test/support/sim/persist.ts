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

  /** Raw block hex lines in arrival order. */
  readBlocks(): string[] {
    if (!fs.existsSync(this.blocksFile)) return [];
    return fs.readFileSync(this.blocksFile, 'utf8').split('\n').filter((l) => l.length > 0);
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

function atomicWrite(file: string, data: string): void {
  const tmp = file + '.tmp';
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}
