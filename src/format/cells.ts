/**
 * Human formatting of one value per ColumnFormat (pure): BTC with 8 decimals and sats,
 * heights with "mempool" and confirmations, header times as ISO dates, fee rates in BTC/kvB
 * and sat/vB. Untrusted text is reduced to printable characters.
 */
import type { ColumnFormat } from '../methods/spec.js';
import { btcPerKvbToSatPerVb, formatBtc, formatSats } from '../bitcoin/units.js';

export interface CellContext {
  /** The chain tip height, when known: heights then show confirmations. */
  tip?: number;
}

/** Strips control characters from untrusted text (banners, server messages). */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return String(text).replace(/\r\n?/g, '\n').replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, '');
}

/** Formats one value for a table cell. */
export function formatCell(format: ColumnFormat, value: unknown, ctx: CellContext = {}): string {
  if (value === undefined) return '';
  if (value === null) return format === 'int' || format === 'text' ? '-' : 'null';
  switch (format) {
    case 'btc':
      return typeof value === 'number' && Number.isSafeInteger(value)
        ? `${formatBtc(value)} BTC (${formatSats(value)} sats)`
        : printable(String(value)); // 1.0-era decimal strings
    case 'sats':
      return typeof value === 'number' && Number.isSafeInteger(value) ? `${formatSats(value)} sats` : printable(String(value));
    case 'height':
      return formatHeight(value, ctx.tip);
    case 'time':
      return formatTime(value);
    case 'feerate':
      return typeof value === 'number' ? formatFeeRate(value) : printable(String(value));
    case 'bool':
      return value === true ? 'yes' : value === false ? 'no' : printable(String(value));
    case 'json':
      return printable(JSON.stringify(value));
    case 'int':
      return typeof value === 'number' ? String(value) : printable(String(value));
    case 'hash':
    case 'text':
      return printable(typeof value === 'string' ? value : JSON.stringify(value));
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
export function formatFeeRate(btcPerKvb: number): string {
  const satVb = btcPerKvbToSatPerVb(btcPerKvb);
  if (satVb === null) return btcPerKvb === -1 ? 'no estimate (-1)' : String(btcPerKvb);
  return `${btcPerKvb.toFixed(8)} BTC/kvB (${satVb} sat/vB)`;
}
