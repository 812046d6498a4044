/**
 * Checkpoint (cp_height) header proofs (docs/protocol.md §6.4) with a cached intermediate level:
 * the tree over block hashes 0..cp is split into segments of 1024 leaves; the root of a
 * complete segment never changes (until a reorg), so it is cached, and a proof hashes one
 * segment plus the cached level instead of all cp+1 leaves. The tree code itself is
 * src/bitcoin/merkle.ts (merkleLevelBuf / merkleBranchFromLevel); this file only decides
 * what to cache.
 */
import { merkleBranchAndRootBuf, merkleBranchFromLevel, merkleLevelBuf } from '../bitcoin/merkle.js';

const DEPTH = 10;
/** Leaves per cached segment of the checkpoint tree (1024); a segment's root is cached once complete. */
export const CHECKPOINT_SPAN = 1 << DEPTH;

/** Proof of block `height` in the checkpoint tree of heights 0..cpHeight (internal order). */
export function checkpointBranch(hashAt: (h: number) => Buffer, height: number, cpHeight: number, cache: Map<number, Buffer>): { branch: Buffer[]; root: Buffer } {
  const n = cpHeight + 1;
  const leaves = (from: number, to: number): Buffer => {
    const flat = Buffer.allocUnsafe((to - from) * 32);
    for (let h = from; h < to; h++) hashAt(h).copy(flat, (h - from) * 32);
    return flat;
  };
  if (n <= CHECKPOINT_SPAN) return merkleBranchAndRootBuf(leaves(0, n), height);
  const segments = Math.ceil(n / CHECKPOINT_SPAN);
  const level = Buffer.allocUnsafe(segments * 32);
  for (let s = 0; s < segments; s++) {
    const end = Math.min(n, (s + 1) * CHECKPOINT_SPAN);
    const complete = end === (s + 1) * CHECKPOINT_SPAN;
    let root = complete ? cache.get(s) : undefined;
    if (!root) {
      root = merkleLevelBuf(leaves(s * CHECKPOINT_SPAN, end), DEPTH);
      if (complete) cache.set(s, root);
    }
    root.copy(level, s * 32);
  }
  const s = Math.floor(height / CHECKPOINT_SPAN);
  return merkleBranchFromLevel(leaves(s * CHECKPOINT_SPAN, Math.min(n, (s + 1) * CHECKPOINT_SPAN)), level, DEPTH, height);
}
