/** Raw HTTP requests to the simulator (or a bitcoind), for the tests of its RPC and REST interfaces. */
import http from 'node:http';

/** Raw HTTP request to the node; returns status, headers and body bytes. */
export function httpRequest(url: string, opts: { method?: string; body?: string; auth?: string } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (opts.auth !== undefined) headers.Authorization = 'Basic ' + Buffer.from(opts.auth).toString('base64');
    if (opts.body !== undefined) { headers['Content-Type'] = 'application/json'; headers['Content-Length'] = Buffer.byteLength(opts.body); }
    const req = http.request(url, { method: opts.method ?? 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** GET a REST path below restUrl. */
export async function rest(restUrl: string, p: string): Promise<{ status: number; body: Buffer; type: string }> {
  const r = await httpRequest(restUrl + p);
  return { status: r.status, body: r.body, type: String(r.headers['content-type'] ?? '') };
}
