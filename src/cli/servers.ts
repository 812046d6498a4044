/**
 * Well-known public servers per network, used when nothing names a server: on a terminal
 * the user picks one; otherwise the first that answers is used, with a notice. Regtest has
 * no public servers, so it lists the local defaults of Electrum (51001) and electrs (60401).
 */
import type { NetworkName } from '../bitcoin/networks.js';

export const BUILTIN_SERVERS: Readonly<Record<NetworkName, readonly string[]>> = {
  mainnet: [
    'electrum.blockstream.info:50002:s',
    'fortress.qtornado.com:443:s',
    'electrum.emzy.de:50002:s',
    'electrum.bitaroo.net:50002:s',
    'bitcoin.lu.ke:50002:s',
    'electrum.diynodes.com:50022:s',
  ],
  testnet: [
    'electrum.blockstream.info:60002:s',
    'testnet.aranguren.org:51002:s',
    'blockstream.info:993:s',
  ],
  testnet4: [
    'blackie.c3-soft.com:57010:s',
    'mempool.space:40002:s',
  ],
  signet: [
    'mempool.space:60602:s',
    'signet-electrumx.wakiyamap.dev:50002:s',
  ],
  regtest: ['127.0.0.1:51001:t', '127.0.0.1:60401:t'],
};

/**
 * Testing hook: ELECTRUM_CLI_BUILTIN_SERVERS (comma-separated server specs) replaces the
 * built-in list for every network, so tests can exercise selection against loopback servers.
 * Honoured only when set.
 */
export const BUILTIN_OVERRIDE_ENV = 'ELECTRUM_CLI_BUILTIN_SERVERS';

/** The candidate servers for `network`, in preference order. */
export function builtinServers(network: NetworkName, env: Readonly<Record<string, string | undefined>>): string[] {
  const override = env[BUILTIN_OVERRIDE_ENV];
  if (override !== undefined) return override.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return [...BUILTIN_SERVERS[network]];
}
