import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyedByArgument, toJson, toNdjson } from '../../src/format/json.js';

test('JSON passes the server result through with its key order, byte-stable', () => {
  // Fulcrum sends "height" before "tx_hash", ElectrumX the other way round: both are kept.
  const fulcrum = '[{"height":102,"tx_hash":"8cbc"},{"height":103,"tx_hash":"407c"}]';
  const electrumx = '{"hosts":{},"pruning":null,"server_version":"ElectrumX 2.0b1","protocol_min":"1.4"}';
  assert.equal(toJson(JSON.parse(fulcrum)), fulcrum);
  assert.equal(toJson(JSON.parse(electrumx)), electrumx);
  // Byte-stable: the output read back and written again is the same bytes (no reordering, no spacing).
  assert.equal(toJson(JSON.parse(toJson(JSON.parse(electrumx)))), electrumx);
  assert.equal(toJson(JSON.parse(toJson(JSON.parse(fulcrum)))), fulcrum);
  assert.equal(toJson(null), 'null');
  assert.equal(toJson(undefined), 'null');
});

test('pretty JSON on a terminal, compact otherwise; NDJSON never indents', () => {
  assert.equal(toJson({ a: 1 }, true), '{\n  "a": 1\n}');
  assert.equal(toNdjson({ type: 'tip', height: 5 }), '{"type":"tip","height":5}');
});

test('several arguments: one object keyed by argument, in argument order', () => {
  const out = keyedByArgument([
    ['addr2', { result: { confirmed: 1, unconfirmed: 0 } }],
    ['addr1', { error: { code: 1, message: 'Invalid scripthash' } }],
  ]);
  assert.equal(
    toJson(out),
    '{"addr2":{"result":{"confirmed":1,"unconfirmed":0}},"addr1":{"error":{"code":1,"message":"Invalid scripthash"}}}',
  );
});
