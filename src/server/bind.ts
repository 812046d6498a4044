/**
 * Binds a request's params (positional array or named object) to a method's documented
 * parameters at the negotiated version, checking each value with the registry's shared
 * checks. Pure. Messages follow ElectrumX (aiorpcx) so clients see familiar errors.
 */
import type { MethodSpec, ParamSpec } from '../methods/spec.js';
import { paramsAt } from '../methods/spec.js';
import { ParamError, checkParam } from '../methods/params.js';
import { RPC, type Params } from '../protocol/jsonrpc.js';
import { RpcError, type Args } from './handlers/context.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Deeper params than any method takes (server.add_peer's features are 4 levels) are refused. */
export const MAX_PARAM_DEPTH = 32;

/** True when `v` nests arrays/objects more than `max` levels. Iterative: no stack to overflow. */
export function nestedDeeper(v: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[v, 1]];
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    if (typeof x !== 'object' || x === null) continue;
    if (d > max) return true;
    for (const child of Array.isArray(x) ? x : Object.values(x)) if (typeof child === 'object' && child !== null) stack.push([child, d + 1]);
  }
  return false;
}

/**
 * Returns the arguments by name (defaults applied, optional ones absent when not given).
 * Wrong count or unknown names: -32602. A bad value: code 1 quoting it (ParamError).
 * `ignoreExtra` drops surplus arguments instead (server.version, protocol 1.6 rule).
 */
export function bindParams(spec: MethodSpec, version: string, params: Params, ignoreExtra = false): Args {
  if (nestedDeeper(params, MAX_PARAM_DEPTH)) {
    throw new RpcError(RPC.INVALID_PARAMS, `params of method "${spec.name}" nested too deeply (over ${MAX_PARAM_DEPTH} levels)`);
  }
  const specs = paramsAt(spec, version);
  const required = specs.filter((p) => !p.optional);
  const values = new Map<ParamSpec, unknown>();
  if (Array.isArray(params)) {
    if (params.length < required.length) {
      throw new RpcError(
        RPC.INVALID_PARAMS,
        `${plural(params.length, 'argument')} passed to method "${spec.name}" but it requires ${required.length}`,
      );
    }
    if (params.length > specs.length && !ignoreExtra) {
      throw new RpcError(
        RPC.INVALID_PARAMS,
        `${plural(params.length, 'argument')} passed to method "${spec.name}" taking at most ${specs.length}`,
      );
    }
    specs.forEach((p, i) => {
      if (i < params.length) values.set(p, params[i]);
    });
  } else {
    const missing = required.filter((p) => !Object.hasOwn(params, p.name)).map((p) => `"${p.name}"`);
    if (missing.length > 0) {
      throw new RpcError(RPC.INVALID_PARAMS, `method "${spec.name}" requires parameter${missing.length === 1 ? '' : 's'} ${missing.sort().join(', ')}`);
    }
    const known = new Set(specs.map((p) => p.name));
    const extra = Object.keys(params).filter((k) => !known.has(k)).map((k) => `"${k}"`);
    if (extra.length > 0 && !ignoreExtra) {
      throw new RpcError(RPC.INVALID_PARAMS, `method "${spec.name}" does not take parameter${extra.length === 1 ? '' : 's'} ${extra.sort().join(', ')}`);
    }
    for (const p of specs) if (Object.hasOwn(params, p.name)) values.set(p, params[p.name]);
  }
  const args: Args = {};
  for (const p of specs) {
    // JSON null for an optional argument means "not given", as in Python's None default.
    const given = values.has(p) && !(p.optional && values.get(p) === null);
    if (!given) {
      if (p.default !== undefined) args[p.name] = p.default;
      continue;
    }
    try {
      args[p.name] = checkParam(p.kind, values.get(p));
    } catch (e) {
      if (e instanceof ParamError) throw new RpcError(RPC.BAD_REQUEST, e.message);
      throw e;
    }
  }
  return args;
}
