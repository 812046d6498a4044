import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderRecord, renderRows, tableWidth } from '../../src/format/table.js';
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

const histCols = COMMANDS.get('history')!.spec.columns!;
const TXID = '3676e9b6' + 'ab'.repeat(24) + '291f7dbc';
const hist = Array.from({ length: 5 }, (_, i) => ({ tx_hash: TXID, height: 800_000 + i }));

test('a table wider than the terminal shortens hashes in the middle; --wide keeps them whole', () => {
  const full = renderRows(histCols, hist, { color: false, tip: 800_010 });
  assert.ok(tableWidth(full) > 80, 'the whole table does not fit 80 columns');
  const fitted = renderRows(histCols, hist, { color: false, tip: 800_010, width: 80 });
  assert.ok(tableWidth(fitted) <= 80, fitted);
  assert.match(fitted, /│ 3676e9b6…291f7dbc │/);
  assert.ok(!fitted.includes(TXID));
  assert.equal(renderRows(histCols, hist, { color: false, tip: 800_010, width: 80, wide: true }), full);
  assert.equal(renderRows(histCols, hist, { color: false, tip: 800_010, width: 200 }), full, 'nothing shortened when it fits');
});

test('row tables draw no rule between rows: one line per row', () => {
  const out = renderRows(histCols, hist, { color: false });
  assert.equal(out.split('\n').length, hist.length + 4); // top, header, rule, rows, bottom
});

test('a list of hashes (merkle branch) takes one row each', () => {
  const cols = COMMANDS.get('merkle')!.spec.columns!;
  const branch = ['aa'.repeat(32), 'bb'.repeat(32), 'cc'.repeat(32)];
  const out = renderRecord(cols, { block_height: 5, pos: 1, merkle: branch }, { color: false });
  for (const h of branch) assert.match(out, new RegExp(`^│ (branch|      ) │ ${h} │$`, 'm'));
  assert.ok(tableWidth(out) < 90, 'no 470-column cell');
  const plain = renderRecord(cols, { block_height: 5, pos: 1, merkle: branch }, { color: false, plain: true });
  assert.equal(plain, `height\t5\npos\t1\n${branch.map((h) => `branch\t${h}`).join('\n')}`);
});

test('plain (piped) rows: tab-separated, no header, whole values, bare numbers, no colour', () => {
  const out = renderRows(utxoCols, rows, { color: true, plain: true, tip: 111 });
  assert.equal(out, `102\t${'aa'.repeat(32)}\t1\t11000000\n0\t${'bb'.repeat(32)}\t0\t5`);
  assert.equal(renderRows(utxoCols, rows, { color: false, plain: true, units: 'btc' }).split('\n')[0], `102\t${'aa'.repeat(32)}\t1\t0.11000000`);
  const t = renderRows([{ key: 'x', header: 'x', format: 'text' }], [{ x: 'a\tb\nc' }], { color: false, plain: true });
  assert.equal(t, 'ab c', 'a tab (a control character, dropped) or newline inside a value cannot split the row');
});

test('--sats and --btc choose the unit in a terminal table; fee rates follow', () => {
  const cols = COMMANDS.get('balance')!.spec.columns!;
  assert.match(renderRecord(cols, { confirmed: 93_000_000, unconfirmed: 0 }, { color: false, units: 'sats' }), /│ confirmed\s+│ 93,000,000 sats\s+│/);
  assert.match(renderRecord(cols, { confirmed: 93_000_000, unconfirmed: 0 }, { color: false, units: 'btc' }), /│ confirmed\s+│ 0\.93000000 BTC\s+│/);
  assert.equal(renderHuman(0.00001, { color: false, scalar: 'feerate', units: 'sats' }), '1 sat/vB');
  assert.equal(renderHuman(0.00001, { color: false, scalar: 'feerate', units: 'btc' }), '0.00001000 BTC/kvB');
});
