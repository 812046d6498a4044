/**
 * Dialing through a SOCKS5 proxy (Tor, ssh -D). The destination host name, .onion included,
 * is handed to the proxy to resolve: resolving locally would leak DNS and cannot reach
 * .onion at all. Loaded lazily: only `--proxy` pays for the `socks` package.
 */
import type net from 'node:net';
import { SocksClient, type SocksClientOptions } from 'socks';
import { ConnectionError, TimeoutError } from '../errors.js';
import { connectTimeout, type DialContext } from './net-errors.js';
import { hostPort, type ProxyAddress } from './server-address.js';

/** Opens a TCP stream to host:port through the proxy. Throws ConnectionError/TimeoutError. */
export async function socksDial(
  proxy: ProxyAddress,
  host: string,
  port: number,
  ctx: DialContext,
  remainingMs: number,
  totalMs: number,
  track: (s: net.Socket) => void = () => {},
): Promise<net.Socket> {
  try {
    const { socket } = await connectVia(track, {
      command: 'connect',
      proxy: {
        host: proxy.host,
        port: proxy.port,
        type: 5,
        ...(proxy.userId !== undefined ? { userId: proxy.userId, password: proxy.password ?? '' } : {}),
      },
      destination: { host, port },
      timeout: Math.max(1, Math.round(remainingMs)),
      set_tcp_nodelay: true,
    });
    return socket;
  } catch (err) {
    throw mapSocksError(err, proxy, ctx, totalMs);
  }
}

/**
 * SocksClient.createConnection, but handing the socket to the proxy to `track` as soon as it
 * exists, so that Ctrl-C can destroy it while the proxy is still negotiating.
 */
function connectVia(track: (s: net.Socket) => void, options: SocksClientOptions): Promise<{ socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const client = new SocksClient(options);
    client.once('established', (info) => {
      client.removeAllListeners();
      resolve(info);
    });
    client.once('error', (err) => {
      client.removeAllListeners();
      reject(err);
    });
    client.connect();
    const socket = (client as unknown as { socket?: net.Socket }).socket;
    if (socket) track(socket);
  });
}

/** SOCKS5 reply codes (RFC 1928 §6) as the `socks` package names them, in plain words. */
const REPLY: Record<string, string> = {
  Failure: 'general failure',
  NotAllowed: 'connection not allowed by the proxy rules',
  NetworkUnreachable: 'network unreachable',
  HostUnreachable: 'host unreachable (for .onion: the service may be offline)',
  ConnectionRefused: 'connection refused by the server',
  TTLExpired: 'TTL expired',
  CommandNotSupported: 'command not supported',
  AddressNotSupported: 'address type not supported',
};

function mapSocksError(err: unknown, proxy: ProxyAddress, ctx: DialContext, totalMs: number): ConnectionError {
  const msg = err instanceof Error ? err.message : String(err);
  const p = hostPort(proxy);
  const target = hostPort(ctx);
  if (/timed out/i.test(msg)) return connectTimeout(ctx, totalMs, 'proxy');
  if (/ECONNREFUSED/.test(msg)) {
    return new ConnectionError(`connection refused by proxy ${p}`, { cause: err, hint: 'is the proxy (e.g. Tor) running on that port?' });
  }
  if (/ETIMEDOUT/.test(msg)) return new TimeoutError(`connecting to proxy ${p} timed out`, { cause: err });
  const rejected = /rejected connection - (\w+)/.exec(msg);
  if (rejected) {
    const why = REPLY[rejected[1]!] ?? rejected[1]!;
    return new ConnectionError(`proxy ${p} could not connect to ${target}: ${why}`, { cause: err });
  }
  if (/Authentication failed|no accepted authentication/i.test(msg)) {
    return new ConnectionError(`proxy ${p} refused the authentication`, { cause: err, hint: 'check the user name and password in the proxy URL' });
  }
  return new ConnectionError(`SOCKS5 proxy ${p} failed to connect to ${target}: ${msg}`, { cause: err });
}
