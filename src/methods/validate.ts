/**
 * Validators for untrusted server results. Each validator checks a value and returns it
 * unchanged (so `--json` prints exactly what the server sent, in its key order), or throws a
 * ProtocolError naming the path and what was wrong: `result[2].height: expected an integer,
 * got the string "7"`. Pure; used by the client on every reply before formatting.
 */
import { ProtocolError } from '../errors.js';
import { describe } from '../protocol/jsonrpc.js';
import { cmpVersion } from '../protocol/version.js';

/** What a validator knows besides the value: the negotiated version and the params sent. */
export interface ValidateContext {
  version: string;
  params: readonly unknown[];
}

export type Validator<T = unknown> = (value: unknown, path: string, ctx: ValidateContext) => T;

const fail = (path: string, what: string, got: unknown): never => {
  throw new ProtocolError(`invalid reply: ${path}: expected ${what}, got ${describe(got)}`);
};

export const any: Validator<unknown> = (v) => v;

export const string: Validator<string> = (v, p) => (typeof v === 'string' ? v : fail(p, 'a string', v));

export const boolean: Validator<boolean> = (v, p) => (typeof v === 'boolean' ? v : fail(p, 'a boolean', v));

export const nul: Validator<null> = (v, p) => (v === null ? null : fail(p, 'null', v));

export const number: Validator<number> = (v, p) =>
  typeof v === 'number' && Number.isFinite(v) ? v : fail(p, 'a number', v);

export const integer: Validator<number> = (v, p) =>
  typeof v === 'number' && Number.isSafeInteger(v) ? v : fail(p, 'an integer', v);

export const nonNegInt: Validator<number> = (v, p) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : fail(p, 'a non-negative integer', v);

/** Lowercase or uppercase hex of an exact byte length (or any even length when omitted). */
export function hex(bytes?: number): Validator<string> {
  const re = bytes === undefined ? /^(?:[0-9a-fA-F]{2})*$/ : new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`);
  const what = bytes === undefined ? 'hex' : `${bytes}-byte hex`;
  return (v, p) => (typeof v === 'string' && re.test(v) ? v : fail(p, what, v));
}

export const hash32 = hex(32);

/** A fee rate in BTC/kvB, or -1 for "no estimate". */
export const feeRate: Validator<number> = (v, p) =>
  typeof v === 'number' && Number.isFinite(v) && (v >= 0 || v === -1) ? v : fail(p, 'a fee rate (BTC/kvB) or -1', v);

export function nullable<T>(inner: Validator<T>): Validator<T | null> {
  return (v, p, c) => (v === null ? null : inner(v, p, c));
}

export function oneOf<V extends Validator<unknown>[]>(what: string, ...alts: V): Validator<ReturnType<V[number]>> {
  return (v, p, c) => {
    for (const a of alts) {
      try {
        return a(v, p, c) as ReturnType<V[number]>;
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
      }
    }
    return fail(p, what, v);
  };
}

export function array<T>(item: Validator<T>, opts: { min?: number; max?: number } = {}): Validator<T[]> {
  return (v, p, c) => {
    if (!Array.isArray(v)) return fail(p, 'an array', v);
    if (opts.min !== undefined && v.length < opts.min) fail(p, `at least ${opts.min} items`, v);
    if (opts.max !== undefined && v.length > opts.max) fail(p, `at most ${opts.max} items`, v);
    v.forEach((x, i) => item(x, `${p}[${i}]`, c));
    return v as T[];
  };
}

export function tuple<T extends unknown[]>(...items: { [K in keyof T]: Validator<T[K]> }): Validator<T> {
  return (v, p, c) => {
    if (!Array.isArray(v) || v.length !== items.length) return fail(p, `an array of ${items.length} items`, v);
    items.forEach((it, i) => it(v[i], `${p}[${i}]`, c));
    return v as T;
  };
}

type Shape = Record<string, Validator<unknown>>;
type Out<S extends Shape> = { [K in keyof S]: ReturnType<S[K]> };

/**
 * An object with required keys `req` and optional keys `opt` (absent or valid). Unknown keys
 * are allowed: servers add extras (Fulcrum's `unbroadcastcount`, ElectrumX's `services`).
 */
export function object<R extends Shape, O extends Shape = Record<never, never>>(
  req: R,
  opt?: O,
): Validator<Out<R> & Partial<Out<O>>> {
  return (v, p, c) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(p, 'an object', v);
    const o = v as Record<string, unknown>;
    for (const [k, val] of Object.entries(req)) {
      if (!Object.hasOwn(o, k)) throw new ProtocolError(`invalid reply: ${p}: missing field "${k}"`);
      val(o[k], `${p}.${k}`, c);
    }
    for (const [k, val] of Object.entries(opt ?? {})) if (Object.hasOwn(o, k) && o[k] !== undefined) val(o[k], `${p}.${k}`, c);
    return v as Out<R> & Partial<Out<O>>;
  };
}

/** A map with arbitrary keys whose values all pass `item`. */
export function record<T>(item: Validator<T>): Validator<Record<string, T>> {
  return (v, p, c) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(p, 'an object', v);
    for (const [k, val] of Object.entries(v)) item(val, `${p}.${k}`, c);
    return v as Record<string, T>;
  };
}

/** Chooses a validator by the negotiated version: the last entry whose version is <= ctx.version. */
export function byVersion<T>(table: [since: string, v: Validator<T>][]): Validator<T> {
  return (v, p, c) => {
    let chosen = table[0]![1];
    for (const [since, val] of table) if (cmpVersion(c.version, since) >= 0) chosen = val;
    return chosen(v, p, c);
  };
}

/** Runs `inner`, then an extra check that returns a problem string or null. */
export function refine<T>(inner: Validator<T>, check: (v: T, ctx: ValidateContext) => string | null): Validator<T> {
  return (v, p, c) => {
    const out = inner(v, p, c);
    const problem = check(out, c);
    if (problem) throw new ProtocolError(`invalid reply: ${p}: ${problem}`);
    return out;
  };
}

/** Validates a whole result: the entry point used by the client (`path` is "result"). */
export function check<T>(validator: Validator<T>, value: unknown, ctx: ValidateContext): T {
  return validator(value, 'result', ctx);
}
