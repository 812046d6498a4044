/** `server.*` methods (docs/protocol.md §5.1, §9). */
import { defineMethod } from './spec.js';
import * as v from './validate.js';
import * as r from './results.js';

export const serverVersion = defineMethod({
  name: 'server.version',
  cost: 0.5,
  since: '1.0',
  summary: 'Negotiate the protocol version; shows the server software and the version agreed',
  params: [
    { name: 'client_name', kind: 'string', description: 'the client software name', optional: true, default: '' },
    { name: 'protocol_version', kind: 'protocol', description: 'a version or [min, max]', optional: true, default: '1.4' },
  ],
  result: v.byVersion<unknown>([
    ['1.0', v.oneOf('the server software string or [software, version]', v.string, v.tuple(v.string, v.string))],
    ['1.1', v.tuple(v.string, v.string)],
  ]),
  command: 'version',
  cli: {
    name: 'version',
    args: [],
    json: '["<server software>", "<negotiated version>"] (the reply to the session\'s first server.version)',
    description:
      'Every session starts with server.version (offering 1.0–1.6, or what --protocol names); this shows its answer. ' +
      'A second server.version in one session is an error on protocol 1.4 and later, so it is not sent again.',
    columns: [
      { key: '0', header: 'server software', format: 'text' },
      { key: '1', header: 'protocol', format: 'text' },
    ],
  },
});

export const serverBanner = defineMethod({
  name: 'server.banner',
  cost: 0.5,
  since: '1.0',
  summary: "The server's banner text (control characters are stripped before printing)",
  params: [],
  result: v.string,
  command: 'banner',
  cli: { name: 'banner', args: [], json: '"<banner text>"' },
});

export const serverDonationAddress = defineMethod({
  name: 'server.donation_address',
  cost: 0.1,
  since: '1.0',
  summary: "The server operator's donation address (may be empty)",
  params: [],
  result: v.nullable(v.string),
  command: 'donation-address',
  cli: { name: 'donation-address', args: [], json: '"<address>" ("" or null when there is none)' },
});

export const serverFeatures = defineMethod({
  name: 'server.features',
  cost: 0.2,
  since: '1.1',
  summary: 'The features the server advertises: genesis hash, hosts and ports, protocol range, pruning',
  params: [],
  result: r.features,
  command: 'features',
  cli: {
    name: 'features',
    args: [],
    json: '{"hosts": {...}, "genesis_hash": "...", "hash_function": "sha256", "server_version": "...", "protocol_min": "1.4", "protocol_max": "1.6", "pruning": null, ...extras}',
    columns: [
      { key: 'server_version', header: 'server', format: 'text' },
      { key: 'protocol_min', header: 'min', format: 'text' },
      { key: 'protocol_max', header: 'max', format: 'text' },
      { key: 'genesis_hash', header: 'genesis', format: 'hash' },
      { key: 'pruning', header: 'pruning', format: 'int' },
      { key: 'hosts', header: 'hosts', format: 'json' },
    ],
  },
});

export const serverPeersSubscribe = defineMethod({
  name: 'server.peers.subscribe',
  cost: 1,
  since: '1.0',
  summary: 'The peer servers this server knows (not a real subscription: no notifications)',
  params: [],
  result: r.peers,
  command: 'peers',
  cli: {
    name: 'peers',
    args: [],
    json: '[["<ip>", "<host>", ["v1.6", "s50002", "t50001", "p10000"]], ...]; with --probe/--crawl/--servers: {"network", "servers": [{"server", "reachable", "connectMs", "tlsMs", "firstReplyMs", "pingP50Ms", "software", "protocol", "genesisOk", "height", "lag", "pruning", "tls": {"ca", "selfSigned", "fingerprint256", "validTo", "daysToExpiry"}, "error"?, ...}], "summary": {"probed", "reachable", "medianHeight", "wrongChain", "elapsedMs"}} (--crawl adds "crawl": {"depth", "discovered", "truncated"}); see the README, Diagnostics',
    options: [
      { flags: '--probe', kind: 'bool', description: "connect to every listed peer at once and report reachability, timings, tip lag and certificates" },
      { flags: '--crawl', kind: 'bool', description: 'follow peers of peers breadth-first (with --depth, --max-servers), probing each' },
      { flags: '--servers <file|list>', kind: 'string', description: 'probe these servers instead (a file, one per line, or a comma-separated list)' },
      { flags: '--deadline <seconds>', kind: 'string', description: 'per-server deadline of a probe (default 5)' },
      { flags: '--concurrency <n>', kind: 'uint', description: 'servers probed at once (default 100)' },
      { flags: '--depth <n>', kind: 'uint', description: 'levels of peers --crawl follows (default 2)' },
      { flags: '--max-servers <n>', kind: 'uint', description: 'most servers --crawl probes (default 200)' },
      { flags: '--output <file>', kind: 'string', description: 'write the healthy servers, fastest first, as a server list file (--servers reads it)' },
    ],
    description: 'Without options: the peer list as a table (host, IP, version, pruning, ports). With --probe, --crawl or --servers: ' +
      'a concurrent probe (bounded parallelism, a deadline per server); the healthy servers are also written to ' +
      '$XDG_CACHE_HOME/electrum-cli/servers.txt for shell completion.',
    examples: ['electrum-cli peers --probe', 'electrum-cli peers --crawl --depth 2 --output servers.txt', 'electrum-cli peers --servers servers.txt --json | jq \'.servers[] | select(.lag > 2)\''],
    columns: [
      { key: '1', header: 'host', format: 'text' },
      { key: '0', header: 'ip', format: 'text' },
      { key: '2', header: 'features', format: 'json' },
    ],
  },
});

export const serverAddPeer = defineMethod({
  name: 'server.add_peer',
  cost: 100,
  since: '1.1',
  summary: 'Announce a server to this server (for server operators; wallets must not call it)',
  params: [{ name: 'features', kind: 'features', description: 'a server.features dictionary' }],
  result: v.boolean,
  command: 'add-peer',
  cli: {
    name: 'add-peer',
    args: [{ name: 'FEATURES_JSON', kind: 'json', param: 'features', description: 'the features dictionary, as JSON' }],
    json: 'true | false (tentatively accepted)',
  },
});

export const serverPing = defineMethod({
  name: 'server.ping',
  cost: 0.1,
  since: '1.2',
  summary: 'Check that the server answers (keeps a session alive)',
  params: [],
  result: v.nul,
  command: 'ping',
  cli: { name: 'ping', args: [], json: 'null' },
});
