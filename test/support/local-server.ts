/**
 * Support for running the client e2e suite against the BUILT `serve --local`: spawn the
 * server binary over a regtest node and read its listening addresses, stream a client
 * command line by line (for subscribe / tip --follow), run many client invocations with
 * bounded concurrency, and compute what every answer should be straight from the node
 * (blocks with getblock verbosity 2, the mempool with getrawmempool true), independently of
 * the server's own index.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, tempHome, type RunResult } from './run-cli.js';
import { loopbackEnv } from './loopback-guard.js';
import type { NodeHandle } from './bitcoind.js';
import { scriptHash } from '../../src/bitcoin/scripthash.js';
import { sortMempool16 } from '../../src/bitcoin/status.js';

/** A running `electrum-cli serve --local` child process. */
export interface LocalServe {
  /** HOST:PORT of each listener. */
  tcp: string;
  tls: string;
  ws: string;
  /** Everything it wrote to stderr so far. */
  log(): string;
  /** SIGINT, then its exit status. */
  stop(): Promise<number | null>;
}

function cleanEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return loopbackEnv({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, XDG_CONFIG_HOME: join(home, '.config'), LANG: 'C.UTF-8', ...extra });
}

/** Spawns the built binary's `serve --local` on ephemeral tcp, tls and ws ports over `node`. */
export async function startLocalServe(node: NodeHandle, timeoutMs = 60_000): Promise<LocalServe> {
  const db = mkdtempSync(join(tmpdir(), 'ecli-local-db-'));
  const home = tempHome();
  const args = [
    BIN, '--network', 'regtest', 'serve', '--local', '--bitcoind', node.rpcUrl, '--rpc-cookie', node.cookiePath,
    '--tcp', '127.0.0.1:0', '--ws', '127.0.0.1:0', '--tls', '127.0.0.1:0', '--db', db,
  ];
  const child: ChildProcess = spawn(process.execPath, args, { env: cleanEnv(home), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const bound = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not listen within ${timeoutMs} ms:\n${stderr}`)), timeoutMs);
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      const found: Record<string, string> = {};
      for (const m of stderr.matchAll(/^listening (tcp|tls|ws) (\S+)$/gm)) found[m[1]!] = m[2]!;
      if (found.tcp && found.tls && found.ws) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}) before listening:\n${stderr}`));
    });
  });
  return {
    tcp: bound.tcp!,
    tls: bound.tls!,
    ws: bound.ws!,
    log: () => stderr,
    async stop() {
      if (child.exitCode === null) child.kill('SIGINT');
      const code = await exited;
      rmSync(db, { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
      return code;
    },
  };
}

/** A streaming client command: its stdout lines as they come, SIGINT on demand. */
export interface CliStream {
  lines: string[];
  /** Resolves with the first line (index >= from) that satisfies `pred`. */
  waitFor(pred: (line: string) => boolean, from?: number, timeoutMs?: number): Promise<string>;
  interrupt(): void;
  done: Promise<RunResult>;
}

/** Spawns `electrum-cli ARGS...` (hermetic like runCli) and exposes its output line by line. */
export function streamCli(args: readonly string[], opts: { server?: string; timeoutMs?: number } = {}): CliStream {
  const home = tempHome();
  const argv = [BIN, ...(opts.server ? ['--server', opts.server] : []), ...args];
  const child = spawn(process.execPath, argv, { env: cleanEnv(home), stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.end();
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let stdout = '';
  let stderr = '';
  let partial = '';
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    partial += d;
    const parts = partial.split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    for (const w of [...waiters]) w();
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<RunResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      for (const w of [...waiters]) w();
      resolve({ code, signal, stdout, stderr, home });
    });
  });
  return {
    lines,
    done,
    interrupt: () => void child.kill('SIGINT'),
    waitFor(pred, from = 0, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines.slice(from).find(pred);
          if (hit !== undefined) {
            waiters.delete(check);
            clearTimeout(t);
            resolve(hit);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            waiters.delete(check);
            clearTimeout(t);
            reject(new Error(`stream ended without the awaited line:\n${stdout}\n${stderr}`));
          }
        };
        const t = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for a line:\nstdout: ${stdout}\nstderr: ${stderr}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

/** Runs `tasks` with at most `limit` at once; results in order. */
export async function pool<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return out;
}

