/**
 * JSON output (docs/architecture.md §7). Values are printed as the server sent them: JSON.parse keeps
 * the server's key order and JSON.stringify keeps it too, so output is byte-stable for a
 * given reply. Pure.
 */

/** One document: compact (one line) for pipes, two-space indented for a terminal. */
export function toJson(value: unknown, pretty = false): string {
  return JSON.stringify(value === undefined ? null : value, null, pretty ? 2 : undefined);
}

/** One NDJSON event line (never indented). */
export function toNdjson(event: Record<string, unknown>): string {
  return JSON.stringify(event);
}

/** The outcome of one argument of a multi-argument command. */
export type KeyedOutcome = { result: unknown } | { error: { code: number; message: string } };

/** Several arguments: one object keyed by argument, in argument order (docs/architecture.md §7). */
export function keyedByArgument(entries: readonly (readonly [string, KeyedOutcome])[]): Record<string, KeyedOutcome> {
  // Keys are arguments the user typed: no prototype, so "__proto__" is a key like any other.
  const out: Record<string, KeyedOutcome> = Object.create(null);
  for (const [k, v] of entries) out[k] = v;
  return out;
}
