/**
 * WebSocket transport (ElectrumX/Fulcrum `ws`/`wss`): one JSON message per text frame, no
 * trailing newline (docs/protocol.md §1.1). The TCP (or SOCKS) connection and the TLS handshake
 * with pinning are done by transport.ts/tls.ts; `ws` gets the ready socket, so wss trust
 * decisions are the same as for `s` servers. Loaded lazily: only ws URLs pay for `ws`.
 */
import type net from 'node:net';
import { WebSocket, type RawData } from 'ws';
import { ConnectionError, type CliError } from '../errors.js';
import { LineTooLongError } from './framing.js';
import { connectTimeout, type DialContext } from './net-errors.js';
import { hostPort, type ServerAddress } from './server-address.js';
import type { CloseEvent, Transport, TransportInfo } from './transport-types.js';

/** Runs the WebSocket upgrade over a connected socket and returns the transport. */
export async function openWebSocket(
  socket: net.Socket,
  addr: ServerAddress,
  ctx: DialContext,
  info: TransportInfo,
  maxLine: number,
  remainingMs: number,
  totalMs: number,
): Promise<Transport> {
  const url = `${addr.transport}://${hostPort(addr)}${addr.path ?? '/'}`;
  const t0 = performance.now();
  const ws = new WebSocket(url, {
    createConnection: () => socket,
    perMessageDeflate: false,
    maxPayload: maxLine,
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(connectTimeout(ctx, totalMs, 'ws'));
    }, remainingMs);
    timer.unref(); // a deadline: the socket keeps the process alive while it matters
    const done = (err?: CliError) => {
      clearTimeout(timer);
      ws.removeAllListeners('open');
      ws.removeAllListeners('error');
      ws.removeAllListeners('unexpected-response');
      if (err) reject(err);
      else resolve();
    };
    ws.once('open', () => done());
    ws.once('unexpected-response', (_req, res) => {
      ws.on('error', () => {});
      socket.destroy();
      done(new ConnectionError(`WebSocket handshake with ${hostPort(ctx)} failed: HTTP ${res.statusCode ?? '?'} ${res.statusMessage ?? ''}`.trim(), {
        hint: addr.transport === 'ws' ? `the port may serve plain TCP instead: try ${hostPort(ctx)}:t` : undefined,
      }));
    });
    ws.once('error', (err) => {
      socket.destroy();
      done(new ConnectionError(`WebSocket handshake with ${hostPort(ctx)} failed: ${err.message}`, { cause: err }));
    });
  });
  info.timings.wsMs = performance.now() - t0;
  return new WsTransport(ws, info, maxLine);
}

/** A connected WebSocket as a Transport. */
class WsTransport implements Transport {
  private messageCb: (text: string) => void = () => {};
  private closeCb: (ev: CloseEvent) => void = () => {};
  private error: CliError | undefined;
  private local = false;
  private done = false;

  constructor(
    private readonly ws: WebSocket,
    readonly info: TransportInfo,
    private readonly maxLine: number,
  ) {
    ws.on('message', (data: RawData) => this.onFrame(data));
    ws.on('error', (err: Error & { code?: string }) => {
      this.error ??= err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'
        ? new LineTooLongError(maxLine)
        : new ConnectionError(`WebSocket error: ${err.message}`, { cause: err });
    });
    ws.on('close', () => this.finish());
  }

  private onFrame(data: RawData): void {
    if (this.done) return;
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (buf.length > this.maxLine) {
      this.error ??= new LineTooLongError(this.maxLine);
      this.ws.terminate();
      return;
    }
    // One message per frame; tolerate a server that adds newlines or sends several lines.
    for (const line of buf.toString('utf8').split('\n')) {
      if (this.done) return;
      if (line.trim() !== '') this.messageCb(line);
    }
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.closeCb({ ...(this.error ? { error: this.error } : {}), pendingBytes: 0, local: this.local });
  }

  send(text: string): void {
    if (this.done || this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(text);
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
    this.ws.terminate();
  }
}
