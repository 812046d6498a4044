/**
 * `peers`: the server's peer list as a table; with --probe / --crawl / --servers the
 * concurrent probe of src/diag (JSON: ProbeReport, see the README, Diagnostics). After a probe
 * the healthy servers, fastest first, go to <cache>/electrum-cli/servers.txt for completion.
 */
import { UsageError, ConnectionError } from '../../errors.js';
import type { ConnectionOptions } from '../../protocol/connection.js';
import type { ServerAddress } from '../../protocol/server-address.js';
import type { Context } from '../context.js';
import type { Job } from '../job.js';

/** Connection options for diagnostics from the run's settings (TLS pins are read, never written). */
export async function diagConnection(ctx: Context): Promise<Omit<ConnectionOptions, 'server'>> {
  const { configDir } = await import('../config.js');
  const { parseProxy } = await import('../../protocol/server-address.js');
  const s = ctx.settings;
  const opts: Omit<ConnectionOptions, 'server'> = { tls: { configDir: configDir(ctx.configPath), mode: 'report' }, signal: ctx.io.signal };
  if (s.proxy !== undefined) opts.proxy = parseProxy(s.proxy);
  if (s.timeoutMs !== undefined) opts.requestTimeoutMs = s.timeoutMs;
  if (s.connectTimeoutMs !== undefined) opts.connectTimeoutMs = s.connectTimeoutMs;
  if (s.maxLine !== undefined) opts.maxLine = s.maxLine;
  return opts;
}

/** A positive number option in seconds -> ms (`fallback` in seconds too). */
export function seconds(v: unknown, flag: string, fallback: number): number {
  if (v === undefined) return fallback * 1000;
  const n = Number(v);
  if (!(n > 0)) throw new UsageError(`${flag} must be a positive number of seconds, got ${JSON.stringify(v)}`);
  return n * 1000;
}

export async function run(job: Job): Promise<void> {
  const f = job.inv.flags;
  if (!f.probe && !f.crawl && f.servers === undefined) {
    await job.open();
    const { result, params } = await job.call();
    const { parsePeer } = await import('../../diag/peers.js');
    const peers = (result as [string, string, string[]][]).map((e) => parsePeer(e, job.ctx.network));
    await job.print([{ key: '', params, result }], async () => (await import('../../diag/render.js')).peersTable(peers, job.ctx.out.style));
    return;
  }
  const ctx = job.ctx;
  const network = ctx.network;
  const { readServerList, parsePeer, peerAddresses, uniqueAddresses, formatServerList } = await import('../../diag/peers.js');
  const { parseServer } = await import('../../protocol/server-address.js');
  let addrs: ServerAddress[];
  let source: string;
  if (typeof f.servers === 'string') {
    addrs = readServerList(f.servers, network, ctx.io.cwd);
    source = `--servers ${f.servers}`;
  } else if (ctx.settings.server !== undefined) {
    const seed = parseServer(ctx.settings.server, { network });
    if (f.crawl) {
      addrs = [seed];
    } else {
      await job.open();
      const { result } = await job.call();
      addrs = uniqueAddresses((result as [string, string, string[]][]).flatMap((e) => peerAddresses(parsePeer(e, network))));
      if (addrs.length === 0) throw new UsageError(`${ctx.settings.server} lists no peers to probe`, { hint: 'probe a list instead: --servers FILE|LIST, or --crawl' });
    }
    source = ctx.settings.server;
  } else {
    const { builtinServers } = await import('../servers.js');
    addrs = builtinServers(network, ctx.io.env).map((s) => parseServer(s, { network }));
    source = `the built-in ${network} list`;
  }
  const deadlineMs = seconds(f.deadline, '--deadline', 5);
  // Absent: the probe's own default (DEFAULT_PROBE_CONCURRENCY).
  const concurrency = f.concurrency === undefined ? undefined : Number(f.concurrency);
  const connection = await diagConnection(ctx);
  const spin = await ctx.out.spinner(`probing ${addrs.length} servers from ${source}…`);
  const base = { network, deadlineMs, concurrency, connection };
  let report;
  try {
    if (f.crawl) {
      const { crawl } = await import('../../diag/crawl.js');
      report = await crawl(addrs, { ...base, maxDepth: f.depth === undefined ? 2 : Number(f.depth), maxServers: f.maxServers === undefined ? 200 : Number(f.maxServers) });
    } else {
      const { probeAll } = await import('../../diag/probe.js');
      report = await probeAll(addrs, base);
    }
  } finally {
    spin.stop();
  }
  const { healthyServers } = await import('../../diag/crawl.js');
  const healthy = healthyServers(report);
  const [{ cacheDir }, { writeServersCache }] = await Promise.all([import('../../cache-dir.js'), import('../../diag/cache.js')]);
  try {
    writeServersCache(cacheDir(ctx.io.env), healthy);
  } catch (err) {
    ctx.out.debug(`could not write servers.txt: ${(err as Error).message}`);
  }
  if (typeof f.output === 'string') {
    const { writeFileSync } = await import('node:fs');
    const { resolve } = await import('node:path');
    const file = resolve(ctx.io.cwd, f.output);
    const list = report.servers.filter((r) => healthy.includes(r.server)).map((r) => parseServer(r.server, { network }));
    try {
      writeFileSync(file, formatServerList(list, `electrum-cli ${f.crawl ? 'crawl' : 'probe'} ${network} ${new Date().toISOString()}: ${list.length} healthy servers, fastest first`));
    } catch (err) {
      // A path the user gave that cannot be written is their argument's problem, not a bug.
      throw new UsageError(`cannot write --output ${f.output}: ${(err as Error).message}`);
    }
    ctx.out.notice(`wrote ${list.length} servers to ${file} (use it with --servers ${f.output})`);
  }
  if (ctx.json) await ctx.out.json(report);
  else ctx.out.data((await import('../../diag/render.js')).probeTable(report, ctx.out.style));
  if (report.summary.reachable === 0) throw new ConnectionError(`none of the ${report.summary.probed} servers answered`);
}
