/**
 * Human formatting of one value per ColumnFormat (pure): BTC with 8 decimals and sats,
 * heights with "mempool" and confirmations, header times as ISO dates, fee rates in BTC/kvB
 * and sat/vB. Untrusted text is reduced to printable characters.
 */
import type { ColumnFormat } from '../methods/spec.js';
import { btcPerKvbToSatPerVb, formatBtc, formatSats } from '../bitcoin/units.js';

/** How amounts show in tables: --btc, --sats, or (neither) both. JSON keeps sats. */
export type Units = 'btc' | 'sats';

export interface CellContext {
  /** The chain tip height, when known: heights then show confirmations. */
  tip?: number;
  units?: Units;
  /**
   * Piped output (tab-separated rows): one plain value per cell for cut/awk/sort: amounts as
   * a bare number (satoshis unless --btc), heights as the number, no separators, no tabs or
   * newlines inside a cell.
   */
  plain?: boolean;
}

/** What renderers need to know of where their output goes (cli/output.ts Output.style). */
export interface TableStyle {
  color: boolean;
  /** Tab-separated rows, no header, whole values (stdout is not a terminal). */
  plain: boolean;
  /** --wide / --no-trunc: never shorten. */
  wide: boolean;
  /** The terminal's width, when known: tables shorten hashes to fit it. */
  width?: number;
  units?: Units;
}

/** A table style from a bare colour flag (tests, callers that only know colour). */
export function styleOf(style: TableStyle | boolean): TableStyle {
  return typeof style === 'boolean' ? { color: style, plain: false, wide: false } : style;
}

/** A hash shortened in the middle to fit a narrow terminal: 3676e9b6…291f7dbc. */
export function shortenMiddle(text: string, keep = 8): string {
  return text.length > keep * 2 + 1 ? `${text.slice(0, keep)}…${text.slice(-keep)}` : text;
}

/** A cell of tab-separated output: no tab or line break can split the row. */
export function plainCell(text: string): string {
  return text.replace(/[\t\r\n]+/g, ' ');
}

/** Strips control characters from untrusted text (banners, server messages). */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return String(text).replace(/\r\n?/g, '\n').replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, '');
}

/** Formats one value for a table cell. */
export function formatCell(format: ColumnFormat, value: unknown, ctx: CellContext = {}): string {
  if (ctx.plain) return plainCell(formatPlain(format, value, ctx.units));
  if (value === undefined) return '';
  if (value === null) return format === 'int' || format === 'text' ? '-' : 'null';
  switch (format) {
    case 'btc':
    case 'sats':
      return formatAmount(value, ctx.units ?? (format === 'btc' ? undefined : 'sats'));
    case 'height':
      return formatHeight(value, ctx.tip);
    case 'time':
      return formatTime(value);
    case 'feerate':
      return typeof value === 'number' ? formatFeeRate(value, ctx.units) : printable(String(value));
    case 'bool':
      return value === true ? 'yes' : value === false ? 'no' : printable(String(value));
    case 'json':
    case 'hashes':
      return printable(JSON.stringify(value));
    case 'int':
      return typeof value === 'number' ? String(value) : printable(String(value));
    case 'hash':
    case 'text':
      return printable(typeof value === 'string' ? value : JSON.stringify(value));
  }
}

/** Satoshis as "0.11000000 BTC (11,000,000 sats)", or in one unit (--btc, --sats). */
export function formatAmount(value: unknown, units?: Units): string {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) return printable(String(value)); // 1.0-era decimal strings
  if (units === 'btc') return `${formatBtc(value)} BTC`;
  if (units === 'sats') return `${formatSats(value)} sats`;
  return `${formatBtc(value)} BTC (${formatSats(value)} sats)`;
}

/** One value for tab-separated output: bare numbers, no units or separators, ISO times. */
export function formatPlain(format: ColumnFormat, value: unknown, units?: Units): string {
  if (value === undefined || value === null) return '';
  switch (format) {
    case 'btc':
    case 'sats':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) return printable(String(value));
      return units === 'btc' ? formatBtc(value) : String(value);
    case 'feerate': {
      if (typeof value !== 'number') return printable(String(value));
      if (units === 'sats') return String(btcPerKvbToSatPerVb(value) ?? value);
      return String(value);
    }
    case 'time':
      return formatTime(value);
    case 'bool':
      return value === true ? 'true' : value === false ? 'false' : printable(String(value));
    case 'json':
      return printable(JSON.stringify(value));
    case 'hashes':
      return Array.isArray(value) ? value.map((v) => printable(String(v))).join(',') : printable(String(value));
    default:
      return printable(typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value));
  }
}

/** 0 -> "mempool", -1 -> "mempool (unconfirmed parent)", h -> "h (n confirmations)" with a tip. */
export function formatHeight(value: unknown, tip?: number): string {
  if (typeof value !== 'number') return printable(String(value));
  if (value === 0) return 'mempool';
  if (value === -1) return 'mempool (unconfirmed parent)';
  if (tip !== undefined && tip >= value) {
    const n = tip - value + 1;
    return `${value} (${n} confirmation${n === 1 ? '' : 's'})`;
  }
  return String(value);
}

/** Unix seconds (or an ISO string) -> "2024-04-20T00:09:27Z". */
export function formatTime(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return new Date(value * 1000).toISOString().replace('.000Z', 'Z');
  }
  if (typeof value === 'string') return printable(value).replace('.000Z', 'Z');
  return printable(String(value));
}

/** BTC/kvB -> "0.00001000 BTC/kvB (1 sat/vB)"; -1 -> "no estimate (-1)". */
export function formatFeeRate(btcPerKvb: number, units?: Units): string {
  const satVb = btcPerKvbToSatPerVb(btcPerKvb);
  if (satVb === null) return btcPerKvb === -1 ? 'no estimate (-1)' : String(btcPerKvb);
  if (units === 'sats') return `${satVb} sat/vB`;
  if (units === 'btc') return `${btcPerKvb.toFixed(8)} BTC/kvB`;
  return `${btcPerKvb.toFixed(8)} BTC/kvB (${satVb} sat/vB)`;
}
