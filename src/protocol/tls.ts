/** TLS with Electrum-style certificate pinning (work in progress). */
import type net from 'node:net';
import type { TLSSocket } from 'node:tls';
import { ConnectionError } from '../errors.js';
import type { DialContext } from './net-errors.js';

export interface TlsInfo {
  fingerprint256: string;
}
export interface TlsOptions {
  configDir?: string;
}
export async function tlsHandshake(_s: net.Socket, ctx: DialContext, _o: TlsOptions, _ms: number, _total: number): Promise<{ socket: TLSSocket; info: TlsInfo }> {
  throw new ConnectionError(`TLS to ${ctx.host} not implemented yet`);
}
