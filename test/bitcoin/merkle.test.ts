import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  checkpointBranchLength, merkleBranch, merkleBranchAndRootBuf, merkleBranchBuf, merkleBranchFromLevel, merkleLevelBuf,
  merkleRoot, merkleRootBuf,
  verifyCheckpointProof, verifyMerkleBranch,
} from '../../src/bitcoin/merkle.js';
import { seededRandom } from '../support/random.js';

const dsha = (b: Uint8Array): Buffer => createHash('sha256').update(createHash('sha256').update(b).digest()).digest();
const disp = (b: Uint8Array): string => Buffer.from(b).reverse().toString('hex');
const internal = (s: string): Buffer => Buffer.from(s, 'hex').reverse();

// docs/protocol.md §6.3 synthetic vector.
const TX = [
  'cd12eb2a6e7ea57b4f25172a8ff85854bf155fda1446e51a006b7a3a6c05e4a9',
  'f748a949321fd017d7a37e8fb3e70d49b0571c214833ec59c9ec7eefce5a376c',
  'c33d6597c4ae2f38a93ff5d707b28070fc2c0ab1b21637a5525cb5e096ab095f',
];
const ROOT = 'c9af55eb727ef55f764c13f8b65fee4d71cfe0166232157b15d823f44bbf6c88';
const BRANCH1 = [TX[0]!, 'a37f567bd765c284474ee84248cab9800c2f76a31a0de46c30f5dc444d4a9603'];
const BRANCH2 = [TX[2]!, 'ae8de7ec3c4fd0537ec040deaa6fe6f8a4e501884c2651c1675fa668f6db09f3'];

/** Naive reference tree (strings, recursion) to compare the in-place builder against. */
function refLevels(leaves: Buffer[]): Buffer[][] {
  const levels = [leaves];
  while (levels[levels.length - 1]!.length > 1) {
    const cur = levels[levels.length - 1]!;
    const next: Buffer[] = [];
    for (let i = 0; i < cur.length; i += 2) next.push(dsha(Buffer.concat([cur[i]!, cur[i + 1] ?? cur[i]!])));
    levels.push(next);
  }
  return levels;
}
function refBranch(leaves: Buffer[], pos: number): Buffer[] {
  const levels = refLevels(leaves);
  const out: Buffer[] = [];
  for (let l = 0; l < levels.length - 1; l++) {
    const lvl = levels[l]!;
    const i = pos >> l;
    out.push(lvl[i ^ 1] ?? lvl[i]!);
  }
  return out;
}

test('§6.3 vector: leaves are SHA256d of "electrum-cli tx N"', () => {
  TX.forEach((t, i) => assert.equal(disp(dsha(Buffer.from(`electrum-cli tx ${i}`))), t));
});

test('§6.3 vector: root and branches for positions 0, 1, 2', () => {
  assert.equal(merkleRoot(TX), ROOT);
  assert.equal(merkleRoot(TX.map((t) => t.toUpperCase())), ROOT);
  assert.deepEqual(merkleBranch(TX, 1), BRANCH1);
  assert.deepEqual(merkleBranch(TX, 2), BRANCH2);
  const branch0 = merkleBranch(TX, 0);
  assert.equal(branch0[0], TX[1]);
  assert.equal(branch0[1], BRANCH1[1]);
  assert.deepEqual(verifyMerkleBranch(TX[0]!, 0, branch0, ROOT), { ok: true });
  assert.deepEqual(verifyMerkleBranch(TX[1]!, 1, BRANCH1, ROOT), { ok: true });
  assert.deepEqual(verifyMerkleBranch(TX[2]!, 2, BRANCH2, ROOT), { ok: true });
  assert.deepEqual(verifyMerkleBranch(TX[2]!.toUpperCase(), 2, BRANCH2.map((b) => b.toUpperCase()), ROOT.toUpperCase()), { ok: true });
});

