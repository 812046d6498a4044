/**
 * The one certificate helper of the tests: throwaway certificates for TLS (EC keys: generation
 * takes milliseconds), self-signed for localhost/127.0.0.1, with given validity dates, or a
 * leaf signed by a test CA.
 */
import { generate } from 'selfsigned';

export interface Pem {
  key: string;
  cert: string;
}

const SAN_LOOPBACK = { name: 'subjectAltName' as const, altNames: [{ type: 2 as const, value: 'localhost' }, { type: 7 as const, ip: '127.0.0.1' }] };

/** A self-signed certificate for localhost/127.0.0.1. */
export async function selfSigned(cn = 'localhost', notBeforeDate?: Date, notAfterDate?: Date): Promise<Pem> {
  const r = await generate([{ name: 'commonName', value: cn }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [SAN_LOOPBACK],
    ...(notBeforeDate ? { notBeforeDate } : {}),
    ...(notAfterDate ? { notAfterDate } : {}),
  });
  return { key: r.private, cert: r.cert };
}

/** A CA and a leaf it signed; `names` are the leaf's DNS/IP SANs. */
export async function caAndLeaf(ipSan = true): Promise<{ ca: Pem; leaf: Pem }> {
  const ca = await generate([{ name: 'commonName', value: 'Test Root CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }],
  });
  const leaf = await generate([{ name: 'commonName', value: 'electrum.test' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'subjectAltName', altNames: ipSan ? SAN_LOOPBACK.altNames : [{ type: 2, value: 'elsewhere.invalid' }] },
    ],
  });
  return { ca: { key: ca.private, cert: ca.cert }, leaf: { key: leaf.private, cert: leaf.cert } };
}

const DAY_MS = 86_400_000;

/** A self-signed certificate for 127.0.0.1 valid from `notBeforeDaysAgo` days ago for `days` more days (negative: expired). */
export function certValid(days: number, notBeforeDaysAgo = 1): Promise<Pem> {
  return selfSigned('127.0.0.1', new Date(Date.now() - notBeforeDaysAgo * DAY_MS), new Date(Date.now() + days * DAY_MS));
}

/** A self-signed certificate whose common name is 127.0.0.1 (the scripted server's default). */
export function selfSignedCert(commonName = '127.0.0.1'): Promise<Pem> {
  return selfSigned(commonName);
}
