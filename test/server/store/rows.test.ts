import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  blockKey, blockValue, decodeBlockValue, decodeMeta, decodeOutpointValue, decodeUndo, decodeUtxoValue,
  encodeMeta, encodeUndo, historyKey, historyKeyTxnum, outpointKey, outpointValue, prefixEnd, shPrefix,
  TAG, txidPrefix, txidPrefixKey, txidPrefixKeyTxnum, txnumKey, utxoKey, utxoKeyVout, utxoValue,
} from '../../../src/server/store/rows.js';

const sh = Buffer.alloc(32, 0xab);
const txid = Buffer.from(Array.from({ length: 32 }, (_, i) => i));

test('history keys sort by tx number under one script-hash prefix', () => {
  const a = historyKey(sh, 5);
  const b = historyKey(sh, 256);
  const c = historyKey(sh, 2 ** 39 + 1);
  assert.equal(a.length, 38);
  assert.ok(Buffer.compare(a, b) < 0 && Buffer.compare(b, c) < 0);
  assert.equal(historyKeyTxnum(c), 2 ** 39 + 1);
  const p = shPrefix(TAG.history, sh);
  assert.ok(a.subarray(0, 33).equals(p));
  assert.ok(Buffer.compare(c, prefixEnd(p)) < 0);
});

test('utxo and outpoint rows round-trip values above 2^32', () => {
  const k = utxoKey(sh, txid, 7);
  assert.equal(utxoKeyVout(k), 7);
  assert.deepEqual(decodeUtxoValue(utxoValue(2_100_000_000_000_000, 12345)), { value: 2_100_000_000_000_000, txnum: 12345 });
  const o = decodeOutpointValue(outpointValue(sh, 5_000_000_000, 99));
  assert.ok(o.sh.equals(sh));
  assert.equal(o.value, 5_000_000_000);
  assert.equal(o.txnum, 99);
  assert.equal(outpointKey(txid, 1).length, 17);
});

test('txid prefix and txnum keys', () => {
  const k = txidPrefixKey(txid, 77);
  assert.ok(k.subarray(0, 9).equals(txidPrefix(txid)));
  assert.equal(txidPrefixKeyTxnum(k), 77);
  assert.deepEqual([...txnumKey(258)], [TAG.txnum, 0, 0, 0, 1, 2]);
});

test('block, undo and meta values round-trip', () => {
  const header = Buffer.alloc(80, 3);
  const b = decodeBlockValue(blockValue(header, 1000));
  assert.ok(b.header.equals(header));
  assert.equal(b.firstTxnum, 1000);
  assert.ok(Buffer.compare(blockKey(1), blockKey(256)) < 0);
  const spent = [
    { txid, vout: 3, sh, value: 1, txnum: 4 },
    { txid: Buffer.alloc(32, 9), vout: 0, sh: Buffer.alloc(32, 1), value: 2 ** 40, txnum: 0 },
  ];
  assert.deepEqual(decodeUndo(encodeUndo(spent)), spent);
  assert.throws(() => decodeUndo(Buffer.alloc(10)), RangeError);
  const m = { schema: 1, height: -1, hash: Buffer.alloc(32), nextTxnum: 0 };
  assert.deepEqual(decodeMeta(encodeMeta(m)), m);
});

test('prefixEnd is the smallest key above every extension of the prefix', () => {
  assert.deepEqual([...prefixEnd(Buffer.from([1, 2]))], [1, 3]);
  assert.deepEqual([...prefixEnd(Buffer.from([1, 0xff]))], [2]);
});
