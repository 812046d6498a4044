/**
 * --fields and --jq (issue 10 item 17): applied to the JSON document exactly as --json would
 * print it (output.ts), one event at a time for NDJSON streams. --fields keeps the named keys
 * of each object, of each object in a result list, and per argument of a multi-argument
 * result. --jq runs jq in-process (the jq-wasm package: jq itself compiled to WebAssembly),
 * imported only when the flag is given.
 */
import { UsageError } from '../errors.js';
import { toJson } from '../format/json.js';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Keeps `fields` of each object (in the order asked; keys an object lacks are left out). A
 * field that no object has, or a document without objects, is a usage error naming the keys
 * there are, so a typo does not silently print nothing. Pure.
 */
export function pickFields(doc: unknown, fields: readonly string[], opts: { keyed?: boolean } = {}): unknown {
  const seen = new Set<string>();
  let objects = 0;
  const pick = (o: unknown): unknown => {
    if (!isObject(o)) return o;
    objects++;
    for (const k of Object.keys(o)) seen.add(k);
    return Object.fromEntries(fields.filter((f) => Object.hasOwn(o, f)).map((f) => [f, o[f]]));
  };
  const each = (v: unknown): unknown => (Array.isArray(v) ? v.map(pick) : pick(v));
  let out: unknown;
  if (opts.keyed && isObject(doc)) {
    out = Object.fromEntries(
      Object.entries(doc).map(([arg, outcome]) => [arg, isObject(outcome) && Object.hasOwn(outcome, 'result') ? { ...outcome, result: each(outcome.result) } : outcome]),
    );
  } else {
    out = each(doc);
  }
  if (objects === 0) {
    // Nothing to pick from: an empty list is fine, a scalar result is not what --fields is for.
    const empty = (v: unknown) => Array.isArray(v) && v.length === 0;
    const docs = opts.keyed && isObject(doc) ? Object.values(doc).map((o) => (isObject(o) ? o.result : undefined)) : [doc];
    if (docs.every((d) => d === undefined || empty(d))) return out;
    throw new UsageError('--fields applies to results made of objects; this one has none', { hint: 'leave --fields out, or use --jq' });
  }
  const missing = fields.filter((f) => !seen.has(f));
  if (missing.length > 0) {
    throw new UsageError(`--fields: no field ${missing.map((m) => JSON.stringify(m)).join(', ')} in the result`, {
      hint: `the fields are: ${[...seen].join(', ')}`,
    });
  }
  return out;
}

type JqModule = { raw(json: string | object, query: string, flags?: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> };
let jqModule: Promise<JqModule> | undefined;

async function jq(): Promise<JqModule> {
  jqModule ??= import('jq-wasm') as Promise<JqModule>;
  return jqModule;
}

/** jq's own message, first line, without its "jq: error" prefix or the <stdin> position. */
function jqMessage(stderr: string): string {
  const first = stderr.split('\n').find((l) => l.trim() !== '') ?? 'jq failed';
  return first.replace(/^jq: error(?: \(at [^)]*\))?: ?/, '').trim();
}

/**
 * Compiles `expr` once against null, before anything is sent: a syntax or compile error is
 * exit 2 (jq's status 3). Errors that only data can raise (.foo of an array) wait for data.
 */
export async function checkJq(expr: string): Promise<void> {
  const r = await (await jq()).raw('null', expr, ['-n']);
  if (r.exitCode === 3 || /compile error/.test(r.stderr)) {
    throw new UsageError(`bad --jq expression: ${jqMessage(r.stderr)}`, { hint: 'see jq(1); e.g. --jq \'.[] | .tx_hash\'' });
  }
}

/**
 * Runs `expr` over one document (as --json prints it) and returns jq's output, strings raw
 * (as gh's --jq and jq -r print them), other values compact. A failure is exit 2.
 */
export async function applyJq(doc: unknown, expr: string): Promise<string> {
  const r = await (await jq()).raw(toJson(doc), expr, ['-r', '-c']);
  if (r.exitCode !== 0) {
    const what = r.exitCode === 3 ? 'bad --jq expression' : '--jq failed';
    throw new UsageError(`${what}: ${jqMessage(r.stderr)}`);
  }
  return r.stdout;
}
