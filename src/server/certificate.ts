/**
 * The TLS certificate of `serve`: the operator's own (--tls-cert/--tls-key), or a
 * self-signed one generated on first run and kept in the data directory, so Electrum's
 * trust-on-first-use pin (docs/protocol.md §1.3) stays valid across restarts.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';

export interface TlsMaterial {
  key: string;
  cert: string;
}

export const CERT_FILE = 'tls.crt';
export const KEY_FILE = 'tls.key';

/**
 * The pin of a PEM certificate (its first, for a chain) as the client's `--pin` takes it:
 * "sha256:" and the lowercase hex SHA-256 of the DER bytes (docs/protocol.md §1.3).
 */
export function certificatePin(pem: string): string {
  return `sha256:${new X509Certificate(pem).fingerprint256.replace(/:/g, '').toLowerCase()}`;
}

/** certificatePin, as a usage error naming `file` when the PEM does not parse. */
function pinOf(pem: string, file: string): string {
  try {
    return certificatePin(pem);
  } catch (e) {
    throw new UsageError(`${file} is not a PEM certificate: ${(e as Error).message}`, { hint: 'give --tls-cert a PEM file (-----BEGIN CERTIFICATE-----)' });
  }
}

/** Reads the given pair, or loads/creates `<dir>/tls.{crt,key}`; logs the pin clients use. */
export async function loadCertificate(
  opts: { certFile?: string; keyFile?: string; dir: string; hostnames: string[] },
  log: (line: string) => void,
): Promise<TlsMaterial> {
  const loaded = (file: string, m: TlsMaterial): TlsMaterial => {
    log(`TLS certificate ${file}: clients pin it with --pin ${pinOf(m.cert, file)}`);
    return m;
  };
  if (opts.certFile || opts.keyFile) {
    if (!opts.certFile || !opts.keyFile) throw new UsageError('--tls-cert and --tls-key go together');
    let m: TlsMaterial;
    try {
      m = { cert: readFileSync(opts.certFile, 'utf8'), key: readFileSync(opts.keyFile, 'utf8') };
    } catch (e) {
      throw new UsageError(`cannot read the TLS certificate or key: ${(e as Error).message}`, { hint: 'check the paths given to --tls-cert and --tls-key' });
    }
    try {
      createPrivateKey(m.key);
    } catch (e) {
      throw new UsageError(`${opts.keyFile} is not a PEM private key: ${(e as Error).message}`, { hint: 'give --tls-key the PEM key of the --tls-cert certificate (-----BEGIN PRIVATE KEY-----)' });
    }
    return loaded(opts.certFile, m);
  }
  const certPath = join(opts.dir, CERT_FILE);
  const keyPath = join(opts.dir, KEY_FILE);
  if (existsSync(certPath) && existsSync(keyPath)) {
    return loaded(certPath, { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') });
  }
  const { generate } = await import('selfsigned');
  const now = new Date();
  const names = [...new Set(['localhost', ...opts.hostnames])];
  const ip = (h: string) => /^[\d.]+$/.test(h) || h.includes(':');
  const pems = await generate([{ name: 'commonName', value: names.find((h) => !ip(h)) ?? 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 86_400_000),
    notAfterDate: new Date(now.getTime() + 10 * 365 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...names.map((h) => (ip(h) ? { type: 7 as const, ip: h } : { type: 2 as const, value: h })), { type: 7 as const, ip: '127.0.0.1' }],
      },
    ],
  });
  mkdirSync(opts.dir, { recursive: true });
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  writeFileSync(certPath, pems.cert);
  // (selfsigned's own `fingerprint` is SHA-1: the pin is computed from the certificate.)
  log(`generated a self-signed TLS certificate in ${certPath}`);
  return loaded(certPath, { cert: pems.cert, key: pems.private });
}
