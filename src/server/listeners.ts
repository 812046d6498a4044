/**
 * The sockets of `serve`: plain TCP and TLS (newline-framed, docs/protocol.md §1.1) and WebSocket
 * (one message per text frame, via `ws`). Each connection becomes a Session through the
 * manager; this file only moves bytes and enforces the incoming message size.
 */
import net from 'node:net';
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import { WebSocketServer, type WebSocket } from 'ws';
import { LineSplitter, LineTooLongError } from '../protocol/framing.js';
import { RPC } from '../protocol/jsonrpc.js';
import type { Session, Transport } from './session.js';
import type { ListenerInfo } from './manager.js';
import type { TlsMaterial } from './certificate.js';
import type { Limits } from './limits.js';
import { parseProxyHeader } from './proxy-protocol.js';

export interface ListenSpec {
  kind: 'tcp' | 'tls' | 'ws';
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Behind a trusted proxy: every connection starts with a PROXY header (v1 or v2) naming the client. */
  proxyProtocol?: boolean;
}

/** What listeners need from the manager. */
export interface Acceptor {
  accept(transport: Transport): Session | null;
  readonly limits: Pick<Limits, 'maxRequest' | 'maxHalfOpen' | 'handshakeTimeout'>;
  log(line: string): void;
}

export interface Listeners {
  /** The bound addresses (actual ports). */
  bound: ListenerInfo[];
  /** Stops accepting connections (sessions are closed by the manager). */
  close(): Promise<void>;
  /** Connections still in a TLS handshake, WebSocket upgrade or PROXY header (for tests). */
  halfOpen(): number;
}

/** Grace period for a closing socket to flush before it is destroyed. */
const CLOSE_GRACE_MS = 2000;

function socketTransport(kind: 'tcp' | 'tls', socket: net.Socket, ip: string): Transport {
  return {
    kind,
    remoteAddress: ip,
    send: (text) => {
      if (!socket.destroyed) socket.write(`${text}\n`);
    },
    bufferedBytes: () => socket.writableLength,
    close: () => {
      socket.end();
      setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
    },
    pause: () => socket.pause(),
    resume: () => socket.resume(),
  };
}

function wsTransport(ws: WebSocket, ip: string): Transport {
  return {
    kind: 'ws',
    remoteAddress: ip,
    send: (text) => {
      if (ws.readyState === ws.OPEN) ws.send(text);
    },
    bufferedBytes: () => ws.bufferedAmount,
    close: () => {
      ws.close();
      setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
    },
    pause: () => ws.pause(),
    resume: () => ws.resume(),
  };
}

function serveSocket(acceptor: Acceptor, kind: 'tcp' | 'tls', socket: net.Socket, ip: string): void {
  socket.on('error', () => {});
  socket.setNoDelay(true);
  const session = acceptor.accept(socketTransport(kind, socket, ip));
  if (!session) return;
  const max = acceptor.limits.maxRequest;
  const splitter = new LineSplitter(max);
  socket.on('data', (chunk: Buffer) => {
    let lines: string[];
    try {
      lines = splitter.push(chunk);
    } catch (e) {
      if (!(e instanceof LineTooLongError)) throw e;
      socket.pause();
      session.received(chunk.length, true);
      session.reject(RPC.INVALID_REQUEST, `request too large (over ${max} bytes)`);
      return;
    }
    if (!session.received(chunk.length, lines.length > 0)) return;
    for (const line of lines) session.receive(line);
  });
  socket.on('close', () => session.close());
}

function listen(server: net.Server, spec: ListenSpec): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(spec.port, spec.host, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/**
 * Counts connections that are not sessions yet (TLS handshake, WebSocket upgrade, PROXY
 * header) across all listeners: beyond `maxHalfOpen` a new one is dropped at once, and each
 * gets `handshakeTimeout` seconds to become a session.
 */
class HalfOpen {
  count = 0;
  constructor(private readonly limits: Acceptor['limits']) {}

  /** Registers `socket`; returns the function that marks it complete, or null (dropped). */
  enter(socket: net.Socket): (() => void) | null {
    if (this.count >= this.limits.maxHalfOpen) {
      socket.destroy();
      return null;
    }
    this.count++;
    let open = true;
    const done = () => {
      if (!open) return;
      open = false;
      this.count--;
      clearTimeout(timer);
    };
    const timer = setTimeout(() => {
      done();
      socket.destroy();
    }, this.limits.handshakeTimeout * 1000);
    timer.unref();
    socket.once('close', done);
    return done;
  }
}

/** `socket` as a plain Duplex (read through the stream API, so unshifted bytes come first). */
function streamOf(socket: net.Socket): Duplex {
  const d = new Duplex({
    read: () => void socket.resume(),
    write: (chunk: Buffer, _enc, cb) => void socket.write(chunk, cb),
    final: (cb) => {
      socket.end();
      cb();
    },
    destroy: (err, cb) => {
      socket.destroy();
      cb(err);
    },
  });
  socket.on('data', (chunk: Buffer) => {
    if (!d.push(chunk)) socket.pause();
  });
  socket.on('end', () => d.push(null));
  socket.on('close', () => d.destroy());
  return d;
}

/** Reads the PROXY header off `socket`, then hands over the client's address (or the socket's). */
function readProxyHeader(socket: net.Socket, then: (ip: string) => void): void {
  let buf = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    const r = parseProxyHeader(buf);
    if (r.state === 'more') return;
    socket.off('data', onData);
    socket.pause();
    if (r.state === 'error') {
      socket.destroy();
      return;
    }
    if (r.rest.length > 0) socket.unshift(r.rest);
    then(r.address ?? socket.remoteAddress ?? '?');
    socket.resume();
  };
  socket.on('data', onData);
}

