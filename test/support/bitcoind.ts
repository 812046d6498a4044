/**
 * Uniform test driver for a regtest node: the simulator (in-process by default, or as a child
 * process) or, when BITCOIND and BITCOIN_CLI name binaries, a real bitcoind with a temporary
 * datadir. Tests written against NodeHandle run unchanged in both modes.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Simulator } from '../../sim/server.js';
import { NO_DROP_HEADER, type DropOptions } from '../../sim/drops.js';

/** A JSON-RPC error returned by the node. */
export class NodeRpcError extends Error {
  constructor(readonly code: number, message: string, readonly httpStatus: number) { super(message); }
}

/** Options for startNode. */
export interface StartNodeOptions {
  /** Run the simulator as a child process (kill/restart tests). Ignored for a real bitcoind. */
  process?: boolean;
  /** Enable REST (default true). */
  rest?: boolean;
  /** Simulator key seed. */
  seed?: string;
  /** Use this datadir instead of a fresh temporary one (it is not deleted by cleanup). */
  datadir?: string;
  /** Raw block hex file (chaingen output) to import on first start (simulator only). */
  preloadFile?: string;
  /** Wallet to create and use for mine/send/newAddress (default "test"); null for none. */
  wallet?: string | null;
  /** Force the simulator even when BITCOIND is set. */
  forceSim?: boolean;
  /** Extra bitcoind arguments (real bitcoind only). */
  bitcoindArgs?: string[];
  /**
   * Publish ZMQ hashblock, hashtx, rawtx and sequence on one free 127.0.0.1 port (a real
   * bitcoind gets -zmqpub<topic>=tcp://127.0.0.1:PORT; needs the optional zeromq package
   * for the simulator). The address is NodeHandle.zmqAddress.
   */
  zmq?: boolean;
  /** Which ZMQ topics to publish (default hashblock, hashtx, rawtx, sequence). */
  zmqTopics?: ('hashblock' | 'hashtx' | 'rawtx' | 'sequence')[];
  /**
   * Core's -persistmempool (default true): mempool.dat is written by a clean stop and loaded on
   * start. A real bitcoind loads it in the background: start() waits for getmempoolinfo.loaded.
   */
  persistMempool?: boolean;
  /** -rpcservertimeout in seconds (default 30, as Core): idle HTTP connections are closed after it. */
  rpcServerTimeout?: number;
  /**
   * Seeded random connection drops (simulator only: a real bitcoind cannot be told to misbehave,
   * so tests that need drops pass `forceSim` too).
   */
  drops?: DropOptions;
  /** -txospenderindex (a real bitcoind needs Core 31+): gettxspendingprevout finds confirmed spends. */
  txospenderindex?: boolean;
}

