import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lru } from '../../src/server/lru.js';

test('LRU: bounded by entries and by weight, get refreshes recency, deleteAll walks either side', () => {
  const lru = new Lru<{ w: number }>(3, 10, (v) => v.w);
  lru.set('a', { w: 1 });
  lru.set('b', { w: 1 });
  lru.set('c', { w: 1 });
  assert.ok(lru.get('a'));
  lru.set('d', { w: 1 });
  assert.deepEqual([...lru.keys()], ['c', 'a', 'd']);
  const big = { w: 2 };
  lru.set('e', big);
  assert.deepEqual([...lru.keys()], ['a', 'd', 'e']);
  big.w = 9;
  lru.reweigh('e');
  // 1 + 1 + 9 > 10: the oldest goes, the newest stays even when alone over the bound.
  assert.deepEqual([...lru.keys()], ['d', 'e']);
  assert.equal(lru.weight, 10);
  lru.set('f', { w: 20 });
  assert.deepEqual([...lru.keys()], ['f']);
  assert.equal(lru.peek('f')!.w, 20);
  lru.set('g', { w: 0 });
  lru.deleteAll(new Set(['f', 'x', 'y']));
  assert.deepEqual([...lru.keys()], ['g']);
  lru.deleteAll(new Set(['g']));
  assert.equal(lru.size, 0);
  assert.equal(lru.weight, 0);
});
