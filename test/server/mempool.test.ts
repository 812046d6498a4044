import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Mempool, compressHistogram, type MempoolUpdate } from '../../src/server/mempool.js';
import { toDisplay } from '../../src/server/blockparse.js';

/** A minimal legacy tx: inputs (prev internal txid, vout), outputs (value, script). */
function rawTx(ins: [Buffer, number][], outs: [number, Buffer][]): Buffer {
  const parts: Buffer[] = [Buffer.from([2, 0, 0, 0]), Buffer.from([ins.length])];
  for (const [h, v] of ins) {
    const b = Buffer.alloc(41);
    h.copy(b, 0);
    b.writeUInt32LE(v, 32);
    b[36] = 0;
    b.writeUInt32LE(0xfffffffd, 37);
    parts.push(b);
  }
  parts.push(Buffer.from([outs.length]));
  for (const [value, script] of outs) {
    const b = Buffer.alloc(9);
    b.writeUInt32LE(value, 0);
    b[8] = script.length;
    parts.push(b, script);
  }
  parts.push(Buffer.alloc(4));
  return Buffer.concat(parts);
}
const txidOf = (raw: Buffer): string => toDisplay(createHash('sha256').update(createHash('sha256').update(raw).digest()).digest());
const script = (n: number): Buffer => Buffer.from([0x51 + n]);
const shOf = (s: Buffer): string => toDisplay(createHash('sha256').update(s).digest());

const confirmed = Buffer.alloc(32, 7);
const lookup = (txid: Buffer, vout: number) => (txid.equals(confirmed) && vout === 0 ? { sh: createHash('sha256').update(script(0)).digest(), value: 10_000 } : undefined);

test('apply: fees, 0/-1 heights, deltas, unspent outputs, replacement and confirmation', () => {
  const m = new Mempool();
  const parent = rawTx([[confirmed, 0]], [[9_000, script(1)]]);
  const pid = txidOf(parent);
  const child = rawTx([[Buffer.from(pid, 'hex').reverse(), 0]], [[8_500, script(2)]]);
  const cid = txidOf(child);
  // Child first: it must wait for its parent within the same update.
  const u: MempoolUpdate = { tip: '', removed: [], added: [{ txid: cid, raw: child }, { txid: pid, raw: parent }] };
  const touched = m.apply(u, lookup);
  assert.deepEqual([...touched].sort(), [shOf(script(0)), shOf(script(1)), shOf(script(2))].sort());
  assert.deepEqual(m.entries(shOf(script(0))), [{ tx_hash: pid, height: 0, fee: 1000 }]);
  assert.deepEqual(m.entries(shOf(script(2))), [{ tx_hash: cid, height: -1, fee: 500 }]);
  assert.equal(m.delta(shOf(script(0))), -10_000);
  assert.equal(m.delta(shOf(script(1))), 0, 'created then spent in the mempool');
  assert.deepEqual(m.unspentOutputs(shOf(script(1))), []);
  assert.deepEqual(m.unspentOutputs(shOf(script(2))), [{ tx_hash: cid, tx_pos: 0, height: 0, value: 8_500 }]);
  assert.equal(m.spender(toDisplay(confirmed), 0), pid);
  // Two small txs are one partial bin, which ElectrumX does not send.
  assert.deepEqual(m.histogram(), []);

  // The parent confirms: it leaves the mempool and the child's height becomes 0.
  const t2 = m.apply({ tip: '', removed: [pid], added: [] }, lookup);
  assert.ok(t2.has(shOf(script(1))));
  assert.deepEqual(m.entries(shOf(script(2))), [{ tx_hash: cid, height: 0, fee: 500 }]);

  // RBF: the child is replaced by a higher-fee spend of the same output.
  const repl = rawTx([[Buffer.from(pid, 'hex').reverse(), 0]], [[8_000, script(3)]]);
  const rid = txidOf(repl);
  m.apply({ tip: '', removed: [cid], added: [{ txid: rid, raw: repl }] }, () => ({ sh: createHash('sha256').update(script(1)).digest(), value: 9_000 }));
  assert.deepEqual(m.entries(shOf(script(2))), []);
  assert.deepEqual(m.entries(shOf(script(3))), [{ tx_hash: rid, height: 0, fee: 1000 }]);
});

