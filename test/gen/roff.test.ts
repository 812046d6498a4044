import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arg, literal, noBlankLines, text } from '../../src/gen/roff.js';

test('text escapes backslashes, hyphens, line-leading dots and apostrophes, non-ASCII', () => {
  assert.equal(text('a\\b'), 'a\\eb');
  assert.equal(text('--json'), '\\-\\-json');
  assert.equal(text('.hidden\n\'quote\nok'), "\\&.hidden\n\\&'quote\nok");
  assert.equal(text('1.0–1.6 … §7'), '1.0\\(en1.6 ... \\(sc7');
  assert.equal(text('é'), '\\[u00E9]');
});

test('arg quotes and escapes double quotes', () => {
  assert.equal(arg('say "hi"'), '"say \\(dqhi\\(dq"');
});

test('literal blocks are no-fill and escaped; blank lines are dropped', () => {
  assert.equal(literal(['$ a | jq .x']), '.RS 4\n.nf\n$ a | jq .x\n.fi\n.RE');
  assert.equal(noBlankLines('a\n\n \nb'), 'a\nb');
});