/** History entry, balance and UTXO shapes of the protocol. */
export interface RefEntry { tx_hash: string; height: number; fee?: number }
export interface RefUtxo { tx_hash: string; tx_pos: number; height: number; value: number }

interface Out { sh: string; value: number; height: number; order: number; vout: number }

const sats = (btc: number) => Math.round(btc * 1e8);

/**
 * What the node says, indexed by script hash: every block from 1 (the genesis coinbase is
 * unspendable and indexed by no server) and the whole mempool, read once.
 */
export class NodeReference {
  /** Block hashes by height, and each block's txids in order. */
  readonly hashes: string[] = [];
  readonly blockTxids: string[][] = [];
  readonly headers: string[] = [];
  /** Per script hash: confirmed txs (chain order key), mempool txs. */
  private readonly confirmed = new Map<string, Map<string, { height: number; order: number }>>();
  private readonly mem = new Map<string, Set<string>>();
  /** Every output ever seen: "txid:vout" -> its script hash and value. */
  private readonly outs = new Map<string, Out>();
  private readonly spentConfirmed = new Set<string>();
  private readonly spentMempool = new Set<string>();
  /** Mempool txs: fee (sats), whether an input is unconfirmed, vsize, outputs. */
  readonly mempool = new Map<string, { fee: number; parentInMempool: boolean; vsize: number; outs: Out[]; ins: string[] }>();

  static async read(node: NodeHandle): Promise<NodeReference> {
    const r = new NodeReference();
    const tip = await node.rpc<number>('getblockcount');
    let order = 0;
    for (let h = 0; h <= tip; h++) {
      const hash = await node.rpc<string>('getblockhash', [h]);
      r.hashes.push(hash);
      r.headers.push(await node.rpc<string>('getblockheader', [hash, false]));
      const block = await node.rpc<{ tx: any[] }>('getblock', [hash, 2]);
      r.blockTxids.push(block.tx.map((t) => t.txid));
      if (h === 0) continue;
      for (const tx of block.tx) {
        order++;
        for (const i of tx.vin) {
          if (i.coinbase !== undefined) continue;
          const o = r.outs.get(`${i.txid}:${i.vout}`)!;
          r.spentConfirmed.add(`${i.txid}:${i.vout}`);
          r.touch(r.confirmed, o.sh, tx.txid, { height: h, order });
        }
        for (const v of tx.vout) {
          const sh = scriptHash(v.scriptPubKey.hex);
          r.outs.set(`${tx.txid}:${v.n}`, { sh, value: sats(v.value), height: h, order, vout: v.n });
          r.touch(r.confirmed, sh, tx.txid, { height: h, order });
        }
      }
    }
    const pool = await node.rpc<Record<string, { vsize: number; fees: { base: number } }>>('getrawmempool', [true]);
    const txs = new Map<string, any>();
    for (const txid of Object.keys(pool)) txs.set(txid, await node.rpc('getrawtransaction', [txid, true]));
    // Outputs first, so inputs spending other mempool txs find them whatever the order.
    for (const [txid, tx] of txs) {
      const outs: Out[] = tx.vout.map((v: any) => ({ sh: scriptHash(v.scriptPubKey.hex), value: sats(v.value), height: 0, order: 0, vout: v.n }));
      for (const o of outs) r.outs.set(`${txid}:${o.vout}`, o);
      r.mempool.set(txid, { fee: sats(pool[txid]!.fees.base), vsize: pool[txid]!.vsize, parentInMempool: false, outs, ins: [] });
    }
    for (const [txid, tx] of txs) {
      const m = r.mempool.get(txid)!;
      for (const o of m.outs) r.touchMem(o.sh, txid);
      for (const i of tx.vin) {
        const key = `${i.txid}:${i.vout}`;
        m.ins.push(key);
        if (txs.has(i.txid)) m.parentInMempool = true;
        r.spentMempool.add(key);
        r.touchMem(r.outs.get(key)!.sh, txid);
      }
    }
    return r;
  }

