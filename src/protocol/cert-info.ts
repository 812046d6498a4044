/**
 * Certificate facts for pinning and diagnostics (doctor, peers --probe), from the DER bytes.
 * Pure apart from parsing with node:crypto.
 */
import { X509Certificate } from 'node:crypto';
import { UsageError } from '../errors.js';

/** What users and diagnostics want to know about a server certificate. */
export interface CertDetails {
  /** Lowercase hex SHA-256 of the DER certificate, no colons (Electrum's fingerprint). */
  fingerprint256: string;
  validFrom: string;
  validTo: string;
  /** Whole days until validTo; negative once expired. */
  daysToExpiry: number;
  /** Issued by itself and signed with its own key. */
  selfSigned: boolean;
  /** Issuer common name (or organisation when there is no CN). */
  issuer?: string;
  subject?: string;
  /** Subject alternative names, e.g. ["DNS:electrum.example.org", "IP Address:192.0.2.1"]. */
  sans: string[];
}

const DAY_MS = 86_400_000;

/** Extracts the details of a DER (or PEM) certificate. */
export function certDetails(cert: Buffer | string, now: Date = new Date()): CertDetails {
  const x = new X509Certificate(cert);
  const validTo = new Date(x.validTo);
  let selfSigned = false;
  try {
    selfSigned = x.subject === x.issuer && x.verify(x.publicKey);
  } catch {
    selfSigned = false;
  }
  const issuer = commonName(x.issuer);
  const subject = commonName(x.subject);
  return {
    fingerprint256: x.fingerprint256.replace(/:/g, '').toLowerCase(),
    validFrom: new Date(x.validFrom).toISOString(),
    validTo: validTo.toISOString(),
    daysToExpiry: Math.floor((validTo.getTime() - now.getTime()) / DAY_MS),
    selfSigned,
    ...(issuer !== undefined ? { issuer } : {}),
    ...(subject !== undefined ? { subject } : {}),
    sans: x.subjectAltName ? x.subjectAltName.split(/,\s*/).filter((s) => s !== '') : [],
  };
}

/** The CN (or O) of an OpenSSL one-attribute-per-line distinguished name. */
function commonName(dn: string): string | undefined {
  const attrs = new Map<string, string>();
  for (const line of dn.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && !attrs.has(line.slice(0, eq))) attrs.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return attrs.get('CN') ?? attrs.get('O');
}

/**
 * Normalises a user fingerprint (`sha256:AB:CD...`, any case, colons optional) to the
 * lowercase 64-digit form. Throws UsageError for anything else.
 */
export function normalizeFingerprint(text: string): string {
  const s = text.trim().replace(/^sha-?256:/i, '').replace(/[:\s]/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(s)) {
    throw new UsageError(`invalid certificate fingerprint ${JSON.stringify(text)}`, {
      hint: 'give the SHA-256 of the certificate as sha256:HEX (64 hex digits, colons allowed)',
    });
  }
  return s;
}
