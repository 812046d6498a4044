/**
 * Parameter kinds of the registry, and the checks both sides share: the server validates
 * incoming params with `checkParam` (errors quote the bad value, as ElectrumX does), and the
 * client runs the same check on the values it is about to send.
 */

export type ParamKind =
  | 'scripthash' // 64 hex chars (display order); the CLI also accepts an address or --script
  | 'address' // a Base58/bech32 address (legacy 1.0–1.2 methods)
  | 'txid' // 64 hex chars
  | 'uint' // non-negative integer (heights, counts, positions)
  | 'bool' // strict JSON boolean
  | 'string'
  | 'rawtx' // hex of a serialized transaction
  | 'rawtxs' // array of rawtx
  | 'feemode' // CONSERVATIVE | ECONOMICAL (any case)
  | 'features' // a server.features object
  | 'protocol'; // "1.4" or ["1.4", "1.6"]

/** A bad parameter value; the server answers code 1 (BAD_REQUEST) with this message. */
export class ParamError extends Error {}

const HEX64 = /^[0-9a-fA-F]{64}$/;
const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const show = (v: unknown): string => brief(v);

/**
 * A short JSON-like rendering of an untrusted value for error texts: at most `max` characters
 * (then "…"), at most 8 levels deep. Never throws, whatever the size or nesting of `v`
 * (JSON.stringify overflows the stack on 100,000 nested arrays). A top-level string is shown bare.
 */
export function brief(v: unknown, max = 80): string {
  let out = '';
  const walk = (x: unknown, depth: number): void => {
    if (out.length > max) return;
    if (typeof x === 'string') out += JSON.stringify(x.length > max ? x.slice(0, max) : x);
    else if (typeof x !== 'object' || x === null) out += String(x);
    else if (depth >= 8) out += Array.isArray(x) ? '[…]' : '{…}';
    else if (Array.isArray(x)) {
      out += '[';
      for (let i = 0; i < x.length && out.length <= max; i++) {
        if (i > 0) out += ',';
        walk(x[i], depth + 1);
      }
      out += ']';
    } else {
      out += '{';
      let first = true;
      for (const k in x) {
        if (!Object.hasOwn(x, k)) continue;
        if (out.length > max) break;
        if (!first) out += ',';
        first = false;
        out += `${JSON.stringify(k.length > max ? k.slice(0, max) : k)}:`;
        walk((x as Record<string, unknown>)[k], depth + 1);
      }
      out += '}';
    }
  };
  if (typeof v === 'string') out = v.length > max ? v.slice(0, max) : v;
  else walk(v, 0);
  return out.length > max ? `${out.slice(0, max)}…` : out;
}

export const FEE_MODES = ['CONSERVATIVE', 'ECONOMICAL'] as const;

/**
 * Checks (and lightly normalizes) one parameter value. Returns the value to use:
 * hashes lowercased, fee mode uppercased. Address validity is checked by the caller,
 * which knows the network.
 */
export function checkParam(kind: ParamKind, v: unknown): unknown {
  switch (kind) {
    case 'scripthash':
      if (typeof v === 'string' && HEX64.test(v)) return v.toLowerCase();
      throw new ParamError(`${show(v)} is not a valid script hash`);
    case 'txid':
      if (typeof v === 'string' && HEX64.test(v)) return v.toLowerCase();
      throw new ParamError(`${show(v)} should be a transaction hash`);
    case 'uint':
      if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
      throw new ParamError(`${show(v)} should be a non-negative integer`);
    case 'bool':
      if (typeof v === 'boolean') return v;
      throw new ParamError(`${show(v)} should be a boolean`);
    case 'string':
    case 'address':
      if (typeof v === 'string') return v;
      throw new ParamError(`${show(v)} should be a string`);
    case 'rawtx':
      if (typeof v === 'string' && HEX.test(v)) return v;
      throw new ParamError(`${show(v)} is not a valid hex string`);
    case 'rawtxs':
      if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && HEX.test(x))) return v;
      throw new ParamError(`${show(v)} should be a non-empty list of raw transactions in hex`);
    case 'feemode':
      if (typeof v === 'string' && (FEE_MODES as readonly string[]).includes(v.toUpperCase())) return v.toUpperCase();
      throw new ParamError(`unknown estimatefee mode: ${show(v)}`);
    case 'features':
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v;
      throw new ParamError(`${show(v)} should be a dictionary of server features`);
    case 'protocol':
      if (typeof v === 'string') return v;
      if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'string')) return v;
      throw new ParamError(`${show(v)} should be a protocol version or [min, max]`);
  }
}
