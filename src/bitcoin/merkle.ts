/**
 * Bitcoin merkle trees (docs/protocol.md §6.3, §6.4): building roots and branches for the
 * server, and verifying transaction and checkpoint proofs for the client. Building works
 * on one flat buffer, in place, so a tree over a million block hashes stays cheap.
 */
import { hash as oneShotHash } from 'node:crypto';
import { hashFromDisplay, hashToDisplay, isHex, isHex64, sha256d } from './hex.js';
import { isParsableTx } from './tx.js';

/** Electrum refuses transaction branches longer than this. */
export const MAX_BRANCH_LENGTH = 30;

/** Outcome of a proof check: ok, or the reason it failed. */
export type ProofResult = { ok: true } | { ok: false; reason: string };

/** Options of verifyMerkleBranch. */
export interface VerifyBranchOptions {
  /** Reject a node whose 64-byte preimage parses as a transaction (CVE-2017-12842). Default true. */
  rejectTxLikeNodes?: boolean;
  /** Longest branch accepted. Default MAX_BRANCH_LENGTH. */
  maxLength?: number;
}

/** Leaves as separate 32-byte internal-order hashes, or one buffer of 32·n bytes. */
export type Leaves = readonly Uint8Array[] | Uint8Array;

function hashPair(out: Buffer, outAt: number, pair: Buffer): void {
  const h = oneShotHash('sha256', oneShotHash('sha256', pair, 'buffer'), 'buffer');
  h.copy(out, outAt);
}

function flatten(leaves: Leaves): Buffer {
  if (!Array.isArray(leaves)) {
    const flat = leaves as Uint8Array;
    if (flat.length === 0 || flat.length % 32 !== 0) throw new RangeError(`leaves: ${flat.length} bytes is not a non-empty multiple of 32`);
    return Buffer.from(flat); // a copy: levels are computed in place
  }
  const list = leaves as readonly Uint8Array[];
  if (list.length === 0) throw new RangeError('leaves: a merkle tree needs at least one leaf');
  const out = Buffer.allocUnsafe(list.length * 32);
  for (let i = 0; i < list.length; i++) {
    const l = list[i]!;
    if (l.length !== 32) throw new RangeError(`leaves[${i}] is ${l.length} bytes, expected 32`);
    out.set(l, i * 32);
  }
  return out;
}

/**
 * Reduces `level` (n nodes, in place) one level up; Bitcoin's rule pairs an odd last node
 * with itself. Returns the new node count.
 */
function reduce(level: Buffer, n: number, pair: Buffer): number {
  const m = (n + 1) >> 1;
  for (let i = 0; i < m; i++) {
    const left = 2 * i * 32;
    if (2 * i + 1 < n) {
      hashPair(level, i * 32, level.subarray(left, left + 64));
    } else {
      level.copy(pair, 0, left, left + 32);
      level.copy(pair, 32, left, left + 32);
      hashPair(level, i * 32, pair);
    }
  }
  return m;
}

/** The merkle root (internal order) of internal-order leaves. */
export function merkleRootBuf(leaves: Leaves): Buffer {
  const level = flatten(leaves);
  const pair = Buffer.allocUnsafe(64);
  let n = level.length / 32;
  while (n > 1) n = reduce(level, n, pair);
  return Buffer.from(level.subarray(0, 32));
}

/**
 * The branch (internal order, deepest first) proving leaf `pos`, and the root. A proven
 * odd last node gets itself as sibling, as servers send it.
 */
export function merkleBranchAndRootBuf(leaves: Leaves, pos: number): { branch: Buffer[]; root: Buffer } {
  const level = flatten(leaves);
  let n = level.length / 32;
  if (!Number.isSafeInteger(pos) || pos < 0 || pos >= n) throw new RangeError(`position ${pos} is outside 0..${n - 1}`);
  const pair = Buffer.allocUnsafe(64);
  const branch: Buffer[] = [];
  let i = pos;
  while (n > 1) {
    const sib = (i ^ 1) < n ? i ^ 1 : i;
    branch.push(Buffer.from(level.subarray(sib * 32, sib * 32 + 32)));
    n = reduce(level, n, pair);
    i >>= 1;
  }
  return { branch, root: Buffer.from(level.subarray(0, 32)) };
}

