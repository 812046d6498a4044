/**
 * SPV anchoring (docs/protocol.md §6.5): a header is trusted only when the server's headers
 * chain it, by prev-hash linkage, to a checkpoint the server did not supply (checkpoints.ts)
 * or to a header verified that way before (the cache). Outside regtest every header must
 * also meet the target of its own bits, and on mainnet bits may change only at a 2016-block
 * retarget and then by at most 4x, so a forged chain inherits the checkpoint's difficulty.
 * A header that cannot be chained is "unanchored", never "verified".
 */
import { VerificationError } from '../errors.js';
import { bitsToTarget, checkPow, HEADER_SIZE, MAX_TARGET, RETARGET_INTERVAL } from '../bitcoin/header.js';
import { hashToDisplay, sha256d } from '../bitcoin/hex.js';
import type { NetworkName } from '../bitcoin/networks.js';
import type { Checkpoint } from './checkpoints.js';
import { MemoryHeaderStore, type HeaderStore } from './cache.js';

/** Where headers come from (the server); may return fewer than asked (the tip, or its cap). */
export interface HeaderFetcher {
  fetch(start: number, count: number): Promise<Buffer[]>;
}

/** A trusted header, or why there is none. */
export type AnchorResult =
  | { status: 'anchored'; height: number; header: Buffer; hash: string; merkleRoot: string; anchor: { height: number; hash: string; source: string } }
  | { status: 'unanchored'; height: number; reason: string };

export interface AnchorOptions {
  network: NetworkName;
  checkpoints: readonly Checkpoint[];
  fetcher: HeaderFetcher;
  store?: HeaderStore;
  /** Most headers fetched to reach one height (default 250,000). */
  maxSpan?: number;
  /** Only headers at or below this height are cached (a few blocks under the tip: reorgs). */
  cacheBelow?: number;
}

/** The block hash (display hex) of 80 header bytes. */
export function headerHash(h: Buffer): string {
  return hashToDisplay(sha256d(h));
}

/**
 * Checks a run of consecutive headers starting at `start`: linkage, PoW (unless regtest)
 * and mainnet's bits transitions. Throws VerificationError naming the first false header.
 */
export function checkHeaderRun(headers: readonly Buffer[], start: number, network: NetworkName, what = 'the server'): void {
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!;
    const height = start + i;
    if (h.length !== HEADER_SIZE) throw new VerificationError(`${what} sent a header at height ${height} of ${h.length} bytes`);
    if (i > 0 && !sha256d(headers[i - 1]!).equals(h.subarray(4, 36))) {
      throw new VerificationError(`${what} sent a false header chain: the header at height ${height} does not link to the header at ${height - 1}`);
    }
    if (network !== 'regtest' && !checkPow(h)) {
      throw new VerificationError(`${what} sent a header at height ${height} whose proof of work does not meet its own bits (hash ${headerHash(h)})`);
    }
    if (network === 'mainnet' && i > 0) {
      const prevBits = headers[i - 1]!.readUInt32LE(72);
      const bits = h.readUInt32LE(72);
      if (height % RETARGET_INTERVAL !== 0) {
        if (bits !== prevBits) {
          throw new VerificationError(`${what} sent a header at height ${height} whose difficulty changed outside a retarget (bits ${hex8(prevBits)} -> ${hex8(bits)})`);
        }
      } else {
        const t = bitsToTarget(bits);
        const p = bitsToTarget(prevBits);
        if (t > p * 4n || t * 4n < p || t > MAX_TARGET) {
          throw new VerificationError(`${what} sent a header at height ${height} whose difficulty adjustment exceeds 4x (bits ${hex8(prevBits)} -> ${hex8(bits)})`);
        }
      }
    }
  }
}

function hex8(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}

/** Anchors headers by height; one instance per run (it remembers what it verified). */
export class HeaderAnchor {
  readonly store: HeaderStore;
  /** Which trusted point each stored header was chained to (for reports). */
  private anchorOf = new Map<number, { height: number; hash: string; source: string }>();
  private readonly maxSpan: number;
  cacheBelow?: number;
  private readonly session = new MemoryHeaderStore();

  constructor(private readonly opts: AnchorOptions) {
    this.store = opts.store ?? new MemoryHeaderStore();
    this.maxSpan = opts.maxSpan ?? 250_000;
    if (opts.cacheBelow !== undefined) this.cacheBelow = opts.cacheBelow;
  }

