/**
 * The server.version handshake (docs/protocol.md §2) and the genesis check against
 * server.features. The reply is untrusted: it must name a version inside the range offered.
 */
import { ProtocolError, ServerError, VerificationError } from '../errors.js';
import { describe } from './jsonrpc.js';
import type { Requester } from './requester.js';
import { PROTOCOL_MAX, PROTOCOL_MIN, cmpVersion, inRange, isVersion } from './version.js';
import { VERSION } from '../version.js';

/** Sent as client_name; not a bare number, so ElectrumX does not read it as an old Electrum. */
export const CLIENT_NAME = `electrum-cli/${VERSION}`;

export interface NegotiateOptions {
  clientName?: string;
  /** Lowest protocol version offered (default PROTOCOL_MIN). */
  min?: string;
  /** Highest protocol version offered (default PROTOCOL_MAX). */
  max?: string;
  timeoutMs?: number;
}

/** The outcome of server.version. */
export interface Negotiated {
  software: string;
  version: string;
}

/**
 * Sends `server.version [clientName, [min, max]]` and validates the reply. A 1.0 server
 * answers with just its software string, meaning protocol 1.0.
 * @throws ServerError when the server shares no version with the offered range.
 * @throws ProtocolError when the reply is malformed or outside the offered range.
 */
export async function negotiateVersion(conn: Pick<Requester, 'request'>, opts: NegotiateOptions = {}): Promise<Negotiated> {
  const min = opts.min ?? PROTOCOL_MIN;
  const max = opts.max ?? PROTOCOL_MAX;
  if (!isVersion(min) || !isVersion(max) || cmpVersion(min, max) > 0) {
    throw new RangeError(`invalid protocol range ${min}–${max}`);
  }
  let reply: unknown;
  try {
    // negotiation: before a version is agreed no record's validator applies (checked below)
    reply = await conn.request('server.version', [opts.clientName ?? CLIENT_NAME, [min, max]], {
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    });
  } catch (err) {
    if (err instanceof ServerError) {
      const narrowed = min !== PROTOCOL_MIN || max !== PROTOCOL_MAX;
      throw new ServerError(err.code, err.rpcMessage, 'server.version', {
        cause: err,
        hint: narrowed
          ? `the server speaks none of protocol ${rangeText(min, max)}; electrum-cli speaks ${rangeText(PROTOCOL_MIN, PROTOCOL_MAX)}: try without forcing a version`
          : `the server speaks no protocol version in ${rangeText(min, max)} (electrum-cli speaks ${rangeText(PROTOCOL_MIN, PROTOCOL_MAX)})`,
      });
    }
    throw err;
  }
  return checkVersionReply(reply, min, max);
}

/** Validates a server.version result against the offered range (pure). */
export function checkVersionReply(reply: unknown, min: string, max: string): Negotiated {
  if (typeof reply === 'string') {
    // Protocol 1.0 ignored the version argument and returned only the software name.
    if (cmpVersion(min, '1.0') <= 0) return { software: reply, version: '1.0' };
    throw new ProtocolError(
      `server.version: the server answered only ${describe(reply)} (a protocol 1.0 reply), but ${rangeText(min, max)} was offered`,
    );
  }
  if (!Array.isArray(reply) || reply.length !== 2 || typeof reply[0] !== 'string' || typeof reply[1] !== 'string') {
    throw new ProtocolError(`server.version: expected [software, version], got ${summary(reply)}`);
  }
  const [software, version] = reply as [string, string];
  if (!isVersion(version)) {
    throw new ProtocolError(`server.version: the server named protocol version ${JSON.stringify(String(version).slice(0, 40))}, which is not a version`);
  }
  if (!inRange(version, min, max)) {
    throw new ProtocolError(`server.version: the server chose protocol ${version}, outside the offered range ${rangeText(min, max)}`);
  }
  return { software, version };
}

/**
 * Calls server.features (protocol >= 1.1) and checks `genesis_hash` (docs/protocol.md §2.1 step 3).
 * Returns the features, or undefined on a 1.0 session where the method does not exist.
 * @param networkName used in the message only ("regtest").
 * @throws VerificationError when the server is on another chain.
 */
export async function checkGenesis(
  conn: Requester,
  expectedGenesis: string,
  networkName?: string,
): Promise<Record<string, unknown> | undefined> {
  if (!conn.version || cmpVersion(conn.version, '1.1') < 0) return undefined;
  const features = await conn.request('server.features', []); // negotiation: the genesis check of a new session
  if (typeof features !== 'object' || features === null || Array.isArray(features)) {
    throw new ProtocolError(`server.features: expected an object, got ${describe(features)}`);
  }
  const got = (features as Record<string, unknown>).genesis_hash;
  if (typeof got !== 'string' || !/^[0-9a-fA-F]{64}$/.test(got)) {
    throw new ProtocolError(`server.features: genesis_hash is missing or not a 64-digit hex hash`);
  }
  if (got.toLowerCase() !== expectedGenesis.toLowerCase()) {
    throw new VerificationError(
      `server is on another chain: genesis ${got.toLowerCase()} (expected ${networkName ? `${networkName} ` : ''}${expectedGenesis.toLowerCase()})`,
      { hint: 'pick a server for this network, or choose the network with --network' },
    );
  }
  return features as Record<string, unknown>;
}

function rangeText(min: string, max: string): string {
  return min === max ? min : `${min}–${max}`;
}

function summary(v: unknown): string {
  if (Array.isArray(v)) {
    const s = JSON.stringify(v);
    return `an array ${s.length > 80 ? `${s.slice(0, 79)}…` : s}`;
  }
  return describe(v);
}
