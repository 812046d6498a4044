/**
 * The shape of a method record. The registry (registry.ts) is the single source of truth:
 * the commander tree, completions, man page and the server's dispatch table all derive from
 * it. Adding a method is one record here plus its server handler.
 */
import type { ParamKind } from './params.js';
import type { Validator } from './validate.js';
import { inRange } from '../protocol/version.js';

export interface ParamSpec {
  /** The documented wire name (docs/protocol.md §5). */
  name: string;
  kind: ParamKind;
  description: string;
  /** Omitted when not given (trailing optional params are dropped from the wire array). */
  optional?: boolean;
  /** The server's default when omitted. */
  default?: unknown;
  /** Protocol versions in which this parameter exists (inclusive). */
  since?: string;
  until?: string;
  /**
   * What `serve --local` accepts where it differs from what the client sends (ElectrumX's
   * handlers): another version range, or `truthy` (any JSON value, read as Python reads it).
   */
  server?: { since?: string; until?: string; truthy?: boolean };
}

/** How a result is shown in a table (format/table.ts renders these). */
export type ColumnFormat = 'text' | 'int' | 'sats' | 'btc' | 'height' | 'hash' | 'time' | 'feerate' | 'bool' | 'json' | 'hashes';
// 'hash': shortened in the middle on a narrow terminal; 'hashes': a list of hashes, one row each
// ('btc' and 'sats' both follow --btc/--sats; 'btc' shows both units by default).

export interface ColumnSpec {
  /** Field of the result object (or of each item of an array result). */
  key: string;
  header: string;
  format: ColumnFormat;
}

/** How a CLI positional argument is read from the shell. */
export type ArgKind =
  | 'target' // address | script hash (| --script HEX): feeds a scripthash or address param
  | 'txid'
  | 'uint'
  | 'string'
  | 'rawtx' // hex, a file name, or - for stdin
  | 'json'; // a JSON value (call)

export interface ArgSpec {
  /** Shown in usage, e.g. ADDR. */
  name: string;
  kind: ArgKind;
  /** The wire parameter it fills (by name). */
  param: string;
  description: string;
  optional?: boolean;
  /** Several values: one request each, sent as one batch; output keyed by argument. */
  variadic?: boolean;
  /** Fixed choices (offered by completions). */
  choices?: readonly string[];
}

export interface OptionSpec {
  /** commander flags, e.g. "--cp-height <height>". */
  flags: string;
  /** The wire parameter it fills (by name); absent for the command's own options (--follow). */
  param?: string;
  kind: 'uint' | 'bool' | 'string';
  description: string;
  choices?: readonly string[];
}

/** The CLI face of a method: one subcommand (docs/architecture.md §2). */
export interface CommandSpec {
  /** The subcommand name (the short verb). */
  name: string;
  /** Other names, among them Electrum's and bitcoin-cli's where the command answers the same question. */
  aliases?: readonly string[];
  /**
   * Names other tools (Electrum, bitcoin-cli) use for a related but different command:
   * `electrum-cli NAME` is a usage error whose hint names this command and says why.
   */
  hints?: readonly { name: string; why: string }[];
  args: readonly ArgSpec[];
  options?: readonly OptionSpec[];
  /** Table columns; absent for scalar results, which print as they are. */
  columns?: readonly ColumnSpec[];
  /** The `--json` output shape, for the man page. */
  json: string;
  /** Extra help text. */
  description?: string;
  examples?: readonly string[];
  /**
   * On servers where none of the command's methods exists, answer from another method's
   * result instead (e.g. `height` from `blockchain.headers.subscribe` after 1.0).
   */
  fallback?: { method: string; params?: readonly unknown[]; pick: (result: unknown) => unknown; note: string };
}

/**
 * A method record. `R` is the result type its validator proves (so `call()` returns it typed);
 * `N` the literal wire name (so the server's handler table is checked exhaustively).
 */
