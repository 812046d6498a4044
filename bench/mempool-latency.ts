/**
 * Mempool notification latency (issue 3: "scripthash status notifications promptly after
 * bitcoind accepts a transaction, aim under a second, measured in the benchmark"): a synced
 * `serve --local` with an Electrum session (protocol 1.4) subscribed to 50 script hashes;
 * one transaction at a time pays one of them, at random moments (so the sends do not lock
 * to the poll period), and the latency is from `sendrawtransaction` returning to that
 * session receiving the script hash's status notification. With ZMQ and with polling.
 * Writes section "mempool-latency" of docs/BENCHMARKS.md.
 * Run: node --import tsx bench/mempool-latency.ts [--txs N]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, writeSection } from './report.js';
import { spend, startFundedNode, startServe, subscribe, targets, tempDb, until, type Coin } from './serve-harness.js';
import { prng } from '../sim/chaingen.js';
import type { NodeHandle } from '../test/support/bitcoind.js';

/** Options of the mempool latency benchmark. */
export interface MempoolBenchOptions {
  /** Transactions per mode (default 50). */
  txs?: number;
  log?: (line: string) => void;
}

/** Latencies of one mode, ms, in send order. */
export interface MempoolResult { mode: 'ZMQ' | 'polling'; latencies: number[] }

async function runMode(node: NodeHandle, coins: Coin[], zmq: boolean, n: number, log: (l: string) => void): Promise<MempoolResult> {
  const db = tempDb('mempool');
  const served = await startServe(node, zmq, db);
  const list = targets(n, `mempool-${zmq}`);
  const subs = await subscribe(served.port, list.map((t) => t.sh), 1);
  const rnd = prng(`mempool-latency-${zmq}`);
  const out: MempoolResult = { mode: zmq ? 'ZMQ' : 'polling', latencies: [] };
  try {
    for (let i = 0; i < n; i++) {
      const tx = spend(coins.shift()!, list[i]!.script);
      let at = 0;
      subs.onStatus = (sh, _s, t) => {
        if (sh === list[i]!.sh) at = t;
      };
      await new Promise((r) => setTimeout(r, Math.floor(rnd() * 500)));
      await node.rpc('sendrawtransaction', [tx.hex]);
      const sent = performance.now();
      await until(() => at > 0, 10_000, `the notification of tx ${i}`);
      // A notification that beat the RPC reply (ZMQ is that quick) counts as 0.
      out.latencies.push(Math.max(0, at - sent));
    }
    const s = [...out.latencies].sort((a, b) => a - b);
    log(`${out.mode}: p50 ${percentile(s, 50).toFixed(1)} ms, p90 ${percentile(s, 90).toFixed(1)} ms, max ${s[s.length - 1]!.toFixed(1)} ms`);
  } finally {
    subs.close();
    await served.stop();
    fs.rmSync(db, { recursive: true, force: true });
  }
  return out;
}

/** Measures both modes and writes the "mempool-latency" section. */
export async function main(opts: MempoolBenchOptions = {}): Promise<MempoolResult[]> {
  const n = opts.txs ?? 50;
  const log = opts.log ?? ((l: string) => console.error(l));
  const { node, coins } = await startFundedNode(2 * n, log);
  try {
    const results = [await runMode(node, coins, true, n, log), await runMode(node, coins, false, n, log)];
    const row = (r: MempoolResult): string => {
      const s = [...r.latencies].sort((a, b) => a - b);
      return `| ${r.mode} | ${s.length} | ${percentile(s, 50).toFixed(0)} ms | ${percentile(s, 90).toFixed(0)} ms | ${s[s.length - 1]!.toFixed(0)} ms |`;
    };
    writeSection('mempool-latency', 'Mempool: sendrawtransaction to the status notification', `node --import tsx bench/mempool-latency.ts --txs ${n}`, `
${n} transactions per mode, one at a time after a random pause of 0-500 ms (one poll period, so sends do not lock to the polls), each paying a different one of ${n} script
hashes that one Electrum TCP session (protocol 1.4) of the real \`serve --local\` has subscribed to. The regtest node
simulator runs as a child process publishing ZMQ \`hashblock\` and \`sequence\`. Latency: from \`sendrawtransaction\` returning to the arrival of that
script hash's status notification.

| bitcoind → server | txs | p50 | p90 | max |
|---|---|---|---|---|
${results.map(row).join('\n')}

Aim: under a second. Without ZMQ the mempool is polled every 500 ms, or ten times as long as the last poll took when
that is longer (a poll is \`getrawmempool\` for the txid list, then \`getrawtransaction\` only for txids not seen
before), so a polling server is up to one period late; with ZMQ the \`sequence\` message (\`rawtx\`/\`hashtx\` when bitcoind
publishes no \`sequence\`) starts the poll at once.
`);
    return results;
  } finally {
    await node.cleanup();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const i = process.argv.indexOf('--txs');
  const r = await main({ txs: i >= 0 ? Number(process.argv[i + 1]) : undefined });
  console.log(JSON.stringify(r.map((x) => ({ mode: x.mode, latencies: x.latencies.map((l) => Math.round(l * 10) / 10) }))));
}
