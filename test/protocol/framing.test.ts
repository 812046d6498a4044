import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter, LineTooLongError } from '../../src/protocol/framing.js';

test('splits lines across chunks, strips \\r, skips blank lines', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push(Buffer.from('{"a":1}\r\n{"b"')), ['{"a":1}']);
  assert.equal(s.pending, 4);
  assert.deepEqual(s.push(Buffer.from(':2}\n\n  \n{"c":3}\n')), ['{"b":2}', '{"c":3}']);
  assert.equal(s.pending, 0);
});

test('a line over the limit is an error, whether split or whole', () => {
  assert.throws(() => new LineSplitter(10).push(Buffer.from('01234567890123\n')), LineTooLongError);
  const s = new LineSplitter(10);
  s.push(Buffer.from('012345'));
  assert.throws(() => s.push(Buffer.from('6789012')), LineTooLongError);
});

test('multi-byte UTF-8 split across chunks is reassembled', () => {
  const s = new LineSplitter();
  const b = Buffer.from('"é"\n');
  assert.deepEqual(s.push(b.subarray(0, 2)), []);
  assert.deepEqual(s.push(b.subarray(2)), ['"é"']);
});