/** The branch (internal order, deepest first) proving leaf `pos`. */
export function merkleBranchBuf(leaves: Leaves, pos: number): Buffer[] {
  return merkleBranchAndRootBuf(leaves, pos).branch;
}

/**
 * Level `depth` of the tree over `leaves` (flat, internal order): node j is the subtree
 * root of leaves [j·2^depth, (j+1)·2^depth). Reductions continue past a single node, as
 * Bitcoin's odd rule does, so node j depends only on its own segment: appending leaves
 * changes only the last node. Cache it to serve branches over millions of leaves.
 */
export function merkleLevelBuf(leaves: Leaves, depth: number): Buffer {
  if (!Number.isInteger(depth) || depth < 0 || depth > 30) throw new RangeError(`depth ${depth} is outside 0..30`);
  const level = flatten(leaves);
  const pair = Buffer.allocUnsafe(64);
  let n = level.length / 32;
  for (let d = 0; d < depth; d++) n = reduce(level, n, pair);
  return Buffer.from(level.subarray(0, n * 32));
}

/**
 * Branch and root for leaf `pos` of a tree whose level `depth` is `level` (see
 * merkleLevelBuf), given only the leaves of pos's segment ([s·2^depth, …) with
 * s = pos >> depth, at most 2^depth of them). Same result as merkleBranchAndRootBuf
 * over all leaves, at the cost of one segment plus one level.
 */
export function merkleBranchFromLevel(
  segmentLeaves: Leaves, level: Uint8Array, depth: number, pos: number,
): { branch: Buffer[]; root: Buffer } {
  if (!Number.isSafeInteger(pos) || pos < 0) throw new RangeError(`position ${pos} is not a non-negative integer`);
  if (level.length === 0 || level.length % 32 !== 0) throw new RangeError('level: not a non-empty multiple of 32 bytes');
  const seg = flatten(segmentLeaves);
  const span = 2 ** depth;
  const s = Math.floor(pos / span);
  const local = pos - s * span;
  let n = seg.length / 32;
  if (n > span) throw new RangeError(`segment has ${n} leaves, more than 2^${depth}`);
  if (local >= n) throw new RangeError(`position ${pos} is outside its segment of ${n} leaves`);
  if (s >= level.length / 32) throw new RangeError(`segment ${s} is outside the level of ${level.length / 32} nodes`);
  // A one-node level means the segment is the whole tree, which may be shorter than
  // `depth` levels: build it directly rather than over-reducing.
  if (level.length === 32) return merkleBranchAndRootBuf(seg, pos);
  const pair = Buffer.allocUnsafe(64);
  const branch: Buffer[] = [];
  let i = local;
  for (let d = 0; d < depth; d++) {
    const sib = (i ^ 1) < n ? i ^ 1 : i;
    branch.push(Buffer.from(seg.subarray(sib * 32, sib * 32 + 32)));
    n = reduce(seg, n, pair);
    i >>= 1;
  }
  if (!seg.subarray(0, 32).equals(level.subarray(s * 32, s * 32 + 32))) {
    throw new RangeError(`segment ${s} does not match the cached level (stale cache?)`);
  }
  const upper = merkleBranchAndRootBuf(level, s);
  return { branch: [...branch, ...upper.branch], root: upper.root };
}

/** The merkle root (display hex) of display-hex txids. */
export function merkleRoot(txids: readonly string[]): string {
  return hashToDisplay(merkleRootBuf(txids.map((t, i) => hashFromDisplay(t, `txids[${i}]`))));
}

/** The branch (display hex, deepest first) proving txids[pos], as get_merkle returns it. */
export function merkleBranch(txids: readonly string[], pos: number): string[] {
  return merkleBranchBuf(txids.map((t, i) => hashFromDisplay(t, `txids[${i}]`)), pos).map(hashToDisplay);
}

/**
 * Folds a branch from `leaf` (internal order) up, per §6.3 step 3. Returns the root
 * (internal order) or the reason for refusing the branch.
 */
