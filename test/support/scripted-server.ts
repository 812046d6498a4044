/**
 * A loopback Electrum server that replays a recorded transcript (test/fixtures/transcripts): each
 * request whose method+params match a recorded request gets the recorded reply line, byte
 * for byte (ElectrumX's padding, Fulcrum's \r), re-numbered to the incoming id. It serves
 * the recorded notifications after a subscribe, and can lie or break on demand (faults per
 * method), speak TLS with a given certificate or WebSocket, and play electrs (docs/protocol.md
 * §10) or a protocol 1.0 server. Listens on 127.0.0.1, port 0 unless told otherwise.
 */
import type net from 'node:net';
import http from 'node:http';
import { lineConn, startLoopback, type Loopback } from './electrum-loopback.js';
import { exchanges, listTranscripts, type Transcript } from './transcripts.js';

/** How a reply to one method goes wrong. */
export type Fault =
  | { kind: 'wrong-id' }
  | { kind: 'malformed' }
  | { kind: 'missing-field'; field: string }
  | { kind: 'oversized'; bytes: number }
  | { kind: 'close-mid-reply' }
  | { kind: 'close' }
  | { kind: 'delay'; ms: number }
  | { kind: 'no-reply' }
  | { kind: 'result'; result: unknown }
  | { kind: 'error'; code: number; message: string };

/** An extra scripted answer (takes precedence over the transcript). */
export interface Extra {
  method: string;
  params: unknown[];
  result?: unknown;
  error?: { code: number; message: string };
}

export interface ScriptedServerOptions {
  /** Transcript name, e.g. "electrumx-1.6" or "fulcrum-1.4". */
  transcript: string;
  /** Play electrs 0.11 (version 1.4 only, -32602 on extra args...) or a protocol 1.0 server. */
  profile?: 'electrs' | 'legacy-1.0';
  faults?: Record<string, Fault>;
  extra?: Extra[];
  /** Serve the recorded notifications after subscribes (default true). */
  notify?: boolean;
  /** Address -> script hash, for the 1.0 profile's blockchain.address.* methods. */
  addresses?: Record<string, string>;
  /** TLS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
  /** WebSocket (one JSON message per text frame) instead of newline-framed TCP. */
  websocket?: boolean;
  /** Listen on this port instead of an ephemeral one (to reappear at a pinned host:port). */
  port?: number;
}

export interface ScriptedServer {
  port: number;
  /** The --server spec for this server. */
  spec: string;
  /** Every request received, batch items included, in order. */
  requests: { method: string; params: unknown[] }[];
  /** Every raw line (or frame) received. */
  lines: string[];
  connections: number;
  close(): Promise<void>;
}

interface Conn {
  /** Set once server.version was answered on this connection. */
  versioned?: boolean;
  send(text: string): void;
  sendPartial(text: string): void;
  close(): void;
}

const cache = new Map<string, Transcript>();
function transcript(name: string): Transcript {
  if (!cache.size) for (const t of listTranscripts()) cache.set(t.name, t);
  const t = cache.get(name);
  if (!t) throw new Error(`no transcript ${name} (have ${[...cache.keys()].join(', ')})`);
  return t;
}

const key = (method: string, params: unknown) => `${method} ${JSON.stringify(params ?? [])}`;

/** The recorded reply line with its top-level id replaced (bytes otherwise unchanged). */
export function renumber(line: string, id: unknown): string {
  const orig = (JSON.parse(line) as { id: unknown }).id;
  const needle = `"id":${JSON.stringify(orig)}`;
  const at = line.startsWith(`{${needle}`) ? 1 : line.lastIndexOf(needle);
  let out = at < 0 ? '' : line.slice(0, at) + `"id":${JSON.stringify(id)}` + line.slice(at + needle.length);
  try {
    if ((JSON.parse(out) as { id: unknown }).id !== id) out = '';
  } catch {
    out = '';
  }
  if (out === '') out = JSON.stringify({ ...(JSON.parse(line) as object), id });
  return out;
}