test('tampered proofs are refused with a reason', () => {
  const fail = (txid: string, pos: number, branch: string[], root = ROOT) => {
    const r = verifyMerkleBranch(txid, pos, branch, root);
    assert.equal(r.ok, false, JSON.stringify({ txid, pos, branch }));
    return r.ok ? '' : r.reason;
  };
  const flip = (h: string) => (h[0] === '0' ? '1' : '0') + h.slice(1);
  assert.match(fail(TX[1]!, 1, [flip(BRANCH1[0]!), BRANCH1[1]!]), /does not lead to the merkle root/);
  assert.match(fail(TX[1]!, 1, [BRANCH1[0]!, flip(BRANCH1[1]!)]), /does not lead/);
  assert.match(fail(flip(TX[1]!), 1, BRANCH1), /does not lead/);
  assert.match(fail(TX[1]!, 1, BRANCH1, flip(ROOT)), /does not lead/);
  assert.match(fail(TX[1]!, 0, BRANCH1), /does not lead/); // wrong side
  assert.match(fail(TX[1]!, 1, [BRANCH1[1]!, BRANCH1[0]!]), /does not lead/); // swapped levels
  assert.match(fail(TX[1]!, 1, BRANCH1.slice(0, 1)), /does not lead/); // too short
  assert.match(fail(TX[1]!, 5, BRANCH1), /position 5 is too large for a branch of 2/);
  assert.match(fail(TX[1]!, 1, [BRANCH1[0]!.slice(2), BRANCH1[1]!]), /branch entry 0 is not 64 hex/);
  assert.match(fail(TX[1]!, 1, [BRANCH1[0]!, 42 as unknown as string]), /branch entry 1 is not 64 hex/);
  assert.match(fail('zz', 1, BRANCH1), /txid is not 64 hex/);
  assert.match(fail(TX[1]!, 1, BRANCH1, 'abc'), /merkle root is not 64 hex/);
  assert.match(fail(TX[1]!, -1, BRANCH1), /not a non-negative integer/);
  assert.match(fail(TX[1]!, 1.5, BRANCH1), /not a non-negative integer/);
  assert.match(fail(TX[1]!, 1, 'x' as unknown as string[]), /branch is not an array/);
  assert.match(fail(TX[1]!, 1, Array(31).fill(BRANCH1[0]!)), /31 entries is longer than 30/);
});

test('CVE-2012-2459: a duplicated last leaf cannot be proven at the phantom position', () => {
  // [a,b,c] and [a,b,c,c] share a root. Position 3 ("the second c") would need a left
  // sibling equal to the node itself: refused.
  const forged = [TX[2]!, BRANCH2[1]!];
  const r = verifyMerkleBranch(TX[2]!, 3, forged, ROOT);
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.reason, /CVE-2012-2459/);
  // The same attack one level up: the pair (ab, cc) duplicated at level 1.
  const leaves = [...TX, TX[2]!].map(internal);
  const levels = refLevels([...leaves, ...leaves]); // 8 leaves: a b c c a b c c
  const root8 = disp(levels[3]![0]!);
  const branch = refBranch([...leaves, ...leaves], 5).map(disp);
  const r2 = verifyMerkleBranch(TX[1]!, 5, branch, root8);
  assert.equal(r2.ok, false);
  assert.match(r2.ok ? '' : r2.reason, /CVE-2012-2459/);
  // But a proven odd *even-index* last node pairing with itself is legitimate (position 2 above).
  assert.deepEqual(verifyMerkleBranch(TX[2]!, 2, BRANCH2, ROOT), { ok: true });
});

test('CVE-2017-12842: an inner node whose 64 bytes parse as a transaction is refused', () => {
  // A 64-byte transaction: 1 input with empty scriptSig, 1 output with a 4-byte script.
  const tx = Buffer.concat([
    Buffer.from('01000000', 'hex'), Buffer.from([1]), Buffer.alloc(32, 0x11), Buffer.from('00000000', 'hex'),
    Buffer.from([0]), Buffer.from('ffffffff', 'hex'), Buffer.from([1]), Buffer.alloc(8, 0), Buffer.from([4]),
    Buffer.from('51515151', 'hex'), Buffer.from('00000000', 'hex'),
  ]);
  assert.equal(tx.length, 64);
  const left = disp(tx.subarray(0, 32));
  const right = disp(tx.subarray(32));
  const root = disp(dsha(tx));
  const r = verifyMerkleBranch(left, 0, [right], root);
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.reason, /CVE-2017-12842/);
  assert.deepEqual(verifyMerkleBranch(left, 0, [right], root, { rejectTxLikeNodes: false }), { ok: true });
});

