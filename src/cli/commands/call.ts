/**
 * `call METHOD [PARAMS...]`: any method, raw. Each param is JSON when it parses as JSON,
 * else a string (so txids and addresses need no quoting). The result prints as JSON; when
 * the registry knows the method, it is validated first like every other result.
 */
import { findMethod } from '../../methods/registry.js';
import { check } from '../../methods/validate.js';
import type { Context } from '../context.js';
import { withHint } from '../job.js';

/** A shell word as a JSON-RPC param. Digit strings too long for a double stay strings. */
export function parseCallParam(text: string): unknown {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return text;
  }
  if (typeof v === 'number' && !Number.isSafeInteger(v) && /^\d+$/.test(text.trim())) return text;
  return v;
}

export async function run(ctx: Context, method: string, words: readonly string[]): Promise<void> {
  const params = words.map(parseCallParam);
  const conn = await ctx.connect();
  const spec = findMethod(method);
  let result: unknown;
  try {
    result = await conn.request(method, params); // wire name chosen at run time (by the user; may be unknown to the registry)
  } catch (err) {
    throw spec ? withHint(err, spec, conn.version ?? '1.0') : err;
  }
  if (spec) check(spec.result, result, { version: conn.version ?? '1.0', params });
  await ctx.verified();
  await ctx.out.json(result);
}
