/**
 * Result validators shared by several method records (docs/protocol.md §5). Each one accepts what
 * ElectrumX, Fulcrum and electrs really send (see test/fixtures/transcripts) and nothing malformed.
 */
import * as v from './validate.js';
import { cmpVersion } from '../protocol/version.js';

/** 1.0–1.3 deserialized header (docs/protocol.md §6.2). */
export const deserializedHeader = v.object({
  block_height: v.nonNegInt,
  version: v.integer,
  prev_block_hash: v.hash32,
  merkle_root: v.hash32,
  timestamp: v.nonNegInt,
  bits: v.nonNegInt,
  nonce: v.nonNegInt,
});

/** Header hex: 80 bytes, or longer on AuxPoW chains. */
export const headerHex = v.refine(v.hex(), (h) => (h.length >= 160 ? null : `header of ${h.length / 2} bytes (need 80)`));

export const rawHeaderResult = v.object({ hex: headerHex, height: v.nonNegInt });

/** `blockchain.headers.subscribe`: raw from 1.4 (or raw=true at 1.2–1.3), deserialized before. */
export type RawTip = ReturnType<typeof rawHeaderResult>;
export type DeserializedTip = ReturnType<typeof deserializedHeader>;

export const tipResult: v.Validator<RawTip | DeserializedTip> = (value, path, ctx) => {
  const raw = cmpVersion(ctx.version, '1.4') >= 0 || (cmpVersion(ctx.version, '1.2') >= 0 && ctx.params[0] === true);
  return raw ? rawHeaderResult(value, path, ctx) : v.oneOf('a header', rawHeaderResult, deserializedHeader)(value, path, ctx);
};

export const tipNotification = v.tuple(tipResult);

/** Satoshi amount; 1.0-era servers may send coin-unit decimal strings ("1.03873966"). */
const legacyAmount = v.oneOf(
  'an integer amount or a decimal string',
  v.integer,
  v.refine(v.string, (s) => (/^-?\d+(\.\d{1,8})?$/.test(s) ? null : 'not a decimal amount')),
);

export const balance = v.object({ confirmed: v.integer, unconfirmed: v.integer });
export const legacyBalance = v.object({ confirmed: legacyAmount, unconfirmed: legacyAmount });

export const historyEntry = v.object(
  { tx_hash: v.hash32, height: v.refine(v.integer, (h) => (h >= -1 ? null : 'height below -1')) },
  { fee: v.nonNegInt },
);

export const mempoolEntry = v.object({
  tx_hash: v.hash32,
  height: v.refine(v.integer, (h) => (h === 0 || h === -1 ? null : 'mempool height must be 0 or -1')),
  fee: v.nonNegInt,
});

export const utxo = v.object({ tx_hash: v.hash32, tx_pos: v.nonNegInt, height: v.nonNegInt, value: v.nonNegInt });
export const legacyUtxo = v.object({ tx_hash: v.hash32, tx_pos: v.nonNegInt, height: v.nonNegInt, value: legacyAmount });

/** A status: SHA-256 hex (not reversed), or null for no history. */
export const status = v.nullable(v.hash32);

export const merkleBranch = v.array(v.hash32, { max: 30 });

export const merkleResult = v.object({ block_height: v.nonNegInt, merkle: merkleBranch, pos: v.nonNegInt });

/** A host's ports ({"tcp_port": 50001, "ssl_port": 50002}, null when not served). */
const hostPorts = v.object({}, { tcp_port: v.nullable(v.nonNegInt), ssl_port: v.nullable(v.nonNegInt) });

/** electrs sends the ports without a host name: `"hosts": {"tcp_port": 50001}`. */
const barePorts = v.refine(v.record(v.nullable(v.nonNegInt)), (h) => (Object.keys(h).every((k) => k.endsWith('_port')) ? null : 'not a map of ports'));

/** True when `hosts` has electrs's shape (ports without a host name). */
export function hostsWithoutNames(hosts: unknown): boolean {
  return typeof hosts === 'object' && hosts !== null && Object.keys(hosts).length > 0 &&
    Object.entries(hosts).every(([k, x]) => k.endsWith('_port') && (x === null || typeof x === 'number'));
}

export const features = v.object(
  {
    // Host names to ports; electrs's bare ports are accepted too (the features command notes it).
    hosts: v.oneOf('hosts by name, or bare ports', v.record(hostPorts), barePorts),
    genesis_hash: v.hash32,
    server_version: v.string,
    protocol_min: v.string,
    protocol_max: v.string,
  },
  { hash_function: v.string, pruning: v.nullable(v.nonNegInt) },
);

export const peers = v.array(v.tuple(v.string, v.string, v.array(v.string)));

export const feeHistogram = v.refine(v.array(v.tuple(v.number, v.number)), (h) => {
  for (let i = 1; i < h.length; i++) if (!(h[i]![0] < h[i - 1]![0])) return `fee rates not strictly decreasing at [${i}]`;
  return h.some(([r, s]) => r < 0 || s < 0) ? 'negative fee rate or size' : null;
});

export const mempoolInfo = v.object({ mempoolminfee: v.number, minrelaytxfee: v.number, incrementalrelayfee: v.number });

/** The verbose transaction is bitcoind's object; only the fields we rely on are checked. */
export const verboseTx = v.object({ txid: v.hash32 }, { hex: v.hex(), hash: v.hash32, confirmations: v.nonNegInt });