test('single-transaction block: empty branch, root = txid', () => {
  assert.equal(merkleRoot([TX[0]!]), TX[0]);
  assert.deepEqual(merkleBranch([TX[0]!], 0), []);
  assert.deepEqual(verifyMerkleBranch(TX[0]!, 0, [], TX[0]!), { ok: true });
  assert.equal(verifyMerkleBranch(TX[0]!, 1, [], TX[0]!).ok, false);
});

test('builder matches a naive reference for 1..45 leaves, every position, and proofs verify', () => {
  const rnd = seededRandom(0x3e41e);
  for (let n = 1; n <= 45; n++) {
    const leaves = Array.from({ length: n }, () => rnd.bytes(32));
    const levels = refLevels(leaves);
    const root = levels[levels.length - 1]![0]!;
    assert.deepEqual(merkleRootBuf(leaves), root, `n=${n}`);
    assert.deepEqual(merkleRootBuf(Buffer.concat(leaves)), root, `flat n=${n}`);
    for (let pos = 0; pos < n; pos++) {
      const { branch, root: r2 } = merkleBranchAndRootBuf(leaves, pos);
      assert.deepEqual(branch, refBranch(leaves, pos), `n=${n} pos=${pos}`);
      assert.deepEqual(r2, root);
      const v = verifyMerkleBranch(disp(leaves[pos]!), pos, branch.map(disp), disp(root));
      assert.deepEqual(v, { ok: true }, `n=${n} pos=${pos}`);
    }
  }
});

test('builder does not modify its inputs', () => {
  const leaves = TX.map(internal);
  const copy = leaves.map((b) => Buffer.from(b));
  const flat = Buffer.concat(leaves);
  const flatCopy = Buffer.from(flat);
  merkleBranchBuf(leaves, 1);
  merkleRootBuf(flat);
  assert.deepEqual(leaves, copy);
  assert.deepEqual(flat, flatCopy);
});

test('builder argument errors', () => {
  assert.throws(() => merkleRootBuf([]), RangeError);
  assert.throws(() => merkleRootBuf(Buffer.alloc(0)), RangeError);
  assert.throws(() => merkleRootBuf(Buffer.alloc(33)), RangeError);
  assert.throws(() => merkleRootBuf([Buffer.alloc(31)]), /leaves\[0\] is 31 bytes/);
  assert.throws(() => merkleBranchBuf([Buffer.alloc(32)], 1), /position 1 is outside 0..0/);
  assert.throws(() => merkleBranchBuf([Buffer.alloc(32)], -1), RangeError);
  assert.throws(() => merkleBranch(['xx'], 0), TypeError);
});

test('a block of 3,001 transactions: branch for the last one verifies', () => {
  const rnd = seededRandom(0xb10c);
  const txids = Array.from({ length: 3001 }, () => disp(rnd.bytes(32)));
  const root = merkleRoot(txids);
  for (const pos of [0, 1, 1500, 2999, 3000]) {
    const br = merkleBranch(txids, pos);
    assert.equal(br.length, 12);
    assert.deepEqual(verifyMerkleBranch(txids[pos]!, pos, br, root), { ok: true });
  }
});

// docs/protocol.md §6.4: mainnet height 5, cp_height 8.
const BLOCK5 = '0100000085144a84488ea88d221c8bd6c059da090e88f8a2c99690ee55dbba4e00000000e11c48fecdd9e72510ca84f023370c9a38bf91ac5cae88019bee94d24528526344c36649ffff001d1d03e477';
const CP8_BRANCH = [
  '000000004ebadb55ee9096c9a2f8880e09da59c0d68b1c228da88e48844a1485',
  '96cbbc84783888e4cc971ae8acf86dd3c1a419370336bb3c634c97695a8c5ac9',
  '965ac94082cebbcffe458075651e9cc33ce703ab0115c72d9e8b1a9906b2b636',
  '89e5daa6950b895190716dd26054432b564ccdc2868188ba1da76de8e1dc7591',
];
const CP8_ROOT = 'e347b1c43fd9b5415bf0d92708db8284b78daf4d0e24f9c3405f45feb85e25db';

