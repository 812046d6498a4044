/**
 * The interactive flows (docs/architecture.md §3: prompts on stderr, only for a person): choosing a
 * server when none is configured (probed, fastest first), confirming a broadcast after a
 * decoded summary, and the `config init` wizard. Each refuses with exit 2 when nobody can
 * answer, naming the flag or command that does the same without a prompt.
 */
import { UsageError, oneLine } from '../../errors.js';
import { NETWORK_NAMES, parseNetwork, type NetworkName } from '../../bitcoin/networks.js';
import { decodeTx, type DecodedTx } from '../../bitcoin/decode.js';
import { parseRawTx } from '../../bitcoin/tx.js';
import { formatBtc, formatSats } from '../../bitcoin/units.js';
import type { Connection } from '../../protocol/connection.js';
import { formatServer, parseProxy, parseServer, type ServerAddress } from '../../protocol/server-address.js';
import { loadConfig, saveConfig } from '../config.js';
import type { Context } from '../context.js';
import type { Io } from '../io.js';
import { knownServers, readServersCache } from '../known-servers.js';
import type { Output } from '../output.js';
import { startProgress } from '../progress.js';
import { canPrompt, confirm, input, needsTerminal, select, type Choice } from '../prompt.js';
import { builtinServers } from '../servers.js';

/** One probed server: how long connect + handshake took, or why it failed. */
export interface ProbeResult {
  addr: ServerAddress;
  ms?: number;
  error?: string;
  software?: string;
}

/**
 * Opens every server at once (each within `timeoutMs`), closes them, and sorts answers fastest
 * first. A probe that runs out of time is aborted (its socket destroyed), so nothing of it
 * outlives the menu; `signal` (Ctrl-C) aborts them all.
 */
