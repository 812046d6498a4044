/**
 * Human output: tables from the registry's columns, text for scalars, indented JSON for
 * shapes without columns; on a pipe (TableStyle.plain) tab-separated rows and compact JSON.
 * Loaded lazily (it pulls in cli-table3).
 */
import type { ColumnFormat, ColumnSpec } from '../methods/spec.js';
import { formatCell, plainCell, printable, type Units } from './cells.js';
import { renderRecord, renderRows } from './table.js';

export interface HumanOptions {
  columns?: readonly ColumnSpec[];
  color: boolean;
  tip?: number;
  /** How to show a scalar result (fee rates). */
  scalar?: ColumnFormat;
  /** Piped: tab-separated rows, no header (cells.ts TableStyle). */
  plain?: boolean;
  wide?: boolean;
  width?: number;
  units?: Units;
}

/** Renders one validated result. */
export function renderHuman(result: unknown, opts: HumanOptions): string {
  const cellCtx = {
    color: opts.color && !opts.plain,
    ...(opts.tip !== undefined && !opts.plain ? { tip: opts.tip } : {}),
    ...(opts.plain ? { plain: true } : {}),
    ...(opts.wide ? { wide: true } : {}),
    ...(opts.width !== undefined ? { width: opts.width } : {}),
    ...(opts.units ? { units: opts.units } : {}),
  };
  if (result === null || typeof result !== 'object') {
    if (opts.scalar) return formatCell(opts.scalar, result, cellCtx);
    if (typeof result === 'string') return opts.plain ? plainCell(printable(result)) : printable(result);
    return JSON.stringify(result);
  }
  const cols = opts.columns;
  if (cols && cols.length > 0) {
    if (Array.isArray(result)) {
      if (result.length === 0) return opts.plain ? '' : '(none)';
      // An array of arrays (version, peers, histogram) shows as rows; a tuple result too.
      const rows = result.every((r) => typeof r === 'object' && r !== null) ? result : [result];
      return renderRows(cols, rows, cellCtx);
    }
    return renderRecord(cols, result, cellCtx);
  }
  return opts.plain ? JSON.stringify(result) : JSON.stringify(result, null, 2);
}