test('checkpointBranchLength = ceil(log2(cp_height + 1))', () => {
  const table: [number, number][] = [[0, 0], [1, 1], [2, 2], [3, 2], [4, 3], [7, 3], [8, 4], [100, 7], [2015, 11], [2016, 11], [2047, 11], [2048, 12], [840000, 20]];
  for (const [cp, len] of table) assert.equal(checkpointBranchLength(cp), len, `cp=${cp}`);
});

test('§6.4 vector: mainnet block 5 under cp_height 8', () => {
  assert.deepEqual(verifyCheckpointProof(BLOCK5, 5, 8, CP8_BRANCH, CP8_ROOT), { ok: true });
  assert.deepEqual(verifyCheckpointProof(Buffer.from(BLOCK5, 'hex'), 5, 8, CP8_BRANCH, CP8_ROOT.toUpperCase()), { ok: true });
  const bad = (r: ReturnType<typeof verifyCheckpointProof>, re: RegExp) => {
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.reason, re);
  };
  bad(verifyCheckpointProof(BLOCK5, 5, 8, CP8_BRANCH.slice(0, 3), CP8_ROOT), /3 entries, expected 4 for cp_height 8/);
  bad(verifyCheckpointProof(BLOCK5, 5, 8, [...CP8_BRANCH, CP8_ROOT], CP8_ROOT), /5 entries, expected 4/);
  bad(verifyCheckpointProof(BLOCK5, 5, 16, CP8_BRANCH, CP8_ROOT), /4 entries, expected 5 for cp_height 16/);
  bad(verifyCheckpointProof(BLOCK5, 5, 8, [CP8_BRANCH[1]!, CP8_BRANCH[0]!, ...CP8_BRANCH.slice(2)], CP8_ROOT), /does not lead to the trusted checkpoint root/);
  bad(verifyCheckpointProof(BLOCK5, 4, 8, CP8_BRANCH, CP8_ROOT), /does not lead/);
  bad(verifyCheckpointProof(BLOCK5, 5, 8, CP8_BRANCH, `${CP8_ROOT.slice(0, 63)}c`), /does not lead/);
  bad(verifyCheckpointProof(`${BLOCK5.slice(0, -2)}78`, 5, 8, CP8_BRANCH, CP8_ROOT), /does not lead/);
  bad(verifyCheckpointProof(BLOCK5, 5, 4, CP8_BRANCH, CP8_ROOT), /cp_height 4 is below height 5/);
  bad(verifyCheckpointProof(BLOCK5, 16, 8, CP8_BRANCH, CP8_ROOT), /below height/);
  bad(verifyCheckpointProof(BLOCK5.slice(2), 5, 8, CP8_BRANCH, CP8_ROOT), /header is not 80 bytes/);
  bad(verifyCheckpointProof(BLOCK5, -1, 8, CP8_BRANCH, CP8_ROOT), /height -1/);
  bad(verifyCheckpointProof(BLOCK5, 5, 8, CP8_BRANCH, 'root'), /trusted root is not 64 hex/);
});

