/**
 * Transports (thin I/O): one JSON message in, one out. TCP and TLS frame messages with
 * newlines (framing.ts); WebSocket sends one message per text frame (ws.ts). Each can run
 * through a SOCKS5 proxy (socks.ts). `ws` and `socks` are imported lazily so that the
 * common TCP/TLS path starts fast. The interfaces they implement are in transport-types.ts.
 */
import net from 'node:net';
import type { TLSSocket } from 'node:tls';
import { ConnectionError, InterruptedError, oneLine, type CliError } from '../errors.js';
import { DEFAULT_MAX_LINE, LineSplitter, frame } from './framing.js';
import { connectTimeout, looksLikeHttp, looksLikeTls, mapDialError, tryTlsHint, tryWsHint, type DialContext } from './net-errors.js';
import { formatProxy, hostPort, type ProxyAddress, type ServerAddress } from './server-address.js';
import type { TlsInfo } from './tls.js';
import type { CloseEvent, Transport, TransportInfo, TransportOptions } from './transport-types.js';

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** Opens a transport to `addr`. Throws ConnectionError/TimeoutError with a hint, InterruptedError on abort. */
export async function openTransport(addr: ServerAddress, opts: TransportOptions = {}): Promise<Transport> {
  const signal = opts.signal;
  if (!signal) return dial(addr, opts, () => {});
  if (signal.aborted) throw new InterruptedError();
  const sockets = new Set<net.Socket>();
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      for (const s of sockets) s.destroy();
      reject(new InterruptedError());
    };
  });
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const opening = dial(addr, opts, (s) => sockets.add(s));
    // Opened just as Ctrl-C came: nobody will use it.
    opening.then((t) => signal.aborted && t.close(), () => {});
    return await Promise.race([opening, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

async function dial(addr: ServerAddress, opts: TransportOptions, track: (s: net.Socket) => void): Promise<Transport> {
  const timeoutMs = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const ctx: DialContext = { ...addr, ...(opts.proxy ? { proxy: formatProxy(opts.proxy) } : {}) };
  const t0 = performance.now();
  const socket = await dialTcp(addr.host, addr.port, ctx, opts.proxy, deadline, timeoutMs, track);
  track(socket);
  const connectMs = performance.now() - t0;
  const maxLine = opts.maxLine ?? DEFAULT_MAX_LINE;
  try {
    let tlsSocket: TLSSocket | undefined;
    let tlsInfo: TlsInfo | undefined;
    let tlsMs: number | undefined;
    if (addr.transport === 'tls' || addr.transport === 'wss') {
      const { tlsHandshake } = await import('./tls.js');
      const t1 = performance.now();
      const r = await tlsHandshake(socket, ctx, opts.tls ?? {}, Math.max(1, deadline - Date.now()), timeoutMs);
      tlsMs = performance.now() - t1;
      tlsSocket = r.socket;
      tlsInfo = r.info;
    }
    const info: TransportInfo = {
      transport: addr.transport,
      ...(socket.remoteAddress ? { remoteAddress: socket.remoteAddress } : {}),
      ...(ctx.proxy ? { proxy: ctx.proxy } : {}),
      ...(tlsInfo ? { tls: tlsInfo } : {}),
      timings: { connectMs, ...(tlsMs !== undefined ? { tlsMs } : {}) },
    };
    if (addr.transport === 'ws' || addr.transport === 'wss') {
      const { openWebSocket } = await import('./ws.js');
      return await openWebSocket(tlsSocket ?? socket, addr, ctx, info, maxLine, Math.max(1, deadline - Date.now()), timeoutMs);
    }
    return new StreamTransport(tlsSocket ?? socket, ctx, info, maxLine);
  } catch (err) {
    socket.destroy();
    throw err;
  }
}

/** Dials a TCP connection, directly or through the SOCKS5 proxy. */
async function dialTcp(
  host: string,
  port: number,
  ctx: DialContext,
  proxy: ProxyAddress | undefined,
  deadline: number,
  timeoutMs: number,
  track: (s: net.Socket) => void,
): Promise<net.Socket> {
  if (proxy) {
    const { socksDial } = await import('./socks.js');
    return socksDial(proxy, host, port, ctx, Math.max(1, deadline - Date.now()), timeoutMs, track);
  }
  return new Promise<net.Socket>((resolve, reject) => {
    const socket = net.connect({ host, port });
    track(socket);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(connectTimeout(ctx, timeoutMs, 'connect'));
    }, Math.max(1, deadline - Date.now()));
    // A deadline, not work: once the socket is gone (Ctrl-C) it must not keep the process alive.
    timer.unref();
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(mapDialError(err, ctx));
    });
  });
}

/** Newline-framed messages over a connected TCP or TLS socket. */
export class StreamTransport implements Transport {
  private readonly splitter: LineSplitter;
  private messageCb: (text: string) => void = () => {};
  private closeCb: (ev: CloseEvent) => void = () => {};
  private error: CliError | undefined;
  private local = false;
  private received = false;
  private done = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly ctx: DialContext,
    readonly info: TransportInfo,
    maxLine: number,
  ) {
    this.splitter = new LineSplitter(maxLine);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => {
      this.error ??= mapDialError(err, ctx);
    });
    socket.on('close', () => this.finish());
  }

  private onData(chunk: Buffer): void {
    if (this.done || this.error) return;
    if (!this.received) {
      this.received = true;
      // A TLS server answers our plain JSON with a TLS alert: say so instead of "bad JSON".
      if (this.info.transport === 'tcp' && looksLikeTls(chunk)) {
        this.fail(new ConnectionError(`${hostPort(this.ctx)} answered with TLS, not plain TCP`, { hint: tryTlsHint(this.ctx) }));
        return;
      }
      // A WebSocket server answers a JSON line with "HTTP/1.1 400 Bad Request".
      if (looksLikeHttp(chunk)) {
        const status = oneLine(chunk.toString('latin1').split('\r\n', 1)[0]!, 60);
        this.fail(new ConnectionError(`${hostPort(this.ctx)} answered in HTTP (${status}), not the Electrum protocol`, { hint: tryWsHint(this.ctx) }));
        return;
      }
    }
    let lines: string[];
    try {
      lines = this.splitter.push(chunk);
    } catch (err) {
      this.fail(err as CliError);
      return;
    }
    for (const line of lines) {
      if (this.done) return;
      this.messageCb(line);
    }
  }

  private fail(err: CliError): void {
    this.error ??= err;
    this.socket.destroy();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.closeCb({
      ...(this.error ? { error: this.error } : {}),
      pendingBytes: this.splitter.pending,
      local: this.local,
    });
  }

  send(text: string): void {
    if (this.done) return;
    this.socket.write(frame(text));
  }

  onMessage(cb: (text: string) => void): void {
    this.messageCb = cb;
  }

  onClose(cb: (ev: CloseEvent) => void): void {
    this.closeCb = cb;
  }

  close(): void {
    if (this.done) return;
    this.local = true;
    this.socket.end();
    // Do not wait for a slow peer's FIN; the request/response exchange is over.
    this.socket.destroy();
  }
}
