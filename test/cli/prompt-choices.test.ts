// The server menu shown on a terminal: fastest first, and the servers' own words (software
// string, errors) without escape codes or line breaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverChoices, sortProbes } from '../../src/cli/prompts/server-choice.js';
import { parseServer } from '../../src/protocol/server-address.js';

const a = parseServer('127.0.0.1:50001:t');
const b = parseServer('127.0.0.1:50002:t');
const c = parseServer('127.0.0.1:50003:t');

test('choices: answers fastest first, failures disabled after them', () => {
  const choices = serverChoices(sortProbes([{ addr: a, error: 'refused' }, { addr: b, ms: 30 }, { addr: c, ms: 5, software: 'ElectrumX 1.18' }]));
  assert.deepEqual(choices.map((x) => x.value), ['127.0.0.1:50003:t', '127.0.0.1:50002:t', '127.0.0.1:50001:t']);
  assert.equal(choices[0]!.name, '127.0.0.1:50003:t  5 ms  ElectrumX 1.18');
  // The reason once: the menu prints the name, then the disabled label.
  assert.equal(choices[2]!.name, '127.0.0.1:50001:t');
  assert.equal(choices[2]!.disabled, '(refused)');
});

test('choices: a server cannot put escape codes or new lines in the menu', () => {
  const evil = 'X\u001b[2J\u001b]0;t\u0007\nY';
  for (const ch of serverChoices([{ addr: a, ms: 1, software: evil }, { addr: b, error: evil }])) {
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(`${ch.name} ${ch.disabled ?? ''}`, /[\u0000-\u001f\u007f]/, JSON.stringify(ch));
  }
});
