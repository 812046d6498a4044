/**
 * Checkpoint (cp_height) header proofs (PROTOCOL.md §6.4) with a cached intermediate level:
 * the tree over block hashes 0..cp is split into subtrees of 1024 leaves; complete subtrees
 * never change (until a reorg), so their roots are cached and a proof hashes at most one
 * subtree plus the cached level, instead of all cp+1 leaves.
 */
import { createHash } from 'node:crypto';
import { merkleBranchAndRootBuf } from '../bitcoin/merkle.js';

const DEPTH = 10;
const SPAN = 1 << DEPTH;

function hash2(a: Buffer, b: Buffer): Buffer {
  return createHash('sha256').update(createHash('sha256').update(a).update(b).digest()).digest();
}

/**
 * Branch and root of `leaves[pos]`, reducing exactly `depth` levels. An odd last node pairs
 * with itself, even when it is alone: inside a larger tree it is that level's odd last node.
 */
export function subtreeBranch(leaves: Buffer[], pos: number, depth: number): { branch: Buffer[]; root: Buffer } {
  let level = leaves;
  let i = pos;
  const branch: Buffer[] = [];
  for (let d = 0; d < depth; d++) {
    const sib = (i ^ 1) < level.length ? i ^ 1 : i;
    branch.push(level[sib]!);
    const next: Buffer[] = [];
    for (let k = 0; k < level.length; k += 2) next.push(hash2(level[k]!, level[k + 1] ?? level[k]!));
    level = next;
    i >>= 1;
  }
  return { branch, root: level[0]! };
}

/** Proof of block `height` in the checkpoint tree of heights 0..cpHeight (internal order). */
export function checkpointBranch(hashAt: (h: number) => Buffer, height: number, cpHeight: number, cache: Map<number, Buffer>): { branch: Buffer[]; root: Buffer } {
  const n = cpHeight + 1;
  const leaves = (from: number, to: number): Buffer[] => Array.from({ length: to - from }, (_, k) => Buffer.from(hashAt(from + k)));
  if (n <= SPAN) return merkleBranchAndRootBuf(leaves(0, n), height);
  const chunks = Math.ceil(n / SPAN);
  const top: Buffer[] = new Array(chunks);
  for (let c = 0; c < chunks; c++) {
    const end = Math.min(n, (c + 1) * SPAN);
    const complete = end === (c + 1) * SPAN;
    let r = complete ? cache.get(c) : undefined;
    if (!r) {
      r = subtreeBranch(leaves(c * SPAN, end), 0, DEPTH).root;
      if (complete) cache.set(c, r);
    }
    top[c] = r;
  }
  const c = Math.floor(height / SPAN);
  const low = subtreeBranch(leaves(c * SPAN, Math.min(n, (c + 1) * SPAN)), height - c * SPAN, DEPTH);
  const high = merkleBranchAndRootBuf(top, c);
  return { branch: [...low.branch, ...high.branch], root: high.root };
}
