/**
 * The JSON-RPC dialect of a server session, fixed from its first message as aiorpcX's
 * JSONRPCAutoDetect fixes it (ElectrumX's framing library), and the decoding of incoming
 * messages with aiorpcX's error codes (docs/protocol.md §1.1):
 *
 * - "2.0": every message must say "jsonrpc": "2.0"; batches allowed; replies {jsonrpc, result|error, id}.
 * - "1.0": an "id" is required, params must be a list, no batches; replies {result, error, id}
 *   with the other member null, notifications {method, params, id: null}.
 * - loose (no "jsonrpc" in the first message, and not 1.0-shaped): anything goes, 2.0 replies.
 *
 * Malformed messages: invalid JSON or non-UTF-8 is -32700, a non-object is -32600, a method
 * that is not a string -32601, params that are neither list nor object -32602; a message
 * shaped like a response (no "method") gets no reply at all. Pure.
 */
import { RPC, encodeError, encodeResult, type JsonRpcId, type Params, type RequestMessage, type NotificationMessage } from '../protocol/jsonrpc.js';

export type Dialect = '2.0' | '1.0' | 'loose';

/** What LineSplitter-fed listeners pass for a line that is not valid UTF-8 (not JSON, so never a real message). */
export const INVALID_UTF8 = '\u0000invalid utf-8';

/** One decoded item: a request, a notification, an invalid request (answered), or ignored (a response). */
export type Item =
  | RequestMessage
  | NotificationMessage
  | { kind: 'invalid'; id: JsonRpcId | null; code: number; message: string }
  | { kind: 'ignored' };

export type Decoded =
  | { ok: true; batch: boolean; items: Item[] }
  | { ok: false; code: number; message: string };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is JsonRpcId => (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string';
const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v) ?? String(v));

/** aiorpcX's detect_protocol on an already parsed first message. */
export function detectDialect(v: unknown): Dialect {
  const one = (p: unknown): Dialect => {
    if (!isObj(p)) return 'loose';
    if (p.jsonrpc === '2.0') return '2.0';
    if (p.jsonrpc === '1.0') return '1.0';
    return 'result' in p && 'error' in p ? '1.0' : 'loose';
  };
  if (!Array.isArray(v)) return one(v);
  const kinds = new Set(v.map(one));
  if (kinds.size === 1) return [...kinds][0]!;
  if (kinds.has('2.0')) return '2.0';
  if (kinds.has('1.0')) return '1.0';
  return 'loose';
}

/** Parses a message in `dialect`; `parsed` lets the caller reuse the JSON it detected the dialect from. */
export function decodeIn(dialect: Dialect, text: string, parsed?: { value: unknown }): Decoded {
  if (text === INVALID_UTF8) return { ok: false, code: RPC.PARSE_ERROR, message: 'messages must be encoded in UTF-8' };
  let v: unknown;
  if (parsed) v = parsed.value;
  else {
    try {
      v = JSON.parse(text);
    } catch {
      return { ok: false, code: RPC.PARSE_ERROR, message: 'invalid JSON' };
    }
  }
  if (Array.isArray(v) && dialect !== '1.0') {
    if (v.length === 0) return { ok: false, code: RPC.INVALID_REQUEST, message: 'batch is empty' };
    // A batch of responses is a client's answer to requests we never sent: ignored.
    if (v.every((x) => isObj(x) && ('result' in x || 'error' in x))) return { ok: true, batch: true, items: [] };
    return { ok: true, batch: true, items: v.map((x) => item(dialect, x)) };
  }
  if (!isObj(v)) return { ok: false, code: RPC.INVALID_REQUEST, message: 'request object must be a dictionary' };
  const it = item(dialect, v);
  return { ok: true, batch: false, items: [it] };
}

function item(dialect: Dialect, x: unknown): Item {
  if (!isObj(x)) return { kind: 'invalid', id: null, code: RPC.INVALID_REQUEST, message: 'request object must be a dictionary' };
  // No method: a response, which a server has no request to pair with.
  if (!('method' in x)) return { kind: 'ignored' };
  let id: JsonRpcId | null = null;
  if (dialect === '1.0') {
    if (!('id' in x)) return { kind: 'invalid', id: null, code: RPC.INVALID_REQUEST, message: 'request has no "id"' };
    id = isId(x.id) ? x.id : null;
  } else if ('id' in x && x.id !== null) {
    if (!isId(x.id)) return { kind: 'invalid', id: null, code: RPC.INVALID_REQUEST, message: `invalid "id": ${show(x.id)}` };
    id = x.id;
  }
  if (dialect === '2.0' && x.jsonrpc !== '2.0') return { kind: 'invalid', id, code: RPC.INVALID_REQUEST, message: '"jsonrpc" is not "2.0"' };
  const params = x.params === undefined && dialect !== '1.0' ? [] : x.params;
  const paramsOk = dialect === '1.0' ? Array.isArray(params) : Array.isArray(params) || isObj(params);
  if (!paramsOk) return { kind: 'invalid', id, code: RPC.INVALID_PARAMS, message: `invalid request arguments: ${show(params)}` };
  if (typeof x.method !== 'string') return { kind: 'invalid', id, code: RPC.METHOD_NOT_FOUND, message: 'method must be a string' };
  if (id === null) return { kind: 'notification', method: x.method, params: params as Params };
  return { kind: 'request', id, method: x.method, params: params as Params };
}

/** A result reply in the session's dialect. */
export function resultIn(dialect: Dialect, id: JsonRpcId | null, result: unknown): string {
  return dialect === '1.0' ? `{"result":${JSON.stringify(result ?? null)},"error":null,"id":${JSON.stringify(id)}}` : encodeResult(id, result);
}

/** A result reply whose result is already JSON text. */
export function rawResultIn(dialect: Dialect, id: JsonRpcId | null, json: string): string {
  return dialect === '1.0' ? `{"result":${json},"error":null,"id":${JSON.stringify(id)}}` : `{"jsonrpc":"2.0","result":${json},"id":${JSON.stringify(id)}}`;
}

/** An error reply in the session's dialect. */
export function errorIn(dialect: Dialect | null, id: JsonRpcId | null, code: number, message: string): string {
  return dialect === '1.0' ? JSON.stringify({ result: null, error: { code, message }, id }) : encodeError(id, code, message);
}

/** A 2.0 notification re-encoded for a 1.0 session ({method, params, id: null}). */
export function notificationIn(dialect: Dialect | null, text: string): string {
  if (dialect !== '1.0') return text;
  const n = JSON.parse(text) as { method: string; params: unknown };
  return JSON.stringify({ method: n.method, params: n.params, id: null });
}
