import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Eta, formatDuration } from '../../src/format/eta.js';

test('progress reads n/N with a percentage, and an estimate once there is a rate', () => {
  let now = 0;
  const eta = new Eta('verifying', 800, () => now);
  assert.equal(eta.text(0), 'verifying 0/800 (0%)');
  now = 200;
  assert.equal(eta.text(10), 'verifying 10/800 (1%)', 'no estimate before half a second');
  now = 6_000;
  assert.equal(eta.text(400), 'verifying 400/800 (50%), about 6 s left');
  now = 12_000;
  assert.equal(eta.text(800), 'verifying 800/800 (100%)');
});

test('a total that is a lower bound (wallet scan) shows as ≥N and may grow', () => {
  let now = 0;
  const eta = new Eta('scanning addresses', 40, () => now, true);
  now = 1_000;
  assert.equal(eta.text(20, '3 used'), 'scanning addresses 20/≥40, 3 used, about 1 s left');
  eta.total = 60;
  assert.equal(eta.text(40, '5 used'), 'scanning addresses 40/≥60, 5 used, about 1 s left');
});

test('durations read as a person says them', () => {
  assert.equal(formatDuration(6.4), '6 s');
  assert.equal(formatDuration(125), '2 min 05 s');
  assert.equal(formatDuration(3780), '1 h 03 min');
});
