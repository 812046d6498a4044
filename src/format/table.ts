/**
 * The single cli-table3 wrapper. Styles (colours, borders in colour) are off unless stdout
 * is a terminal and colour is allowed: cli-table3 emits colour codes even when piped
 * (docs/architecture.md §6). Loaded lazily: only human output needs it.
 */
import Table from 'cli-table3';
import colors from '@colors/colors/safe.js';
import type { ColumnSpec } from '../methods/spec.js';
import { formatCell, type CellContext } from './cells.js';

export interface TableOptions extends CellContext {
  color: boolean;
}

function make(head: string[], color: boolean): Table.Table {
  // Our caller decided (terminal, NO_COLOR, --no-color); the colour library's own guess
  // (it turns itself off when CI is set, for example) must not override that.
  if (color) colors.enable();
  else colors.disable();
  return new Table({
    head,
    style: color ? { head: ['cyan'], border: ['grey'] } : { head: [], border: [] },
  });
}

/** Rows of objects (or arrays, with keys "0", "1"...) under the given columns. */
export function renderRows(columns: readonly ColumnSpec[], rows: readonly unknown[], opts: TableOptions): string {
  const t = make(columns.map((c) => c.header), opts.color);
  for (const row of rows) t.push(columns.map((c) => formatCell(c.format, pick(row, c.key), opts)));
  return t.toString();
}

/** One object as a two-column field/value table. */
export function renderRecord(columns: readonly ColumnSpec[], record: unknown, opts: TableOptions): string {
  const t = make([], opts.color);
  for (const c of columns) t.push({ [c.header]: formatCell(c.format, pick(record, c.key), opts) });
  return t.toString();
}

/** Plain key/value pairs already formatted. */
export function renderPairs(pairs: readonly (readonly [string, string])[], color: boolean): string {
  const t = make([], color);
  for (const [k, v] of pairs) t.push({ [k]: v });
  return t.toString();
}

function pick(row: unknown, key: string): unknown {
  if (row === null || typeof row !== 'object') return undefined;
  return (row as Record<string, unknown>)[key];
}
