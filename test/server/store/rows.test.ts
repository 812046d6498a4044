import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  amountValue, blockKey, blockValue, decodeAmount, decodeBlockValue, decodeMeta, decodeUndo, encodeMeta, encodeUndo,
  decodeScripts, decodeTxnums, encodeScripts, encodeTxnums, historyKey, historyKeyTxnum, ID_LEN, idPrefix, makeScriptId,
  outpointKey, prefixEnd, scriptHashOf, scriptKey, TAG, txidPrefixKey, txidsKey, utxoKey, utxoKeyTxnum, utxoKeyVout,
} from '../../../src/server/store/rows.js';

const sh = Buffer.from(Array.from({ length: 32 }, (_, i) => 0xa0 + (i % 16)));
const txid = Buffer.from(Array.from({ length: 32 }, (_, i) => i));

test('script ids: 8 hash bytes plus a collision number; the S row keeps the rest of the hash', () => {
  const id = makeScriptId(sh, 0);
  const id2 = makeScriptId(sh, 1);
  assert.equal(id.length, ID_LEN);
  assert.equal(ID_LEN, 9);
  assert.ok(!id.equals(id2) && id.subarray(0, 8).equals(id2.subarray(0, 8)));
  assert.ok(scriptKey(id).equals(scriptKey(sh)));
  assert.equal(scriptKey(sh).length, 9);
  const other = Buffer.from(sh);
  other[31] ^= 1;
  const row = decodeScripts(encodeScripts([{ n: 0, rest: sh.subarray(8) }, { n: 1, rest: other.subarray(8) }]));
  assert.deepEqual(row.map((e) => e.n), [0, 1]);
  assert.ok(scriptHashOf(id, row[0]!.rest).equals(sh));
  assert.ok(scriptHashOf(id2, row[1]!.rest).equals(other));
  assert.throws(() => makeScriptId(sh, 256), /more than 256 scripts/);
});

test('history keys sort by tx number under one script id', () => {
  const id = makeScriptId(sh, 0);
  const a = historyKey(id, 5);
  const b = historyKey(id, 256);
  const c = historyKey(id, 2 ** 39 + 1);
  assert.equal(a.length, 15);
  assert.ok(Buffer.compare(a, b) < 0 && Buffer.compare(b, c) < 0);
  assert.equal(historyKeyTxnum(c), 2 ** 39 + 1);
  const p = idPrefix(TAG.history, id);
  assert.ok(a.subarray(0, 10).equals(p));
  assert.ok(Buffer.compare(c, prefixEnd(p)) < 0);
  assert.ok(Buffer.compare(historyKey(makeScriptId(sh, 1), 0), prefixEnd(p)) >= 0);
});

test('utxo and outpoint keys, amounts above 2^32', () => {
  const id = makeScriptId(sh, 3);
  const k = utxoKey(id, 12345, 70_000);
  assert.equal(k.length, 18);
  assert.equal(utxoKeyTxnum(k), 12345);
  assert.equal(utxoKeyVout(k), 70_000);
  assert.equal(decodeAmount(amountValue(2_100_000_000_000_000)), 2_100_000_000_000_000);
  assert.equal(outpointKey(99, 1).length, 9);
  assert.ok(Buffer.compare(outpointKey(99, 300), outpointKey(100, 0)) < 0);
});

test('txid prefix and txid row keys', () => {
  assert.equal(txidPrefixKey(txid).length, 7);
  assert.deepEqual(decodeTxnums(encodeTxnums([77, 2 ** 39])), [77, 2 ** 39]);
  assert.deepEqual([...txidsKey(258)], [TAG.txids, 0, 0, 1, 2]);
});

test('block, undo and meta values round-trip', () => {
  const header = Buffer.alloc(80, 3);
  const b = decodeBlockValue(blockValue(header, 1000));
  assert.ok(b.header.equals(header));
  assert.equal(b.firstTxnum, 1000);
  assert.ok(Buffer.compare(blockKey(1), blockKey(256)) < 0);
  const spent = [
    { txnum: 4, vout: 3, id: makeScriptId(sh, 0), value: 1 },
    { txnum: 2 ** 39, vout: 2 ** 24 - 1, id: makeScriptId(Buffer.alloc(32, 1), 7), value: 2 ** 40 },
  ];
  assert.deepEqual(decodeUndo(encodeUndo(spent)), spent);
  assert.deepEqual(decodeUndo(Buffer.alloc(0)), []);
  assert.throws(() => decodeUndo(Buffer.alloc(7)), /not a multiple/);
  const m = { schema: 2, height: -1, hash: Buffer.alloc(32), nextTxnum: 0 };
  assert.deepEqual(decodeMeta(encodeMeta(m)), { ...m, prefixLen: 8 });
});

test('prefixEnd bounds every key with the prefix', () => {
  assert.deepEqual([...prefixEnd(Buffer.from([1, 2, 0xff]))], [1, 3]);
  assert.deepEqual([...prefixEnd(Buffer.from([0xff, 0xff]))], [0xff, 0xff, 0xff]);
});
