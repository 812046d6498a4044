/**
 * TLS with Electrum's trust model (docs/protocol.md §1.3): CA verification first; a self-signed
 * certificate is trusted on first use and pinned in known_hosts.json; later connections
 * accept only the pinned certificate (hostname check off); an expired pin is dropped and
 * re-learnt. Electrum reconnects to fetch the certificate; we do one handshake with
 * rejectUnauthorized off and apply the same decisions before sending any byte, which is
 * equivalent and also works through a SOCKS proxy.
 */
import { isIP } from 'node:net';
import type net from 'node:net';
import tls from 'node:tls';
import { ConnectionError } from '../errors.js';
import { certDetails, normalizeFingerprint, type CertDetails } from './cert-info.js';
import { CertPins } from './cert-pins.js';
import { connectTimeout, mapDialError, type DialContext } from './net-errors.js';
import { hostPort } from './server-address.js';

/** How the certificate came to be trusted. */
export type TlsTrust =
  | 'ca' // verified against the CA roots (and the host name)
  | 'pinned' // equal to the certificate pinned earlier
  | 'tofu' // self-signed, seen for the first time and now pinned
  | 'user-pin' // equal to the --pin fingerprint
  | 'unverified'; // mode 'report': accepted without judgement, for diagnostics

/** The TLS side of a connection: certificate details plus the trust decision. */
export interface TlsInfo extends CertDetails {
  protocol: string | null;
  cipher?: string;
  /** True when CA verification (chain and host name) succeeded. */
  authorized: boolean;
  /** OpenSSL's reason when it did not (DEPTH_ZERO_SELF_SIGNED_CERT, CERT_HAS_EXPIRED...). */
  authorizationError?: string;
  trust: TlsTrust;
  /** A certificate was pinned for the first time: the CLI prints a notice on stderr. */
  pinnedNew: boolean;
  /** Set when an expired pin was removed before this handshake. */
  pinDropped?: 'expired';
  /** In mode 'report': how the certificate compares with the stored pin. */
  pinStatus?: 'match' | 'mismatch' | 'none' | 'ca';
}

export interface TlsOptions {
  /** Directory of known_hosts.json; without it (and without certPins) pins live in memory. */
  configDir?: string;
  /** A pin store to use instead of loading one from configDir. */
  certPins?: CertPins;
  /** The user's `--pin sha256:HEX`: the certificate must have this fingerprint. */
  pin?: string;
  /** Extra trusted CA certificates (PEM), added to Node's roots. */
  ca?: string | string[];
  /** 'pin' (default) decides trust; 'report' accepts any certificate and stores nothing. */
  mode?: 'pin' | 'report';
  /** Clock for expiry checks (tests). */
  now?: () => Date;
}

/** Self-signed or unknown-root failures: Electrum's "trust on first use" case (verify code 18). */
const TOFU_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

const UNPIN = (key: string) => `if you trust the new certificate, remove the pin with: electrum-cli config unpin ${key}`;

/**
 * Runs the TLS handshake over a connected socket and decides trust.
 * @throws ConnectionError (certificate changed, untrusted, expired; handshake failure) or TimeoutError.
 */
export async function tlsHandshake(
  socket: net.Socket,
  ctx: DialContext,
  opts: TlsOptions,
  remainingMs: number,
  totalMs: number,
): Promise<{ socket: tls.TLSSocket; info: TlsInfo }> {
  const extraCa = opts.ca === undefined ? [] : Array.isArray(opts.ca) ? opts.ca : [opts.ca];
  const tlsSocket = await new Promise<tls.TLSSocket>((resolve, reject) => {
    const s = tls.connect({
      socket,
      // SNI must be a name, never an IP literal (RFC 6066).
      ...(isIP(ctx.host) === 0 ? { servername: ctx.host } : {}),
      host: ctx.host,
      rejectUnauthorized: false, // decided below, before any application byte is sent
      ...(extraCa.length > 0 ? { ca: [...tls.rootCertificates, ...extraCa] } : {}),
    });
    const timer = setTimeout(() => {
      s.destroy();
      reject(connectTimeout(ctx, totalMs, 'tls'));
    }, remainingMs);
    timer.unref(); // a deadline: the socket keeps the process alive while it matters
    s.once('secureConnect', () => {
      clearTimeout(timer);
      s.removeAllListeners('error');
      resolve(s);
    });
    s.once('error', (err) => {
      clearTimeout(timer);
      s.destroy();
      reject(mapDialError(err, ctx, 'tls'));
    });
  });
  try {
    return { socket: tlsSocket, info: decideTrust(tlsSocket, ctx, opts) };
  } catch (err) {
    tlsSocket.destroy();
    throw err;
  }
}

