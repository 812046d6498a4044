import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { merkleBranchAndRootBuf } from '../../src/bitcoin/merkle.js';
import { checkpointBranch } from '../../src/server/checkpoint.js';

const hashes = Array.from({ length: 2600 }, (_, i) => createHash('sha256').update(`block ${i}`).digest());

test('cached checkpoint proofs equal the proof over the whole tree', () => {
  const cache = new Map<number, Buffer>();
  for (const [height, cp] of [[0, 0], [5, 8], [1023, 1023], [1000, 1024], [1024, 1025], [3, 2047], [2049, 2049], [2100, 2599], [0, 2599], [2599, 2599]] as const) {
    const want = merkleBranchAndRootBuf(hashes.slice(0, cp + 1), height);
    const got = checkpointBranch((h) => hashes[h]!, height, cp, cache);
    assert.deepEqual(got.branch.map((b) => b.toString('hex')), want.branch.map((b) => b.toString('hex')), `height ${height} cp ${cp}`);
    assert.equal(got.root.toString('hex'), want.root.toString('hex'));
  }
  assert.ok(cache.size >= 2, 'complete subtrees are cached');
});
