/**
 * Amounts and fee rates: integer satoshis in, exact decimal strings out (no float
 * rounding on the way to BTC), and the BTC/kvB -> sat/vB conversion of fee estimates.
 */
import { UsageError } from '../errors.js';

/** Satoshis per bitcoin. */
export const COIN = 100_000_000;

/** The 21M BTC supply cap in satoshis. */
export const MAX_MONEY = 21_000_000 * COIN;

function toBig(sats: number | bigint): bigint {
  if (typeof sats === 'bigint') return sats;
  if (!Number.isSafeInteger(sats)) throw new RangeError(`amount must be an integer number of satoshis, got ${sats}`);
  return BigInt(sats);
}

/** Satoshis -> BTC with exactly 8 decimals: 150000 -> "0.00150000", -1 -> "-0.00000001". */
export function formatBtc(sats: number | bigint): string {
  const v = toBig(sats);
  const neg = v < 0n;
  const a = neg ? -v : v;
  const whole = a / 100_000_000n;
  const frac = (a % 100_000_000n).toString().padStart(8, '0');
  return `${neg ? '-' : ''}${whole}.${frac}`;
}

/** Satoshis with thousands separators: 1234567 -> "1,234,567". */
export function formatSats(sats: number | bigint): string {
  const v = toBig(sats);
  const neg = v < 0n;
  const digits = (neg ? -v : v).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${digits}`;
}

/**
 * BTC per 1000 vbytes (estimatefee, relayfee) -> sat/vB, rounded to 3 decimals to drop
 * float noise. Negative input (-1 = "no estimate") and non-finite values give null.
 */
export function btcPerKvbToSatPerVb(btcPerKvb: number): number | null {
  if (typeof btcPerKvb !== 'number' || !Number.isFinite(btcPerKvb) || btcPerKvb < 0) return null;
  return Math.round(btcPerKvb * 100_000_000) / 1000; // BTC/kvB·1e8 = sat/kvB; /1000 = sat/vB
}

/**
 * Parses a user amount to satoshis: "0.001" or "0.001btc" (BTC, at most 8 decimals),
 * "1500sat"/"1500sats"/"1,500 sat" (integer satoshis). UsageError otherwise or above 21M BTC.
 */
export function parseAmount(input: string): number {
  const s = String(input).trim().toLowerCase().replace(/_/g, '');
  let sats: bigint;
  const satMatch = /^(\d{1,3}(?:,\d{3})+|\d+)\s*sats?$/.exec(s);
  const btcMatch = /^(\d+)?(?:\.(\d{0,8}))?\s*(?:btc)?$/.exec(s);
  if (satMatch) {
    sats = BigInt(satMatch[1]!.replace(/,/g, ''));
  } else if (btcMatch && (btcMatch[1] !== undefined || (btcMatch[2] ?? '') !== '')) {
    sats = BigInt(btcMatch[1] ?? '0') * 100_000_000n + BigInt((btcMatch[2] ?? '').padEnd(8, '0'));
  } else {
    throw new UsageError(`not an amount: ${JSON.stringify(String(input))}`, {
      hint: 'write BTC with at most 8 decimals (0.0015) or satoshis with a unit (150000sat)',
    });
  }
  if (sats > BigInt(MAX_MONEY)) throw new UsageError(`amount ${String(input).trim()} exceeds 21,000,000 BTC`);
  return Number(sats);
}
