/** Parameter access for RPC handlers: positional or named (per a method's name list), Core's type errors. */
import { RPC, RpcError } from './errors.js';
import { typeName } from './node.js';

/** Positional params after resolving named ones against the method's parameter names. */
export function positional(method: string, names: string[] | undefined, params: unknown): unknown[] {
  if (params === undefined || params === null) return [];
  if (Array.isArray(params)) return params;
  if (typeof params !== 'object') throw new RpcError(RPC.INVALID_REQUEST, 'Params must be an array or object');
  const obj = params as Record<string, unknown>;
  const out: unknown[] = [];
  for (const key of Object.keys(obj)) {
    const i = names ? names.indexOf(key) : -1;
    if (i < 0) throw new RpcError(RPC.INVALID_PARAMETER, `Unknown named parameter ${key}`);
    out[i] = obj[key];
  }
  return out;
}

/** Typed getters over one request's positional params. */
export class Params {
  constructor(readonly method: string, readonly list: unknown[]) {}
  has(i: number): boolean { return this.list[i] !== undefined && this.list[i] !== null; }
  private need(i: number, what: string): unknown {
    if (!this.has(i)) throw new RpcError(RPC.MISC_ERROR, `${this.method}: missing required argument ${i + 1} (${what})`);
    return this.list[i];
  }
  private typed(v: unknown, type: string): never {
    throw new RpcError(RPC.TYPE_ERROR, `JSON value of type ${typeName(v)} is not of expected type ${type}`);
  }
  str(i: number, what: string): string { const v = this.need(i, what); return typeof v === 'string' ? v : this.typed(v, 'string'); }
  optStr(i: number, dflt: string): string { return this.has(i) ? this.str(i, '') : dflt; }
  int(i: number, what: string): number {
    const v = this.need(i, what);
    if (typeof v !== 'number' || !Number.isInteger(v)) return this.typed(v, 'number');
    return v;
  }
  optInt(i: number, dflt: number): number { return this.has(i) ? this.int(i, '') : dflt; }
  num(i: number, what: string): number { const v = this.need(i, what); return typeof v === 'number' ? v : this.typed(v, 'number'); }
  optBool(i: number, dflt: boolean): boolean {
    if (!this.has(i)) return dflt;
    const v = this.list[i];
    return typeof v === 'boolean' ? v : this.typed(v, 'bool');
  }
  arr(i: number, what: string): unknown[] { const v = this.need(i, what); return Array.isArray(v) ? v : this.typed(v, 'array'); }
  obj(i: number, what: string): Record<string, unknown> {
    const v = this.need(i, what);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : this.typed(v, 'object');
  }
  raw(i: number): unknown { return this.list[i]; }
  /** A block or tx hash argument with Core's messages. */
  hash(i: number, what: string): string {
    const v = this.str(i, what);
    if (v.length !== 64) throw new RpcError(RPC.INVALID_PARAMETER, `${what} must be of length 64 (not ${v.length}, for '${v}')`);
    if (!/^[0-9a-fA-F]{64}$/.test(v)) throw new RpcError(RPC.INVALID_PARAMETER, `${what} must be hexadecimal string (not '${v}')`);
    return v.toLowerCase();
  }
}
