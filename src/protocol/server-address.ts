/**
 * Server and proxy specs as users type them (pure). Accepts Electrum's `host:port:t|s`, a bare
 * host, `[ipv6]:port:s`, and URLs (`tcp://`, `ssl://`/`tls://`, `ws://`, `wss://`).
 *
 * Default ports (docs/protocol.md §1.2): t/s follow Electrum and ElectrumX (mainnet 50001/50002,
 * every test network 51001/51002). WebSocket has no Electrum default, so ws/wss follow
 * Fulcrum's suggested 50003/50004 on mainnet and its "+10000" rule (60003/60004) elsewhere.
 */
import { isIP } from 'node:net';
import { UsageError } from '../errors.js';

/**
 * net.isIP, without running Node's IPv6 pattern on strings that cannot be IPv6: compiling
 * it costs about 4 ms on first use, which every `host:port:t` spec would otherwise pay.
 */
function ipVersion(s: string): number {
  if (/^[\d.]+$/.test(s)) return isIP(s);
  if (/^[0-9a-fA-F:.]+(%[\w.-]+)?$/.test(s) && s.indexOf(':') !== s.lastIndexOf(':')) return isIP(s);
  return 0;
}

/** Network names, declared here so the protocol layer does not depend on bitcoin/. */
export type NetworkName = 'mainnet' | 'testnet' | 'testnet4' | 'signet' | 'regtest';

/** How bytes travel: plain TCP, TLS, WebSocket, or WebSocket over TLS. */
export type TransportKind = 'tcp' | 'tls' | 'ws' | 'wss';

/** A parsed server address. `host` never carries IPv6 brackets. */
export interface ServerAddress {
  host: string;
  port: number;
  transport: TransportKind;
  /** URL path for ws/wss (servers ignore it; kept so the user's URL round-trips). */
  path?: string;
}

/** A parsed SOCKS5 proxy. Host names are always resolved by the proxy (see socks.ts). */
export interface ProxyAddress {
  host: string;
  port: number;
  userId?: string;
  password?: string;
}

const PORTS: Record<'main' | 'test', Record<TransportKind, number>> = {
  main: { tcp: 50001, tls: 50002, ws: 50003, wss: 50004 },
  test: { tcp: 51001, tls: 51002, ws: 60003, wss: 60004 },
};

/** The default port of a transport on a network. */
export function defaultPort(network: NetworkName, transport: TransportKind): number {
  return PORTS[network === 'mainnet' ? 'main' : 'test'][transport];
}

/** Transport implied by a well-known port, so `host:50001` means TCP without `:t`. */
function transportOfPort(port: number): TransportKind | undefined {
  for (const table of Object.values(PORTS)) {
    for (const [kind, p] of Object.entries(table)) if (p === port) return kind as TransportKind;
  }
  // Fulcrum's testnet suggestion for t/s (+10000) is common enough to recognise.
  if (port === 60001) return 'tcp';
  if (port === 60002) return 'tls';
  return undefined;
}

const SCHEMES: Record<string, TransportKind> = { tcp: 'tcp', ssl: 'tls', tls: 'tls', ws: 'ws', wss: 'wss' };
const LETTERS: Record<string, TransportKind> = { t: 'tcp', s: 'tls' };
/** `table[key]` for a key the user typed: own properties only (never Object.prototype's). */
function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
const HOSTNAME_RE = /^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/;

export interface ParseServerOptions {
  network?: NetworkName;
  /**
   * Transport when the spec names none and its port is not a well-known one. Defaults to
   * 'tls', as in Electrum (most public servers are reached over TLS).
   */
  defaultTransport?: TransportKind;
}

/**
 * Parses a server spec. Throws UsageError naming what is wrong.
 * @example parseServer('electrum.example.org:50002:s') // {host, port: 50002, transport: 'tls'}
 */
export function parseServer(spec: string, opts: ParseServerOptions = {}): ServerAddress {
  const network = opts.network ?? 'mainnet';
  const s = spec.trim();
  const bad = (why: string, hint?: string): UsageError =>
    new UsageError(`invalid server ${JSON.stringify(spec)}: ${why}`, {
      hint: hint ?? 'use HOST:PORT:t (TCP), HOST:PORT:s (TLS), [IPv6]:PORT:s, or tcp://, ssl://, ws://, wss:// URLs',
    });
  if (s === '') throw bad('empty');

  const url = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/.exec(s);
  if (url) {
    const scheme = url[1]!.toLowerCase();
    const transport = own(SCHEMES, scheme);
    if (!transport) throw bad(`unknown scheme "${scheme}://"`);
    const rest = url[2]!;
    const slash = rest.indexOf('/');
    const authority = slash === -1 ? rest : rest.slice(0, slash);
    let path = slash === -1 ? undefined : rest.slice(slash);
    if (authority.includes('@')) throw bad('user names are not supported in server URLs');
    const { host, port } = splitHostPort(authority, bad);
    if (path !== undefined && (transport === 'tcp' || transport === 'tls')) {
      if (path !== '/') throw bad(`a ${scheme}:// address has no path`);
      path = undefined;
    }
    const out: ServerAddress = { host, port: port ?? defaultPort(network, transport), transport };
    if ((transport === 'ws' || transport === 'wss') && path !== undefined && path !== '/') out.path = path;
    return out;
  }
  if (s.includes('/')) throw bad('unexpected "/"');

  let authority = s;
  let letter: string | undefined;
  // Electrum's trailing protocol letter: `host:port:t`, `[::1]:50002:s`, or `host:s`.
  const m = /^(.*):([A-Za-z])$/.exec(s);
  if (m && !ipVersion(s)) {
    authority = m[1]!;
    letter = m[2]!.toLowerCase();
    if (!own(LETTERS, letter)) throw bad(`unknown transport letter "${m[2]}"`, 'the last part is t (TCP) or s (TLS), e.g. HOST:50002:s');
  }
  const { host, port } = splitHostPort(authority, bad);
  const transport: TransportKind =
    (letter ? own(LETTERS, letter) : undefined) ??
    (port !== undefined ? transportOfPort(port) : undefined) ??
    opts.defaultTransport ??
    'tls';
  return { host, port: port ?? defaultPort(network, transport), transport };
}

