/**
 * The typed call: a method record, its arguments in wire order, and the reply validated by the
 * record's own validator before anyone reads it (docs/architecture.md §4). Every Electrum call
 * outside src/methods/ goes through here, except where the wire name is chosen at run time
 * (`call`, the doctor's method sweep, `compare`, the load bench) and the session's own
 * negotiation and keepalive in src/protocol/.
 */
import type { MethodSpec } from './spec.js';
import { check } from './validate.js';

/** What a call needs of a connection (src/protocol/connection.ts implements it). */
export interface Caller {
  /** The negotiated version; validators read it ("1.0" when negotiation was skipped). */
  readonly version?: string | undefined;
  request(method: string, params?: unknown[], opts?: { timeoutMs?: number }): Promise<unknown>;
}

export interface BatchCaller extends Caller {
  batch(calls: { method: string; params?: unknown[] }[], opts?: { timeoutMs?: number }): Promise<({ result: unknown } | { error: Error })[]>;
}

export interface SubscribeCaller extends Caller {
  subscribe(method: string, params?: unknown[], opts?: { timeoutMs?: number; key?: string }): Promise<{ result: unknown; stream: AsyncIterableIterator<unknown[]> }>;
}

/** The result type a record's validator proves. */
export type ResultOf<S> = S extends MethodSpec<string, infer R> ? R : never;

const ctxOf = (conn: Caller, params: unknown[]) => ({ version: conn.version ?? '1.0', params });

/** One request; the reply is validated (ProtocolError "invalid reply: ..." otherwise) and typed. */
export async function call<R>(conn: Caller, spec: MethodSpec<string, R>, args: readonly unknown[] = [], opts?: { timeoutMs?: number }): Promise<R> {
  const params = [...args];
  const raw = await conn.request(spec.name, params, opts);
  return check(spec.result, raw, ctxOf(conn, params));
}

/**
 * One batch of the same method: one item per argument list, in order. A server error stays
 * the item's (the others are still answered); an invalid reply throws, as in `call`.
 */
export async function callBatch<R, E extends Error = Error>(
  conn: BatchCaller,
  spec: MethodSpec<string, R>,
  argLists: readonly (readonly unknown[])[],
  opts?: { timeoutMs?: number },
): Promise<({ result: R } | { error: E })[]> {
  const lists = argLists.map((a) => [...a]);
  const replies = await conn.batch(lists.map((params) => ({ method: spec.name, params })), opts);
  return replies.map((r, i) => ('error' in r ? { error: r.error as E } : { result: check(spec.result, r.result, ctxOf(conn, lists[i]!)) }));
}

/** A subscription: the initial result validated and typed, then the connection's notification stream. */
export async function callSubscribe<R>(
  conn: SubscribeCaller,
  spec: MethodSpec<string, R>,
  args: readonly unknown[] = [],
  opts?: { timeoutMs?: number; key?: string },
): Promise<{ result: R; stream: AsyncIterableIterator<unknown[]> }> {
  const params = [...args];
  const { result, stream } = await conn.subscribe(spec.name, params, opts);
  return { result: check(spec.result, result, ctxOf(conn, params)), stream };
}
