/** A minimal newline-framed Electrum client for tests of the real listeners. */
import net from 'node:net';

export interface LineClient {
  lines: any[];
  readonly closed: boolean;
  waitFor(pred: (m: any) => boolean, ms?: number): Promise<any>;
  call(method: string, params?: unknown[]): Promise<any>;
  /** Resolves true once the server has closed the connection (false after `ms`). */
  closedSoon(ms?: number): Promise<boolean>;
  close(): void;
}

export async function connectLines(port: number, host = '127.0.0.1'): Promise<LineClient> {
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(port, host, () => resolve(s));
    s.once('error', reject);
  });
  return lineClient(socket);
}

/** Wraps an already connected socket (TCP or TLS). */
export function lineClient(socket: net.Socket): LineClient {
  let buf = '';
  const lines: any[] = [];
  const waiters: (() => void)[] = [];
  let closed = false;
  socket.on('data', (d) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push(JSON.parse(buf.slice(0, i)));
      buf = buf.slice(i + 1);
    }
    for (const w of waiters.splice(0)) w();
  });
  socket.on('close', () => {
    closed = true;
    for (const w of waiters.splice(0)) w();
  });
  socket.on('error', () => {});
  let id = 0;
  const client: LineClient = {
    lines,
    get closed() {
      return closed;
    },
    async waitFor(pred, ms = 10_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const hit = lines.find(pred);
        if (hit) return hit;
        if (closed || Date.now() > deadline) throw new Error(`not received; got ${JSON.stringify(lines).slice(-800)}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 100);
        });
      }
    },
    async call(method, params = []) {
      const myId = ++id;
      socket.write(`${JSON.stringify({ jsonrpc: '2.0', method, params, id: myId })}\n`);
      return client.waitFor((m) => m.id === myId);
    },
    async closedSoon(ms = 5000) {
      const deadline = Date.now() + ms;
      while (!closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      return closed;
    },
    close: () => socket.destroy(),
  };
  return client;
}
