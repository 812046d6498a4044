/**
 * Choosing a server at a terminal when none is configured (and in the `config init` wizard):
 * every candidate probed at once, answers fastest first, failures shown but not selectable.
 */
import { UsageError, oneLine } from '../../errors.js';
import type { NetworkName } from '../../bitcoin/networks.js';
import type { Connection } from '../../protocol/connection.js';
import { formatServer, type ServerAddress } from '../../protocol/server-address.js';
import type { PromptContext } from '../interfaces.js';
import type { Io } from '../io.js';
import { startProgress } from '../progress.js';
import { select, type Choice } from './ask.js';

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
export async function chooseServer(io: Io, out: PromptContext['out'], network: NetworkName, addrs: readonly ServerAddress[], open: (a: ServerAddress, signal: AbortSignal) => Promise<Connection>): Promise<ServerAddress> {
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

