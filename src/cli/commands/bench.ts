/**
 * `bench [SERVER]`: the load generator of src/diag/loadbench.ts (JSON: LoadBenchStats).
 * Without --addresses it benchmarks the script hashes paid in the tip's recent blocks.
 */
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { GlobalOptions } from '../context.js';
import type { Runtime } from '../runtime.js';
import type { BenchMethod } from '../../diag/loadbench.js';

/** Parses --mix "header=1,history=2,...". */
export function parseMix(text: string, known: readonly string[]): Partial<Record<BenchMethod, number>> {
  const out: Partial<Record<BenchMethod, number>> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [k, v = '1'] = part.split('=');
    if (!known.includes(k!)) throw new UsageError(`--mix: unknown method ${JSON.stringify(k)}`, { hint: `use ${known.join(', ')}` });
    const n = Number(v);
    if (!(n >= 0)) throw new UsageError(`--mix: weight of ${k} must be a number`);
    out[k as BenchMethod] = n;
  }
  return out;
}

/** Adds the bench subcommand. */
export function register(program: Command, rt: Runtime): void {
  program
    .command('bench')
    .description('Load-test a server: N concurrent sessions, a method mix, throughput and latency percentiles')
    .argument('[SERVER]', 'the server to load (default: --server / the configured server)')
    .option('--sessions <n>', 'concurrent sessions', '10')
    .option('--duration <seconds>', 'run this long (default 10)')
    .option('--requests <n>', 'or stop after this many requests')
    .option('--mix <list>', 'method weights, e.g. header=1,history=2,balance=2,listunspent=1,transaction=1')
    .option('--addresses <list>', 'comma-separated addresses or script hashes to query (default: those paid in the tip block)')
    .addHelpText('after', '\nJSON output:\n  {"sessions", "requests", "errors", "errorsByKind": {...}, "elapsedMs", "throughput": <requests/s>,\n' +
      '   "latency": {"count", "min", "p50", "p90", "p99", "max", "mean"}, "byMethod": {"history": {"requests", "errors", "latency": {...}}, ...}}')
    .action(async (server: string | undefined, o: { sessions: string; duration?: string; requests?: string; mix?: string; addresses?: string }, self: Command) => {
      const ctx = await rt.context(self.optsWithGlobals<GlobalOptions>());
      const spec = server ?? ctx.settings.server;
      if (spec === undefined) throw new UsageError('bench needs a server', { hint: 'electrum-cli bench HOST:PORT:t (or --server)' });
      const { parseServer } = await import('../../protocol/server-address.js');
      const { runLoadBench, BENCH_METHODS } = await import('../../diag/loadbench.js');
      const { diagConnection, seconds } = await import('./peers.js');
      const { parseUint, parseTarget } = await import('../args.js');
      const addr = parseServer(spec, { network: ctx.network });
      const connection = await diagConnection(ctx);
      const sessions = parseUint(o.sessions, '--sessions');
      if (sessions < 1) throw new UsageError('--sessions must be at least 1');
      let scripthashes = (o.addresses ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((a) => parseTarget(a, ctx.network).scripthash);
      let txids: string[] = [];
      if (scripthashes.length === 0 || !o.mix || o.mix.includes('transaction')) {
        const found = await discover(addr, connection);
        if (scripthashes.length === 0) scripthashes = found.scripthashes;
        txids = found.txids;
      }
      const spin = await ctx.out.spinner(`loading ${spec} with ${sessions} sessions…`);
      let stats;
      try {
        stats = await runLoadBench({
          server: addr,
          connection,
          sessions,
          scripthashes,
          txids,
          ...(o.requests !== undefined ? { requests: parseUint(o.requests, '--requests') } : { durationMs: seconds(o.duration, '--duration', 10) }),
          ...(o.mix ? { mix: parseMix(o.mix, BENCH_METHODS) } : {}),
        });
      } finally {
        spin.stop();
      }
      if (ctx.json) await ctx.out.json(stats);
      else ctx.out.data((await import('../../diag/render.js')).benchText(stats, spec));
    });
}

/** Script hashes and txids from the tip block's first transactions. */
async function discover(server: import('../../protocol/server-address.js').ServerAddress, connection: object): Promise<{ scripthashes: string[]; txids: string[] }> {
  const { Connection } = await import('../../protocol/connection.js');
  const { parseRawTx } = await import('../../bitcoin/tx.js');
  const { scriptHash } = await import('../../bitcoin/scripthash.js');
  const conn = await Connection.open({ ...connection, server, keepaliveMs: 0 });
  try {
    const { call } = await import('../../methods/call.js');
    const { headersSubscribe, idFromPos, txGet } = await import('../../methods/blockchain.js');
    const { tipOf } = await import('../../methods/normalise.js');
    const tip = { height: tipOf(await call(conn, headersSubscribe)) ?? -1 };
    const txids: string[] = [];
    const shs = new Set<string>();
    for (let h = tip.height; h >= Math.max(0, tip.height - 5) && txids.length < 20; h--) {
      for (let pos = 0; pos < 10; pos++) {
        let txid: string;
        try {
          txid = (await call(conn, idFromPos, [h, pos])) as string;
        } catch {
          break;
        }
        txids.push(txid);
        try {
          const tx = parseRawTx(String(await call(conn, txGet, [txid])));
          for (const out of tx.outputs) if (out.script.length > 0 && out.script[0] !== 0x6a) shs.add(scriptHash(out.script));
        } catch {
          // a tx the server will not give is just not used
        }
      }
    }
    return { scripthashes: [...shs].slice(0, 50), txids };
  } finally {
    conn.close();
  }
}
