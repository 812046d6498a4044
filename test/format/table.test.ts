import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderRecord, renderRows } from '../../src/format/table.js';
import { renderHuman } from '../../src/format/human.js';
import type { ColumnSpec } from '../../src/methods/spec.js';
import { COMMANDS } from '../../src/methods/registry.js';

const ESC = '\u001b[';
const utxoCols = COMMANDS.get('utxos')!.spec.columns!;
const rows = [
  { tx_hash: 'aa'.repeat(32), tx_pos: 1, height: 102, value: 11_000_000 },
  { tx_hash: 'bb'.repeat(32), tx_pos: 0, height: 0, value: 5 },
];

test('tables carry no colour codes when colour is off (pipes, NO_COLOR, --no-color)', () => {
  const out = renderRows(utxoCols, rows, { color: false, tip: 111 });
  assert.ok(!out.includes(ESC), 'no ANSI escapes');
  const lines = out.split('\n');
  assert.match(lines[1]!, /│ height\s+│ txid\s+│ vout │ value\s+│/);
  assert.match(out, /│ 102 \(10 confirmations\) │ a{64} │ 1\s+│ 0\.11000000 BTC \(11,000,000 sats\) │/);
  assert.match(out, /│ mempool\s+│ b{64} │ 0\s+│ 0\.00000005 BTC \(5 sats\)\s+│/);
});

test('tables are styled when colour is allowed', () => {
  assert.ok(renderRows(utxoCols, rows, { color: true }).includes(ESC));
});

test('one object renders as a field/value table', () => {
  const cols: ColumnSpec[] = COMMANDS.get('balance')!.spec.columns!.slice();
  const out = renderRecord(cols, { confirmed: 93_000_000, unconfirmed: -1_000 }, { color: false });
  assert.match(out, /│ confirmed\s+│ 0\.93000000 BTC \(93,000,000 sats\)\s+│/);
  assert.match(out, /│ unconfirmed │ -0\.00001000 BTC \(-1,000 sats\)\s+│/);
});

test('renderHuman: empty lists, scalars, tuples and shapes without columns', () => {
  assert.equal(renderHuman([], { columns: utxoCols, color: false }), '(none)');
  assert.equal(renderHuman('Welcome\u0007!', { color: false }), 'Welcome!');
  assert.equal(renderHuman(-1, { color: false, scalar: 'feerate' }), 'no estimate (-1)');
  assert.equal(renderHuman(null, { color: false }), 'null');
  const version = renderHuman(['ElectrumX 1.20.0', '1.6'], { columns: COMMANDS.get('version')!.spec.columns!, color: false });
  assert.match(version, /│ ElectrumX 1\.20\.0 │ 1\.6\s+│/);
  assert.equal(renderHuman({ count: 1 }, { color: false }), '{\n  "count": 1\n}');
});
