/**
 * The indexed header chain in memory: headers, block hashes and each block's first tx
 * number, by height. Headers answer the protocol's header requests without a store read;
 * the tx-number ranges turn a history row's tx number into its height.
 */
import { createHash } from 'node:crypto';

/** Double SHA-256 (block hashes). */
export function sha256d(b: Buffer): Buffer {
  return createHash('sha256').update(createHash('sha256').update(b).digest()).digest();
}

/** Headers, hashes and tx-number ranges of heights 0 .. height. */
export class HeaderChain {
  /** Height of the tip, -1 when empty. */
  height = -1;
  /** Tx number of the next transaction after the tip. */
  nextTxnum = 0;
  private headersBuf = Buffer.alloc(80 * 1024);
  private hashesBuf = Buffer.alloc(32 * 1024);
  private firstTx: number[] = [];

  /** Sets block h (a header, its hash and first tx number); heights above h are dropped. */
  set(h: number, header: Buffer, hash: Buffer, firstTxnum: number): void {
    while ((h + 1) * 80 > this.headersBuf.length) {
      const hb = Buffer.alloc(this.headersBuf.length * 2);
      this.headersBuf.copy(hb);
      this.headersBuf = hb;
      const xb = Buffer.alloc(this.hashesBuf.length * 2);
      this.hashesBuf.copy(xb);
      this.hashesBuf = xb;
    }
    header.copy(this.headersBuf, h * 80, 0, 80);
    hash.copy(this.hashesBuf, h * 32, 0, 32);
    this.firstTx[h] = firstTxnum;
    this.firstTx.length = h + 1;
  }

  /** Drops heights above h. */
  truncate(h: number, nextTxnum: number): void {
    this.firstTx.length = h + 1;
    this.height = h;
    this.nextTxnum = nextTxnum;
  }

  /** The 80-byte header at height (a view; valid until the next block), or undefined. */
  headerAt(h: number): Buffer | undefined {
    if (!Number.isInteger(h) || h < 0 || h > this.height) return undefined;
    return this.headersBuf.subarray(h * 80, h * 80 + 80);
  }

  /** Internal-order block hash at height (caller checks the range). */
  hashAt(h: number): Buffer {
    return this.hashesBuf.subarray(h * 32, h * 32 + 32);
  }

  /** [first, end) tx numbers of the block at height. */
  txRange(h: number): [number, number] {
    return [this.firstTx[h]!, h < this.height ? this.firstTx[h + 1]! : this.nextTxnum];
  }

  /** Height of the block holding tx number `txnum` (binary search). */
  heightOf(txnum: number): number {
    let lo = 0;
    let hi = this.height;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.firstTx[mid]! <= txnum) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
