/**
 * The TLS certificate of `serve`: the operator's own (--tls-cert/--tls-key), or a
 * self-signed one generated on first run and kept in the data directory, so Electrum's
 * trust-on-first-use pin (docs/protocol.md §1.3) stays valid across restarts.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';

export interface TlsMaterial {
  key: string;
  cert: string;
}

export const CERT_FILE = 'tls.crt';
export const KEY_FILE = 'tls.key';

/** Reads the given pair, or loads/creates `<dir>/tls.{crt,key}`. */
export async function loadCertificate(
  opts: { certFile?: string; keyFile?: string; dir: string; hostnames: string[] },
  log: (line: string) => void,
): Promise<TlsMaterial> {
  if (opts.certFile || opts.keyFile) {
    if (!opts.certFile || !opts.keyFile) throw new UsageError('--tls-cert and --tls-key go together');
    try {
      return { cert: readFileSync(opts.certFile, 'utf8'), key: readFileSync(opts.keyFile, 'utf8') };
    } catch (e) {
      throw new UsageError(`cannot read the TLS certificate or key: ${(e as Error).message}`);
    }
  }
  const certPath = join(opts.dir, CERT_FILE);
  const keyPath = join(opts.dir, KEY_FILE);
  if (existsSync(certPath) && existsSync(keyPath)) {
    return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
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
  log(`generated a self-signed TLS certificate in ${certPath} (SHA-256 fingerprint ${pems.fingerprint})`);
  return { cert: pems.cert, key: pems.private };
}
