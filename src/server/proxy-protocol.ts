/**
 * The PROXY protocol header (HAProxy's proxy-protocol.txt, versions 1 and 2) that a reverse
 * proxy or load balancer sends first on each connection, naming the client it relays. Only
 * listeners the operator marks as behind a trusted proxy (`serve --proxy-protocol`) read it;
 * the session is then metered by the address it carries. Pure: bytes in, a result out.
 */
import { isIP } from 'node:net';

/** v2's fixed 12-byte signature. */
export const V2_SIG = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
/** v1 lines are at most 107 bytes including CRLF. */
const V1_MAX = 107;
/** v2 headers past this (address block plus TLVs) are refused rather than buffered. */
const V2_MAX = 16 + 1024;

export type ProxyParse =
  /** More bytes are needed. */
  | { state: 'more' }
  /** A header: `address` is the client's (undefined for LOCAL/UNKNOWN: use the socket's); `rest` follows it. */
  | { state: 'done'; address: string | undefined; rest: Buffer }
  | { state: 'error'; message: string };

/** Parses the PROXY header at the start of `buf` (everything received so far). */
export function parseProxyHeader(buf: Buffer): ProxyParse {
  const sigLen = Math.min(buf.length, V2_SIG.length);
  if (buf.subarray(0, sigLen).equals(V2_SIG.subarray(0, sigLen))) {
    return buf.length < 16 ? { state: 'more' } : parseV2(buf);
  }
  const v1 = Buffer.from('PROXY ');
  const n = Math.min(buf.length, v1.length);
  if (!buf.subarray(0, n).equals(v1.subarray(0, n))) return { state: 'error', message: 'no PROXY protocol header' };
  return parseV1(buf);
}

function parseV1(buf: Buffer): ProxyParse {
  const end = buf.indexOf('\r\n');
  if (end === -1) return buf.length >= V1_MAX ? { state: 'error', message: 'PROXY v1 line too long' } : { state: 'more' };
  if (end + 2 > V1_MAX) return { state: 'error', message: 'PROXY v1 line too long' };
  const parts = buf.toString('latin1', 0, end).split(' ');
  const rest = buf.subarray(end + 2);
  if (parts[1] === 'UNKNOWN') return { state: 'done', address: undefined, rest };
  if (parts.length !== 6 || (parts[1] !== 'TCP4' && parts[1] !== 'TCP6')) return { state: 'error', message: 'bad PROXY v1 line' };
  const src = parts[2]!;
  if (isIP(src) !== (parts[1] === 'TCP4' ? 4 : 6) || isIP(parts[3]!) === 0) return { state: 'error', message: 'bad address in PROXY v1 line' };
  for (const p of [parts[4]!, parts[5]!]) {
    if (!/^\d{1,5}$/.test(p) || Number(p) > 65535) return { state: 'error', message: 'bad port in PROXY v1 line' };
  }
  return { state: 'done', address: src, rest };
}

function parseV2(buf: Buffer): ProxyParse {
  const verCmd = buf[12]!;
  if (verCmd >> 4 !== 2) return { state: 'error', message: 'unsupported PROXY v2 version' };
  const cmd = verCmd & 0x0f;
  if (cmd > 1) return { state: 'error', message: 'unsupported PROXY v2 command' };
  const fam = buf[13]!;
  const len = buf.readUInt16BE(14);
  if (16 + len > V2_MAX) return { state: 'error', message: 'PROXY v2 header too long' };
  if (buf.length < 16 + len) return { state: 'more' };
  const rest = buf.subarray(16 + len);
  // LOCAL (health checks from the proxy itself) and address families we do not meter by.
  if (cmd === 0) return { state: 'done', address: undefined, rest };
  const body = buf.subarray(16, 16 + len);
  if (fam === 0x11 || fam === 0x12) {
    if (len < 12) return { state: 'error', message: 'short PROXY v2 IPv4 block' };
    return { state: 'done', address: [...body.subarray(0, 4)].join('.'), rest };
  }
  if (fam === 0x21 || fam === 0x22) {
    if (len < 36) return { state: 'error', message: 'short PROXY v2 IPv6 block' };
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(body.readUInt16BE(i).toString(16));
    return { state: 'done', address: compressV6(groups), rest };
  }
  return { state: 'done', address: undefined, rest };
}

/** "0:0:0:0:0:0:0:1" -> "::1", as node prints addresses (so loopback checks and buckets agree). */
function compressV6(groups: string[]): string {
  if (groups.slice(0, 5).every((g) => g === '0') && groups[5] === 'ffff') {
    const a = parseInt(groups[6]!, 16);
    const b = parseInt(groups[7]!, 16);
    return `::ffff:${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`;
  }
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best === -1) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}
