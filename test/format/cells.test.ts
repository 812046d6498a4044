import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCell, formatFeeRate, formatHeight, formatTime, printable } from '../../src/format/cells.js';

test('btc shows BTC with 8 decimals and sats with separators', () => {
  assert.equal(formatCell('btc', 93_000_000), '0.93000000 BTC (93,000,000 sats)');
  assert.equal(formatCell('btc', 0), '0.00000000 BTC (0 sats)');
  assert.equal(formatCell('btc', -1_500), '-0.00001500 BTC (-1,500 sats)');
  assert.equal(formatCell('btc', 2_100_000_000_000_000), '21000000.00000000 BTC (2,100,000,000,000,000 sats)');
  // 1.0-era servers may send decimal strings: shown as they are.
  assert.equal(formatCell('btc', '1.03873966'), '1.03873966');
  assert.equal(formatCell('sats', 1234567), '1,234,567 sats');
});

test('height: mempool markers, and confirmations when the tip is known', () => {
  assert.equal(formatHeight(0), 'mempool');
  assert.equal(formatHeight(-1), 'mempool (unconfirmed parent)');
  assert.equal(formatHeight(102), '102');
  assert.equal(formatHeight(102, 111), '102 (10 confirmations)');
  assert.equal(formatHeight(111, 111), '111 (1 confirmation)');
  assert.equal(formatHeight(112, 111), '112', 'a height above the tip shows no confirmations');
  assert.equal(formatCell('height', 0, { tip: 5 }), 'mempool');
});

test('time: header timestamps as ISO dates in UTC', () => {
  assert.equal(formatTime(1231006505), '2009-01-03T18:15:05Z');
  assert.equal(formatCell('time', 0), '1970-01-01T00:00:00Z');
});

test('fee rates: BTC/kvB with sat/vB; -1 is "no estimate"', () => {
  assert.equal(formatFeeRate(0.00001), '0.00001000 BTC/kvB (1 sat/vB)');
  assert.equal(formatFeeRate(1e-6), '0.00000100 BTC/kvB (0.1 sat/vB)');
  assert.equal(formatFeeRate(-1), 'no estimate (-1)');
});

test('hashes in full, null and absent cells, booleans, json', () => {
  const h = 'ab'.repeat(32);
  assert.equal(formatCell('hash', h), h);
  assert.equal(formatCell('int', null), '-');
  assert.equal(formatCell('sats', undefined), '');
  assert.equal(formatCell('bool', true), 'yes');
  assert.equal(formatCell('json', { a: [1] }), '{"a":[1]}');
});

test('untrusted text loses its control characters', () => {
  assert.equal(printable('hi\u001b[31mred\u0007\r\nnext'), 'hi[31mred\nnext');
  assert.equal(formatCell('text', 'x\u0000y'), 'xy');
});
