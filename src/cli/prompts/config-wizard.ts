/**
 * `config init`: an interactive wizard for network, server (probed built-ins and known
 * servers, or typed) and proxy, written to the config file. Without a terminal it refuses
 * with exit 2 and names `config set`.
 */
import { UsageError } from '../../errors.js';
import { NETWORK_NAMES, parseNetwork, type NetworkName } from '../../bitcoin/networks.js';
import { parseProxy, parseServer } from '../../protocol/server-address.js';
import { loadConfig, saveConfig } from '../config.js';
import type { PromptContext } from '../interfaces.js';
import { knownServers, readServersCache } from '../known-servers.js';
import { startProgress } from '../progress.js';
import { builtinServers } from '../servers.js';
import { canPrompt, input, select } from './ask.js';
import { probeServers, serverChoices, type ProbeResult } from './server-choice.js';

/** `config init`: network, server (probed built-ins and known servers, or typed), proxy. */
export async function runWizard(ctx: PromptContext): Promise<void> {
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