function fold(leaf: Buffer, pos: number, branch: readonly unknown[], txLike: boolean): Buffer | string {
  let h = leaf;
  let i = pos;
  const cat = Buffer.allocUnsafe(64);
  for (let k = 0; k < branch.length; k++) {
    const e = branch[k];
    if (!isHex64(e)) return `branch entry ${k} is not 64 hex characters`;
    const s = hashFromDisplay(e);
    if (i & 1) {
      // CVE-2012-2459: a left sibling equal to the node lets a duplicated tail pose as real.
      if (s.equals(h)) return `branch entry ${k} duplicates its node at an odd index (CVE-2012-2459)`;
      s.copy(cat, 0);
      h.copy(cat, 32);
    } else {
      h.copy(cat, 0);
      s.copy(cat, 32);
    }
    if (txLike && isParsableTx(cat)) return `inner node at level ${k} parses as a transaction (CVE-2017-12842)`;
    h = sha256d(cat);
    i = Math.floor(i / 2);
  }
  if (i !== 0) return `position ${pos} is too large for a branch of ${branch.length}`;
  return h;
}

/**
 * Verifies a transaction merkle proof (get_merkle / id_from_pos) against a root taken from
 * a trusted header. All hashes are display hex.
 */
export function verifyMerkleBranch(
  txid: string, pos: number, branch: readonly string[], rootDisplayHex: string, opts: VerifyBranchOptions = {},
): ProofResult {
  const max = opts.maxLength ?? MAX_BRANCH_LENGTH;
  if (!isHex64(txid)) return { ok: false, reason: 'txid is not 64 hex characters' };
  if (!isHex64(rootDisplayHex)) return { ok: false, reason: 'merkle root is not 64 hex characters' };
  if (!Number.isSafeInteger(pos) || pos < 0) return { ok: false, reason: `position ${String(pos)} is not a non-negative integer` };
  if (!Array.isArray(branch)) return { ok: false, reason: 'branch is not an array' };
  if (branch.length > max) return { ok: false, reason: `branch of ${branch.length} entries is longer than ${max}` };
  const r = fold(hashFromDisplay(txid), pos, branch, opts.rejectTxLikeNodes ?? true);
  if (typeof r === 'string') return { ok: false, reason: r };
  if (hashToDisplay(r) !== rootDisplayHex.toLowerCase()) return { ok: false, reason: 'branch does not lead to the merkle root' };
  return { ok: true };
}

/** Branch length of a checkpoint proof: ceil(log2(cpHeight + 1)). */
export function checkpointBranchLength(cpHeight: number): number {
  return cpHeight === 0 ? 0 : cpHeight.toString(2).length;
}

/**
 * Verifies a cp_height header proof (§6.4) against a root the caller trusts (never the
 * response's own `root`). The header is 80 bytes as hex or bytes.
 */
export function verifyCheckpointProof(
  header: string | Uint8Array, height: number, cpHeight: number, branch: readonly string[], trustedRootDisplay: string,
): ProofResult {
  const hb = headerBytesOrNull(header);
  if (!hb) return { ok: false, reason: 'header is not 80 bytes of hex' };
  if (!Number.isSafeInteger(height) || height < 0) return { ok: false, reason: `height ${String(height)} is not a non-negative integer` };
  if (!Number.isSafeInteger(cpHeight) || cpHeight < height) {
    return { ok: false, reason: `cp_height ${String(cpHeight)} is below height ${height}` };
  }
  if (!isHex64(trustedRootDisplay)) return { ok: false, reason: 'trusted root is not 64 hex characters' };
  if (!Array.isArray(branch)) return { ok: false, reason: 'branch is not an array' };
  const want = checkpointBranchLength(cpHeight);
  if (branch.length !== want) return { ok: false, reason: `branch has ${branch.length} entries, expected ${want} for cp_height ${cpHeight}` };
  const r = fold(sha256d(hb), height, branch, false);
  if (typeof r === 'string') return { ok: false, reason: r };
  if (hashToDisplay(r) !== trustedRootDisplay.toLowerCase()) return { ok: false, reason: 'branch does not lead to the trusted checkpoint root' };
  return { ok: true };
}

function headerBytesOrNull(header: string | Uint8Array): Buffer | null {
  if (typeof header === 'string') return isHex(header) && header.length === 160 ? Buffer.from(header, 'hex') : null;
  return header instanceof Uint8Array && header.length === 80 ? Buffer.from(header) : null;
}
