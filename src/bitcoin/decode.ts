/**
 * Human-facing decoding for `tx --decode` and `header --decode`. Built on the pure parsers
 * here, so it needs no bitcoinjs-lib and costs nothing at startup.
 */
import { scriptAddressType, scriptToAddress } from './address.js';
import { bitsToTarget, checkPow, parseHeader } from './header.js';
import { parseRawTx } from './tx.js';
import type { NetworkName } from './networks.js';

/** Output script kinds, named as bitcoind's `scriptPubKey.type` names them. */
export type ScriptType =
  | 'pubkeyhash' | 'scripthash' | 'witness_v0_keyhash' | 'witness_v0_scripthash' | 'witness_v1_taproot'
  | 'witness_unknown' | 'pubkey' | 'multisig' | 'nulldata' | 'nonstandard';

/** A decoded transaction input. */
export interface DecodedInput {
  txid: string;
  vout: number;
  sequence: number;
  scriptSig: string;
  /** Number of witness stack items (0 for legacy inputs). */
  witnessItems: number;
  coinbase: boolean;
}

/** A decoded transaction output. */
export interface DecodedOutput {
  n: number;
  /** Satoshis. */
  value: number;
  address: string | null;
  script: string;
  type: ScriptType;
}

/** A decoded transaction. */
export interface DecodedTx {
  txid: string;
  wtxid: string;
  version: number;
  locktime: number;
  size: number;
  vsize: number;
  weight: number;
  inputs: DecodedInput[];
  outputs: DecodedOutput[];
}

/** A decoded header. */
export interface DecodedHeader {
  height?: number;
  hash: string;
  version: number;
  prevHash: string;
  merkleRoot: string;
  timestamp: number;
  /** The timestamp as ISO 8601 UTC. */
  time: string;
  bits: number;
  /** The compact target expanded, 64 hex digits (null when bits are invalid). */
  target: string | null;
  nonce: number;
  /** The hash meets the target its own bits encode (not that the bits are right). */
  powValid: boolean;
}

const ZERO_TXID = '0'.repeat(64);

/** Classifies an output script. */
export function scriptType(script: Uint8Array): ScriptType {
  const t = scriptAddressType(script);
  if (t) {
    return ({
      p2pkh: 'pubkeyhash', p2sh: 'scripthash', p2wpkh: 'witness_v0_keyhash', p2wsh: 'witness_v0_scripthash',
      p2tr: 'witness_v1_taproot', witness_unknown: 'witness_unknown',
    } as const)[t.type];
  }
  const n = script.length;
  if (n > 0 && script[0] === 0x6a) return 'nulldata';
  if ((n === 35 && script[0] === 33) || (n === 67 && script[0] === 65)) {
    if (script[n - 1] === 0xac) return 'pubkey';
  }
  if (isBareMultisig(script)) return 'multisig';
  return 'nonstandard';
}

function isBareMultisig(s: Uint8Array): boolean {
  const n = s.length;
  if (n < 37 || s[n - 1] !== 0xae) return false;
  const m = s[0]! - 0x50;
  const k = s[n - 2]! - 0x50;
  if (m < 1 || m > 16 || k < m || k > 16) return false;
  let p = 1;
  for (let i = 0; i < k; i++) {
    const len = s[p];
    if (len !== 33 && len !== 65) return false;
    p += 1 + len;
  }
  return p === n - 2;
}

/** Decodes a raw transaction (hex); TxParseError (exit status 5) when malformed. */
export function decodeTx(hex: string, network: NetworkName): DecodedTx {
  const tx = parseRawTx(hex.trim(), { wtxid: true });
  return {
    txid: tx.txid,
    wtxid: tx.wtxid!,
    version: tx.version,
    locktime: tx.locktime,
    size: tx.size,
    vsize: tx.vsize,
    weight: tx.weight,
    inputs: tx.inputs.map((i) => ({
      txid: i.prevTxid,
      vout: i.prevIndex,
      sequence: i.sequence,
      scriptSig: i.scriptSig.toString('hex'),
      witnessItems: i.witness.length,
      coinbase: tx.inputs.length === 1 && i.prevTxid === ZERO_TXID && i.prevIndex === 0xffffffff,
    })),
    outputs: tx.outputs.map((o, n) => ({
      n,
      value: o.value,
      address: scriptToAddress(o.script, network),
      script: o.script.toString('hex'),
      type: scriptType(o.script),
    })),
  };
}

/** Decodes an 80-byte header (hex); ProtocolError when it is not one. */
export function decodeHeader(hex: string, height?: number): DecodedHeader {
  const h = parseHeader(hex.trim());
  let target: string | null;
  try {
    target = bitsToTarget(h.bits).toString(16).padStart(64, '0');
  } catch {
    target = null;
  }
  return {
    ...(height === undefined ? {} : { height }),
    hash: h.hash,
    version: h.version,
    prevHash: h.prevHash,
    merkleRoot: h.merkleRoot,
    timestamp: h.timestamp,
    time: new Date(h.timestamp * 1000).toISOString(),
    bits: h.bits,
    target,
    nonce: h.nonce,
    powValid: checkPow(hex.trim()),
  };
}