function splitHostPort(text: string, bad: (why: string, hint?: string) => UsageError): { host: string; port?: number } {
  let host: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end === -1) throw bad('missing "]" after an IPv6 address');
    host = text.slice(1, end);
    const after = text.slice(end + 1);
    if (after !== '') {
      if (!after.startsWith(':')) throw bad(`unexpected ${JSON.stringify(after)} after "]"`);
      portText = after.slice(1);
    }
    if (ipVersion(host) !== 6) throw bad(`${JSON.stringify(host)} is not an IPv6 address`);
  } else if (ipVersion(text) === 6) {
    host = text; // a bare IPv6 address without port is unambiguous
  } else {
    const parts = text.split(':');
    if (parts.length > 2) {
      throw bad('too many ":"', 'put IPv6 addresses in brackets, e.g. [2001:db8::1]:50002:s');
    }
    host = parts[0]!;
    portText = parts[1];
    if (host === '') throw bad('missing host');
    if (ipVersion(host) === 0 && !HOSTNAME_RE.test(host)) throw bad(`${JSON.stringify(host)} is not a valid host name`);
  }
  if (portText === undefined) return { host: host.toLowerCase() };
  return { host: host.toLowerCase(), port: parsePort(portText, bad) };
}

function parsePort(text: string, bad: (why: string) => UsageError): number {
  if (!/^\d{1,5}$/.test(text)) throw bad(`port ${JSON.stringify(text)} is not a number`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw bad(`port ${port} is out of range 1-65535`);
  return port;
}

/** `host:port`, with brackets around IPv6: the key of known_hosts.json and of messages. */
export function hostPort(addr: { host: string; port: number }): string {
  return `${ipVersion(addr.host) === 6 ? `[${addr.host}]` : addr.host}:${addr.port}`;
}

/** A server as users write it: `host:port:t|s` for TCP/TLS, a URL for WebSocket. */
export function formatServer(addr: ServerAddress): string {
  if (addr.transport === 'tcp') return `${hostPort(addr)}:t`;
  if (addr.transport === 'tls') return `${hostPort(addr)}:s`;
  return `${addr.transport}://${hostPort(addr)}${addr.path ?? ''}`;
}

/**
 * Parses a proxy spec: `socks5://[user:pass@]host:port`, `socks5h://...`, or `host:port`.
 * Both schemes let the proxy resolve names (we never resolve locally: it would leak DNS
 * and cannot work for .onion). The port defaults to 9050 (Tor).
 */
export function parseProxy(spec: string): ProxyAddress {
  const s = spec.trim();
  const bad = (why: string): UsageError =>
    new UsageError(`invalid proxy ${JSON.stringify(spec)}: ${why}`, { hint: 'use socks5://HOST:PORT or socks5h://HOST:PORT' });
  let rest = s;
  const url = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/.exec(s);
  if (url) {
    const scheme = url[1]!.toLowerCase();
    if (scheme !== 'socks5' && scheme !== 'socks5h' && scheme !== 'socks') {
      throw bad(`unsupported scheme "${scheme}://" (only SOCKS5 proxies are supported)`);
    }
    rest = url[2]!.replace(/\/$/, '');
  }
  if (rest === '') throw bad('empty');
  let userId: string | undefined;
  let password: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at !== -1) {
    const cred = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = cred.indexOf(':');
    userId = decodeURIComponent(colon === -1 ? cred : cred.slice(0, colon));
    password = colon === -1 ? '' : decodeURIComponent(cred.slice(colon + 1));
  }
  if (rest.includes('/')) throw bad('unexpected "/"');
  const { host, port } = splitHostPort(rest, bad);
  return { host, port: port ?? 9050, ...(userId !== undefined ? { userId, password } : {}) };
}

/** A proxy for display, without its password. */
export function formatProxy(p: ProxyAddress): string {
  return `socks5h://${p.userId !== undefined ? `${encodeURIComponent(p.userId)}@` : ''}${hostPort(p)}`;
}
