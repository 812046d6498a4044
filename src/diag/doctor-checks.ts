/**
 * The checks of `doctor`, as plain data: the man page and the docs list them from here.
 * A failed critical check makes doctor exit non-zero (3 when the server cannot be reached,
 * else 6); the others pass, warn or fail without changing the exit status.
 */

/** One check of the report card. */
export interface DoctorCheckSpec {
  id: string;
  title: string;
  description: string;
  critical: boolean;
}

export const DOCTOR_CHECKS: readonly DoctorCheckSpec[] = [
  { id: 'dns', title: 'DNS resolution', description: 'Resolves the host name and times it (IP literals and proxied names pass without a lookup).', critical: false },
  { id: 'connect', title: 'TCP connect', description: 'Opens the TCP connection and times it. Fails when the server cannot be reached.', critical: true },
  { id: 'tls', title: 'TLS certificate', description: 'For TLS servers: handshake time, CA-signed or self-signed, SHA-256 fingerprint and days to expiry. Fails when the certificate has expired or differs from the one pinned in known_hosts.json; warns when it expires within 14 days.', critical: true },
  { id: 'version', title: 'server.version', description: 'The first message negotiates a version inside the offered range (1.0-1.6); shows the software and the time to the first reply.', critical: true },
  { id: 'version-repeat', title: 'repeated server.version', description: 'From protocol 1.4 a second server.version must be refused (docs/protocol.md 2.2); warns when it is answered.', critical: false },
  { id: 'protocol-range', title: 'advertised protocol range', description: 'server.features protocol_min/protocol_max are honoured: sessions offering exactly the minimum and exactly the maximum negotiate those versions, and the main session got min(1.6, protocol_max).', critical: false },
  { id: 'genesis', title: 'genesis hash', description: 'server.features genesis_hash is the genesis block of the chosen network.', critical: true },
  { id: 'headers-form', title: 'block.headers form', description: 'blockchain.block.headers answers a "headers" list at protocol 1.6 and concatenated "hex" before.', critical: false },
  { id: 'methods', title: 'method support', description: 'Every method of the negotiated version is called with safe arguments (an unused script hash, the tip height, the tip coinbase; broadcast gets an invalid transaction) and its reply validated. Warns for missing (-32601) or invalid answers.', critical: false },
  { id: 'batch', title: 'batches', description: 'Sends batches of growing size (2 to 1000 pings) and reports the largest accepted; warns when batches are refused or capped below 100.', critical: false },
  { id: 'tip-pow', title: 'tip proof of work', description: 'The tip header from blockchain.headers.subscribe meets the target of its own bits.', critical: true },
  { id: 'tip-chain', title: 'tip linkage', description: 'The last 11 headers link by prev-hash and the last one is the announced tip.', critical: true },
  { id: 'tip-age', title: 'tip age', description: 'Time since the tip block; warns above 2 hours and fails above 24 hours (skipped on regtest).', critical: false },
  { id: 'merkle', title: 'merkle proof', description: 'A transaction of the tip block (the coinbase, via id_from_pos with merkle=true and get_merkle) proves against the tip header, and its raw transaction hashes to its txid.', critical: true },
  { id: 'fees', title: 'fee estimates', description: 'blockchain.estimatefee for 1, 2, 6 and 25 blocks: non-negative or -1, and not rising with a longer target; warns when the server has no estimate.', critical: false },
  { id: 'mempool', title: 'mempool fee floors', description: 'mempool.get_info (1.6) or blockchain.relayfee: non-negative, mempoolminfee >= minrelaytxfee, below 0.01 BTC/kvB.', critical: false },
];
