import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyJq, checkJq, pickFields } from '../../src/cli/filter.js';
import { UsageError } from '../../src/errors.js';

test('--fields keeps the named keys of an object, of each list item, and per argument', () => {
  assert.deepEqual(pickFields({ confirmed: 1, unconfirmed: 2 }, ['unconfirmed']), { unconfirmed: 2 });
  assert.deepEqual(pickFields([{ tx_hash: 'a', height: 1 }, { tx_hash: 'b', height: 0, fee: 5 }], ['fee', 'tx_hash']), [{ tx_hash: 'a' }, { fee: 5, tx_hash: 'b' }]);
  const keyed = { A: { result: { confirmed: 1, unconfirmed: 0 } }, B: { error: { code: 1, message: 'x' } } };
  assert.deepEqual(pickFields(keyed, ['confirmed'], { keyed: true }), { A: { result: { confirmed: 1 } }, B: { error: { code: 1, message: 'x' } } });
  assert.deepEqual(pickFields([], ['x']), [], 'an empty list is fine');
});

test('--fields: a field no object has, or a result without objects, is a usage error', () => {
  assert.throws(() => pickFields({ confirmed: 1 }, ['confirmd']), (e) => e instanceof UsageError && /no field "confirmd"/.test(e.message) && e.hint === 'the fields are: confirmed');
  assert.throws(() => pickFields(42, ['x']), UsageError);
});

test('--fields: __proto__ and constructor are keys like any other', () => {
  const o = JSON.parse('{"__proto__": 1, "constructor": 2, "a": 3}');
  const r = pickFields(o, ['__proto__', 'constructor']) as Record<string, unknown>;
  assert.equal(JSON.stringify(r), '{"__proto__":1,"constructor":2}');
  assert.equal(Object.getPrototypeOf(r), Object.prototype);
});

test('--jq (in-process jq): raw strings, compact values, compile errors and runtime errors are usage errors', async () => {
  assert.equal(await applyJq([{ tx_hash: 'ab', height: 3 }], '.[] | .tx_hash'), 'ab');
  assert.equal(await applyJq({ a: [1, 2] }, '.a'), '[1,2]');
  await checkJq('.[] | select(.height > 1)');
  await assert.rejects(checkJq('.[] |||'), (e) => e instanceof UsageError && /^bad --jq expression: syntax error/.test(e.message));
  await assert.rejects(applyJq([1], '.foo'), (e) => e instanceof UsageError && /^--jq failed: Cannot index array with string "foo"/.test(e.message));
});
