/**
 * argv -> typed values -> wire params, per the registry's ArgSpec/OptionSpec kinds. Values
 * are checked before connecting (a bad address is a usage error, exit 2, with no network
 * traffic); the wire array is built once the negotiated version has chosen the method.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { isHex, isHex64 } from '../bitcoin/hex.js';
import { addressToScript, scriptToAddress } from '../bitcoin/address.js';
import { scriptHexToScriptHash, toScriptHash } from '../bitcoin/scripthash.js';
import type { NetworkName } from '../bitcoin/networks.js';
import { checkParam, ParamError } from '../methods/params.js';
import type { ArgSpec, CommandSpec, MethodSpec, OptionSpec } from '../methods/spec.js';
import { inRange } from '../protocol/version.js';

/** An address, script hash or script given where a script hash is expected. */
export interface Target {
  /** As typed (the key of multi-argument output). */
  arg: string;
  scripthash: string;
  /** Set when the argument is (or the script has) an address: the 1.0–1.2 methods need it. */
  address?: string;
  /** The output script (hex), unless a bare script hash was given: the 1.7 draft's methods need it. */
  script?: string;
}

/** Everything a command invocation says, before the method is chosen. */
export interface Invocation {
  /** Wire param name -> value; a Target travels under TARGET_PARAM. */
  values: Record<string, unknown>;
  /** A variadic argument: one request per item, sent as one batch, output keyed by `key`. */
  fanout?: { param: string; items: { key: string; value: unknown }[] };
  /** The command's own options that are not wire params (--decode, --follow, --verify). */
  flags: Record<string, unknown>;
}

/** Param name under which a target travels until the method is known. */
export const TARGET_PARAM = '\u0000target';

export interface ArgContext {
  network: NetworkName;
  /** --script HEX */
  script?: string;
  cwd: string;
  /** Reads all of stdin (for `-`). */
  readStdin: () => Promise<string>;
}

/** Reads a positional/option value list per the command's spec. */
export async function parseInvocation(
  spec: CommandSpec,
  positionals: readonly unknown[],
  options: Record<string, unknown>,
  ctx: ArgContext,
): Promise<Invocation> {
  const inv: Invocation = { values: {}, flags: {} };
  let stdinUsed = false;
  const readOnce = async () => {
    if (stdinUsed) throw new UsageError('only one argument can be read from stdin (-)');
    stdinUsed = true;
    return ctx.readStdin();
  };
  for (const [i, arg] of spec.args.entries()) {
    const raw = positionals[i];
    let texts: string[] = raw === undefined ? [] : Array.isArray(raw) ? raw.map(String) : [String(raw)];
    if (arg.kind === 'target') {
      const targets = texts.map((t) => parseTarget(t, ctx.network));
      if (ctx.script !== undefined) targets.push(parseScriptTarget(ctx.script, ctx.network));
      if (targets.length === 0) {
        throw new UsageError(`missing ${arg.name}: give an address or script hash, or --script HEX`);
      }
      if (!arg.variadic && targets.length > 1) throw new UsageError(`${arg.name} takes one value`);
      addValues(inv, arg, TARGET_PARAM, targets.map((t) => ({ key: t.arg, value: t })));
      continue;
    }
    if (texts.length === 0) {
      if (arg.optional) continue;
      throw new UsageError(`missing ${arg.name}`);
    }
    if (!arg.variadic) texts = texts.slice(0, 1);
    const items: { key: string; value: unknown }[] = [];
    for (const t of texts) items.push({ key: t, value: await convertArg(arg, t, ctx, readOnce) });
    addValues(inv, arg, arg.param, items);
  }
  for (const opt of spec.options ?? []) {
    const name = attributeName(opt.flags);
    const v = options[name];
    if (v === undefined || v === false) continue;
    const value = convertOption(opt, v);
    if (opt.param) inv.values[opt.param] = value;
    else inv.flags[name] = value;
  }
  return inv;
}

function addValues(inv: Invocation, arg: ArgSpec, param: string, items: { key: string; value: unknown }[]): void {
  if (!arg.variadic) {
    inv.values[param] = items[0]!.value;
  } else if (param === 'raw_txs') {
    // A package is one request whose param is the list (broadcast_package), not a batch.
    inv.values[param] = items.map((x) => x.value);
  } else if (items.length === 1) {
    inv.values[param] = items[0]!.value;
  } else {
    inv.fanout = { param, items };
  }
}

