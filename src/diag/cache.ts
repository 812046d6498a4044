/**
 * Files under the user's cache directory (`$XDG_CACHE_HOME/electrum-cli`, else
 * `~/.cache/electrum-cli`): verified headers per network (spv.ts) and the servers a probe
 * found reachable, fastest first (`servers.txt`, read by shell completion). The directory
 * itself is cache-dir.ts.
 */
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { NetworkName } from '../bitcoin/networks.js';
import type { Checkpoint } from './checkpoints.js';
import { HEADER_SIZE } from '../bitcoin/header.js';

/** Writes servers.txt: one server spec per line, fastest first (atomic replace). */
export function writeServersCache(dir: string, specs: readonly string[]): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'servers.txt');
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, specs.length ? `${specs.join('\n')}\n` : '');
  renameSync(tmp, path);
  return path;
}

/** Verified headers by height, kept between runs. */
export interface HeaderStore {
  get(height: number): Buffer | undefined;
  put(height: number, header: Buffer): void;
  /** Heights held, ascending. */
  heights(): number[];
  /** Persists what put() added since the last flush. */
  flush(): void;
}

/** An in-memory store (tests, --no-cache). */
export class MemoryHeaderStore implements HeaderStore {
  protected map = new Map<number, Buffer>();
  private sorted: number[] | null = null;
  get(height: number): Buffer | undefined {
    return this.map.get(height);
  }
  put(height: number, header: Buffer): void {
    if (!this.map.has(height)) this.sorted = null;
    this.map.set(height, Buffer.from(header));
  }
  heights(): number[] {
    this.sorted ??= [...this.map.keys()].sort((a, b) => a - b);
    return this.sorted;
  }
  flush(): void {}
}

/**
 * A file of 84-byte records (u32 LE height, 80-byte header), appended as headers are
 * verified. The file name carries a digest of the checkpoints the headers were anchored to,
 * so headers verified against one --checkpoint are never trusted under another.
 */
export class FileHeaderStore extends MemoryHeaderStore {
  private pending: Buffer[] = [];
  readonly path: string;

  constructor(dir: string, network: NetworkName, checkpoints: readonly Checkpoint[]) {
    super();
    const id = createHash('sha256').update(checkpoints.map((c) => `${c.height}:${c.hash}`).join(',')).digest('hex').slice(0, 8);
    this.path = join(dir, `headers-${network}-${id}.bin`);
    let data: Buffer;
    try {
      data = readFileSync(this.path);
    } catch {
      return;
    }
    const rec = 4 + HEADER_SIZE;
    for (let off = 0; off + rec <= data.length; off += rec) {
      super.put(data.readUInt32LE(off), data.subarray(off + 4, off + rec));
    }
  }

  override put(height: number, header: Buffer): void {
    if (this.get(height)) return;
    super.put(height, header);
    const rec = Buffer.alloc(4 + HEADER_SIZE);
    rec.writeUInt32LE(height, 0);
    Buffer.from(header).copy(rec, 4);
    this.pending.push(rec);
  }

  override flush(): void {
    if (this.pending.length === 0) return;
    try {
      mkdirSync(join(this.path, '..'), { recursive: true });
      appendFileSync(this.path, Buffer.concat(this.pending));
    } catch {
      // A read-only cache only costs speed next time.
    }
    this.pending = [];
  }
}