  private touch(map: Map<string, Map<string, { height: number; order: number }>>, sh: string, txid: string, at: { height: number; order: number }): void {
    let m = map.get(sh);
    if (!m) map.set(sh, (m = new Map()));
    if (!m.has(txid)) m.set(txid, at);
  }

  private touchMem(sh: string, txid: string): void {
    let s = this.mem.get(sh);
    if (!s) this.mem.set(sh, (s = new Set()));
    s.add(txid);
  }

  get tipHeight(): number {
    return this.hashes.length - 1;
  }

  /** get_mempool: height 0 / -1 with the base fee, in the 1.6 order. */
  mempoolOf(sh: string): RefEntry[] {
    const ids = [...(this.mem.get(sh) ?? [])];
    return sortMempool16(ids.map((t) => ({ tx_hash: t, height: this.mempool.get(t)!.parentInMempool ? -1 : 0, fee: this.mempool.get(t)!.fee })));
  }

  /** get_history: confirmed in chain order (no fee), then the mempool part. */
  historyOf(sh: string): RefEntry[] {
    const conf = [...(this.confirmed.get(sh) ?? new Map()).entries()]
      .sort((a, b) => a[1].order - b[1].order)
      .map(([tx_hash, at]) => ({ tx_hash, height: at.height }));
    return [...conf, ...this.mempoolOf(sh)];
  }

  /** get_balance: confirmed UTXOs (also those spent in the mempool), and the net mempool change. */
  balanceOf(sh: string): { confirmed: number; unconfirmed: number } {
    let confirmed = 0;
    for (const [k, o] of this.outs) if (o.sh === sh && o.height > 0 && !this.spentConfirmed.has(k)) confirmed += o.value;
    let unconfirmed = 0;
    for (const m of this.mempool.values()) {
      for (const o of m.outs) if (o.sh === sh) unconfirmed += o.value;
      for (const k of m.ins) if (this.outs.get(k)!.sh === sh) unconfirmed -= this.outs.get(k)!.value;
    }
    return { confirmed, unconfirmed };
  }

  /** listunspent: confirmed (chain order) unless spent in the mempool, then mempool outputs (sorted here). */
  utxosOf(sh: string): { confirmed: RefUtxo[]; mempool: RefUtxo[] } {
    const confirmed: (RefUtxo & { order: number })[] = [];
    const mempool: RefUtxo[] = [];
    for (const [k, o] of this.outs) {
      if (o.sh !== sh || this.spentConfirmed.has(k) || this.spentMempool.has(k)) continue;
      const tx_hash = k.slice(0, 64);
      if (o.height > 0) confirmed.push({ tx_hash, tx_pos: o.vout, height: o.height, value: o.value, order: o.order });
      else mempool.push({ tx_hash, tx_pos: o.vout, height: 0, value: o.value });
    }
    confirmed.sort((a, b) => a.order - b.order || a.tx_pos - b.tx_pos);
    return { confirmed: confirmed.map(({ order: _o, ...u }) => u), mempool: sortUtxos(mempool) };
  }
}

/** A stable order for UTXOs whose order the protocol leaves open. */
export function sortUtxos<T extends RefUtxo>(u: readonly T[]): T[] {
  return [...u].sort((a, b) => (a.tx_hash < b.tx_hash ? -1 : a.tx_hash > b.tx_hash ? 1 : a.tx_pos - b.tx_pos));
}
