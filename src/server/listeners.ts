/**
 * The sockets of `serve`: plain TCP and TLS (newline-framed, docs/protocol.md §1.1) and WebSocket
 * (one message per text frame, via `ws`). Each connection becomes a Session through the
 * manager; this file only moves bytes and enforces the incoming message size.
 */
import net from 'node:net';
import tls from 'node:tls';
import { WebSocketServer, type WebSocket } from 'ws';
import { LineSplitter, LineTooLongError } from '../protocol/framing.js';
import { RPC } from '../protocol/jsonrpc.js';
import type { Session, Transport } from './session.js';
import type { ListenerInfo } from './manager.js';
import type { TlsMaterial } from './certificate.js';

export interface ListenSpec {
  kind: 'tcp' | 'tls' | 'ws';
  host: string;
  /** 0 picks a free port. */
  port: number;
}

/** What listeners need from the manager. */
export interface Acceptor {
  accept(transport: Transport): Session | null;
  readonly limits: { maxRequest: number };
}

export interface Listeners {
  /** The bound addresses (actual ports). */
  bound: ListenerInfo[];
  /** Stops accepting connections (sessions are closed by the manager). */
  close(): Promise<void>;
}

/** Grace period for a closing socket to flush before it is destroyed. */
const CLOSE_GRACE_MS = 2000;

function socketTransport(kind: 'tcp' | 'tls', socket: net.Socket): Transport {
  return {
    kind,
    remoteAddress: socket.remoteAddress ?? '?',
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

function serveSocket(acceptor: Acceptor, kind: 'tcp' | 'tls', socket: net.Socket): void {
  socket.on('error', () => {});
  socket.setNoDelay(true);
  const session = acceptor.accept(socketTransport(kind, socket));
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

/** Binds every spec; on any failure closes what was opened and rethrows. */
export async function startListeners(specs: readonly ListenSpec[], acceptor: Acceptor, tlsMaterial?: TlsMaterial): Promise<Listeners> {
  const closers: (() => Promise<void>)[] = [];
  const bound: ListenerInfo[] = [];
  const closeAll = async () => {
    await Promise.all(closers.map((c) => c()));
  };
  try {
    for (const spec of specs) {
      let server: net.Server;
      if (spec.kind === 'tcp') {
        server = net.createServer((s) => serveSocket(acceptor, 'tcp', s));
      } else if (spec.kind === 'tls') {
        if (!tlsMaterial) throw new Error('TLS listener without a certificate');
        const t = tls.createServer({ key: tlsMaterial.key, cert: tlsMaterial.cert }, (s) => serveSocket(acceptor, 'tls', s));
        t.on('tlsClientError', () => {});
        server = t;
      } else {
        server = net.createServer();
        const wss = new WebSocketServer({ noServer: true, maxPayload: acceptor.limits.maxRequest });
        const http = await import('node:http');
        const httpServer = http.createServer((_req, res) => {
          res.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket only\n');
        });
        httpServer.on('upgrade', (req, socket, head) => {
          wss.handleUpgrade(req, socket, head, (ws) => {
            const session = acceptor.accept(wsTransport(ws, req.socket.remoteAddress ?? '?'));
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
        server = httpServer;
      }
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
  return { bound, close: closeAll };
}