function decideTrust(s: tls.TLSSocket, ctx: DialContext, opts: TlsOptions): TlsInfo {
  const key = hostPort(ctx);
  const now = opts.now?.() ?? new Date();
  const peer = s.getPeerCertificate(false);
  if (!peer || !peer.raw) throw new ConnectionError(`TLS handshake with ${key} failed: the server sent no certificate`);
  const details = certDetails(peer.raw, now);
  const authError = s.authorizationError ? String((s.authorizationError as unknown as { code?: string }).code ?? s.authorizationError) : undefined;
  const info: TlsInfo = {
    ...details,
    protocol: s.getProtocol(),
    ...(s.getCipher()?.name ? { cipher: s.getCipher().name } : {}),
    authorized: s.authorized,
    ...(authError ? { authorizationError: authError } : {}),
    trust: 'unverified',
    pinnedNew: false,
  };
  const fp = details.fingerprint256;
  const store = opts.certPins ?? CertPins.load(opts.configDir);
  let entry = store.get(key);

  if (opts.mode === 'report') {
    info.pinStatus = !entry ? 'none' : entry.ca ? 'ca' : entry.fingerprint256 === fp ? 'match' : 'mismatch';
    return info;
  }

  const record = (ca: boolean) => {
    const prev = store.get(key);
    store.set(key, {
      fingerprint256: fp,
      ca,
      firstSeen: prev && prev.fingerprint256 === fp ? prev.firstSeen : now.toISOString(),
      validTo: details.validTo,
    });
  };

  if (opts.pin !== undefined) {
    const want = normalizeFingerprint(opts.pin);
    if (want !== fp) {
      throw new ConnectionError(`TLS certificate of ${key} does not match --pin (expected sha256:${want}, got sha256:${fp})`, {
        hint: 'check the fingerprint with the server operator; a mismatch may mean a man-in-the-middle',
      });
    }
    // The user vouched for exactly this certificate: pin it (replacing any older pin).
    if (!entry || entry.fingerprint256 !== fp || entry.ca !== s.authorized) record(s.authorized);
    info.trust = 'user-pin';
    return info;
  }

  if (entry && !entry.ca && Date.parse(entry.validTo) < now.getTime()) {
    // Electrum deletes an expired pin and learns the certificate again.
    store.delete(key);
    entry = undefined;
    info.pinDropped = 'expired';
  }

  if (entry && !entry.ca) {
    if (entry.fingerprint256 !== fp) {
      throw new ConnectionError(
        `TLS certificate of ${key} changed (pinned sha256:${entry.fingerprint256}, got sha256:${fp}): possible man-in-the-middle or a rotated certificate`,
        { hint: `${UNPIN(key)} (or accept it once with --pin sha256:${fp})` },
      );
    }
    info.trust = 'pinned';
    return info;
  }

  if (s.authorized) {
    if (!entry) record(true);
    info.trust = 'ca';
    return info;
  }

  if (entry?.ca) {
    throw new ConnectionError(
      `TLS certificate of ${key} failed CA verification (${authError ?? 'unknown reason'}), but this host had a CA-signed certificate before`,
      { hint: `${UNPIN(key)} (or accept it once with --pin sha256:${fp})` },
    );
  }

  // OpenSSL reports an expired self-signed certificate as CERT_HAS_EXPIRED, not code 18.
  if (authError && (TOFU_CODES.has(authError) || (details.selfSigned && authError === 'CERT_HAS_EXPIRED'))) {
    if (Date.parse(details.validTo) < now.getTime()) {
      throw new ConnectionError(`TLS certificate of ${key} expired on ${details.validTo.slice(0, 10)}`, {
        hint: `if you trust it anyway, pin it with --pin sha256:${fp}`,
      });
    }
    record(false);
    info.trust = 'tofu';
    info.pinnedNew = true;
    return info;
  }

  throw new ConnectionError(`TLS certificate of ${key} is not trusted: ${describeAuthError(authError)}`, {
    hint: `if you trust this certificate, pin it with --pin sha256:${fp}`,
  });
}

function describeAuthError(code: string | undefined): string {
  switch (code) {
    case 'CERT_HAS_EXPIRED':
      return 'it has expired';
    case 'CERT_NOT_YET_VALID':
      return 'it is not valid yet (check the clock)';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return 'it is issued for another host name';
    case undefined:
      return 'verification failed';
    default:
      return code;
  }
}
