/** SOCKS5 dialing (work in progress). */
import type net from 'node:net';
import { ConnectionError } from '../errors.js';
import type { DialContext } from './net-errors.js';
import type { ProxyAddress } from './server-address.js';

export async function socksDial(_p: ProxyAddress, _h: string, _port: number, _ctx: DialContext, _ms: number, _total: number): Promise<net.Socket> {
  throw new ConnectionError('SOCKS5 not implemented yet');
}