/** commander's attribute name for a flag: "--cp-height <h>" -> "cpHeight", "--no-x" -> "x". */
export function attributeName(flags: string): string {
  const long = flags.split(/[ ,|]+/).find((f) => f.startsWith('--')) ?? flags;
  return long.replace(/^--(no-)?/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Address or script hash -> Target; UsageError if it is neither (for this network). */
export function parseTarget(text: string, network: NetworkName): Target {
  const arg = text.trim();
  const scripthash = toScriptHash(arg, network); // throws UsageError naming the problem
  return isHex64(arg) ? { arg, scripthash } : { arg, scripthash, address: arg, script: addressToScript(arg, network).toString('hex') };
}

/** --script HEX -> Target (with the address when the script has one). */
export function parseScriptTarget(hex: string, network: NetworkName): Target {
  const arg = hex.trim().toLowerCase();
  const scripthash = scriptHexToScriptHash(arg);
  const address = scriptToAddress(arg, network);
  return address ? { arg, scripthash, address, script: arg } : { arg, scripthash, script: arg };
}

async function convertArg(arg: ArgSpec, text: string, ctx: ArgContext, readStdin: () => Promise<string>): Promise<unknown> {
  switch (arg.kind) {
    case 'uint':
      return parseUint(text, arg.name);
    case 'txid':
      if (!isHex64(text)) throw new UsageError(`${arg.name} must be a transaction id (64 hex characters), got ${JSON.stringify(text)}`);
      return text.toLowerCase();
    case 'rawtx':
      return readRawTx(text, ctx.cwd, readStdin);
    case 'json':
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new UsageError(`${arg.name} must be JSON, got ${JSON.stringify(text.slice(0, 40))}`);
      }
    case 'string':
      if (arg.choices) {
        const hit = arg.choices.find((c) => c.toLowerCase() === text.toLowerCase());
        if (!hit) throw new UsageError(`${arg.name} must be one of ${arg.choices.join(', ')}, got ${JSON.stringify(text)}`);
        return hit;
      }
      return text;
    case 'target':
      return parseTarget(text, ctx.network);
  }
}

function convertOption(opt: OptionSpec, v: unknown): unknown {
  if (opt.kind === 'bool') return true;
  const text = String(v);
  if (opt.kind === 'uint') return parseUint(text, opt.flags.split(' ')[0]!);
  if (opt.choices && !opt.choices.includes(text)) {
    throw new UsageError(`${opt.flags.split(' ')[0]} must be one of ${opt.choices.join(', ')}`);
  }
  return text;
}

/** A non-negative decimal integer. */
export function parseUint(text: string, name: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) {
    throw new UsageError(`${name} must be a non-negative integer, got ${JSON.stringify(text)}`);
  }
  return n;
}

/** RAWTX: hex, a file holding hex, or - for stdin. */
export async function readRawTx(text: string, cwd: string, readStdin: () => Promise<string>): Promise<string> {
  let hex: string;
  let where: string;
  if (text === '-') {
    hex = (await readStdin()).trim();
    where = 'stdin';
  } else if (isHex(text.trim()) && text.trim() !== '') {
    return text.trim().toLowerCase();
  } else {
    const path = resolve(cwd, text);
    try {
      hex = (await readFile(path, 'utf8')).trim();
    } catch {
      throw new UsageError(`RAWTX ${JSON.stringify(text.slice(0, 40))} is neither hex nor a readable file`, {
        hint: 'give the raw transaction in hex, a file holding it, or - to read stdin',
      });
    }
    where = `file ${text}`;
  }
  if (hex === '' || !isHex(hex)) throw new UsageError(`${where} does not hold a raw transaction in hex`);
  return hex.toLowerCase();
}

/**
 * The wire params for `method` at `version`: positional, in the method's order. Params the
 * version lacks are left out unless the user gave them (then sent, with a warning by the
 * caller); interior gaps take the documented default; trailing omitted ones are dropped.
 * `notParams` names given values that are no parameter of this method at all.
 */
export function wireParams(
  method: MethodSpec,
  version: string,
  values: Record<string, unknown>,
): { params: unknown[]; outOfVersion: string[]; notParams: string[] } {
  const target = values[TARGET_PARAM] as Target | undefined;
  // Given values the method has no slot for at all (--cp-height with 1.0's block.get_header):
  // they cannot be sent, and dropping them silently would answer another question.
  const notParams = Object.keys(values).filter((k) => k !== TARGET_PARAM && values[k] !== undefined && !method.params.some((p) => p.name === k));
  const slots: { given: boolean; value: unknown }[] = [];
  const outOfVersion: string[] = [];
  for (const p of method.params) {
    let v = values[p.name];
    if (target && (p.kind === 'scripthash' || p.kind === 'address' || p.kind === 'script') && v === undefined) {
      v = p.kind === 'scripthash' ? target.scripthash : p.kind === 'script' ? targetScript(target, method, version) : targetAddress(target, method, version);
    }
    const exists = inRange(version, p.since ?? '1.0', p.until);
    if (v === undefined) {
      // A required parameter with a default is always sent (1.7's spk_hint: "").
      if (exists) slots.push({ given: !p.optional && p.default !== undefined, value: p.default ?? null });
      continue;
    }
    if (!exists) outOfVersion.push(p.name);
    try {
      v = checkParam(p.kind, v);
    } catch (err) {
      if (err instanceof ParamError) throw new UsageError(`${p.name}: ${err.message}`);
      throw err;
    }
    slots.push({ given: true, value: v });
  }
  while (slots.length > 0 && !slots[slots.length - 1]!.given) slots.pop();
  return { params: slots.map((s) => s.value), outOfVersion, notParams };
}

function targetScript(target: Target, method: MethodSpec, version: string): string {
  if (target.script !== undefined) return target.script;
  throw new UsageError(`${method.name} takes an output script, and ${JSON.stringify(target.arg.slice(0, 20))} is a script hash`, {
    hint: `at protocol ${version} the scriptpubkey methods replace the scripthash ones: give the address or --script HEX instead`,
  });
}

function targetAddress(target: Target, method: MethodSpec, version: string): string {
  if (target.address !== undefined) return target.address;
  throw new UsageError(`${method.name} takes an address, and ${JSON.stringify(target.arg.slice(0, 20))} is a script hash`, {
    hint: `at protocol ${version} only the address methods exist: give the address instead`,
  });
}
