/**
 * The simulator's HTTP face: bitcoind-style JSON-RPC (cookie or user/password Basic auth, single and
 * batch, /wallet/<name>) and the unauthenticated REST interface, on 127.0.0.1. start()/stop() model
 * a node restart: state is re-read from the datadir and a new cookie is written each time.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { RPC, RpcError } from './errors.js';
import { NodeOptions, SimNode } from './node.js';
import { handleRest } from './rest.js';
import { dispatch } from './rpc.js';
import type { Policy } from './mempool.js';
import { ZmqPublisher, hashBytes, sequenceBody, type ZmqTopic } from './zmq.js';
import { DEFAULT_RPC_SERVER_TIMEOUT, Transport, type DropOptions, type DropStats, type Reply } from './drops.js';

/** Options of a simulator instance. */
export interface SimulatorOptions {
  /** Data directory (a temporary one is created when omitted). */
  datadir?: string;
  /** RPC port; 0 picks a free one (kept across restarts). */
  port?: number;
  /** Serve REST (default true); false makes every /rest/ path 404 like bitcoind without -rest. */
  rest?: boolean;
  /** Fixed credentials instead of the cookie (no cookie file is written then, as in Core). */
  rpcUser?: string;
  rpcPassword?: string;
  seed?: string;
  policy?: Partial<Policy>;
  walletFeeRate?: number;
  /** A file of raw block hex lines (chaingen output) imported on first start. */
  preloadFile?: string;
  /** Answer RPC with -28 (warming up) for this many ms after start. */
  warmupMs?: number;
  /** Called after the stop RPC has shut the server down. */
  onStopRequested?: () => void;
  /**
   * Publish ZMQ notifications (hashblock, hashtx, rawtx, sequence) on one 127.0.0.1 port, like
   * bitcoind with -zmqpub<topic>=ADDR: true picks a free port (kept across restarts), a number
   * fixes it. Needs the optional `zeromq` package.
   */
  zmq?: boolean | number;
  /** Topics to publish with `zmq` (default hashblock, hashtx, rawtx, sequence). */
  zmqTopics?: ZmqTopic[];
  /** Core's -persistmempool (default true): mempool.dat is read on start and written by a clean stop. */
  persistMempool?: boolean;
  /**
   * bitcoind's -rpcservertimeout in seconds (default 30, Core's): a connection with no read or
   * write for this long, idle keep-alive ones included, is closed without a reply.
   */
  rpcServerTimeout?: number;
  /** Seeded random dropping of idle and busy connections (off by default); see drops.ts. */
  drops?: DropOptions;
  /** Core's -txospenderindex (gettxspendingprevout finds confirmed spends). */
  txospenderindex?: boolean;
}

/** A running (or stopped) simulated bitcoind. */
export class Simulator {
  readonly datadir: string;
  node?: SimNode;
  private server?: http.Server;
  private port: number;
  private cookie = '';
  private warmupUntil = 0;
  private zmq?: ZmqPublisher;
  private zmqPort = 0;
  private transport?: Transport;