export async function probeServers(
  addrs: readonly ServerAddress[],
  open: (a: ServerAddress, signal: AbortSignal) => Promise<Connection>,
  timeoutMs = 5000,
  signal?: AbortSignal,
): Promise<ProbeResult[]> {
  const results = await Promise.all(
    addrs.map(async (addr): Promise<ProbeResult> => {
      const t0 = performance.now();
      const gaveUp = new AbortController();
      const timer = setTimeout(() => gaveUp.abort(), timeoutMs);
      const probeSignal = signal ? AbortSignal.any([signal, gaveUp.signal]) : gaveUp.signal;
      try {
        const conn = await open(addr, probeSignal);
        const ms = Math.round(performance.now() - t0);
        conn.close();
        return { addr, ms, ...(conn.serverSoftware ? { software: conn.serverSoftware } : {}) };
      } catch (err) {
        if (signal?.aborted) throw err;
        return { addr, error: gaveUp.signal.aborted ? `no answer within ${timeoutMs / 1000} s` : (err as Error).message };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return sortProbes(results);
}

/** Answers first, fastest first; failures after, in list order (pure). */
export function sortProbes(results: readonly ProbeResult[]): ProbeResult[] {
  const ok = results.filter((r) => r.ms !== undefined).sort((a, b) => a.ms! - b.ms!);
  return [...ok, ...results.filter((r) => r.ms === undefined)];
}

/** The select prompt's choices for probe results. */
export function serverChoices(results: readonly ProbeResult[]): Choice<string>[] {
  return results.map((r) => ({
    // The software string and errors are the servers' words: no escape codes in the menu.
    // A failure's reason is the disabled label itself (the prompt appends it to the name).
    name: r.ms !== undefined ? `${formatServer(r.addr)}  ${r.ms} ms${r.software ? `  ${oneLine(r.software, 60)}` : ''}` : formatServer(r.addr),
    value: formatServer(r.addr),
    ...(r.ms === undefined ? { disabled: `(${oneLine(r.error ?? 'no answer', 120)})` } : {}),
  }));
}

/** On a terminal, with no server configured: probe the candidates and let the user pick. */
export async function chooseServer(io: Io, out: Output, network: NetworkName, addrs: readonly ServerAddress[], open: (a: ServerAddress, signal: AbortSignal) => Promise<Connection>): Promise<ServerAddress> {
  const progress = startProgress(out, `probing ${addrs.length} ${network} servers…`);
  let results: ProbeResult[];
  try {
    results = await probeServers(addrs, open, 5000, io.signal);
  } finally {
    progress.stop(); // before the menu: nothing may animate under it
  }
  if (!results.some((r) => r.ms !== undefined)) {
    throw new UsageError(`none of the ${addrs.length} built-in ${network} servers answered`, { hint: 'name one with --server HOST:PORT:s' });
  }
  const choice = await select(io, `No server configured. Pick a ${network} server (fastest first):`, serverChoices(results));
  out.notice(`tip: make it the default for ${network} with \`electrum-cli config set servers.${network} ${choice}\``);
  return results.find((r) => formatServer(r.addr) === choice)!.addr;
}

/** What the broadcast summary shows: the decoded tx plus the fee when every parent was found. */
export interface BroadcastSummary {
  tx: DecodedTx;
  /** Satoshis; undefined when an input's value is unknown. */
  fee?: number;
  feeNote?: string;
}

/** Input values from the parents' raw transactions (one batch); the fee when all are known. */
export async function summarize(conn: Connection, raw: string, network: NetworkName): Promise<BroadcastSummary> {
  const tx = decodeTx(raw, network);
  const parents = [...new Set(tx.inputs.filter((i) => !i.coinbase).map((i) => i.txid))];
  let values: Map<string, number[]>;
  try {
    const replies = await conn.batch(parents.map((p) => ({ method: 'blockchain.transaction.get', params: [p] })));
    values = new Map();
    replies.forEach((r, i) => {
      if ('error' in r || typeof r.result !== 'string') return;
      const parsed = parseRawTx(r.result);
      if (parsed.txid !== parents[i]) return; // a server lying about a parent gets no say in the fee
      values.set(parents[i]!, parsed.outputs.map((o) => o.value));
    });
  } catch (err) {
    return { tx, feeNote: `unknown (${(err as Error).message})` };
  }
  let inSum = 0;
  for (const i of tx.inputs) {
    const v = values.get(i.txid)?.[i.vout];
    if (v === undefined) return { tx, feeNote: `unknown (the server did not give input ${i.txid}:${i.vout})` };
    inSum += v;
  }
  const outSum = tx.outputs.reduce((s, o) => s + o.value, 0);
  return { tx, fee: inSum - outSum };
}

/** The summary as text for stderr (pure). */
export function renderSummary(s: BroadcastSummary, server: string): string {
  const lines = [`About to broadcast ${s.tx.txid}`, `  to ${server}`, `  ${s.tx.inputs.length} input${s.tx.inputs.length === 1 ? '' : 's'}, ${s.tx.outputs.length} output${s.tx.outputs.length === 1 ? '' : 's'}:`];
  for (const o of s.tx.outputs) {
    lines.push(`    #${o.n}  ${o.address ?? `(${o.type})`}  ${formatBtc(o.value)} BTC`);
  }
  const total = s.tx.outputs.reduce((sum, o) => sum + o.value, 0);
  lines.push(`  total out: ${formatBtc(total)} BTC`);
  if (s.fee !== undefined) {
    const rate = s.fee / s.tx.vsize;
    lines.push(`  fee: ${formatSats(s.fee)} sats (${rate.toFixed(rate < 10 ? 2 : 1)} sat/vB over ${s.tx.vsize} vB)`);
  } else {
    lines.push(`  fee: ${s.feeNote ?? 'unknown'}`);
  }
  return lines.join('\n');
}

/**
 * The one rule for `broadcast` and `broadcast-package`: --yes, or someone at a terminal to
 * confirm; otherwise exit 2 naming --yes, before anything is sent.
 */
export function requireConsent(ctx: Pick<Context, 'io' | 'opts'>, what = 'broadcast'): void {
  if (ctx.opts.yes || canPrompt(ctx.io, ctx.opts)) return;
  throw needsTerminal(what, 'pass --yes to broadcast without a prompt (scripts, pipes, --json)');
}

/**
 * The summaries of a package (parents first): each transaction's fee from the package's own
 * outputs and, for inputs outside it, the server's raw parents (one batch).
 */
export async function summarizePackage(conn: Connection, raws: readonly string[], network: NetworkName): Promise<BroadcastSummary[]> {
  const txs = raws.map((r) => decodeTx(r, network));
  const values = new Map<string, number[]>(txs.map((t) => [t.txid, t.outputs.map((o) => o.value)]));
  const outside = [...new Set(txs.flatMap((t) => t.inputs.filter((i) => !i.coinbase && !values.has(i.txid)).map((i) => i.txid)))];
  let note: string | undefined;
  try {
    const replies = await conn.batch(outside.map((p) => ({ method: 'blockchain.transaction.get', params: [p] })));
    replies.forEach((r, i) => {
      if ('error' in r || typeof r.result !== 'string') return;
      const parsed = parseRawTx(r.result);
      if (parsed.txid === outside[i]) values.set(outside[i]!, parsed.outputs.map((o) => o.value));
    });
  } catch (err) {
    note = `unknown (${(err as Error).message})`;
  }
  return txs.map((tx) => {
    let inSum = 0;
    for (const i of tx.inputs) {
      const v = values.get(i.txid)?.[i.vout];
      if (v === undefined) return { tx, feeNote: note ?? `unknown (the server did not give input ${i.txid}:${i.vout})` };
      inSum += v;
    }
    return { tx, fee: inSum - tx.outputs.reduce((sum, o) => sum + o.value, 0) };
  });
}

/** Before a package broadcast: the same rule as confirmBroadcast, one question for the whole package. */
export async function confirmPackage(ctx: Context, conn: Connection, raws: readonly string[]): Promise<void> {
  if (ctx.opts.yes) return;
  requireConsent(ctx, 'broadcast-package');
  const progress = startProgress(ctx.out, 'fetching the inputs…');
  let all: BroadcastSummary[];
  try {
    all = await summarizePackage(conn, raws, ctx.network);
  } finally {
    progress.stop();
  }
  const server = formatServer(conn.server);
  const lines = [`About to broadcast a package of ${all.length} transaction${all.length === 1 ? '' : 's'} (parents first) to ${server}:`];
  for (const [i, s] of all.entries()) lines.push(`${i + 1}. ${renderSummary(s, server).split('\n').filter((l) => !l.startsWith('  to ')).join('\n   ')}`);
  if (all.every((s) => s.fee !== undefined)) {
    const fee = all.reduce((sum, s) => sum + s.fee!, 0);
    const vsize = all.reduce((sum, s) => sum + s.tx.vsize, 0);
    const rate = fee / vsize;
    lines.push(`package fee: ${formatSats(fee)} sats (${rate.toFixed(rate < 10 ? 2 : 1)} sat/vB over ${vsize} vB)`);
  }
  ctx.io.stderr.write(`${lines.join('\n')}\n`);
  if (!(await confirm(ctx.io, 'Broadcast this package?', false))) {
    const { InterruptedError } = await import('../../errors.js');
    throw new InterruptedError('broadcast cancelled: nothing was sent');
  }
}

/**
 * Before a broadcast: nothing with --yes; a decoded summary and a yes/no question on a
 * terminal; otherwise exit 2 naming --yes. A "no" sends nothing and exits 130.
 */
export async function confirmBroadcast(ctx: Context, conn: Connection, raw: string): Promise<void> {
  if (ctx.opts.yes) return;
  requireConsent(ctx);
  const progress = startProgress(ctx.out, 'fetching the inputs…');
  let s: BroadcastSummary;
  try {
    s = await summarize(conn, raw, ctx.network);
  } finally {
    progress.stop();
  }
  ctx.io.stderr.write(`${renderSummary(s, formatServer(conn.server))}\n`);
  if (!(await confirm(ctx.io, 'Broadcast this transaction?', false))) {
    const { InterruptedError } = await import('../../errors.js');
    throw new InterruptedError('broadcast cancelled: nothing was sent');
  }
}

/** `config init`: network, server (probed built-ins and known servers, or typed), proxy. */
export async function runWizard(ctx: Context): Promise<void> {
  if (!canPrompt(ctx.io, ctx.opts)) {
    throw new UsageError('config init is an interactive wizard and needs a terminal', {
      hint: 'set values directly: electrum-cli config set server HOST:PORT:s (also network, proxy, timeout)',
    });
  }
  const io = ctx.io;
  const cfg = loadConfig(ctx.configPath);
  const network = parseNetwork(
    await select(io, 'Network:', NETWORK_NAMES.map((n) => ({ name: n, value: n })), (cfg.network as NetworkName | undefined) ?? ctx.network),
  );
  const candidates = [...knownServers(cfg, readServersCache(io.env)), ...builtinServers(network, io.env)]
    .filter((s, i, all) => all.indexOf(s) === i)
    .flatMap((s) => {
      try {
        return [parseServer(s, { network })];
      } catch {
        return [];
      }
    });
  const { Connection } = await import('../../protocol/connection.js');
  const progress = startProgress(ctx.out, `probing ${candidates.length} servers…`);
  let results: ProbeResult[];
  try {
    results = await probeServers(candidates, (a, signal) => Connection.open({ server: a, connectTimeoutMs: 5000, signal }), 5000, io.signal);
  } finally {
    progress.stop();
  }
  const OTHER = '\u0000other';
  const picked = await select(io, 'Server (fastest first):', [...serverChoices(results), { name: 'another server…', value: OTHER }]);
  const server =
    picked === OTHER
      ? await input(io, 'Server (HOST:PORT:s, HOST:PORT:t, or a tcp:// ssl:// ws:// wss:// URL):', {
          validate: (v) => {
            try {
              parseServer(v.trim(), { network });
              return true;
            } catch (err) {
              return (err as Error).message;
            }
          },
        })
      : picked;
  const proxy = await input(io, 'SOCKS5 proxy (socks5://HOST:PORT, empty for none):', {
    default: cfg.proxy ?? '',
    validate: (v) => {
      if (v.trim() === '') return true;
      try {
        parseProxy(v.trim());
        return true;
      } catch (err) {
        return (err as Error).message;
      }
    },
  });
  cfg.network = network;
  cfg.servers = { ...(cfg.servers ?? {}), [network]: server.trim() };
  if (proxy.trim() === '') delete cfg.proxy;
  else cfg.proxy = proxy.trim();
  saveConfig(ctx.configPath, cfg);
  ctx.out.notice(`wrote ${ctx.configPath}: network ${network}, server ${server.trim()}${cfg.proxy ? `, proxy ${cfg.proxy}` : ''}`);
}
