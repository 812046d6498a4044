import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  fromHex, hashFromDisplay, hashToDisplay, isHex, isHex64, preview, reverseHex, sha256, sha256d, sha256dParts, toHex,
} from '../../src/bitcoin/hex.js';

test('isHex / isHex64', () => {
  assert.equal(isHex(''), true);
  assert.equal(isHex('00aAfF'), true);
  assert.equal(isHex('0'), false);
  assert.equal(isHex('0g'), false);
  assert.equal(isHex(' 00'), false);
  assert.equal(isHex(12 as unknown), false);
  assert.equal(isHex64('ab'.repeat(32)), true);
  assert.equal(isHex64('AB'.repeat(32)), true);
  assert.equal(isHex64('ab'.repeat(31)), false);
  assert.equal(isHex64('ab'.repeat(33)), false);
  assert.equal(isHex64(`${'ab'.repeat(31)}ax`), false);
  assert.equal(isHex64(null), false);
});

test('fromHex validates; toHex is lowercase and respects views', () => {
  assert.deepEqual(fromHex('00FF'), Buffer.from([0, 255]));
  assert.throws(() => fromHex('abc', 'script'), /script: expected an even-length hex string/);
  assert.throws(() => fromHex('zz'), TypeError);
  const big = Buffer.from('000102030405', 'hex');
  assert.equal(toHex(big.subarray(2, 4)), '0203');
  assert.equal(toHex(new Uint8Array([0xab, 0xcd])), 'abcd');
});

test('reverseHex and display <-> internal conversion round-trip', () => {
  assert.equal(reverseHex('0102ab'), 'ab0201');
  const display = '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f';
  const internal = hashFromDisplay(display);
  assert.equal(internal[0], 0x6f);
  assert.equal(internal[31], 0x00);
  assert.equal(hashToDisplay(internal), display);
  assert.equal(internal[0], 0x6f, 'hashToDisplay does not mutate its input');
  assert.equal(hashToDisplay(hashFromDisplay(display.toUpperCase())), display);
  assert.throws(() => hashFromDisplay('abcd', 'txid'), /txid: expected 64 hex characters/);
});

test('sha256, sha256d and sha256dParts agree with node:crypto', () => {
  const data = Buffer.from('electrum-cli');
  const one = createHash('sha256').update(data).digest();
  assert.deepEqual(sha256(data), one);
  assert.deepEqual(sha256d(data), createHash('sha256').update(one).digest());
  assert.deepEqual(sha256dParts([data.subarray(0, 3), data.subarray(3)]), sha256d(data));
  // Known vector: sha256d("") = 5df6e0e2...
  assert.equal(sha256d(Buffer.alloc(0)).toString('hex'), '5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456');
});

test('preview truncates long values and names non-strings', () => {
  assert.equal(preview('abc'), '"abc"');
  assert.match(preview('x'.repeat(100)), /\(100 chars\)$/);
  assert.equal(preview(undefined), 'undefined');
  assert.equal(preview(5), 'number');
});
