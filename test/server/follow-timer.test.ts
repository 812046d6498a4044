import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { FollowTimer } from '../../src/server/follow.js';
import { sleep } from '../../src/server/sleep.js';

test('the poll loop leaves no abort listener behind per round (no MaxListenersExceededWarning)', async () => {
  const ac = new AbortController();
  const timer = new FollowTimer(1, 1);
  for (let i = 0; i < 50; i++) {
    if (i % 2 === 0) timer.wake('mempool');
    await timer.next(ac.signal);
    await sleep(0, ac.signal);
  }
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
  let rounds = 0;
  const run = timer.run(ac.signal, async () => {
    if (++rounds === 30) ac.abort();
  }, () => {});
  await run;
  assert.equal(rounds, 30);
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
});
