/** WebSocket transport (work in progress). */
import type net from 'node:net';
import { ConnectionError } from '../errors.js';
import type { DialContext } from './net-errors.js';
import type { ServerAddress } from './server-address.js';
import type { Transport, TransportInfo } from './transport.js';

export async function openWebSocket(_s: net.Socket, _a: ServerAddress, _c: DialContext, _i: TransportInfo, _m: number, _ms: number, _t: number): Promise<Transport> {
  throw new ConnectionError('WebSocket not implemented yet');
}
