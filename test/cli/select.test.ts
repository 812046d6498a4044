import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstThatAnswers } from '../../src/cli/select.js';
import { ConnectionError } from '../../src/errors.js';

const later = <T>(ms: number, v: T, fail = false) =>
  new Promise<T>((res, rej) => setTimeout(() => (fail ? rej(new Error(String(v))) : res(v)), ms));

test('picks the earliest-listed candidate that answers, skipping failures at once', async () => {
  const disposed: string[] = [];
  const r = await firstThatAnswers(
    ['dead', 'slow', 'fast'],
    (c) => (c === 'dead' ? later(1, c, true) : c === 'slow' ? later(60, c) : later(5, c)),
    (v) => disposed.push(v),
    20,
  );
  assert.equal(r.candidate, 'slow', 'a later, faster server does not win over an earlier one that answers');
  assert.deepEqual(r.failures.map((f) => f.candidate), ['dead']);
  assert.deepEqual(disposed, ['fast'], 'the loser is closed');
});

test('does not wait for the stagger when the newest attempt fails', async () => {
  const t0 = Date.now();
  const r = await firstThatAnswers(['a', 'b', 'c'], (c) => (c === 'c' ? later(1, c) : later(1, c, true)), () => {}, 10_000);
  assert.equal(r.candidate, 'c');
  assert.ok(Date.now() - t0 < 5_000);
});

test('all failing is one ConnectionError with a hint', async () => {
  await assert.rejects(
    firstThatAnswers(['a', 'b'], (c) => later(1, c, true), () => {}, 5),
    (e: unknown) => e instanceof ConnectionError && /none of the 2 candidate servers answered/.test(e.message) && !!e.hint,
  );
});
