/** Errors in bitcoind's JSON-RPC shape (code + message), and amount formatting like Core's. */

/** A JSON-RPC error with one of Core's codes. */
export class RpcError extends Error {
  constructor(readonly code: number, message: string) { super(message); }
}

/** Core's RPC error codes used by the simulator. */
export const RPC = {
  MISC_ERROR: -1,
  TYPE_ERROR: -3,
  WALLET_ERROR: -4,
  INVALID_ADDRESS_OR_KEY: -5,
  WALLET_INSUFFICIENT_FUNDS: -6,
  INVALID_PARAMETER: -8,
  DESERIALIZATION_ERROR: -22,
  VERIFY_ERROR: -25,
  VERIFY_REJECTED: -26,
  VERIFY_ALREADY_IN_CHAIN: -27,
  IN_WARMUP: -28,
  WALLET_NOT_FOUND: -18,
  WALLET_NOT_SPECIFIED: -19,
  WALLET_ALREADY_LOADED: -35,
  METHOD_NOT_FOUND: -32601,
  INVALID_REQUEST: -32600,
  PARSE_ERROR: -32700,
} as const;

/** Satoshis -> BTC as a JSON number (Core's ValueFromAmount). */
export function btc(sats: number): number {
  return Number((sats / 1e8).toFixed(8));
}

/** BTC amount (number or string) -> satoshis, rejecting bad precision like Core's AmountFromValue. */
export function amountToSats(v: unknown): number {
  if (typeof v !== 'number' && typeof v !== 'string') throw new RpcError(RPC.TYPE_ERROR, 'Amount is not a number or string');
  const s = typeof v === 'number' ? v.toFixed(8) : v;
  if (!/^-?\d+(\.\d{1,8})?$/.test(s)) throw new RpcError(RPC.TYPE_ERROR, 'Invalid amount');
  const sats = Math.round(Number(s) * 1e8);
  if (sats < 0) throw new RpcError(RPC.TYPE_ERROR, 'Amount out of range');
  return sats;
}

/** Core's FormatMoney: at least two decimals, trailing zeros trimmed. */
export function formatMoney(sats: number): string {
  const neg = sats < 0;
  const a = Math.abs(sats);
  let s = `${Math.floor(a / 1e8)}.${String(a % 1e8).padStart(8, '0')}`;
  while (s.endsWith('0') && s[s.length - 3] !== '.') s = s.slice(0, -1);
  return (neg ? '-' : '') + s;
}

/** Core's CFeeRate::ToString for a rate in sat/kvB: "0.00001000 BTC/kvB". */
export function feeRateString(satPerKvB: number): string {
  const r = Math.floor(satPerKvB);
  return `${Math.floor(r / 1e8)}.${String(r % 1e8).padStart(8, '0')} BTC/kvB`;
}

/** Core's CFeeRate::GetFee: rate (sat/kvB) times vsize, rounded up. */
export function feeFor(satPerKvB: number, vsize: number): number {
  return Math.ceil((satPerKvB * vsize) / 1000);
}