  constructor(readonly opts: SimulatorOptions = {}) {
    this.datadir = opts.datadir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'electrum-cli-sim-'));
    this.port = opts.port ?? 0;
  }

  get rpcPort(): number { return this.port; }
  get rpcUrl(): string { return `http://127.0.0.1:${this.port}/`; }
  get restUrl(): string { return `http://127.0.0.1:${this.port}/rest`; }
  get cookiePath(): string { return path.join(this.datadir, 'regtest', '.cookie'); }
  get running(): boolean { return this.server !== undefined; }
  /** tcp://127.0.0.1:PORT of the ZMQ publisher, when `zmq` is on and running. */
  get zmqAddress(): string | undefined { return this.zmq?.address; }
  /** Turns seeded connection drops on (re-seeded) or off while running (and for later starts). */
  setDrops(drops: DropOptions | undefined): void {
    this.opts.drops = drops;
    this.transport?.setDrops(drops);
  }
  /** Connections closed by the idle timeout and by each kind of drop, since the last start. */
  get dropStats(): DropStats { return this.transport?.stats ?? { request: 0, beforeResponse: 0, midResponse: 0, idle: 0, timeout: 0 }; }

  /** Loads state from the datadir, writes a fresh cookie and listens. */
  async start(): Promise<void> {
    if (this.server) throw new Error('simulator already running');
    const nodeOpts: NodeOptions = {
      datadir: this.datadir, seed: this.opts.seed, policy: this.opts.policy, walletFeeRate: this.opts.walletFeeRate, txospenderindex: this.opts.txospenderindex,
      preloadFile: this.opts.preloadFile,
      persistMempool: this.opts.persistMempool,
    };
    this.node = new SimNode(nodeOpts);
    if (this.opts.zmq) await this.startZmq(this.node);
    if (this.opts.rpcPassword === undefined) {
      this.cookie = `__cookie__:${crypto.randomBytes(32).toString('hex')}`;
      fs.writeFileSync(this.cookiePath, this.cookie, { mode: 0o600 });
    }
    this.warmupUntil = this.opts.warmupMs ? Date.now() + this.opts.warmupMs : 0;
    const transport = new Transport(this.opts.rpcServerTimeout ?? DEFAULT_RPC_SERVER_TIMEOUT, this.opts.drops);
    const server = http.createServer(Transport.serverOptions(), (req, res) => {
      if (!transport.dropOnArrival(req)) this.handle(req, (r) => transport.send(req, res, r));
    });
    transport.attach(server);
    this.transport = transport;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => { server.off('error', reject); resolve(); });
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /** Clean shutdown: stops listening, writes mempool.dat (-persistmempool) and removes the cookie, as Core does. */
  async stop(): Promise<void> { await this.halt(true); }

  /** An abrupt end (what kill -9 leaves): blocks and state are on disk already, the mempool is not saved. */
  async kill(): Promise<void> { await this.halt(false); }

  private async halt(clean: boolean): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    if (clean) this.node?.shutdown();
    this.zmq?.close();
    this.zmq = undefined;
    this.transport?.close();
    await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
    if (clean && this.opts.rpcPassword === undefined) fs.rmSync(this.cookiePath, { force: true });
  }

  private async startZmq(node: SimNode): Promise<void> {
    const pub = await ZmqPublisher.open(this.zmqPort || (typeof this.opts.zmq === 'number' ? this.opts.zmq : 0), this.opts.zmqTopics);
    this.zmqPort = Number(pub.address.split(':').pop());
    this.zmq = pub;
    node.zmqNotifications = pub.notifications();
    const txMessages = (tx: { txid: string; raw: Buffer }): void => {
      pub.publish('hashtx', hashBytes(tx.txid));
      pub.publish('rawtx', tx.raw);
    };
    // Core's order: each tx of a block (hashtx/rawtx), sequence C/D, then hashblock for a new tip.
    node.events = {
      blockConnected: (hash, txs) => {
        for (const tx of txs) txMessages(tx);
        pub.publish('sequence', sequenceBody(hash, 'C'));
        pub.publish('hashblock', hashBytes(hash));
      },
      blockDisconnected: (hash, txs) => {
        for (const tx of txs) txMessages(tx);
        pub.publish('sequence', sequenceBody(hash, 'D'));
      },
      txAdded: (tx, seq) => {
        txMessages(tx);
        pub.publish('sequence', sequenceBody(tx.txid, 'A', seq));
      },
      txRemoved: (txid, seq) => pub.publish('sequence', sequenceBody(txid, 'R', seq)),
    };
  }

  /** stop() then start(): same port, new cookie, state re-derived from disk. */
  async restart(): Promise<void> { await this.stop(); await this.start(); }

  private authorized(req: http.IncomingMessage): boolean {
    const h = req.headers.authorization ?? '';
    if (!h.startsWith('Basic ')) return false;
    const given = Buffer.from(h.slice(6).trim(), 'base64').toString('utf8');
    const expected = this.opts.rpcPassword !== undefined ? `${this.opts.rpcUser ?? ''}:${this.opts.rpcPassword}` : this.cookie;
    const a = Buffer.from(given); const b = Buffer.from(expected);
    return a.length === b.length && crypto.timingSafeEqual(a, b);
  }

  private handle(req: http.IncomingMessage, send: (r: Reply) => void): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/rest/')) {
      if (this.opts.rest === false || req.method !== 'GET') {
        send({ status: 404, headers: { 'Content-Type': 'text/html' } });
        return;
      }
      if (Date.now() < this.warmupUntil) {
        send({ status: 503, headers: { 'Content-Type': 'text/plain' }, body: 'Service temporarily unavailable: Loading block index…\r\n' });
        return;
      }
      const r = handleRest(this.node!, url.pathname, url.searchParams);
      send({ status: r.status, headers: { 'Content-Type': r.contentType }, body: r.body });
      return;
    }
    if (!this.authorized(req)) {
      send({ status: 401, headers: { 'WWW-Authenticate': 'Basic realm="jsonrpc"', 'Content-Type': 'text/html; charset=ISO-8859-1' } });
      return;
    }
    if (req.method !== 'POST') {
      send({ status: 405, headers: { 'Content-Type': 'text/plain' }, body: 'JSONRPC server handles only POST requests' });
      return;
    }
    let walletName: string | undefined;
    if (url.pathname.startsWith('/wallet/')) walletName = decodeURIComponent(url.pathname.slice('/wallet/'.length));
    else if (url.pathname !== '/') { send({ status: 404, headers: {} }); return; }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const { status, body } = this.rpcBody(Buffer.concat(chunks).toString('utf8'), walletName);
      if (body === undefined) { send({ status, headers: {} }); return; }
      send({ status, headers: { 'Content-Type': 'application/json' }, body });
    });
  }

  /** Runs a JSON-RPC body; returns the HTTP status and response text (undefined for 204). */
  rpcBody(text: string, walletName?: string): { status: number; body?: string } {
    let parsed: unknown;
    try { parsed = JSON.parse(text); } catch {
      return { status: 500, body: JSON.stringify({ result: null, error: { code: RPC.PARSE_ERROR, message: 'Parse error' }, id: null }) + '\n' };
    }
    if (Array.isArray(parsed)) {
      const out = parsed.map((r) => this.one(r, walletName)).filter((r) => r.reply !== undefined).map((r) => r.reply);
      return { status: 200, body: JSON.stringify(out) + '\n' };
    }
    const r = this.one(parsed, walletName);
    if (r.reply === undefined) return { status: 204 };
    return { status: r.status, body: JSON.stringify(r.reply) + '\n' };
  }

  private one(req: unknown, walletName?: string): { status: number; reply?: Record<string, unknown> } {
    if (!req || typeof req !== 'object' || Array.isArray(req)) {
      return { status: 400, reply: { result: null, error: { code: RPC.INVALID_REQUEST, message: 'Invalid Request object' }, id: null } };
    }
    const r = req as Record<string, unknown>;
    const v2 = r.jsonrpc === '2.0';
    const id = r.id ?? null;
    const ok = (result: unknown) => (v2 ? { jsonrpc: '2.0', result, id } : { result, error: null, id });
    const fail = (e: RpcError) => {
      const error = { code: e.code, message: e.message };
      const reply = v2 ? { jsonrpc: '2.0', error, id } : { result: null, error, id };
      const status = v2 ? 200 : e.code === RPC.METHOD_NOT_FOUND ? 404 : e.code === RPC.INVALID_REQUEST ? 400 : 500;
      return { status, reply };
    };
    if (v2 && !('id' in r)) {
      try { this.run(r, walletName); } catch { /* notifications get no reply */ }
      return { status: 204 };
    }
    try {
      return { status: 200, reply: ok(this.run(r, walletName)) };
    } catch (e) {
      if (e instanceof RpcError) return fail(e);
      return fail(new RpcError(RPC.MISC_ERROR, e instanceof Error ? e.message : String(e)));
    }
  }

  private run(r: Record<string, unknown>, walletName?: string): unknown {
    if (Date.now() < this.warmupUntil) throw new RpcError(RPC.IN_WARMUP, 'Loading block index…');
    return dispatch({
      node: this.node!, walletName,
      requestStop: () => { setImmediate(() => { void this.stop().then(() => this.opts.onStopRequested?.()); }); },
    }, r.method, r.params);
  }
}
