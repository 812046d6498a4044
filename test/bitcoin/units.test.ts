import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/errors.js';
import { btcPerKvbToSatPerVb, formatBtc, formatSats, MAX_MONEY, parseAmount } from '../../src/bitcoin/units.js';

test('formatBtc: 8 decimals, trailing zeros kept, sign, bigint', () => {
  const cases: [number | bigint, string][] = [
    [0, '0.00000000'], [1, '0.00000001'], [-1, '-0.00000001'], [150000, '0.00150000'], [100_000_000, '1.00000000'],
    [4977997140, '49.77997140'], [-90000000, '-0.90000000'], [MAX_MONEY, '21000000.00000000'],
    [2n ** 64n, '184467440737.09551616'], [-(10n ** 8n), '-1.00000000'],
  ];
  for (const [v, s] of cases) assert.equal(formatBtc(v), s, String(v));
  assert.throws(() => formatBtc(1.5), RangeError);
  assert.throws(() => formatBtc(Number.NaN), RangeError);
  assert.throws(() => formatBtc(2 ** 60), RangeError);
});

test('formatSats: thousands separators', () => {
  const cases: [number | bigint, string][] = [
    [0, '0'], [999, '999'], [1000, '1,000'], [-1234567, '-1,234,567'], [100_000_000, '100,000,000'], [12n ** 20n, '3,833,759,992,447,475,122,176'],
  ];
  for (const [v, s] of cases) assert.equal(formatSats(v), s);
});

test('btcPerKvbToSatPerVb: exact for protocol values, null for "no estimate"', () => {
  assert.equal(btcPerKvbToSatPerVb(1e-6), 0.1);
  assert.equal(btcPerKvbToSatPerVb(0.00001), 1);
  assert.equal(btcPerKvbToSatPerVb(0.00012345), 12.345);
  assert.equal(btcPerKvbToSatPerVb(0.0002), 20);
  assert.equal(btcPerKvbToSatPerVb(0), 0);
  assert.equal(btcPerKvbToSatPerVb(-1), null);
  assert.equal(btcPerKvbToSatPerVb(Number.NaN), null);
  assert.equal(btcPerKvbToSatPerVb(Infinity), null);
});

test('parseAmount: BTC decimals or satoshis with a unit', () => {
  const cases: [string, number][] = [
    ['0.001', 100_000], ['1', 100_000_000], ['.5', 50_000_000], ['5.', 500_000_000], ['0.00000001', 1],
    ['2btc', 200_000_000], ['2 BTC', 200_000_000], ['1500sat', 1500], ['1500 sats', 1500], ['1,500 sat', 1500],
    ['1_000 sat', 1000], [' 21000000 ', MAX_MONEY], ['0', 0],
  ];
  for (const [s, v] of cases) assert.equal(parseAmount(s), v, s);
});

test('parseAmount refuses what it cannot read exactly', () => {
  for (const bad of ['', '.', 'abc', '-1', '1e5', '1.123456789', '1.5 sat', '1,50 sat', '0x10', '21000000.00000001', '2100000000000001 sat']) {
    assert.throws(() => parseAmount(bad), UsageError, bad);
  }
  assert.throws(() => parseAmount('21000001'), /exceeds 21,000,000 BTC/);
});