/** A started regtest node. */
export interface NodeHandle {
  kind: 'sim' | 'bitcoind';
  /** http://127.0.0.1:PORT/ */
  rpcUrl: string;
  /** http://127.0.0.1:PORT/rest */
  restUrl: string;
  datadir: string;
  /** <datadir>/regtest/.cookie */
  cookiePath: string;
  rpcPort: number;
  /** Calls a node RPC (wallet RPCs go to the handle's wallet); throws NodeRpcError. */
  rpc<T = any>(method: string, params?: unknown[] | Record<string, unknown>): Promise<T>;
  /** Graceful stop (keeps the datadir). */
  stop(): Promise<void>;
  /** Starts again after stop()/kill() on the same port and datadir (new cookie). */
  start(): Promise<void>;
  /** stop() + start(). */
  restart(): Promise<void>;
  /** Abrupt stop: SIGKILL for processes; for the in-process simulator a stop without writing mempool.dat. */
  kill(): Promise<void>;
  /** Mines n blocks to address (default: a fresh wallet address); returns block hashes. */
  mine(n: number, address?: string): Promise<string[]>;
  /** Pays btc to address from the handle's wallet; returns the txid. */
  send(address: string, btc: number): Promise<string>;
  /** New wallet address of a Core address type (default bech32). */
  newAddress(type?: 'legacy' | 'p2sh-segwit' | 'bech32' | 'bech32m'): Promise<string>;
  /**
   * A new address of a second wallet ("other", created on first use): a payee whose coins the
   * handle's wallet cannot spend. Core's coin selection may spend any coin of its own wallet,
   * including one just paid to its own address, so tests that watch an address's balance fund
   * it this way.
   */
  otherAddress(type?: 'legacy' | 'p2sh-segwit' | 'bech32' | 'bech32m'): Promise<string>;
  /** Calls a wallet RPC on a named wallet (e.g. "other"). */
  walletRpc<T = any>(wallet: string, method: string, params?: unknown[] | Record<string, unknown>): Promise<T>;
  invalidate(hash: string): Promise<void>;
  reconsider(hash: string): Promise<void>;
  /** Stops the node and deletes a temporary datadir. */
  cleanup(): Promise<void>;
  /** The in-process simulator, when kind is 'sim' and not a child process. */
  sim?: Simulator;
  /** tcp://127.0.0.1:PORT where ZMQ notifications are published (with `zmq: true`). */
  zmqAddress?: string;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The second wallet behind NodeHandle.otherAddress. */
const OTHER_WALLET = 'other';

/** RPCs that act on a wallet: NodeHandle.rpc sends them to /wallet/<the handle's wallet>. */
const WALLET_METHODS = new Set([
  'getnewaddress', 'getrawchangeaddress', 'sendtoaddress', 'sendmany', 'send', 'sendall', 'getbalance', 'getbalances',
  'getunconfirmedbalance', 'getreceivedbyaddress', 'getreceivedbylabel', 'listunspent', 'lockunspent', 'listlockunspent',
  'bumpfee', 'psbtbumpfee', 'abandontransaction', 'gettransaction', 'getaddressinfo', 'getaddressesbylabel', 'getwalletinfo',
  'listtransactions', 'listsinceblock', 'listreceivedbyaddress', 'listreceivedbylabel', 'listaddressgroupings', 'listlabels',
  'setlabel', 'walletprocesspsbt', 'walletcreatefundedpsbt', 'fundrawtransaction', 'signrawtransactionwithwallet',
  'signmessage', 'keypoolrefill', 'importdescriptors', 'listdescriptors', 'rescanblockchain', 'settxfee', 'backupwallet',
]);

/** One JSON-RPC call over HTTP with Basic auth from the cookie file. */
export function rpcCall(url: string, auth: string, method: string, params: unknown, timeoutMs = 60_000): Promise<any> {
  const body = JSON.stringify({ jsonrpc: '1.0', id: 1, method, params });
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: 'POST', agent: false, timeout: timeoutMs,
      headers: { 'Content-Type': 'application/json', Authorization: 'Basic ' + Buffer.from(auth).toString('base64'), 'Content-Length': Buffer.byteLength(body),
        // The driver's own calls are exempt from the simulator's seeded drops.
        [NO_DROP_HEADER]: '1' },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode === 401) { reject(new NodeRpcError(-401, 'unauthorized', 401)); return; }
        let j: any;
        try { j = JSON.parse(text); } catch { reject(new Error(`bad RPC reply (HTTP ${res.statusCode}): ${text.slice(0, 200)}`)); return; }
        if (j.error) reject(new NodeRpcError(j.error.code, j.error.message, res.statusCode ?? 0));
        else resolve(j.result);
      });
    });
    req.on('timeout', () => req.destroy(new Error(`RPC ${method} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a regtest node: real bitcoind if BITCOIND and BITCOIN_CLI are set, else the simulator. */
export async function startNode(opts: StartNodeOptions = {}): Promise<NodeHandle> {
  const real = !opts.forceSim && process.env.BITCOIND && process.env.BITCOIN_CLI;
  const ownDir = !opts.datadir;
  const datadir = opts.datadir ?? fs.mkdtempSync(path.join(os.tmpdir(), real ? 'electrum-cli-bitcoind-' : 'electrum-cli-sim-'));
  const cookiePath = path.join(datadir, 'regtest', '.cookie');
  const walletName = opts.wallet === undefined ? 'test' : opts.wallet;
  let port = 0;
  let zmqPort = 0;
  let sim: Simulator | undefined;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const startProcess = async (cmd: string, args: string[], readPort: boolean): Promise<void> => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    let stderr = '';
    c.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    exited = new Promise((resolve) => c.once('exit', () => resolve()));
    if (readPort) {
      port = await new Promise<number>((resolve, reject) => {
        let out = '';
        c.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          const nl = out.indexOf('\n');
          if (nl >= 0) {
            try {
              const first = JSON.parse(out.slice(0, nl));
              if (first.zmq) zmqPort = Number(String(first.zmq).split(':').pop());
              resolve(first.rpcport);
            } catch (e) { reject(e); }
          }
        });
        c.once('exit', (code) => reject(new Error(`simulator exited (${code}): ${stderr}`)));
      });
    } else {
      c.stdout!.resume();
    }
  };

  const auth = () => fs.readFileSync(cookiePath, 'utf8').trim();

  const waitReady = async (): Promise<void> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await rpcCall(`http://127.0.0.1:${port}/`, auth(), 'getblockchaininfo', []);
        // bitcoind answers RPC before its background thread has loaded mempool.dat.
        if (!(await rpcCall(`http://127.0.0.1:${port}/`, auth(), 'getmempoolinfo', [])).loaded) throw new Error('mempool not loaded yet');
        return;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        if (child && child.exitCode !== null) throw new Error('node exited during startup');
        await sleep(100);
      }
    }
  };

  const launch = async (): Promise<void> => {
    if (real) {
      if (!port) port = await freePort();
      if (opts.zmq && !zmqPort) zmqPort = await freePort();
      const zmqArgs = opts.zmq ? (opts.zmqTopics ?? ['hashblock', 'hashtx', 'rawtx', 'sequence']).map((t) => `-zmqpub${t}=tcp://127.0.0.1:${zmqPort}`) : [];
      const args = [
        '-regtest', `-datadir=${datadir}`, `-rpcport=${port}`, `-port=${await freePort()}`, '-listen=0', '-server',
        '-txindex', '-fallbackfee=0.0002', '-rpcbind=127.0.0.1', '-rpcallowip=127.0.0.1', '-dnsseed=0', '-discover=0',
        '-printtoconsole=0', ...(opts.rest === false ? [] : ['-rest']), ...zmqArgs,
        ...(opts.persistMempool === false ? ['-persistmempool=0'] : []),
        ...(opts.txospenderindex ? ['-txospenderindex'] : []),
        ...(opts.rpcServerTimeout === undefined ? [] : [`-rpcservertimeout=${opts.rpcServerTimeout}`]), ...(opts.bitcoindArgs ?? []),
      ];
      await startProcess(process.env.BITCOIND!, args, false);
      await waitReady();
    } else if (opts.process) {
      const args = ['--import', 'tsx', path.join(HERE, '..', '..', 'sim', 'main.ts'), '--datadir', datadir, '--port', String(port)];
      if (opts.rest === false) args.push('--no-rest');
      if (opts.seed) args.push('--seed', opts.seed);
      if (opts.preloadFile) args.push('--preload', opts.preloadFile);
      if (opts.zmq) args.push(...(zmqPort ? ['--zmq-port', String(zmqPort)] : ['--zmq']));
      if (opts.zmq && opts.zmqTopics) args.push('--zmq-topics', opts.zmqTopics.join(','));
      if (opts.persistMempool === false) args.push('--no-persistmempool');
      if (opts.rpcServerTimeout !== undefined) args.push(`-rpcservertimeout=${opts.rpcServerTimeout}`);
      if (opts.drops) args.push('--drop-seed', String(opts.drops.seed), '--drop-rate', String(opts.drops.rate ?? 0));
      if (opts.txospenderindex) args.push('--txospenderindex');
      await startProcess(process.execPath, args, true);
    } else {
      sim ??= new Simulator({
        datadir, port, rest: opts.rest, seed: opts.seed, preloadFile: opts.preloadFile, zmq: opts.zmq, zmqTopics: opts.zmqTopics,
        persistMempool: opts.persistMempool, rpcServerTimeout: opts.rpcServerTimeout, drops: opts.drops,
        txospenderindex: opts.txospenderindex,
      });
      await sim.start();
      port = sim.rpcPort;
      if (sim.zmqAddress) zmqPort = Number(sim.zmqAddress.split(':').pop());
    }
  };

  let running = false;
  /** The "other" wallet is loaded (unloaded again by a stop, like every wallet not loaded at start-up). */
  let otherReady = false;
  const handle: NodeHandle = {
    kind: real ? 'bitcoind' : 'sim',
    get rpcUrl() { return `http://127.0.0.1:${port}/`; },
    get restUrl() { return `http://127.0.0.1:${port}/rest`; },
    get rpcPort() { return port; },
    get zmqAddress() { return opts.zmq && zmqPort ? `tcp://127.0.0.1:${zmqPort}` : undefined; },
    datadir, cookiePath,
    sim: undefined,
    async rpc(method, params = []) {
      if (walletName && WALLET_METHODS.has(method)) return handle.walletRpc(walletName, method, params);
      return rpcCall(`http://127.0.0.1:${port}/`, auth(), method, params);
    },
    async walletRpc(wallet, method, params = []) {
      return rpcCall(`http://127.0.0.1:${port}/wallet/${encodeURIComponent(wallet)}`, auth(), method, params);
    },
    async stop() {
      if (!running) return;
      running = false;
      otherReady = false;
      if (child) {
        try { await handle.rpc('stop'); } catch { child.kill('SIGTERM'); }
        await exited;
        child = undefined;
      } else await sim?.stop();
    },
    async start() {
      if (running) return;
      await launch();
      running = true;
      if (walletName) {
        try { await handle.rpc('loadwallet', [walletName]); } catch (e) {
          if (!(e instanceof NodeRpcError) || (e.code !== -35 && e.code !== -18 && e.code !== -4)) throw e;
          if (e.code === -18 || e.code === -4) {
            try { await handle.rpc('createwallet', [walletName]); } catch (e2) { if (!(e2 instanceof NodeRpcError) || e2.code !== -4) throw e2; }
          }
        }
      }
    },
    async restart() { await handle.stop(); await handle.start(); },
    async kill() {
      if (!running) return;
      running = false;
      if (child) { child.kill('SIGKILL'); await exited; child = undefined; } else await sim?.kill();
      otherReady = false;
    },
    async mine(n, address) {
      const addr = address ?? (await handle.newAddress());
      return handle.rpc('generatetoaddress', [n, addr]);
    },
    async send(address, btc) { return handle.rpc('sendtoaddress', [address, btc]); },
    async newAddress(type = 'bech32') { return handle.rpc('getnewaddress', ['', type]); },
    async otherAddress(type = 'bech32') {
      if (!otherReady) {
        try { await rpcCall(`http://127.0.0.1:${port}/`, auth(), 'loadwallet', [OTHER_WALLET]); } catch (e) {
          if (!(e instanceof NodeRpcError) || e.code !== -35) {
            try { await rpcCall(`http://127.0.0.1:${port}/`, auth(), 'createwallet', [OTHER_WALLET]); } catch (e2) {
              if (!(e2 instanceof NodeRpcError) || (e2.code !== -4 && e2.code !== -35)) throw e2;
            }
          }
        }
        otherReady = true;
      }
      return handle.walletRpc(OTHER_WALLET, 'getnewaddress', ['', type]);
    },
    async invalidate(hash) { await handle.rpc('invalidateblock', [hash]); },
    async reconsider(hash) { await handle.rpc('reconsiderblock', [hash]); },
    async cleanup() {
      try { await handle.stop(); } finally {
        if (ownDir) fs.rmSync(datadir, { recursive: true, force: true });
      }
    },
  };
  await handle.start();
  if (sim) handle.sim = sim;
  if (real && opts.preloadFile) {
    // A real node imports the chaingen file through submitblock (the simulator reads it directly).
    for (const line of fs.readFileSync(opts.preloadFile, 'utf8').split('\n')) {
      if (!line) continue;
      const r = await handle.rpc('submitblock', [line]);
      if (r !== null && r !== 'duplicate') throw new Error(`bitcoind rejected a preloaded block: ${r}`);
    }
  }
  return handle;
}
