/**
 * The one loopback Electrum server core behind the test fakes (fake-server, scripted-server,
 * lying-server): listen on 127.0.0.1 (an ephemeral port unless told otherwise), plain TCP, TLS
 * or a given server (the scripted server's WebSocket), track every socket, split the newline
 * framing, and close cleanly (every socket destroyed, then the listener closed). The layers
 * on top decide only what to answer.
 */
import net from 'node:net';
import tls from 'node:tls';

/** One client connection with newline framing. */
export interface LoopbackConn {
  socket: net.Socket;
  /** Writes one line: the text and '\n'. */
  send(text: string): void;
  /** Writes raw text as is (a partial reply, or bytes the test builds itself). */
  write(raw: string): void;
  /** Half-closes (FIN after what is written). */
  end(): void;
  /** Destroys the socket at once. */
  close(): void;
}

export interface LoopbackOptions {
  /** TLS with these options (key/cert); failed handshakes are ignored. */
  tls?: tls.TlsOptions;
  /** Listen on this port instead of an ephemeral one. */
  port?: number;
  /** Serve through this server (e.g. an http.Server carrying WebSockets) instead of TCP/TLS. */
  server?: net.Server;
  /** Each accepted socket (TCP, or TLS once the handshake is done); unused with `server`. */
  onSocket?(socket: net.Socket): void;
  /** Runs before the listener closes (e.g. a WebSocket server's own close). */
  beforeClose?(): Promise<void>;
}

export interface Loopback {
  server: net.Server;
  port: number;
  /** Open sockets (raw TCP ones). */
  sockets: Set<net.Socket>;
  /** host 127.0.0.1 */
  host: string;
  close(): Promise<void>;
}

/** Splits a stream of text into lines; `trim` drops surrounding white space and blank lines. */
export function lineSplitter(onLine: (line: string) => void, opts: { trim?: boolean } = {}): (chunk: string) => void {
  let buf = '';
  return (chunk) => {
    buf += chunk;
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const raw = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const line = opts.trim ? raw.trim() : raw;
      if (opts.trim && line === '') continue;
      onLine(line);
    }
  };
}

/** Frames a socket: each received line goes to `onLine`; errors on the socket are ignored. */
export function lineConn(socket: net.Socket, onLine: (conn: LoopbackConn, line: string) => void, opts: { trim?: boolean } = {}): LoopbackConn {
  socket.on('error', () => {});
  const conn: LoopbackConn = {
    socket,
    send: (text) => conn.write(`${text}\n`),
    write: (raw) => void (!socket.destroyed && socket.writable && socket.write(raw)),
    end: () => socket.end(),
    close: () => socket.destroy(),
  };
  socket.setEncoding('utf8');
  socket.on('data', lineSplitter((line) => onLine(conn, line), opts));
  return conn;
}

/** Starts listening on 127.0.0.1. */
export async function startLoopback(opts: LoopbackOptions = {}): Promise<Loopback> {
  const sockets = new Set<net.Socket>();
  const onSocket = (s: net.Socket) => opts.onSocket?.(s);
  const server = opts.server ?? (opts.tls ? tls.createServer(opts.tls, onSocket) : net.createServer(onSocket));
  if (opts.tls && !opts.server) server.on('tlsClientError', () => {});
  // 'connection' carries the raw TCP socket for every kind of server: destroying it ends TLS and
  // WebSocket sessions too.
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    // Real servers send each reply at once (asyncio, which ElectrumX runs on, sets TCP_NODELAY on
    // every TCP socket). Without it a second reply written before the client ACKs the first waits
    // for the client's delayed ACK, about 40 ms, and timings measure Nagle, not the client.
    s.setNoDelay(true);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as net.AddressInfo).port,
    host: '127.0.0.1',
    sockets,
    close: async () => {
      for (const s of sockets) s.destroy();
      await opts.beforeClose?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
