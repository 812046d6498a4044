/**
 * Human output for a terminal: tables from the registry's columns, text for scalars,
 * indented JSON for shapes without columns. Loaded lazily (it pulls in cli-table3).
 */
import type { ColumnFormat, ColumnSpec } from '../methods/spec.js';
import { formatCell, printable } from './cells.js';
import { renderRecord, renderRows } from './table.js';

export interface HumanOptions {
  columns?: readonly ColumnSpec[];
  color: boolean;
  tip?: number;
  /** How to show a scalar result (fee rates). */
  scalar?: ColumnFormat;
}

/** Renders one validated result. */
export function renderHuman(result: unknown, opts: HumanOptions): string {
  const cellCtx = { color: opts.color, ...(opts.tip !== undefined ? { tip: opts.tip } : {}) };
  if (result === null || typeof result !== 'object') {
    if (opts.scalar) return formatCell(opts.scalar, result);
    if (typeof result === 'string') return printable(result);
    return JSON.stringify(result);
  }
  const cols = opts.columns;
  if (cols && cols.length > 0) {
    if (Array.isArray(result)) {
      if (result.length === 0) return '(none)';
      // An array of arrays (version, peers, histogram) shows as rows; a tuple result too.
      const rows = result.every((r) => typeof r === 'object' && r !== null) ? result : [result];
      return renderRows(cols, rows, cellCtx);
    }
    return renderRecord(cols, result, cellCtx);
  }
  return JSON.stringify(result, null, 2);
}
