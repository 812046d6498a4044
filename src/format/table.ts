/**
 * The single cli-table3 wrapper, and the one place that decides how a table looks where it
 * goes (TableStyle, from cli/output.ts):
 * - a terminal: a boxed table that fits the terminal's width, shortening hashes in the middle
 *   (3676e9b6…291f7dbc) when it would not fit, unless --wide; lists of hashes (merkle
 *   branches) one row each;
 * - a pipe: tab-separated rows, no header, whole values, no colour (as gh prints), so cut,
 *   awk and sort work.
 * Styles (colours, borders in colour) are off unless stdout is a terminal and colour is
 * allowed: cli-table3 emits colour codes even when piped (docs/architecture.md §6). Loaded
 * lazily: only human output needs it, and cli-table3 itself (box.cts) only a boxed table.
 */
import type Table from 'cli-table3';
import { box } from './box.cjs';
import type { ColumnSpec } from '../methods/spec.js';
import { formatCell, plainCell, shortenMiddle, styleOf, type CellContext, type TableStyle } from './cells.js';

export interface TableOptions extends CellContext {
  color: boolean;
  /** Tab-separated rows (TableStyle.plain). */
  plain?: boolean;
  wide?: boolean;
  width?: number;
}

function make(head: string[], color: boolean): Table.Table {
  const { Table, colors } = box();
  // Our caller decided (terminal, NO_COLOR, --no-color); the colour library's own guess
  // (it turns itself off when CI is set, for example) must not override that.
  if (color) colors.enable();
  else colors.disable();
  return new Table({
    head,
    style: color ? { head: ['cyan'], border: ['grey'] } : { head: [], border: [] },
  });
}

/** The display width of a table's widest line (escapes left out). */
export function tableWidth(text: string): number {
  // eslint-disable-next-line no-control-regex
  return Math.max(0, ...text.split('\n').map((l) => [...l.replace(/\u001b\[[0-9;]*m/g, '')].length));
}

/**
 * Drops the separator line cli-table3 draws between every two rows, which doubles a table's
 * height (65 history rows took 133 lines): rows keep only the one under the header.
 */
function compact(text: string, keepHeaderRule: boolean): string {
  let kept = !keepHeaderRule;
  return text
    .split('\n')
    .filter((l) => {
      // eslint-disable-next-line no-control-regex
      if (!l.replace(/\u001b\[[0-9;]*m/g, '').startsWith('├')) return true;
      if (kept) return false;
      kept = true;
      return true;
    })
    .join('\n');
}

/** Cells of hash columns shortened in the middle, when the table is wider than `width`. */
function fit(render: (short: boolean) => string, opts: TableOptions): string {
  const full = render(false);
  if (opts.wide || opts.width === undefined || tableWidth(full) <= opts.width) return full;
  return render(true);
}

function cell(c: ColumnSpec, value: unknown, opts: TableOptions, short: boolean): string {
  const text = formatCell(c.format, value, opts);
  return short && c.format === 'hash' ? shortenMiddle(text) : text;
}

/** Tab-separated lines (plain output): `prefix` cells, then the row's. */
function tsv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map(plainCell).join('\t')).join('\n');
}

/** Rows of objects (or arrays, with keys "0", "1"...) under the given columns. */
export function renderRows(columns: readonly ColumnSpec[], rows: readonly unknown[], opts: TableOptions): string {
  if (opts.plain) return tsv(rows.map((row) => columns.map((c) => formatCell(c.format, pick(row, c.key), opts))));
  return fit((short) => {
    const t = make(columns.map((c) => c.header), opts.color);
    for (const row of rows) t.push(columns.map((c) => cell(c, pick(row, c.key), opts, short)));
    return compact(t.toString(), true);
  }, opts);
}

/**
 * One object as a field/value table; a list of hashes (format 'hashes') takes one row per
 * hash. Plain: `field<TAB>value` lines, a list one line per item.
 */
export function renderRecord(columns: readonly ColumnSpec[], record: unknown, opts: TableOptions): string {
  const entries: [string, string, ColumnSpec][] = [];
  for (const c of columns) {
    const v = pick(record, c.key);
    if (c.format === 'hashes' && Array.isArray(v)) {
      if (v.length === 0) entries.push([c.header, opts.plain ? '' : '(none)', c]);
      v.forEach((h, i) => entries.push([i === 0 || opts.plain ? c.header : '', formatCell('hash', h, opts), { ...c, format: 'hash' }]));
    } else {
      entries.push([c.header, formatCell(c.format, v, opts), c]);
    }
  }
  if (opts.plain) return tsv(entries.map(([k, v]) => [k, v]));
  return fit((short) => {
    const t = make([], opts.color);
    for (const [k, v, c] of entries) t.push({ [k]: short && c.format === 'hash' ? shortenMiddle(v) : v });
    return compact(t.toString(), false);
  }, opts);
}

/** Plain key/value pairs already formatted (a bare boolean is the colour of a terminal table). */
export function renderPairs(pairs: readonly (readonly [string, string])[], style: TableStyle | boolean): string {
  const s = styleOf(style);
  if (s.plain) return tsv(pairs);
  return fit((short) => {
    const t = make([], s.color);
    for (const [k, v] of pairs) t.push({ [k]: short && /^[0-9a-f]{64}$/.test(v) ? shortenMiddle(v) : v });
    return compact(t.toString(), false);
  }, s);
}

function pick(row: unknown, key: string): unknown {
  if (row === null || typeof row !== 'object') return undefined;
  return Object.hasOwn(row, key) ? (row as Record<string, unknown>)[key] : undefined;
}
