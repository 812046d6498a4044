/**
 * Tiny handler-driven Electrum servers on 127.0.0.1 port 0 (plain TCP or TLS) for connection tests.
 * The handler sees each request line and writes whatever raw bytes the test wants back.
 */
import type net from 'node:net';
import type tls from 'node:tls';
import { lineConn, startLoopback } from './electrum-loopback.js';
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
  const core = await startLoopback({
    tls: tlsOpts,
    onSocket: (socket) => {
      const conn = lineConn(socket, (_c, line) => {
        lines.push(line);
        let msg: unknown;
        try {
          msg = JSON.parse(line);
        } catch {
          msg = undefined;
        }
        handler(msg, session, line);
      });
      const session: FakeSession = { socket, write: conn.write, send: (obj) => conn.write(`${JSON.stringify(obj)}\n`), end: conn.end };
      sessions.push(session);
    },
  });
  const { port } = core;
  return {
    port,
    addr: (transport = tlsOpts ? 'tls' : 'tcp') => ({ host: '127.0.0.1', port, transport }),
    lines,
    sessions,
    close: core.close,
  };
}
