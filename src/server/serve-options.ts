/**
 * The options of `electrum-cli serve` (commander flags syntax), apart from the global ones it
 * shares with every command (--network, --quiet, --debug). Kept free of server code so the
 * CLI can register them, and completions and the man page can list them, without loading it.
 */
import { DEFAULT_LIMITS } from './limits.js';

/**
 * Seconds serve waits for an unreachable bitcoind before the initial sync is done: long enough
 * for a restart of a mainnet node (its RPC port closes while it flushes the chainstate).
 */
export const DEFAULT_BITCOIND_WAIT = 600;

/** One option of the `serve` subcommand (commander flags syntax). */
export interface ServeOption {
  flags: string;
  description: string;
  default?: string | boolean;
}

export const SERVE_OPTIONS: readonly ServeOption[] = [
  { flags: '--local', description: 'serve from your own bitcoind with the embedded index (required: the only mode)' },
  { flags: '--bitcoind <url>', description: "bitcoind's RPC URL (default http://127.0.0.1:<network's RPC port>)" },
  { flags: '--datadir <dir>', description: "bitcoind's data directory, for its cookie (default ~/.bitcoin)" },
  { flags: '--rpc-cookie <file>', description: "bitcoind's .cookie file" },
  { flags: '--rpc-user <user>', description: 'bitcoind RPC user (with --rpc-password)' },
  { flags: '--rpc-password <password>', description: 'bitcoind RPC password (visible in the process list: prefer --rpc-password-file or ELECTRUM_RPC_PASSWORD)' },
  { flags: '--rpc-password-file <file>', description: "bitcoind RPC password, the file's first line (with --rpc-user)" },
  { flags: '--bitcoind-wait <seconds>', description: 'until synced, give up (exit 7) once bitcoind stays unreachable this long (0: wait for ever)', default: String(DEFAULT_BITCOIND_WAIT) },
  { flags: '--db <dir>', description: 'index directory (default $XDG_DATA_HOME/electrum-cli/<network>, else ~/.local/share/...)' },
  { flags: '--tcp <host:port>', description: "plain TCP listener (default 127.0.0.1:<network's t port>: 50001 mainnet, 51001 others)" },
  { flags: '--no-tcp', description: 'no plain TCP listener' },
  { flags: '--tls [host:port]', description: "TLS listener (bare: 127.0.0.1:<network's s port>)" },
  { flags: '--ws [host:port]', description: 'WebSocket listener (bare: 127.0.0.1:50003, 60003 off mainnet)' },
  { flags: '--tls-cert <file>', description: 'TLS certificate (PEM); default: self-signed, generated once in the index directory' },
  { flags: '--tls-key <file>', description: 'TLS private key (PEM), with --tls-cert' },
  { flags: '--zmq', description: "use bitcoind's ZMQ notifications when it publishes them (default)" },
  { flags: '--no-zmq', description: 'poll bitcoind only, even when it publishes ZMQ' },
  { flags: '--banner <text>', description: 'server.banner text ($SERVER_VERSION and $DONATION_ADDRESS are substituted)' },
  { flags: '--donation-address <addr>', description: 'server.donation_address', default: '' },
  { flags: '--max-sessions <n>', description: 'concurrent sessions', default: String(DEFAULT_LIMITS.maxSessions) },
  { flags: '--max-subs <n>', description: 'subscriptions per session (beyond: error 4)', default: String(DEFAULT_LIMITS.maxSubs) },
  { flags: '--max-request <bytes>', description: 'incoming message size (beyond: -32600, disconnect)', default: String(DEFAULT_LIMITS.maxRequest) },
  { flags: '--max-response <bytes>', description: 'reply size (beyond: -32600 response too large)', default: String(DEFAULT_LIMITS.maxResponse) },
  { flags: '--max-batch <n>', description: 'requests per batch (beyond: error 4)', default: String(DEFAULT_LIMITS.maxBatch) },
  { flags: '--idle-timeout <seconds>', description: 'close sessions silent this long (0: never)', default: String(DEFAULT_LIMITS.idleTimeout) },
  { flags: '--cost-limit <units>', description: 'per-IP cost budget (ElectrumX-like units)', default: String(DEFAULT_LIMITS.costLimit) },
  { flags: '--cost-rate <units>', description: 'per-IP budget refill per second', default: String(DEFAULT_LIMITS.costRate) },
  { flags: '--limit-loopback', description: 'meter loopback clients too (exempt by default; also counts them for --max-sessions-per-ip)' },
  { flags: '--max-sessions-per-ip <n>', description: 'concurrent sessions per client IP, loopback exempt (beyond: -102)', default: String(DEFAULT_LIMITS.maxSessionsPerIp) },
  { flags: '--max-subs-total <n>', description: 'subscriptions across all sessions (beyond: error 4)', default: String(DEFAULT_LIMITS.maxSubsTotal) },
  { flags: '--max-queued-total <bytes>', description: 'output queued across all sessions (beyond: the session adding to it is closed)', default: String(DEFAULT_LIMITS.maxQueuedTotal) },
  { flags: '--max-half-open <n>', description: 'connections in their TLS handshake or WebSocket upgrade (beyond: dropped)', default: String(DEFAULT_LIMITS.maxHalfOpen) },
  { flags: '--handshake-timeout <seconds>', description: 'time for a TLS handshake, WebSocket upgrade or PROXY header', default: String(DEFAULT_LIMITS.handshakeTimeout) },
  { flags: '--proxy-protocol <listeners>', description: 'listeners behind a trusted proxy (comma-separated: tcp,tls,ws): each connection starts with a PROXY v1/v2 header and is metered by the address it carries' },
  { flags: '--history-limit <n>', description: 'longest history served (beyond: error 10001)' },
];
