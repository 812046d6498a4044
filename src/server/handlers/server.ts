/** `server.*` handlers (docs/protocol.md §2, §5.1, §9). */
import { RpcError, type Handler, type HandlerTable } from './context.js';
import { RPC } from '../../protocol/jsonrpc.js';
import { PROTOCOL_MIN, cmpVersion, isVersion, negotiate } from '../../protocol/version.js';

/** Client names are kept for logs only, cut like Fulcrum does. */
const MAX_CLIENT_NAME = 80;

/**
 * Electrum 2.x sends "0.9" or "0.10": ElectrumX 1.4, the last release to serve 1.0, had a
 * minimum of 0.9 and answered them with its 1.0 handlers, so they are read as 1.0.
 */
function fromPre10(v: string): string {
  return isVersion(v) && cmpVersion(v, '0.9') >= 0 && cmpVersion(v, '1.0') < 0 ? '1.0' : v;
}

/**
 * ElectrumX's negotiation (docs/protocol.md §2.2): a string is [v, v]; no overlap is error 1 and a
 * disconnect. A repeat is refused at every version (ElectrumX does the same). The highest
 * version is 1.6, or the 1.7 draft when the operator enabled it (--experimental-protocol).
 */
const version: Handler = (c, p) => {
  if (c.session.version !== null) throw new RpcError(RPC.BAD_REQUEST, 'server.version already sent');
  const arg = p.protocol_version as string | [string, string];
  const [min, max] = (typeof arg === 'string' ? [arg, arg] : arg).map(fromPre10) as [string, string];
  const v = isVersion(min) && isVersion(max) ? negotiate(min, max, PROTOCOL_MIN, c.info.protocolMax) : null;
  if (v === null) {
    const shown = typeof arg === 'string' ? arg : JSON.stringify(arg);
    throw new RpcError(RPC.BAD_REQUEST, `unsupported protocol version: ${shown}`, true);
  }
  c.session.setVersion(v, String(p.client_name).slice(0, MAX_CLIENT_NAME));
  // 1.0 answered with the software string alone; 1.1 introduced [software, version].
  return cmpVersion(v, '1.1') < 0 ? c.info.software : [c.info.software, v];
};

/** The largest pong: ElectrumX caps it at MAX_SEND (its default, 1 MB). */
const MAX_PONG = 1_000_000;

/** ElectrumX's five banner variables (session.py replaced_banner); bitcoind is asked only when needed. */
const banner: Handler = async (c) => {
  let text = c.info.banner;
  if (text.includes('$DAEMON_')) {
    const ni = await c.info.daemonInfo();
    const v = ni.version;
    text = text.replaceAll('$DAEMON_VERSION', `${Math.floor(v / 10_000)}.${Math.floor((v % 10_000) / 100)}.${v % 100}`)
      .replaceAll('$DAEMON_SUBVERSION', ni.subversion);
  }
  return text
    .replaceAll('$SERVER_SUBVERSION', c.info.software)
    .replaceAll('$SERVER_VERSION', c.info.software.split(' ').pop()!)
    .replaceAll('$DONATION_ADDRESS', c.info.donationAddress);
};

export const serverHandlers = {
  'server.version': version,
  'server.banner': banner,
  'server.donation_address': (c) => c.info.donationAddress,
  'server.features': (c) => {
    const f = c.info.features();
    // ElectrumX master drops hash_function at 1.7.
    if (cmpVersion(c.version, '1.7') >= 0) delete f.hash_function;
    return f;
  },
  // No peer discovery: a private server knows no peers and announces none.
  'server.peers.subscribe': () => [],
  'server.add_peer': () => false,
  'server.ping': (c, p) => {
    if (cmpVersion(c.version, '1.7') < 0) return null;
    // 1.7 (ElectrumX master): {"data": "00..."} of pong_len zeros; data must be hex (odd length allowed).
    if (p.data !== undefined && !/^[0-9a-fA-F]*$/.test(p.data)) throw new RpcError(RPC.BAD_REQUEST, `${p.data} should be a hex string`);
    if (p.pong_len > MAX_PONG) throw new RpcError(RPC.BAD_REQUEST, 'pong_len value too high');
    return { data: '0'.repeat(p.pong_len) };
  },
} satisfies Partial<HandlerTable>;
