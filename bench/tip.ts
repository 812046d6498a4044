/**
 * Tip latency (issue 3): one block of 3,000 transactions, from the moment bitcoind has it
 * to the last scripthash status notification that block causes. A synced `serve --local`
 * (the real server: serve.ts with its session manager and TCP listener) has Electrum
 * sessions (protocol 1.4) subscribed to the 3,000 script hashes the block pays; the txs go
 * into the node's mempool first (their mempool notifications are awaited), then
 * `generatetoaddress 1` mines them. t0 is when that RPC returns (or, with ZMQ, when this
 * process receives the hashblock message, whichever is first); the end is the arrival of
 * the last of the 3,000 confirmation notifications. Runs with ZMQ and with polling.
 * Writes section "tip" of docs/BENCHMARKS.md.
 * Run: node --import tsx bench/tip.ts [--runs N] [--txs M] [--sessions S]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, writeSection } from './report.js';
import { sendBatch, spend, startFundedNode, startServe, subscribe, targets, tempDb, until, type Coin } from './serve-harness.js';
import type { NodeHandle } from '../test/support/bitcoind.js';
import { prng } from '../sim/chaingen.js';

/** Options of the tip benchmark. */
export interface TipBenchOptions {
  /** Measured blocks per mode (default 8; one unmeasured warm-up block comes first). */
  runs?: number;
  /** Transactions per block (default 3,000). */
  txs?: number;
  /** Electrum sessions sharing the subscriptions (default 30). */
  sessions?: number;
  log?: (line: string) => void;
}

/** Latencies of one mode, ms. */
export interface TipResult { mode: 'ZMQ' | 'polling'; runs: number[]; mempoolBurst: number[] }

async function hashblockWatcher(node: NodeHandle): Promise<{ next(): Promise<number>; close(): void } | null> {
  const zmq = await import('zeromq').catch(() => null);
  if (!zmq || !node.zmqAddress) return null;
  const sub = new zmq.Subscriber();
  sub.connect(node.zmqAddress);
  sub.subscribe('hashblock');
  const w: { waiter: ((t: number) => void) | null } = { waiter: null };
  void (async () => {
    try {
      for await (const _ of sub) w.waiter?.(performance.now());
    } catch { /* closed */ }
  })();
  return {
    next: () => new Promise<number>((r) => (w.waiter = r)),
    close: () => sub.close(),
  };
}

async function runMode(node: NodeHandle, coins: Coin[], zmq: boolean, o: Required<TipBenchOptions>): Promise<TipResult> {
  const db = tempDb('tip');
  const served = await startServe(node, zmq, db);
  const watch = zmq ? await hashblockWatcher(node) : null;
  const targetsList = targets(o.txs, `tip-${zmq}`);
  const index = new Map(targetsList.map((t, i) => [t.sh, i]));
  const subs = await subscribe(served.port, targetsList.map((t) => t.sh), o.sessions);
  const result: TipResult = { mode: zmq ? 'ZMQ' : 'polling', runs: [], mempoolBurst: [] };
  const payout = await node.newAddress();
  const rnd = prng(`tip-${zmq}`);
  try {
    for (let run = 0; run <= o.runs; run++) {
      const mine = coins.splice(0, o.txs).map((c, i) => spend(c, targetsList[i]!.script));
      // Mempool: every target's status changes once when its tx arrives.
      let seen = new Set<number>();
      let last = 0;
      subs.onStatus = (sh, _s, at) => {
        const i = index.get(sh);
        if (i !== undefined) { seen.add(i); last = at; }
      };
      const tSend = performance.now();
      await sendBatch(node, mine.map((m) => m.hex));
      const tSent = performance.now();
      await until(() => seen.size === o.txs, 60_000, `${o.txs} mempool notifications (${seen.size} so far)`);
      if (run > 0) result.mempoolBurst.push(last - tSent);
      void tSend;
      // The block, after a random pause of up to two tip-poll periods: the mempool notifications
      // just came from a poll, and mining right away would lock the block to the poll phase.
      await new Promise((r) => setTimeout(r, Math.floor(rnd() * 500)));
      seen = new Set();
      const hb = watch?.next();
      const [hash] = await node.rpc<string[]>('generatetoaddress', [1, payout]);
      const tRpc = performance.now();
      await until(() => seen.size === o.txs, 60_000, `${o.txs} block notifications (${seen.size} so far)`);
      const t0 = hb ? Math.min(tRpc, await Promise.race([hb, new Promise<number>((r) => setTimeout(() => r(tRpc), 1000))])) : tRpc;
      const ms = last - t0;
      o.log(`${zmq ? 'ZMQ' : 'polling'} run ${run}${run === 0 ? ' (warm-up)' : ''}: block ${hash.slice(0, 16)}… ${o.txs} notifications, last after ${ms.toFixed(1)} ms`);
      if (run > 0) result.runs.push(ms);
    }
  } finally {
    subs.close();
    watch?.close();
    await served.stop();
    fs.rmSync(db, { recursive: true, force: true });
  }
  return result;
}