export interface MethodSpec<N extends string = string, R = unknown, P extends readonly ParamSpec[] = readonly ParamSpec[]> {
  /** Wire name: the key for everything. */
  name: N;
  /**
   * What one call costs the client's budget on the embedded server, in ElectrumX's units
   * (docs/protocol.md §8; README "Cost model"): 1 for an ordinary query, less for trivial
   * ones, more for heavy ones. Required, so a new method cannot be left free of charge.
   */
  cost: number;
  /** Protocol versions in which the method exists (inclusive). */
  since: string;
  until?: string;
  summary: string;
  /** In wire order; their names and kinds type the server handler's arguments (`ArgsOf`). */
  params: P;
  /** Validates the result before anything formats it (its return type is the method's result type). */
  result: Validator<R>;
  /** For subscriptions: validates each notification's params array. */
  notification?: Validator;
  /** For a wrapped result (1.7's {"history": [...]}): what the command prints, in the 1.6 shape. */
  unwrap?: (result: unknown) => unknown;
  /** Oddities of a valid result worth telling the user (printed as notices on stderr). */
  notes?: (result: unknown) => string[];
  /**
   * The subcommand that serves this method. The first method of a command in registry order
   * carries `cli`; later ones (older or newer variants) name it in `command` only, and the
   * command picks the first variant that exists at the negotiated version.
   */
  command: string;
  cli?: CommandSpec;
  /**
   * What `serve --local` serves where it differs from the documented range (ElectrumX 1.4
   * served some methods at every version): its own range, and up to which version surplus
   * arguments are ignored instead of refused.
   */
  server?: { since?: string; until?: string; ignoresExtraUntil?: string };
}

/** Preserves the literal wire name so the server's handler map can be checked exhaustively. */
export function defineMethod<const N extends string, R, const P extends readonly ParamSpec[]>(spec: MethodSpec<N, R, P>): MethodSpec<N, R, P> {
  return spec;
}

/** The value a parameter of kind `K` has once checked (`checkParam`, params.ts). */
export type ParamValue<K extends ParamKind> =
  K extends 'uint' ? number
  : K extends 'bool' ? boolean
  : K extends 'rawtxs' ? string[]
  : K extends 'features' ? Record<string, unknown>
  : K extends 'protocol' ? string | [string, string]
  : string;

/** The value of one parameter as a handler gets it: ElectrumX's `truthy` ones are any JSON value. */
type ArgValue<X extends ParamSpec> = X extends { server: { truthy: true } } ? unknown
  // The binder (server/bind.ts) fills in a default where the record gives one.
  : X extends { optional: true; default: unknown } ? ParamValue<X['kind']>
  : X extends { optional: true } ? ParamValue<X['kind']> | undefined
  : ParamValue<X['kind']>;

/** A method's arguments by their documented wire names, as the server's handler gets them (bound and checked). */
export type ArgsOf<S> = S extends { params: infer P extends readonly ParamSpec[] }
  ? { [X in P[number] as X['name']]: ArgValue<X> }
  : never;

/** True when `method` exists at protocol version `v`. */
export function availableAt(method: Pick<MethodSpec, 'since' | 'until'>, v: string): boolean {
  return inRange(v, method.since, method.until);
}

/** The params of `method` that exist at version `v`, in wire order. */
export function paramsAt(method: MethodSpec, v: string): ParamSpec[] {
  return method.params.filter((p) => inRange(v, p.since ?? '1.0', p.until));
}

/** True when the embedded server serves `method` at version `v` (its own range when it has one). */
export function servedAt(method: Pick<MethodSpec, 'since' | 'until' | 'server'>, v: string): boolean {
  return inRange(v, method.server?.since ?? method.since, method.server?.until ?? method.until);
}

/** The params the embedded server takes for `method` at version `v`, in wire order. */
export function serverParamsAt(method: MethodSpec, v: string): ParamSpec[] {
  return method.params.filter((p) => inRange(v, p.server?.since ?? p.since ?? '1.0', p.server?.until ?? p.until));
}