/** Starts a scripted server on 127.0.0.1:0. */
export async function startScriptedServer(opts: ScriptedServerOptions): Promise<ScriptedServer> {
  const t = transcript(opts.transcript);
  const table = new Map<string, string>();
  for (const ex of exchanges(t)) {
    const single = (JSON.parse(ex.replyLine) as unknown[] | object);
    // Batch replies are stored per item, so any batch of recorded requests can be answered.
    const line = Array.isArray(single)
      ? JSON.stringify((single as { id: unknown }[]).find((r) => r.id === ex.id))
      : ex.replyLine;
    if (!table.has(key(ex.method, ex.params))) table.set(key(ex.method, ex.params), line);
  }
  const versionReply = [...table.entries()].find(([k]) => k.startsWith('server.version '))?.[1];
  const recordedNotifications = t.lines
    .filter((l) => l.dir === 'recv')
    .map((l) => ({ line: l.line, msg: JSON.parse(l.line) as { method?: string; id?: unknown; params?: unknown[] } }))
    .filter((n) => typeof n.msg.method === 'string' && n.msg.id === undefined);
  const knownMethods = new Set(exchanges(t).map((e) => e.method));
  const extra = new Map((opts.extra ?? []).map((e) => [key(e.method, e.params), e] as const));
  const state: ScriptedServer = { port: 0, spec: '', requests: [], lines: [], connections: 0, close: async () => {} };
  const electrs = opts.profile === 'electrs';
  const legacy = opts.profile === 'legacy-1.0';
  const compact = (id: unknown, body: { result?: unknown; error?: unknown }) =>
    JSON.stringify({ jsonrpc: '2.0', ...(body.error !== undefined ? { error: body.error } : { result: body.result ?? null }), id });

  /** The reply line for one request, or null for "say nothing". */
  function answer(conn: Conn, method: string, params: unknown[], id: unknown): string {
    const err = (code: number, message: string) => compact(id, { error: { code, message } });
    const x = extra.get(key(method, params));
    if (x) return compact(id, x.error ? { error: x.error } : { result: x.result });
    if (method === 'server.version' && !conn.versioned) {
      conn.versioned = !electrs; // electrs keeps no version state and answers again
      if (electrs) return params.length > 2 ? err(-32602, 'invalid params') : compact(id, { result: ['electrs/0.11.1', '1.4'] });
      if (legacy) return compact(id, { result: 'ElectrumX 1.0.17' });
      return renumber(versionReply!, id);
    }
    if (electrs) {
      if (method === 'blockchain.scripthash.get_mempool' || method === 'mempool.get_info' || method === 'server.add_peer') {
        return err(-32601, `unknown method "${method}"`);
      }
      if ((method === 'blockchain.estimatefee' && params.length > 1) || (method === 'blockchain.block.header' && params.length > 1) ||
        (method === 'blockchain.block.headers' && params.length > 2)) {
        return err(-32602, 'invalid params');
      }
      if (method === 'server.donation_address') return compact(id, { result: null });
      if (method === 'server.peers.subscribe') return compact(id, { result: [] });
      if (method === 'server.features') {
        const f = (JSON.parse(table.get(key(method, []))!) as { result: Record<string, unknown> }).result;
        // electrs names no host: its hosts is {"tcp_port": N}.
        return compact(id, { result: { ...f, hosts: { tcp_port: 50001 }, server_version: 'electrs/0.11.1', protocol_min: '1.4', protocol_max: '1.4' } });
      }
    }
    if (legacy) {
      const m = /^blockchain\.address\.(get_balance|get_history|get_mempool|listunspent|subscribe)$/.exec(method);
      if (m) {
        const sh = opts.addresses?.[params[0] as string];
        const line = sh ? table.get(key(`blockchain.scripthash.${m[1]}`, [sh])) : undefined;
        return line ? renumber(line, id) : err(1, `unknown address ${String(params[0])}`);
      }
      if (method === 'blockchain.numblocks.subscribe') {
        const tip = JSON.parse(table.get(key('blockchain.headers.subscribe', []))!) as { result: { height: number } };
        return compact(id, { result: tip.result.height });
      }
      if (method.startsWith('blockchain.scripthash.') || method === 'server.features' || method === 'server.ping') {
        return err(-32601, `unknown method "${method}"`);
      }
    }
    const line = table.get(key(method, params));
    if (line) {
      const out = renumber(line, id);
      // electrs answers compactly, in 2.0 shape, without padding or \r.
      return electrs ? compact(id, JSON.parse(out) as { result?: unknown; error?: unknown }) : out;
    }
    if (!knownMethods.has(method)) return err(-32601, `unknown method "${method}"`);
    return err(1, `scripted server: no recorded reply for ${key(method, params)}`);
  }

  function afterSubscribe(conn: Conn, method: string, params: unknown[]): void {
    if (opts.notify === false) return;
    const due = recordedNotifications.filter(
      (n) => n.msg.method === method && (method !== 'blockchain.scripthash.subscribe' || n.msg.params?.[0] === params[0]),
    );
    if (due.length) setTimeout(() => due.forEach((n) => conn.send(n.line)), 30);
  }

  /** Handles one incoming line/frame. */
  function onLine(conn: Conn, text: string): void {
    state.lines.push(text);
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      conn.send(compact(null, { error: { code: -32700, message: 'invalid JSON' } }));
      return;
    }
    const items = (Array.isArray(msg) ? msg : [msg]) as { id?: unknown; method: string; params?: unknown[] }[];
    for (const it of items) state.requests.push({ method: it.method, params: it.params ?? [] });
    const faulty = items.map((it) => opts.faults?.[it.method]).find((f) => f !== undefined);
    const replies = items.filter((it) => it.id !== undefined && it.id !== null).map((it) => answer(conn, it.method, it.params ?? [], it.id));
    let out = Array.isArray(msg) ? `[${replies.map((r) => r.replace(/\s+$/, '')).join(',')}]` : replies[0];
    if (out === undefined) return;
    const send = () => {
      conn.send(out!);
      for (const it of items) if (it.method.endsWith('.subscribe')) afterSubscribe(conn, it.method, it.params ?? []);
    };
    if (!faulty) return send();
    const first = items[0]!;
    switch (faulty.kind) {
      case 'wrong-id':
        out = renumber(out.replace(/\s+$/, ''), typeof first.id === 'number' ? first.id + 1000 : 'bogus');
        return send();
      case 'malformed':
        return conn.send('{"jsonrpc":"2.0","result":{"confirmed":12,,}');
      case 'missing-field': {
        const o = JSON.parse(out) as { result: Record<string, unknown> };
        delete o.result[faulty.field];
        out = JSON.stringify(o);
        return send();
      }
      case 'oversized':
        return conn.send(JSON.stringify({ jsonrpc: '2.0', result: 'x'.repeat(faulty.bytes), id: first.id }));
      case 'close-mid-reply':
        conn.sendPartial(out.slice(0, Math.floor(out.length / 2)));
        return void setTimeout(() => conn.close(), 20);
      case 'close':
        return conn.close();
      case 'delay':
        return void setTimeout(send, faulty.ms);
      case 'no-reply':
        return;
      case 'result': {
        const { error: _dropped, ...o } = JSON.parse(out) as Record<string, unknown>;
        out = JSON.stringify({ ...o, result: faulty.result });
        return send();
      }
      case 'error':
        out = compact(first.id, { error: { code: faulty.code, message: faulty.message } });
        return send();
    }
  }

  const lineConnOf = (socket: net.Socket): Conn => {
    state.connections++;
    const c = lineConn(socket, (_c, line) => onLine(conn, line), { trim: true });
    const conn: Conn = { send: c.send, sendPartial: c.write, close: c.close };
    return conn;
  };

  let core: Loopback;
  if (opts.websocket) {
    const { WebSocketServer } = await import('ws');
    const httpServer = http.createServer();
    const wss = new WebSocketServer({ server: httpServer });
    wss.on('connection', (ws) => {
      state.connections++;
      const conn: Conn = {
        send: (text) => ws.send(text),
        sendPartial: (text) => ws.send(text),
        close: () => ws.terminate(),
      };
      ws.on('message', (data) => onLine(conn, data.toString()));
      ws.on('error', () => {});
    });
    core = await startLoopback({ server: httpServer, port: opts.port, beforeClose: () => new Promise((r) => wss.close(() => r())) });
  } else {
    core = await startLoopback({ tls: opts.tls && { key: opts.tls.key, cert: opts.tls.cert }, port: opts.port, onSocket: lineConnOf });
  }
  state.port = core.port;
  state.spec = opts.websocket ? `ws://127.0.0.1:${state.port}` : `127.0.0.1:${state.port}:${opts.tls ? 's' : 't'}`;
  state.close = core.close;
  return state;
}