test('recorded regtest cp proofs (ElectrumX and Fulcrum agree): header 5 and headers 90..94 at cp_height 100', () => {
  const root = '33eb6fd63bc924376b5b0520a9328d7c0ef5171e2fb748dc21f7bd0cb5688836';
  const h5 = '00000020c11aec604f1f1fc2b7204a7ba2d80104f9882af22556d57ca59bed85520acc2586d42a3b2362a23da6094eae29d3376ea2f8c9c2608615dedd6b2ec02d5669c38a98046bffff7f2004000000';
  const b5 = ['25cc0a5285ed9ba57cd55625f22a88f90401d8a27b4a20b7c21f1f4f60ec1ac1', '895c9c388c983428158820a93f727392a61ea21c2d4f512cddc7451760cb2e50',
    '11e3674ac2dbbffd424a36fdd5ea75a7d558aa69f3ca0f31d25c9827131a331d', '4846b6c2a31ceda25b27c3312871f7fd70bf204adf1ee2ca11b9221838a73b53',
    'e365a60dc943c6ba0b0d39f9eb6a28a9abc0f6bf32ed7fe5fc272cbedf0b7fa1', 'a337d921543235d2b7b17810e74ef2b12dafc1a4969f5a88a02591010850fc35',
    'ee44bcb69cecb0e0c3de474cbaf5a30569fe339164f9887634440880239edf2f'];
  assert.deepEqual(verifyCheckpointProof(h5, 5, 100, b5, root), { ok: true });
  const h94 = '0000002008ed86e3faf39f02b286ec18ce9b17fadae7912895237c5b50aafa9f934391281c58c857fd6cd87c9c3c9fce4c2df89d5c7d6fedb184d837d3ae1f8cdf12be3a9998046bffff7f2003000000';
  const b94 = ['05f44fd1036722a66e0c226f7092df65186939f77543759e1ed3a9b7d69bbc89', '34fc2d6eedd4d62abcee3450074cb898e1b00e213013c7f97a11a4ebb62e64b9',
    '47ea99038b8649093ab59850a5aeee7318e6f7ed4ee8d52779e6afe8a5f54583', '264c02f9192b5759065df47f49b087af1654f2b881f1f0109d18eb07aba312c6',
    '053fcbaedfa7730eaf84fb0cc5a8b50680fccce37ca04eb74a230e724e28bf98', '6e0a2f96f5893c922b7d6557f52d1bb25822eab1ee58f801951d2892a6508d35',
    'e042fc87af05ff15ca468e19f26427c8b17f9a51ad198a539ae6ebb2cff91f6f'];
  assert.deepEqual(verifyCheckpointProof(h94, 94, 100, b94, root), { ok: true });
  assert.equal(verifyCheckpointProof(h94, 90, 100, b94, root).ok, false, 'the proof covers the last header');
});

test('server side: checkpoint branches over many block hashes round-trip through the verifier', () => {
  const rnd = seededRandom(0xc4ec);
  const cp = 20000;
  const headers = Array.from({ length: cp + 1 }, () => rnd.bytes(80));
  const flat = Buffer.concat(headers.map(dsha));
  for (const h of [0, 1, 12345, cp - 1, cp]) {
    const { branch, root } = merkleBranchAndRootBuf(flat, h);
    assert.equal(branch.length, checkpointBranchLength(cp));
    assert.deepEqual(verifyCheckpointProof(headers[h]!, h, cp, branch.map(disp), disp(root)), { ok: true }, `height ${h}`);
  }
});

test('cached level: branches from one segment + the level equal full-tree branches', () => {
  const rnd = seededRandom(0x1e7e1);
  for (const n of [1, 2, 3, 5, 8, 9, 31, 64, 65, 100, 257]) {
    const leaves = Array.from({ length: n }, () => rnd.bytes(32));
    for (const depth of [0, 1, 2, 3, 5]) {
      const level = merkleLevelBuf(leaves, depth);
      assert.equal(level.length / 32, Math.ceil(n / 2 ** depth), `n=${n} depth=${depth}`);
      for (let pos = 0; pos < n; pos += 1 + rnd.int(7)) {
        const s = pos >> depth;
        const seg = leaves.slice(s * 2 ** depth, (s + 1) * 2 ** depth);
        assert.deepEqual(merkleBranchFromLevel(seg, level, depth, pos), merkleBranchAndRootBuf(leaves, pos), `n=${n} depth=${depth} pos=${pos}`);
      }
      // Appending leaves changes only the last level node, which is the level of its own segment.
      const last = Math.floor((n - 1) / 2 ** depth);
      assert.deepEqual(merkleLevelBuf(leaves.slice(last * 2 ** depth), depth), level.subarray(last * 32));
    }
  }
});

test('cached level: misuse is refused', () => {
  const leaves = Array.from({ length: 10 }, (_, i) => Buffer.alloc(32, i));
  const level = merkleLevelBuf(leaves, 2);
  assert.throws(() => merkleBranchFromLevel(leaves.slice(4, 8), level, 2, 0), /outside its segment|does not match/);
  assert.throws(() => merkleBranchFromLevel(leaves.slice(0, 4), level, 2, 5), /does not match the cached level/);
  assert.throws(() => merkleBranchFromLevel(leaves.slice(0, 5), level, 2, 0), /more than 2\^2/);
  assert.throws(() => merkleBranchFromLevel(leaves.slice(8), level, 2, 12), /outside the level|outside its segment/);
  assert.throws(() => merkleLevelBuf(leaves, 31), RangeError);
});
