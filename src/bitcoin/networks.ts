/**
 * Per-network constants (docs/protocol.md §1.2): address prefixes, genesis hashes, default ports
 * and where bitcoind keeps its data. Pure data; nothing here does I/O.
 */
import { UsageError } from '../errors.js';

/** The networks electrum-cli knows. 'testnet' is testnet3. */
export type NetworkName = 'mainnet' | 'testnet' | 'testnet4' | 'signet' | 'regtest';

/** Everything that differs between networks. */
export interface NetworkInfo {
  readonly name: NetworkName;
  /** Human label ("testnet3" for 'testnet'). */
  readonly label: string;
  /** Bech32/bech32m human-readable part of segwit addresses. */
  readonly hrp: string;
  /** Base58check version byte of P2PKH addresses. */
  readonly p2pkh: number;
  /** Base58check version byte of P2SH addresses. */
  readonly p2sh: number;
  /** Display-order hex of block 0, compared with server.features.genesis_hash. */
  readonly genesisHash: string;
  /** Default Electrum plain-TCP port (bare `t` in peer lists). */
  readonly tcpPort: number;
  /** Default Electrum TLS port (bare `s` in peer lists). */
  readonly sslPort: number;
  /** Default bitcoind JSON-RPC port. */
  readonly rpcPort: number;
  /** Subdirectory of the bitcoind datadir ('' for mainnet). */
  readonly datadirSubdir: string;
}

/** All networks by name. */
export const NETWORKS: Readonly<Record<NetworkName, NetworkInfo>> = Object.freeze({
  mainnet: {
    name: 'mainnet', label: 'mainnet', hrp: 'bc', p2pkh: 0x00, p2sh: 0x05,
    genesisHash: '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f',
    tcpPort: 50001, sslPort: 50002, rpcPort: 8332, datadirSubdir: '',
  },
  testnet: {
    name: 'testnet', label: 'testnet3', hrp: 'tb', p2pkh: 0x6f, p2sh: 0xc4,
    genesisHash: '000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943',
    tcpPort: 51001, sslPort: 51002, rpcPort: 18332, datadirSubdir: 'testnet3',
  },
  testnet4: {
    name: 'testnet4', label: 'testnet4', hrp: 'tb', p2pkh: 0x6f, p2sh: 0xc4,
    genesisHash: '00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043',
    tcpPort: 51001, sslPort: 51002, rpcPort: 48332, datadirSubdir: 'testnet4',
  },
  signet: {
    name: 'signet', label: 'signet', hrp: 'tb', p2pkh: 0x6f, p2sh: 0xc4,
    genesisHash: '00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6',
    tcpPort: 51001, sslPort: 51002, rpcPort: 38332, datadirSubdir: 'signet',
  },
  regtest: {
    name: 'regtest', label: 'regtest', hrp: 'bcrt', p2pkh: 0x6f, p2sh: 0xc4,
    genesisHash: '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206',
    tcpPort: 51001, sslPort: 51002, rpcPort: 18443, datadirSubdir: 'regtest',
  },
});

/** Network names in a stable order (for help text and completions). */
export const NETWORK_NAMES: readonly NetworkName[] = ['mainnet', 'testnet', 'testnet4', 'signet', 'regtest'];

const ALIASES: Readonly<Record<string, NetworkName>> = {
  mainnet: 'mainnet', main: 'mainnet', bitcoin: 'mainnet',
  testnet: 'testnet', testnet3: 'testnet', test: 'testnet',
  testnet4: 'testnet4',
  signet: 'signet',
  regtest: 'regtest',
};

/** Parses a --network value (case-insensitive; 'testnet3' and 'main' are aliases). */
export function parseNetwork(s: string): NetworkName {
  const key = String(s).trim().toLowerCase();
  const n = Object.hasOwn(ALIASES, key) ? ALIASES[key] : undefined;
  if (!n) {
    throw new UsageError(`unknown network: ${JSON.stringify(s)}`, {
      hint: `use one of ${NETWORK_NAMES.join(', ')}`,
    });
  }
  return n;
}

/** The network whose genesis hash this is (any case), or null. */
export function networkByGenesis(hash: string): NetworkName | null {
  const h = String(hash).toLowerCase();
  for (const n of NETWORK_NAMES) if (NETWORKS[n].genesisHash === h) return n;
  return null;
}
