/**
 * Socket and TLS failures turned into one-line ConnectionErrors with a hint (pure).
 * Node reports these as errors with a `code`; users want to know what to try next.
 */
import { ConnectionError, TimeoutError, type CliError } from '../errors.js';
import { hostPort, type TransportKind } from './server-address.js';

/** What we were dialing, for messages. */
export interface DialContext {
  host: string;
  port: number;
  transport: TransportKind;
  /** Set when dialing through a SOCKS5 proxy (display form). */
  proxy?: string;
}

/** Ports that are TLS by convention (docs/protocol.md §1.2). */
const TLS_PORTS = new Set([50002, 51002, 60002, 50004, 60004]);
const TCP_PORTS = new Set([50001, 51001, 60001, 50003, 60003]);

function errCode(err: unknown): string | undefined {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : undefined;
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Suggests the other transport letter for this port. */
export function tryTlsHint(ctx: DialContext): string {
  return `port ${ctx.port} looks like TLS: try ${hostPort(ctx)}:s`;
}
/** The reply was HTTP: most likely a WebSocket port (ElectrumX/Fulcrum `ws`/`wss` services). */
export function tryWsHint(ctx: DialContext): string {
  const scheme = ctx.transport === 'tls' ? 'wss' : 'ws';
  return `it speaks HTTP: if it is a WebSocket port, try ${scheme}://${hostPort(ctx)}`;
}

/** True when the first bytes of a reply are an HTTP status line ("HTTP/1.1 400 ..."). */
export function looksLikeHttp(firstBytes: Buffer): boolean {
  return firstBytes.subarray(0, 5).toString('latin1') === 'HTTP/';
}

export function tryTcpHint(ctx: DialContext): string {
  return `${hostPort(ctx)} seems to speak plain TCP: try ${hostPort(ctx)}:t`;
}

/** True when an OpenSSL error says the peer did not speak TLS at all. */
export function isNotTlsError(err: unknown): boolean {
  const code = errCode(err) ?? '';
  const msg = errText(err);
  return (
    code === 'ERR_SSL_WRONG_VERSION_NUMBER' ||
    code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' ||
    code === 'ERR_SSL_HTTP_REQUEST' ||
    /wrong version number|packet length too long|unknown protocol|http request/i.test(msg)
  );
}

/** Maps an error thrown while connecting or during the TLS handshake. */
export function mapDialError(err: unknown, ctx: DialContext, phase: 'connect' | 'tls' = 'connect'): CliError {
  if (err instanceof ConnectionError) return err;
  const where = hostPort(ctx);
  const code = errCode(err);
  const via = ctx.proxy ? ` (via proxy ${ctx.proxy})` : '';
  const mk = (msg: string, hint?: string) => new ConnectionError(msg, { cause: err, ...(hint ? { hint } : {}) });
  if (phase === 'tls') {
    if (isNotTlsError(err)) return mk(`TLS handshake with ${where} failed: the server did not answer in TLS`, tryTcpHint(ctx));
    if (code === 'ECONNRESET' || code === 'EPIPE') {
      return mk(`TLS handshake with ${where} failed: the server reset the connection`,
        TCP_PORTS.has(ctx.port) ? tryTcpHint(ctx) : undefined);
    }
    return mk(`TLS handshake with ${where} failed: ${errText(err)}`);
  }
  switch (code) {
    case 'ECONNREFUSED':
      return mk(`connection refused by ${where}${via}`, 'is the server running, and is this the right port?');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return mk(`cannot resolve host name ${ctx.host}`, code === 'EAI_AGAIN' ? 'DNS lookup failed temporarily: check your network' : 'check the spelling of the host name');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return mk(`${where} is unreachable${via} (${code})`, 'check your network connection or route to the host');
    case 'ECONNRESET':
    case 'EPIPE':
      return mk(`connection to ${where} was reset${via}`);
    case 'ETIMEDOUT':
      return new TimeoutError(`connecting to ${where} timed out${via}`, { cause: err });
    default:
      return mk(`cannot connect to ${where}${via}: ${errText(err)}`);
  }
}

/** The connect deadline passed; `phase` says where we were stuck. */
export function connectTimeout(ctx: DialContext, ms: number, phase: 'connect' | 'tls' | 'proxy' | 'ws'): TimeoutError {
  const where = hostPort(ctx);
  const secs = `${Math.round(ms / 100) / 10} s`;
  switch (phase) {
    case 'tls':
      return new TimeoutError(`TLS handshake with ${where} timed out after ${secs}`, {
        hint: TCP_PORTS.has(ctx.port) || !TLS_PORTS.has(ctx.port) ? `the server may not speak TLS here: try ${where}:t` : undefined,
      });
    case 'proxy':
      return new TimeoutError(`proxy ${ctx.proxy ?? ''} did not connect to ${where} within ${secs}`);
    case 'ws':
      return new TimeoutError(`WebSocket handshake with ${where} timed out after ${secs}`);
    default:
      return new TimeoutError(`connecting to ${where} timed out after ${secs}`, {
        hint: 'the host may be down or a firewall may drop the connection',
      });
  }
}

/** Plain TCP received bytes that are a TLS record (alert 0x15 or handshake 0x16, version 0x03). */
export function looksLikeTls(firstBytes: Buffer): boolean {
  return firstBytes.length >= 2 && firstBytes[0]! >= 0x14 && firstBytes[0]! <= 0x17 && firstBytes[1] === 0x03;
}

/** True for ports conventionally used for TLS. */
export function isTlsPort(port: number): boolean {
  return TLS_PORTS.has(port);
}
