/**
 * Protocol version strings (docs/protocol.md §0): dotted decimal, compared as integer tuples with
 * missing trailing parts treated as 0, so "1.6" equals "1.6.0".
 */
export type VersionTuple = readonly [number, number, number, number];

/** The range this client and the embedded server speak. */
export const PROTOCOL_MIN = '1.0';
export const PROTOCOL_MAX = '1.6';
/**
 * The draft after PROTOCOL_MAX that both sides can speak when asked explicitly (the client's
 * --protocol 1.7, the server's --experimental-protocol 1.7), following ElectrumX master.
 */
export const PROTOCOL_DRAFT = '1.7';

// Up to four parts: ElectrumX and Fulcrum take "1.4.2.1" (compared part by part).
const VERSION_RE = /^\d{1,4}(\.\d{1,4}){0,3}$/;

export function isVersion(s: unknown): s is string {
  return typeof s === 'string' && VERSION_RE.test(s);
}

/** Parses "1.4.2" to [1, 4, 2, 0]; returns null for anything else. */
export function parseVersion(s: string): VersionTuple | null {
  if (!isVersion(s)) return null;
  const p = s.split('.').map(Number);
  return [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0, p[3] ?? 0];
}

export function cmpVersion(a: string | VersionTuple, b: string | VersionTuple): number {
  const x = typeof a === 'string' ? parseVersion(a) : a;
  const y = typeof b === 'string' ? parseVersion(b) : b;
  if (!x || !y) throw new TypeError(`invalid protocol version: ${String(x ? b : a)}`);
  for (let i = 0; i < 4; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return 0;
}

/**
 * True when `v` is at most `until`, compared on the parts `until` names: "1.5.1" is within
 * an `until` of "1.5" (a method removed in 1.6 exists in every 1.5.x, as at ElectrumX).
 */
export function atMost(v: string, until: string): boolean {
  const parts = until.split('.').length;
  return cmpVersion(v.split('.').slice(0, parts).join('.'), until) <= 0;
}

/** True when `v` lies in [since, until] (until inclusive, with its sub-versions; open when absent). */
export function inRange(v: string, since: string, until?: string): boolean {
  return cmpVersion(v, since) >= 0 && (until === undefined || atMost(v, until));
}

/**
 * The server's choice (docs/protocol.md §2.2): v = min(client_max, server_max); no common version
 * when v < max(client_min, server_min). Returns the chosen version or null.
 */
export function negotiate(clientMin: string, clientMax: string, serverMin: string, serverMax: string): string | null {
  const v = cmpVersion(clientMax, serverMax) < 0 ? clientMax : serverMax;
  const lo = cmpVersion(clientMin, serverMin) > 0 ? clientMin : serverMin;
  return cmpVersion(v, lo) < 0 ? null : v;
}
