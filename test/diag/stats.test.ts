import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median, percentile, summarize } from '../../src/diag/stats.js';
import { mapPool, withDeadline, DeadlineError } from '../../src/diag/pool.js';

test('percentiles are nearest-rank', () => {
  const s = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(s, 50), 50);
  assert.equal(percentile(s, 90), 90);
  assert.equal(percentile(s, 99), 99);
  assert.equal(percentile(s, 100), 100);
  assert.ok(Number.isNaN(percentile([], 50)));
  const sum = summarize([5, 1, 3]);
  assert.deepEqual([sum.count, sum.min, sum.p50, sum.max, sum.mean], [3, 1, 3, 5, 3]);
  assert.equal(summarize([]).p99, 0);
});

test('median of even and odd samples', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
});

test('mapPool bounds concurrency and keeps order', async () => {
  let inFlight = 0;
  let peak = 0;
  const out = await mapPool([1, 2, 3, 4, 5, 6, 7], 3, async (x) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((r) => setTimeout(r, 5 * (8 - x)));
    inFlight--;
    return x * 2;
  });
  assert.deepEqual(out, [2, 4, 6, 8, 10, 12, 14]);
  assert.equal(peak, 3);
});

test('withDeadline rejects and aborts when late', async () => {
  let aborted = false;
  await assert.rejects(
    withDeadline(20, (signal) => new Promise((r) => { signal.addEventListener('abort', () => (aborted = true)); setTimeout(r, 500); })),
    DeadlineError,
  );
  assert.ok(aborted);
  assert.equal(await withDeadline(100, async () => 7), 7);
});
