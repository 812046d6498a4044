/** PROXY protocol headers as a proxy would send them (for tests of `serve --proxy-protocol`). */
import { isIP } from 'node:net';
import { V2_SIG } from '../../src/server/proxy-protocol.js';

/** A v1 header line. */
export function proxyV1(src: string, dst = '127.0.0.1', sport = 40000, dport = 50001): string {
  return `PROXY ${isIP(src) === 6 ? 'TCP6' : 'TCP4'} ${src} ${dst} ${sport} ${dport}\r\n`;
}

/** A v2 PROXY header for an IPv4 or IPv6 client. */
export function proxyV2(src: string, dst = '127.0.0.1', sport = 40000, dport = 50001): Buffer {
  const v6 = isIP(src) === 6;
  const addr = (ip: string): Buffer => {
    if (!v6) return Buffer.from(ip.split('.').map(Number));
    const [head, tail = ''] = ip.split('::') as [string, string?];
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const all = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
    const b = Buffer.alloc(16);
    all.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
    return b;
  };
  const dstIp = v6 && isIP(dst) !== 6 ? '::1' : dst;
  const ports = Buffer.alloc(4);
  ports.writeUInt16BE(sport, 0);
  ports.writeUInt16BE(dport, 2);
  const body = Buffer.concat([addr(src), addr(dstIp), ports]);
  const head = Buffer.alloc(4);
  head[0] = 0x21;
  head[1] = v6 ? 0x21 : 0x11;
  head.writeUInt16BE(body.length, 2);
  return Buffer.concat([V2_SIG, head, body]);
}
