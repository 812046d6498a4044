/**
 * Drives sessions without sockets: a fake Transport records what the session sends, and
 * `client.call()` feeds one message and waits for its reply.
 */
import { SessionManager } from '../../src/server/manager.js';
import { DEFAULT_LIMITS, type Limits } from '../../src/server/limits.js';
import type { Session, Transport } from '../../src/server/session.js';
import { FakeBackend } from '../support/fake-backend.js';

export class FakeTransport implements Transport {
  readonly kind = 'tcp' as const;
  readonly sent: string[] = [];
  closed = false;
  paused = false;
  buffered = 0;
  private waiters: (() => void)[] = [];
  constructor(readonly remoteAddress = '127.0.0.1') {}
  send(text: string): void {
    if (this.closed) return;
    this.sent.push(text);
    for (const w of this.waiters.splice(0)) w();
  }
  bufferedBytes(): number {
    return this.buffered;
  }
  close(): void {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w();
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  /** Resolves when something is sent (or the transport closes). */
  next(): Promise<void> {
    return new Promise((r) => this.waiters.push(r));
  }
}

export interface TestClient {
  session: Session;
  transport: FakeTransport;
  /** Sends raw text and resolves with the parsed messages sent since (waits for at least one). */
  raw(text: string): Promise<any[]>;
  /** One request; resolves with the parsed reply object ({result} or {error}). */
  call(method: string, params?: unknown): Promise<any>;
  /** server.version then `call`. */
  notifications(): any[];
}

let ids = 1;

export function makeManager(backend = new FakeBackend(), limits: Partial<Limits> = {}, now?: () => number) {
  const logs: string[] = [];
  const manager = new SessionManager({
    backend,
    network: 'regtest',
    limits: { ...DEFAULT_LIMITS, ...limits },
    software: 'electrum-cli 0.1.0',
    banner: 'Welcome to $SERVER_VERSION',
    donationAddress: 'bcrt1qdonate',
    log: (l) => logs.push(l),
    now,
  });
  manager.addListener({ kind: 'tcp', host: '127.0.0.1', port: 51001 });
  return { manager, backend, logs };
}

export function connect(manager: SessionManager, ip = '127.0.0.1'): TestClient {
  const transport = new FakeTransport(ip);
  const session = manager.accept(transport);
  if (!session) throw new Error('session refused');
  let read = 0;
  const drain = () => transport.sent.slice(read).map((s) => JSON.parse(s));
  const client: TestClient = {
    session,
    transport,
    async raw(text) {
      const start = transport.sent.length;
      // as a listener does: the bytes first (a line and its newline), then the message
      if (session.received(Buffer.byteLength(text) + 1, true)) session.receive(text);
      while (transport.sent.length === start && !transport.closed) await transport.next();
      // let held notifications after the reply flush
      await new Promise((r) => setImmediate(r));
      const out = transport.sent.slice(start).map((s) => JSON.parse(s));
      read = transport.sent.length;
      return out;
    },
    async call(method, params = []) {
      const id = ids++;
      const out = await client.raw(JSON.stringify({ jsonrpc: '2.0', method, params, id }));
      const reply = out.find((m) => m.id === id);
      if (!reply) throw new Error(`no reply to ${method}: ${JSON.stringify(out)}`);
      return reply;
    },
    notifications() {
      const out = drain().filter((m) => m.method && m.id === undefined);
      read = transport.sent.length;
      return out;
    },
  };
  return client;
}

/** A client that has negotiated `version`. */
export async function versioned(manager: SessionManager, version: string, ip?: string): Promise<TestClient> {
  const c = connect(manager, ip);
  const r = await c.call('server.version', ['test-client', version]);
  if (r.error) throw new Error(JSON.stringify(r.error));
  return c;
}