/** Measures both modes and writes the "tip" section. */
export async function main(opts: TipBenchOptions = {}): Promise<TipResult[]> {
  const o: Required<TipBenchOptions> = {
    runs: opts.runs ?? 8, txs: opts.txs ?? 3000, sessions: opts.sessions ?? 30, log: opts.log ?? ((l) => console.error(l)),
  };
  const { node, coins } = await startFundedNode(2 * (o.runs + 1) * o.txs, o.log);
  try {
    const results = [await runMode(node, coins, true, o), await runMode(node, coins, false, o)];
    const row = (r: TipResult): string => {
      const s = [...r.runs].sort((a, b) => a - b);
      const m = [...r.mempoolBurst].sort((a, b) => a - b);
      return `| ${r.mode} | ${s.length} | ${percentile(s, 50).toFixed(0)} ms | ${s[s.length - 1]!.toFixed(0)} ms | ${percentile(m, 50).toFixed(0)} ms |`;
    };
    writeSection('tip', 'Tip block: bitcoind to the last status notification', `node --import tsx bench/tip.ts --runs ${o.runs} --txs ${o.txs} --sessions ${o.sessions}`, `
One block of ${o.txs.toLocaleString('en')} transactions, each paying a different script hash, with ${o.sessions} Electrum TCP
sessions (protocol 1.4) of the real \`serve --local\` subscribed to all ${o.txs.toLocaleString('en')} of them. The regtest node
simulator runs as a child process (its own core) publishing ZMQ \`hashblock\` and \`sequence\` (what the server subscribes to); serve and the sessions share this process. The txs are
first sent to the node's mempool in JSON-RPC batches and their mempool notifications awaited; then, after a random
pause of 0-500 ms (so blocks do not lock to the poll phase), \`generatetoaddress 1\` mines them. Latency: from when the node has the block (the RPC returns, or the ZMQ
\`hashblock\` reaches this process, whichever is first) to the arrival of the last of the ${o.txs.toLocaleString('en')}
status notifications (header notification first, docs/protocol.md §11). ${o.runs} measured blocks per mode after one warm-up.
"Mempool burst" is the same for the ${o.txs.toLocaleString('en')} mempool arrivals: from the last batch's reply to the last
mempool notification.

| bitcoind → server | blocks | p50 | max | mempool burst p50 |
|---|---|---|---|---|
${results.map(row).join('\n')}

Aim: < 300 ms. Polling asks for the tip every 250 ms (\`getblockcount\` + \`getbestblockhash\` in one batch, cheap), so
without ZMQ a block waits up to 250 ms (about 125 ms on average) before the server notices it; with ZMQ the
\`hashblock\`/\`sequence\` message starts the round at once. The rest is the round itself: fetching the block over REST
with its spent outputs, indexing it, reading the mempool, and recomputing ${o.txs.toLocaleString('en')} statuses. Timed
separately (openBackend alone, same 3,000-tx blocks), the backend's round takes 140-210 ms, about 110 ms of it writing
the block's rows to LMDB (~36 µs per tx: one synchronous put or delete per row, plus a SHA-256 per script); the
front half's fan-out of the statuses and notifications adds the rest.
`);
    return results;
  } finally {
    await node.cleanup();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const arg = (name: string): number | undefined => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const r = await main({ runs: arg('--runs'), txs: arg('--txs'), sessions: arg('--sessions') });
  console.log(JSON.stringify(r));
}
