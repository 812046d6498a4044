/**
 * Tiny scripted Electrum servers on 127.0.0.1 port 0 (plain TCP or TLS) for connection tests.
 * The handler sees each request line and writes whatever raw bytes the test wants back.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { ServerAddress } from '../../src/protocol/server-address.js';

export interface FakeSession {
  socket: net.Socket;
  /** Writes raw text as is (add '\n' yourself). */
  write(raw: string): void;
  /** Writes one JSON value followed by '\n'. */
  send(obj: unknown): void;
  end(): void;
}

export type LineHandler = (msg: any, session: FakeSession, line: string) => void;

export interface FakeServer {
  port: number;
  addr(transport?: ServerAddress['transport']): ServerAddress;
  /** Every line received, in order. */
  lines: string[];
  sessions: FakeSession[];
  close(): Promise<void>;
}

/** Answers server.version with [software, version] (default protocol 1.4). */
export function versionReply(msg: any, s: FakeSession, version = '1.4'): boolean {
  if (msg && !Array.isArray(msg) && msg.method === 'server.version') {
    s.send({ jsonrpc: '2.0', result: ['FakeX 1.0', version], id: msg.id });
    return true;
  }
  return false;
}

/** Starts a server; `tlsOpts` (key/cert) makes it a TLS server. */
export async function fakeServer(handler: LineHandler, tlsOpts?: tls.TlsOptions): Promise<FakeServer> {
  const lines: string[] = [];
  const sessions: FakeSession[] = [];
  const sockets = new Set<net.Socket>();
  const onSocket = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const session: FakeSession = {
      socket,
      write: (raw) => {
        if (!socket.destroyed) socket.write(raw);
      },
      send: (obj) => session.write(`${JSON.stringify(obj)}\n`),
      end: () => socket.end(),
    };
    sessions.push(session);
    let buf = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) !== -1) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        lines.push(line);
        let msg: unknown;
        try {
          msg = JSON.parse(line);
        } catch {
          msg = undefined;
        }
        handler(msg, session, line);
      }
    });
  };
  const server = tlsOpts ? tls.createServer(tlsOpts, onSocket) : net.createServer(onSocket);
  if (tlsOpts) server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    addr: (transport = tlsOpts ? 'tls' : 'tcp') => ({ host: '127.0.0.1', port, transport }),
    lines,
    sessions,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