test('a tx whose prevout is unknown waits for a later apply', () => {
  const m = new Mempool();
  const orphanParent = Buffer.alloc(32, 9);
  const tx = rawTx([[orphanParent, 1]], [[1, script(4)]]);
  const id = txidOf(tx);
  assert.equal(m.apply({ tip: '', removed: [], added: [{ txid: id, raw: tx }] }, () => undefined).size, 0);
  const t = m.apply({ tip: '', removed: [], added: [] }, () => ({ sh: Buffer.alloc(32, 1), value: 5 }));
  assert.ok(t.has(shOf(script(4))));
  assert.equal(m.txs.get(id)!.fee, 4);
});

test('fee histogram bins as ElectrumX _compress_histogram: strict >, no trailing partial bin, big lumps split', () => {
  const h = (pairs: [number, number][]) => compressHistogram(new Map(pairs));
  // The examples, checked against ElectrumX master.
  assert.deepEqual(h([[2.1, 141]]), []);
  assert.deepEqual(h([[5, 10_000], [3, 70_000]]), [[5, 10_000], [3, 70_000]]);
  // Exactly the bin size does not close a bin (strict >); the next rate does.
  assert.deepEqual(h([[9, 30_000], [8, 1]]), [[8, 30_001]]);
  // Bins grow by 10%: the second needs more than 33,000 vB.
  assert.deepEqual(h([[9, 30_001], [8, 33_000], [7, 1], [6, 40_000]]), [[9, 30_001], [7, 33_001], [6, 40_000]]);
  // A lump right after a closed bin has nothing before it to close.
  assert.deepEqual(h([[9, 30_001], [8, 100_000]]), [[9, 30_001], [8, 100_000]]);
  assert.deepEqual(h([]), []);
});


test('prune after a block: confirmed txs and conflicts (with descendants) leave, children of confirmed txs stay', () => {
  const m = new Mempool();
  const a = rawTx([[confirmed, 0]], [[9_000, script(1)]]);
  const aid = txidOf(a);
  const child = rawTx([[Buffer.from(aid, 'hex').reverse(), 0]], [[8_000, script(2)]]);
  const cid = txidOf(child);
  const other = Buffer.alloc(32, 8);
  const conflict = rawTx([[other, 0]], [[4_000, script(3)]]);
  const xid = txidOf(conflict);
  const grandchild = rawTx([[Buffer.from(xid, 'hex').reverse(), 0]], [[3_000, script(4)]]);
  const gid = txidOf(grandchild);
  const outs = new Map([[`${toDisplay(confirmed)}:0`, 10_000], [`${toDisplay(other)}:0`, 5_000]]);
  const look = (txid: Buffer, vout: number) => {
    const v = outs.get(`${toDisplay(txid)}:${vout}`);
    return v === undefined ? undefined : { sh: createHash('sha256').update(script(9)).digest(), value: v };
  };
  m.apply({ tip: '', removed: [], added: [a, child, conflict, grandchild].map((raw) => ({ txid: txidOf(raw), raw })) }, look);
  assert.equal(m.txs.size, 4);
  // The block confirms `a` (its output is now a confirmed one) and spends `other:0` elsewhere.
  outs.delete(`${toDisplay(confirmed)}:0`);
  outs.delete(`${toDisplay(other)}:0`);
  outs.set(`${aid}:0`, 9_000);
  const changed = m.prune(new Set([shOf(script(1)), shOf(script(9))]), (t) => toDisplay(t) === aid, look);
  assert.deepEqual([...m.txs.keys()], [cid]);
  assert.deepEqual(m.entries(shOf(script(2))), [{ tx_hash: cid, height: 0, fee: 1000 }]);
  for (const s of [1, 3, 4, 9]) assert.ok(changed.has(shOf(script(s))), `script ${s} changed`);
  assert.deepEqual(m.entries(shOf(script(4))), []);
  assert.equal(m.spender(xid, 0), undefined);
  assert.equal(m.txs.has(gid), false, 'a descendant of a conflict leaves with it');
});