/** Binds every spec; on any failure closes what was opened and rethrows. */
export async function startListeners(specs: readonly ListenSpec[], acceptor: Acceptor, tlsMaterial?: TlsMaterial): Promise<Listeners> {
  const closers: (() => Promise<void>)[] = [];
  const bound: ListenerInfo[] = [];
  const halfOpen = new HalfOpen(acceptor.limits);
  const closeAll = async () => {
    await Promise.all(closers.map((c) => c()));
  };
  const secureContext = tlsMaterial ? tls.createSecureContext({ key: tlsMaterial.key, cert: tlsMaterial.cert }) : undefined;
  try {
    for (const spec of specs) {
      if (spec.kind === 'tls' && !secureContext) throw new Error('TLS listener without a certificate');
      // WebSocket: node's HTTP server parses the upgrade request of sockets handed to it.
      const wsAddress = new WeakMap<net.Socket, { ip: string; done: () => void }>();
      let httpServer: import('node:http').Server | undefined;
      if (spec.kind === 'ws') {
        const wss = new WebSocketServer({ noServer: true, maxPayload: acceptor.limits.maxRequest });
        const http = await import('node:http');
        httpServer = http.createServer((_req, res) => {
          res.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket only\n');
        });
        httpServer.on('upgrade', (req, socket, head) => {
          const raw = req.socket;
          const meta = wsAddress.get(raw);
          wss.handleUpgrade(req, socket, head, (ws) => {
            meta?.done();
            const session = acceptor.accept(wsTransport(ws, meta?.ip ?? raw.remoteAddress ?? '?'));
            ws.on('error', () => {});
            if (!session) return;
            // A binary frame is taken as UTF-8 text like a text frame: either way its bytes
            // are charged and it counts as activity (it was once dropped unseen and free).
            ws.on('message', (data) => {
              const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
              if (session.received(buf.length, true)) session.receive(buf.toString('utf8'));
            });
            ws.on('error', (e: Error & { code?: string }) => {
              // A frame over --max-request: ws closes with 1009; what it read still costs.
              if (e.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') session.received(acceptor.limits.maxRequest, true);
            });
            ws.on('close', () => session.close());
          });
        });
      }
      /** A connection with its client's address: becomes a session (or starts TLS / HTTP). */
      const start = (raw: net.Socket, ip: string, done: (() => void) | null) => {
        if (spec.kind === 'tcp') {
          done?.();
          serveSocket(acceptor, 'tcp', raw, ip);
        } else if (spec.kind === 'tls') {
          // After a PROXY header the ClientHello may sit in the stream's buffer (unshifted), where
          // a TLSSocket on the raw handle would not see it: wrap the stream instead.
          const t = new tls.TLSSocket(spec.proxyProtocol ? streamOf(raw) : raw, { isServer: true, secureContext });
          t.on('error', () => raw.destroy());
          t.once('secure', () => {
            done?.();
            serveSocket(acceptor, 'tls', t, ip);
          });
        } else {
          wsAddress.set(raw, { ip, done: done ?? (() => {}) });
          httpServer!.emit('connection', raw);
        }
      };
      const server = net.createServer((raw) => {
        raw.on('error', () => {});
        // Plain TCP is a session at once (the idle timeout covers it) unless a header is due first.
        const done = spec.kind === 'tcp' && !spec.proxyProtocol ? null : halfOpen.enter(raw);
        if (done === null && (spec.kind !== 'tcp' || spec.proxyProtocol)) return;
        if (spec.proxyProtocol) readProxyHeader(raw, (ip) => start(raw, ip, done));
        else start(raw, raw.remoteAddress ?? '?', done);
      });
      const port = await listen(server, spec);
      const conns = new Set<net.Socket>();
      server.on('connection', (s: net.Socket) => {
        conns.add(s);
        s.on('close', () => conns.delete(s));
      });
      closers.push(
        () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            // Connections still open after the sessions were closed get a short grace.
            setTimeout(() => {
              for (const s of conns) s.destroy();
            }, CLOSE_GRACE_MS).unref();
          }),
      );
      bound.push({ kind: spec.kind, host: spec.host, port });
    }
  } catch (e) {
    await closeAll();
    throw e;
  }
  return { bound, close: closeAll, halfOpen: () => halfOpen.count };
}
