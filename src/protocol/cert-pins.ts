/**
 * The TLS certificate pins (trust on first use), kept in `<configDir>/known_hosts.json`: what
 * we trusted for each `host:port` (docs/protocol.md §1.3). Not to be confused with
 * cli/known-servers.ts, the server addresses the user has met (config file, probe cache).
 * `ca: true` means the host presented a CA-verified certificate and must keep doing so;
 * otherwise `fingerprint256` is the pinned self-signed certificate (trust on first use).
 */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';

/** One known host. */
export interface PinEntry {
  /** Lowercase hex SHA-256 of the DER certificate, no colons. */
  fingerprint256: string;
  ca: boolean;
  /** ISO time the host was first trusted. */
  firstSeen: string;
  /** ISO expiry of the certificate; an expired pin is dropped and re-learnt, as in Electrum. */
  validTo: string;
}

/** The file's name on disk, as it has always been (existing pins stay valid). */
export const CERT_PINS_FILE = 'known_hosts.json';

/** The pin store: a JSON file when given a config directory, memory only otherwise. */
export class CertPins {
  private entries: Record<string, PinEntry>;

  private constructor(readonly file: string | undefined) {
    this.entries = file ? readFile(file) : Object.create(null);
  }

  /** Loads `<configDir>/known_hosts.json` (missing file = empty); no configDir = in memory. */
  static load(configDir?: string): CertPins {
    return new CertPins(configDir ? path.join(configDir, CERT_PINS_FILE) : undefined);
  }

  /** Entry of `host:port` (IPv6 in brackets). */
  get(key: string): PinEntry | undefined {
    return Object.hasOwn(this.entries, key) ? this.entries[key] : undefined;
  }

  /** All entries, sorted by key. */
  list(): [string, PinEntry][] {
    return Object.entries(this.entries).sort(([a], [b]) => a.localeCompare(b));
  }

  /** Sets and saves one entry. */
  set(key: string, entry: PinEntry): void {
    this.update((e) => {
      e[key] = entry;
    });
  }

  /** Removes and saves; returns whether the key was known. */
  delete(key: string): boolean {
    let had = false;
    this.update((e) => {
      had = Object.hasOwn(e, key);
      delete e[key];
    });
    return had;
  }

  /** Re-reads the file just before writing, so parallel invocations lose as little as possible. */
  private update(fn: (e: Record<string, PinEntry>) => void): void {
    if (!this.file) {
      fn(this.entries);
      return;
    }
    const fresh = readFile(this.file);
    fn(fresh);
    this.entries = fresh;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    // 0600 like config.json: the file tells which servers this user talks to. The chmod also
    // covers a stale temporary file left with another mode (writeFileSync's mode applies on creation only).
    fs.writeFileSync(tmp, `${JSON.stringify(sortKeys(fresh), null, 2)}\n`, { mode: 0o600 });
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, this.file); // atomic: a crash never leaves a half-written file
  }
}

/** Removes the pin of `hostPort` from `<configDir>/known_hosts.json` (`config unpin`). */
export function removePin(configDir: string, hostPort: string): boolean {
  return CertPins.load(configDir).delete(hostPort);
}

function readFile(file: string): Record<string, PinEntry> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return Object.create(null);
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not valid JSON`, { cause: err, hint: 'fix it, or delete it to forget all pinned certificates' });
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new UsageError(`${file} must hold a JSON object`, { hint: 'fix it, or delete it to forget all pinned certificates' });
  }
  const out: Record<string, PinEntry> = Object.create(null);
  for (const [k, e] of Object.entries(v as Record<string, unknown>)) {
    if (isEntry(e)) out[k] = e; // skip entries we cannot use rather than refusing to run
  }
  return out;
}

function isEntry(e: unknown): e is PinEntry {
  if (typeof e !== 'object' || e === null) return false;
  const r = e as Record<string, unknown>;
  return typeof r.fingerprint256 === 'string' && /^[0-9a-f]{64}$/.test(r.fingerprint256) && typeof r.ca === 'boolean'
    && typeof r.firstSeen === 'string' && typeof r.validTo === 'string';
}

function sortKeys(e: Record<string, PinEntry>): Record<string, PinEntry> {
  return Object.fromEntries(Object.entries(e).sort(([a], [b]) => a.localeCompare(b)));
}
