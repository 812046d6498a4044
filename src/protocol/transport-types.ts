/**
 * The transport seam: what a client session (connection.ts) needs of a channel to a server,
 * and what opening one takes. Types only, so that the transports (transport.ts for TCP/TLS,
 * ws.ts for WebSocket) and their user depend on this file rather than on each other.
 */
import type { ProxyAddress, ServerAddress } from './server-address.js';
import type { CliError } from '../errors.js';
import type { TlsInfo, TlsOptions } from './tls.js';

/** What a transport knows about its connection, for diagnostics (doctor, peers --probe). */
export interface TransportInfo {
  transport: ServerAddress['transport'];
  /** The peer's IP as seen by the socket (the proxy's when proxied). */
  remoteAddress?: string;
  proxy?: string;
  tls?: TlsInfo;
  timings: { connectMs: number; tlsMs?: number; wsMs?: number };
}

/** How a transport ended. */
export interface CloseEvent {
  /** Set when the transport failed (socket error, oversized line, TLS seen on plain TCP). */
  error?: CliError;
  /** Bytes of an unfinished message held when the peer closed. */
  pendingBytes: number;
  /** True when close() was called on our side. */
  local: boolean;
}

/** One message-oriented, bidirectional channel to a server. */
export interface Transport {
  readonly info: TransportInfo;
  send(text: string): void;
  onMessage(cb: (text: string) => void): void;
  onClose(cb: (ev: CloseEvent) => void): void;
  close(): void;
}

export interface TransportOptions {
  proxy?: ProxyAddress;
  /** Deadline for TCP connect, proxy negotiation and TLS/WebSocket handshakes. */
  connectTimeoutMs?: number;
  /** Longest accepted reply line or frame, in bytes. */
  maxLine?: number;
  tls?: TlsOptions;
  /**
   * Ctrl-C: aborting destroys the socket at once and rejects with InterruptedError, in any
   * phase (TCP connect, proxy, TLS, WebSocket upgrade).
   */
  signal?: AbortSignal;
}