  private known(height: number): Buffer | undefined {
    return this.session.get(height) ?? this.store.get(height);
  }

  /** The trusted header at `height`. Throws VerificationError when the server's headers are false. */
  async header(height: number): Promise<AnchorResult> {
    const hit = this.known(height);
    if (hit) return this.result(height, hit);
    const cps = this.opts.checkpoints;
    // Trusted points: checkpoints and headers verified before (cache and this run).
    const trusted: { height: number; hash: string; source: string }[] = [
      ...cps.map((c) => ({ height: c.height, hash: c.hash, source: c.source === 'user' ? `--checkpoint ${c.height}` : `checkpoint ${c.height}` })),
      ...this.nearKnown(height).map((h) => ({ height: h, hash: headerHash(this.known(h)!), source: this.anchorOf.get(h)?.source ?? 'cached header' })),
    ];
    const below = trusted.filter((t) => t.height <= height).sort((a, b) => b.height - a.height)[0];
    const above = trusted.filter((t) => t.height > height).sort((a, b) => a.height - b.height)[0];
    const options = [below, above].filter((t): t is NonNullable<typeof t> => t !== undefined)
      .sort((a, b) => Math.abs(a.height - height) - Math.abs(b.height - height));
    if (options.length === 0) return { status: 'unanchored', height, reason: 'no checkpoint for this network' };
    let lastReason = '';
    for (const base of options) {
      const span = Math.abs(base.height - height) + 1;
      if (span > this.maxSpan) {
        lastReason = `the nearest trusted block (${base.source}) is ${span - 1} blocks away, more than ${this.maxSpan}`;
        continue;
      }
      const lo = Math.min(base.height, height);
      const hi = Math.max(base.height, height);
      const got = await this.fetchRange(lo, hi);
      if (typeof got === 'string') {
        lastReason = got;
        continue;
      }
      const trustedHeader = got[base.height - lo]!;
      if (headerHash(trustedHeader) !== base.hash) {
        throw new VerificationError(
          `the server's header at height ${base.height} has hash ${headerHash(trustedHeader)}, but ${base.source} says ${base.hash}`,
        );
      }
      checkHeaderRun(got, lo, this.opts.network);
      const anchor = { height: base.height, hash: base.hash, source: base.source };
      got.forEach((h, i) => {
        const at = lo + i;
        this.session.put(at, h);
        if (!this.anchorOf.has(at)) this.anchorOf.set(at, anchor);
        if (this.cacheBelow !== undefined && at <= this.cacheBelow) this.store.put(at, h);
      });
      return this.result(height, got[height - lo]!);
    }
    return { status: 'unanchored', height, reason: lastReason };
  }

  /** Persists newly verified headers. */
  flush(): void {
    this.store.flush();
  }

  private result(height: number, header: Buffer): AnchorResult {
    const anchor = this.anchorOf.get(height) ?? { height, hash: headerHash(header), source: 'cached header' };
    return { status: 'anchored', height, header, hash: headerHash(header), merkleRoot: hashToDisplay(header.subarray(36, 68)), anchor };
  }

  /** The closest verified heights below and above `height`. */
  private nearKnown(height: number): number[] {
    const out: number[] = [];
    for (const src of [this.session, this.store]) {
      const hs = src.heights();
      // binary search for the first height > `height`
      let lo = 0;
      let hi = hs.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (hs[mid]! <= height) lo = mid + 1;
        else hi = mid;
      }
      if (lo > 0) out.push(hs[lo - 1]!);
      if (lo < hs.length) out.push(hs[lo]!);
    }
    return out;
  }

  /** Headers lo..hi inclusive, or why the server would not give them. */
  private async fetchRange(lo: number, hi: number): Promise<Buffer[] | string> {
    const out: Buffer[] = [];
    let at = lo;
    while (at <= hi) {
      const known = this.known(at);
      if (known) {
        out.push(known);
        at++;
        continue;
      }
      const want = Math.min(RETARGET_INTERVAL, hi - at + 1);
      let got: Buffer[];
      try {
        got = await this.opts.fetcher.fetch(at, want);
      } catch (err) {
        if (err instanceof VerificationError) throw err;
        return `the server did not supply headers ${at}–${hi}: ${(err as Error).message}`;
      }
      if (got.length === 0) return `the server supplied no headers from height ${at} (its chain may be shorter)`;
      for (const h of got.slice(0, want)) out.push(h);
      at += Math.min(got.length, want);
    }
    return out;
  }
}
