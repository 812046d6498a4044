/**
 * A minimal SOCKS5 CONNECT proxy for tests (RFC 1928, no auth or user/password). It records
 * the destination exactly as the client sent it (so a test can assert that host names were
 * left for the proxy to resolve) and connects every request to `route(host, port)` on loopback.
 */
import net from 'node:net';

export interface ProxyRequest {
  /** 1 = IPv4, 3 = domain name, 4 = IPv6. */
  atyp: number;
  host: string;
  port: number;
}

export interface TestProxy {
  port: number;
  requests: ProxyRequest[];
  close(): Promise<void>;
}

/** `route` returns the loopback port to connect to, or a SOCKS reply code (e.g. 4 = host unreachable) to refuse. */
export async function socksProxy(route: (host: string, port: number) => { port: number } | { reply: number }): Promise<TestProxy> {
  const requests: ProxyRequest[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    let buf = Buffer.alloc(0);
    let stage: 'greeting' | 'request' | 'piping' = 'greeting';
    client.on('data', function onData(chunk: Buffer) {
      if (stage === 'piping') return;
      buf = Buffer.concat([buf, chunk]);
      if (stage === 'greeting') {
        if (buf.length < 2 || buf.length < 2 + buf[1]!) return;
        buf = buf.subarray(2 + buf[1]!);
        client.write(Buffer.from([0x05, 0x00])); // no authentication
        stage = 'request';
      }
      if (stage === 'request') {
        if (buf.length < 5) return;
        const atyp = buf[3]!;
        const addrLen = atyp === 1 ? 4 : atyp === 4 ? 16 : 1 + buf[4]!;
        if (buf.length < 4 + addrLen + 2) return;
        const raw = buf.subarray(4, 4 + addrLen);
        const host = atyp === 3 ? raw.subarray(1).toString('latin1') : atyp === 1 ? [...raw].join('.') : raw.toString('hex');
        const port = buf.readUInt16BE(4 + addrLen);
        const rest = buf.subarray(4 + addrLen + 2);
        requests.push({ atyp, host, port });
        const reply = (code: number) => Buffer.from([0x05, code, 0x00, 0x01, 127, 0, 0, 1, 0, 0]);
        const r = route(host, port);
        if ('reply' in r) {
          client.end(reply(r.reply));
          return;
        }
        stage = 'piping';
        client.off('data', onData);
        const upstream = net.connect({ host: '127.0.0.1', port: r.port }, () => {
          client.write(reply(0x00));
          if (rest.length > 0) upstream.write(rest);
          client.pipe(upstream).pipe(client);
        });
        sockets.add(upstream);
        upstream.on('close', () => sockets.delete(upstream));
        upstream.on('error', () => client.destroy());
        client.on('close', () => upstream.destroy());
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
