/** `server.*` handlers (docs/protocol.md §2, §5.1, §9). */
import { RpcError, type Handler } from './context.js';
import { RPC } from '../../protocol/jsonrpc.js';
import { PROTOCOL_MAX, PROTOCOL_MIN, cmpVersion, isVersion, negotiate } from '../../protocol/version.js';

/** Client names are kept for logs only, cut like Fulcrum does. */
const MAX_CLIENT_NAME = 80;

/**
 * ElectrumX's negotiation (docs/protocol.md §2.2): a string is [v, v]; no overlap is error 1 and a
 * disconnect. A repeat is refused at every version (ElectrumX does the same).
 */
const version: Handler = (c, p) => {
  if (c.session.version !== null) throw new RpcError(RPC.BAD_REQUEST, 'server.version already sent');
  const arg = p.protocol_version as string | [string, string];
  const [min, max] = typeof arg === 'string' ? [arg, arg] : arg;
  const v = isVersion(min) && isVersion(max) ? negotiate(min, max, PROTOCOL_MIN, PROTOCOL_MAX) : null;
  if (v === null) {
    const shown = typeof arg === 'string' ? arg : JSON.stringify(arg);
    throw new RpcError(RPC.BAD_REQUEST, `unsupported protocol version: ${shown}`, true);
  }
  c.session.setVersion(v, String(p.client_name).slice(0, MAX_CLIENT_NAME));
  // 1.0 answered with the software string alone; 1.1 introduced [software, version].
  return cmpVersion(v, '1.1') < 0 ? c.info.software : [c.info.software, v];
};

export const serverHandlers = {
  'server.version': version,
  'server.banner': (c) =>
    c.info.banner.replaceAll('$SERVER_VERSION', c.info.software).replaceAll('$DONATION_ADDRESS', c.info.donationAddress),
  'server.donation_address': (c) => c.info.donationAddress,
  'server.features': (c) => c.info.features(),
  // No peer discovery: a private server knows no peers and announces none.
  'server.peers.subscribe': () => [],
  'server.add_peer': () => false,
  'server.ping': () => null,
} satisfies Record<string, Handler>;
