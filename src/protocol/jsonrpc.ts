/**
 * JSON-RPC codec shared by the client and the embedded server (docs/protocol.md §1.1).
 * Pure: strings in, typed messages out. Anything a peer sends is untrusted; shapes are
 * checked here, results are checked later by each method's validator.
 */
import { ProtocolError } from '../errors.js';

export type JsonRpcId = number | string;
export type Params = unknown[] | Record<string, unknown>;

export interface RequestMessage {
  kind: 'request';
  id: JsonRpcId;
  method: string;
  params: Params;
}
export interface NotificationMessage {
  kind: 'notification';
  method: string;
  params: Params;
}
export interface RpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}
export interface ResponseMessage {
  kind: 'response';
  id: JsonRpcId | null;
  result?: unknown;
  error?: RpcErrorObject;
}
export type SingleMessage = RequestMessage | NotificationMessage | ResponseMessage;
export interface BatchMessage {
  kind: 'batch';
  items: SingleMessage[];
}
export type Message = SingleMessage | BatchMessage;

/** JSON-RPC error codes used by Electrum servers (docs/protocol.md §7). */
export const RPC = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  EXCESSIVE_RESOURCE_USAGE: -101,
  SERVER_BUSY: -102,
  BAD_REQUEST: 1,
  DAEMON_ERROR: 2,
  EXCESSIVE_FLOOD: 3,
  LIMIT_EXCEEDED: 4,
  HISTORY_TOO_LARGE: 10001,
} as const;

export function encodeRequest(id: JsonRpcId, method: string, params: unknown[]): string {
  return JSON.stringify({ jsonrpc: '2.0', method, params, id });
}

export function encodeBatch(items: { id: JsonRpcId; method: string; params: unknown[] }[]): string {
  return `[${items.map((r) => encodeRequest(r.id, r.method, r.params)).join(',')}]`;
}

export function encodeNotification(method: string, params: unknown[]): string {
  return JSON.stringify({ jsonrpc: '2.0', method, params });
}

export function encodeResult(id: JsonRpcId | null, result: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', result: result === undefined ? null : result, id });
}

export function encodeError(id: JsonRpcId | null, code: number, message: string): string {
  return JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id });
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is JsonRpcId =>
  (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string';

/**
 * Classifies one decoded JSON value. Throws ProtocolError naming what is wrong.
 * Accepts JSON-RPC 1.0 replies (`{result, error: null, id}`) and a missing `jsonrpc`.
 */
export function classify(v: unknown): SingleMessage {
  if (!isObj(v)) throw new ProtocolError(`expected a JSON-RPC object, got ${describe(v)}`);
  if (typeof v.method === 'string') {
    const params = v.params === undefined ? [] : v.params;
    if (!Array.isArray(params) && !isObj(params)) {
      throw new ProtocolError(`"params" of ${v.method} must be an array or object`);
    }
    if (v.id === undefined || v.id === null) return { kind: 'notification', method: v.method, params: params as Params };
    if (!isId(v.id)) throw new ProtocolError(`request id must be a number or string, got ${describe(v.id)}`);
    return { kind: 'request', id: v.id, method: v.method, params: params as Params };
  }
  if (!('id' in v)) throw new ProtocolError('reply has neither "method" nor "id"');
  const id = v.id;
  if (id !== null && !isId(id)) throw new ProtocolError(`reply id must be a number or string, got ${describe(id)}`);
  const hasError = v.error !== undefined && v.error !== null;
  if (hasError) {
    const e = v.error;
    if (!isObj(e) || typeof e.code !== 'number' || !Number.isInteger(e.code)) {
      throw new ProtocolError('reply "error" must be an object with an integer "code"');
    }
    const message = typeof e.message === 'string' ? e.message : JSON.stringify(e.message ?? '');
    return { kind: 'response', id, error: { code: e.code, message, ...(e.data !== undefined ? { data: e.data } : {}) } };
  }
  if (!('result' in v)) throw new ProtocolError('reply has neither "result" nor "error"');
  return { kind: 'response', id, result: v.result };
}

/** Parses one line (or WebSocket frame). Throws ProtocolError on invalid JSON or shape. */
export function decode(text: string): Message {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new ProtocolError(`reply is not valid JSON: ${preview(text)}`);
  }
  if (Array.isArray(v)) {
    return { kind: 'batch', items: v.map(classify) };
  }
  return classify(v);
}

/** A short, printable preview of untrusted text for error messages. */
export function preview(text: string, max = 60): string {
  // eslint-disable-next-line no-control-regex
  const s = text.replace(/[\u0000-\u001f\u007f]/g, '?');
  return s.length > max ? `${JSON.stringify(s.slice(0, max))}…` : JSON.stringify(s);
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${preview(v, 40)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

/**
 * Server side: parses an incoming line into requests. Returns either the requests (one, or a
 * batch) or the error reply to send (parse error, invalid request), as ElectrumX does.
 */
export type IncomingRequest =
  | { ok: true; batch: boolean; items: (RequestMessage | NotificationMessage | { kind: 'invalid'; id: JsonRpcId | null; message: string })[] }
  | { ok: false; reply: string; code: number };

export function decodeRequests(text: string): IncomingRequest {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { ok: false, code: RPC.PARSE_ERROR, reply: encodeError(null, RPC.PARSE_ERROR, 'invalid JSON') };
  }
  const one = (x: unknown) => {
    if (!isObj(x)) return { kind: 'invalid' as const, id: null, message: 'request must be an object' };
    const id = isId(x.id) ? x.id : null;
    if (typeof x.method !== 'string') return { kind: 'invalid' as const, id, message: 'missing method' };
    const params = x.params === undefined ? [] : x.params;
    if (!Array.isArray(params) && !isObj(params)) {
      return { kind: 'invalid' as const, id, message: 'params must be an array or object' };
    }
    if (x.id === undefined || x.id === null) return { kind: 'notification' as const, method: x.method, params: params as Params };
    if (!isId(x.id)) return { kind: 'invalid' as const, id: null, message: 'id must be a number or string' };
    return { kind: 'request' as const, id: x.id, method: x.method, params: params as Params };
  };
  if (Array.isArray(v)) {
    if (v.length === 0) {
      return { ok: false, code: RPC.INVALID_REQUEST, reply: encodeError(null, RPC.INVALID_REQUEST, 'batch is empty') };
    }
    return { ok: true, batch: true, items: v.map(one) };
  }
  const item = one(v);
  if (item.kind === 'invalid') {
    return { ok: false, code: RPC.INVALID_REQUEST, reply: encodeError(item.id, RPC.INVALID_REQUEST, item.message) };
  }
  return { ok: true, batch: false, items: [item] };
}
