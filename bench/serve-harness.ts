/**
 * Shared by bench/tip.ts and bench/mempool-latency.ts: a regtest node (the simulator as a
 * child process so it runs on its own core, or a real bitcoind when BITCOIND is set) with
 * ZMQ, a pile of confirmed P2WSH(OP_TRUE) coins that can be spent without signatures, the
 * real `serve --local` in this process, and Electrum TCP sessions (protocol 1.4) subscribed
 * to target script hashes that record when each status notification arrives.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { scriptToAddress } from '../src/bitcoin/address.js';
import { serve } from '../src/server/serve.js';
import { startNode, type NodeHandle } from '../test/support/bitcoind.js';
import { OP_TRUE_P2WSH, serializeTx } from '../sim/chaingen.js';
import { parseTx } from '../sim/tx.js';

const OP_TRUE = Buffer.from([0x51]);
/** Outputs per fan-out transaction (about 260,000 weight units, under the 400,000 standard limit). */
const FANOUT = 1500;

/** A confirmed coin paying P2WSH(OP_TRUE). */
export interface Coin { txid: string; vout: number; value: number }

/** A spend of one coin to one script, ready for sendrawtransaction. */
export function spend(coin: Coin, script: Buffer, fee = 300): { hex: string; txid: string } {
  const raw = serializeTx([{ txid: coin.txid, vout: coin.vout, witness: [OP_TRUE] }], [{ script, value: coin.value - fee }]);
  return { hex: raw.toString('hex'), txid: parseTx(raw).txid };
}

/** Distinct P2WPKH scripts and their Electrum script hashes (display hex). */
export function targets(n: number, tag: string): { script: Buffer; sh: string }[] {
  return Array.from({ length: n }, (_, i) => {
    const script = Buffer.concat([Buffer.from([0x00, 0x14]), createHash('sha256').update(`${tag} ${i}`).digest().subarray(0, 20)]);
    return { script, sh: Buffer.from(createHash('sha256').update(script).digest()).reverse().toString('hex') };
  });
}

/** Starts the node and makes at least `coins` confirmed OP_TRUE coins. */
export async function startFundedNode(coins: number, log: (l: string) => void): Promise<{ node: NodeHandle; coins: Coin[] }> {
  // hashblock + sequence is what the server subscribes to; per-tx topics would only make the
  // simulator (JavaScript, unlike bitcoind) push 6,000 extra messages ahead of a block's hashblock.
  const node = await startNode({ process: true, zmq: true, zmqTopics: ['hashblock', 'sequence'] });
  try {
    const big = Math.ceil(coins / FANOUT);
    await node.mine(101 + big);
    const opTrueAddr = scriptToAddress(OP_TRUE_P2WSH, 'regtest')!;
    const seeds: Coin[] = [];
    for (let i = 0; i < big; i++) {
      const txid = await node.rpc<string>('sendtoaddress', [opTrueAddr, 40]);
      const tx = await node.rpc<{ vout: { n: number; value: number; scriptPubKey: { hex: string } }[] }>('getrawtransaction', [txid, true]);
      const o = tx.vout.find((v) => v.scriptPubKey.hex === OP_TRUE_P2WSH.toString('hex'))!;
      seeds.push({ txid, vout: o.n, value: Math.round(o.value * 1e8) });
    }
    await node.mine(1);
    const out: Coin[] = [];
    const fanouts: string[] = [];
    for (const s of seeds) {
      const fee = 100_000;
      const each = Math.floor((s.value - fee) / FANOUT);
      const raw = serializeTx([{ txid: s.txid, vout: s.vout, witness: [OP_TRUE] }], Array.from({ length: FANOUT }, () => ({ script: OP_TRUE_P2WSH, value: each })));
      const txid = parseTx(raw).txid;
      fanouts.push(raw.toString('hex'));
      for (let v = 0; v < FANOUT; v++) out.push({ txid, vout: v, value: each });
    }
    for (const hex of fanouts) await node.rpc('sendrawtransaction', [hex]);
    // About 15 fan-outs fill a block: mine until all are confirmed.
    while ((await node.rpc<string[]>('getrawmempool')).length > 0) await node.mine(1);
    log(`node (${node.kind}) ready: ${out.length} OP_TRUE coins at height ${await node.rpc<number>('getblockcount')}`);
    return { node, coins: out };
  } catch (e) {
    await node.cleanup();
    throw e;
  }
}

