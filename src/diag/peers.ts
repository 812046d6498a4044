/**
 * server.peers.subscribe entries (docs/protocol.md §9) as records, and the server lists that
 * probe, crawl, compare and bench accept (--servers FILE|LIST). Pure apart from reading files.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { NETWORKS, type NetworkName } from '../bitcoin/networks.js';
import { formatServer, parseServer, type ServerAddress } from '../protocol/server-address.js';

/** One peer as a server announced it. */
export interface PeerEntry {
  ip: string;
  host: string;
  /** Highest protocol version ("1.6"), from the `v` letter. */
  version?: string;
  /** Pruning limit in blocks, from `p`; absent when the peer does not prune. */
  pruning?: number;
  tcpPort?: number;
  sslPort?: number;
}

/** Parses one `[ip, host, [features]]` entry; unknown letters are ignored (§9). */
export function parsePeer(entry: readonly [string, string, readonly string[]], network: NetworkName): PeerEntry {
  const [ip, host, features] = entry;
  const out: PeerEntry = { ip, host };
  const net = NETWORKS[network];
  for (const f of features) {
    if (typeof f !== 'string' || f.length === 0) continue;
    const letter = f[0]!;
    const rest = f.slice(1);
    if (letter === 'v' && /^\d+(\.\d+){0,2}$/.test(rest)) out.version = rest;
    else if (letter === 'p' && /^\d+$/.test(rest)) out.pruning = Number(rest);
    else if (letter === 't') out.tcpPort = rest === '' ? net.tcpPort : portOf(rest);
    else if (letter === 's') out.sslPort = rest === '' ? net.sslPort : portOf(rest);
  }
  if (out.tcpPort === undefined) delete out.tcpPort;
  if (out.sslPort === undefined) delete out.sslPort;
  return out;
}

function portOf(s: string): number | undefined {
  const n = Number(s);
  return /^\d{1,5}$/.test(s) && n >= 1 && n <= 65535 ? n : undefined;
}

/** The addresses a peer offers, TLS first (the transport most clients use). */
export function peerAddresses(p: PeerEntry): ServerAddress[] {
  const host = p.host || p.ip;
  const out: ServerAddress[] = [];
  if (p.sslPort !== undefined) out.push({ host: host.toLowerCase(), port: p.sslPort, transport: 'tls' });
  if (p.tcpPort !== undefined) out.push({ host: host.toLowerCase(), port: p.tcpPort, transport: 'tcp' });
  return out;
}

/** Drops repeated addresses (same host, port and transport), keeping the first. */
export function uniqueAddresses(addrs: readonly ServerAddress[]): ServerAddress[] {
  const seen = new Set<string>();
  return addrs.filter((a) => {
    const k = formatServer(a);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Reads --servers: a file (one spec per line; blank lines and # comments ignored) when the
 * value names an existing file, else a comma- or space-separated list of specs.
 */
export function readServerList(value: string, network: NetworkName, cwd = '.'): ServerAddress[] {
  const path = resolve(cwd, value);
  let specs: string[];
  if (existsSync(path) && statSync(path).isFile()) {
    specs = readFileSync(path, 'utf8')
      .split('\n')
      .map((l) => l.replace(/#.*$/, '').trim())
      .filter((l) => l !== '');
  } else {
    specs = value.split(/[\s,]+/).filter((s) => s !== '');
  }
  if (specs.length === 0) throw new UsageError(`--servers ${JSON.stringify(value)} names no servers`);
  return uniqueAddresses(specs.map((s) => parseServer(s, { network })));
}

/** A server list file (what --crawl writes and --servers reads). */
export function formatServerList(addrs: readonly ServerAddress[], header?: string): string {
  const lines = addrs.map(formatServer);
  return `${header ? `# ${header}\n` : ''}${lines.join('\n')}\n`;
}