/** Sends many raw txs in JSON-RPC batches (as a wallet flooding bitcoind would, minus the wallet). */
export async function sendBatch(node: NodeHandle, hexes: string[]): Promise<void> {
  const auth = fs.readFileSync(node.cookiePath, 'utf8').trim();
  for (let i = 0; i < hexes.length; i += 1000) {
    const body = JSON.stringify(hexes.slice(i, i + 1000).map((h, k) => ({ jsonrpc: '1.0', id: k, method: 'sendrawtransaction', params: [h] })));
    const res = await fetch(node.rpcUrl, { method: 'POST', body, headers: { authorization: `Basic ${Buffer.from(auth).toString('base64')}`, 'content-type': 'application/json' } });
    const replies = (await res.json()) as { error: { message: string } | null }[];
    const bad = replies.find((r) => r.error);
    if (bad) throw new Error(`sendrawtransaction: ${bad.error!.message}`);
  }
}

/** A running `serve --local` on a free port. */
export interface Served { port: number; stop(): Promise<void> }

/** Runs serve() in this process against the node (ZMQ on or off) until stop(). */
export async function startServe(node: NodeHandle, zmq: boolean, dbDir: string): Promise<Served> {
  const ac = new AbortController();
  const logs: string[] = [];
  let onLog: (() => void) | undefined;
  const done = serve(
    { local: true, network: 'regtest', bitcoind: node.rpcUrl, rpcCookie: node.cookiePath, db: dbDir, tcp: '127.0.0.1:0', zmq },
    { log: (l) => { logs.push(l); onLog?.(); }, isTTY: false, signal: ac.signal, handleSignals: false },
  );
  const port = await new Promise<number>((resolve, reject) => {
    onLog = () => {
      const m = logs.map((l) => /^listening tcp 127\.0\.0\.1:(\d+)$/.exec(l)).find(Boolean);
      if (m) resolve(Number(m[1]));
    };
    done.then(() => reject(new Error(`serve ended early: ${logs.join('\n')}`)), reject);
  });
  if (zmq) {
    // Wait for the ZMQ subscription (the first messages after connecting can be lost).
    for (let i = 0; i < 100 && !logs.some((l) => l.startsWith('ZMQ: listening')); i++) await new Promise((r) => setTimeout(r, 20));
    if (!logs.some((l) => l.startsWith('ZMQ: listening'))) throw new Error(`serve did not subscribe to ZMQ: ${logs.join('\n')}`);
  }
  return { port, stop: async () => { ac.abort(); await done; } };
}

/** Electrum sessions subscribed to script hashes; `onStatus` sees every status notification. */
export interface Subscribers {
  /** Called with (script hash, status, arrival time from performance.now()). */
  onStatus: ((sh: string, status: string | null, at: number) => void) | null;
  close(): void;
}

/** Opens `sessions` TCP sessions, spreads the script hashes over them and subscribes. */
export async function subscribe(port: number, shs: string[], sessions: number): Promise<Subscribers> {
  const subs: Subscribers = { onStatus: null, close: () => socks.forEach((s) => s.destroy()) };
  const socks: net.Socket[] = [];
  await Promise.all(Array.from({ length: sessions }, async (_, k) => {
    const mine = shs.filter((_, i) => i % sessions === k);
    const sock = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(s));
      s.once('error', reject);
    });
    socks.push(sock);
    sock.setNoDelay(true);
    let buf = '';
    let answered = 0;
    let allAnswered: () => void = () => {};
    const answers = new Promise<void>((r) => (allAnswered = r));
    sock.on('data', (d) => {
      const at = performance.now();
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const m = JSON.parse(buf.slice(0, i));
        buf = buf.slice(i + 1);
        if (m.method === 'blockchain.scripthash.subscribe') subs.onStatus?.(m.params[0], m.params[1], at);
        else if (m.id !== undefined && ++answered === mine.length + 1) allAnswered();
      }
    });
    const reqs = [{ id: 0, method: 'server.version', params: ['bench', '1.4'] }, ...mine.map((sh, i) => ({ id: i + 1, method: 'blockchain.scripthash.subscribe', params: [sh] }))];
    sock.write(reqs.map((r) => JSON.stringify({ jsonrpc: '2.0', ...r })).join('\n') + '\n');
    await answers;
  }));
  return subs;
}

/** A temporary directory for an index. */
export function tempDb(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `bench-${tag}-`));
}

/** Resolves when `pred` holds, polling every few ms; rejects after `ms`. */
export async function until(pred: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
