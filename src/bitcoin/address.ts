/**
 * Addresses <-> output scripts (scriptPubKey) for P2PKH, P2SH and segwit v0-v16
 * (BIP 173 bech32 for v0, BIP 350 bech32m for v1+). Deliberately built on the small
 * `bech32` and `bs58check` packages, not bitcoinjs-lib, because every command that takes
 * an address loads this module and startup time matters.
 */
import { bech32, bech32m } from 'bech32';
import bs58check from 'bs58check';
import { UsageError } from '../errors.js';
import { NETWORKS, NETWORK_NAMES, type NetworkName } from './networks.js';
import { fromHex } from './hex.js';

/** The standard address kinds. `witness_unknown` is segwit v1 (non-32-byte) to v16. */
export type AddressType = 'p2pkh' | 'p2sh' | 'p2wpkh' | 'p2wsh' | 'p2tr' | 'witness_unknown';

/** A decoded address: its kind, payload and output script. */
export interface DecodedAddress {
  readonly type: AddressType;
  /** Hash160 for base58 kinds, witness program for segwit kinds. */
  readonly program: Buffer;
  /** Segwit version 0-16; absent for base58 kinds. */
  readonly witnessVersion?: number;
  readonly script: Buffer;
}

const OP_0 = 0x00;
const OP_1 = 0x51;
const OP_DUP = 0x76;
const OP_HASH160 = 0xa9;
const OP_EQUAL = 0x87;
const OP_EQUALVERIFY = 0x88;
const OP_CHECKSIG = 0xac;

/** A string decoded without regard to network: its prefix (hrp or version byte), or why it failed. */
type Parsed = { ok: true; hrp?: string; version?: number; decoded: DecodedAddress } | { ok: false; reason: string };

/**
 * Decodes `addr` for `network`; throws UsageError("not a valid address for <net>: ...")
 * with a hint naming the right network when the address belongs to another one.
 */
export function decodeAddress(addr: string, network: NetworkName): DecodedAddress {
  const net = NETWORKS[network];
  const s = typeof addr === 'string' ? addr.trim() : '';
  const p = parseAny(s);
  if (p.ok) {
    if (p.hrp !== undefined ? p.hrp === net.hrp : p.version === net.p2pkh || p.version === net.p2sh) {
      return p.decoded;
    }
    throw new UsageError(`not a valid address for ${network}: ${s}`, { hint: otherNetworkHint(s) });
  }
  throw new UsageError(`not a valid address for ${network}: ${s === '' ? '(empty)' : s} (${p.reason})`);
}

/** The output script an address pays to; throws UsageError like decodeAddress. */
export function addressToScript(addr: string, network: NetworkName): Buffer {
  return decodeAddress(addr, network).script;
}

/** True when `addr` is a valid address of `network`. */
export function isAddress(addr: string, network: NetworkName): boolean {
  try {
    decodeAddress(addr, network);
    return true;
  } catch {
    return false;
  }
}

/**
 * Every network on which `addr` is a valid address (empty if none). Testnet3, testnet4
 * and signet share all prefixes; regtest shares the base58 ones with them.
 */
export function detectAddressNetwork(addr: string): NetworkName[] {
  const p = parseAny(typeof addr === 'string' ? addr.trim() : '');
  if (!p.ok) return [];
  return NETWORK_NAMES.filter((n) => {
    const net = NETWORKS[n];
    return p.hrp !== undefined ? p.hrp === net.hrp : p.version === net.p2pkh || p.version === net.p2sh;
  });
}

function otherNetworkHint(addr: string): string | undefined {
  const nets = detectAddressNetwork(addr);
  if (nets.includes('mainnet')) return 'this is a mainnet address; use --network mainnet';
  // Test-network prefixes are shared, so name testnet and list the others that fit.
  if (nets.includes('testnet')) {
    return `this is a testnet address; use --network testnet (or ${nets.filter((n) => n !== 'testnet').join(', ')})`;
  }
  if (nets.includes('regtest')) return 'this is a regtest address; use --network regtest';
  return undefined;
}

function parseAny(s: string): Parsed {
  if (s === '') return { ok: false, reason: 'empty' };
  // Route by the part before the last '1' (bech32's separator). Base58 addresses of the
  // versions we accept start with 1, 3, 2, m or n, so they never look like 'bc'/'tb'/'bcrt'.
  const lower = s.toLowerCase();
  const sep = lower.lastIndexOf('1');
  const hrp = sep > 0 ? lower.slice(0, sep) : '';
  if (hrp === 'bc' || hrp === 'tb' || hrp === 'bcrt') return parseSegwit(s);
  return parseBase58(s);
}

function parseSegwit(s: string): Parsed {
  if (s !== s.toLowerCase() && s !== s.toUpperCase()) return { ok: false, reason: 'mixed case' };
  const asBech32 = bech32.decodeUnsafe(s);
  const asBech32m = asBech32 ? undefined : bech32m.decodeUnsafe(s);
  const dec = asBech32 ?? asBech32m;
  if (!dec) return { ok: false, reason: 'bad bech32 checksum or characters' };
  if (dec.words.length < 1) return { ok: false, reason: 'no witness version' };
  const version = dec.words[0]!;
  if (version > 16) return { ok: false, reason: `invalid witness version ${version}` };
  const bytes = bech32.fromWordsUnsafe(dec.words.slice(1));
  if (!bytes) return { ok: false, reason: 'bad bech32 padding' };
  const program = Buffer.from(bytes);
  if (program.length < 2 || program.length > 40) {
    return { ok: false, reason: `witness program of ${program.length} bytes (must be 2-40)` };
  }
  // BIP 350: v0 must use the bech32 checksum, v1+ bech32m.
  if (version === 0 && !asBech32) return { ok: false, reason: 'witness v0 with a bech32m checksum' };
  if (version !== 0 && !asBech32m) return { ok: false, reason: `witness v${version} with a bech32 checksum` };
  let type: AddressType;
  if (version === 0) {
    if (program.length === 20) type = 'p2wpkh';
    else if (program.length === 32) type = 'p2wsh';
    else return { ok: false, reason: `witness v0 program of ${program.length} bytes (must be 20 or 32)` };
  } else {
    type = version === 1 && program.length === 32 ? 'p2tr' : 'witness_unknown';
  }
  const script = witnessScript(version, program);
  return { ok: true, hrp: dec.prefix.toLowerCase(), decoded: { type, program, witnessVersion: version, script } };
}

function parseBase58(s: string): Parsed {
  const payload = bs58check.decodeUnsafe(s);
  if (!payload) return { ok: false, reason: 'not bech32, and bad base58 checksum or characters' };
  if (payload.length !== 21) return { ok: false, reason: `base58 payload of ${payload.length} bytes (must be 21)` };
  const version = payload[0]!;
  const program = Buffer.from(payload.subarray(1));
  const isP2sh = NETWORK_NAMES.some((n) => NETWORKS[n].p2sh === version);
  const isP2pkh = NETWORK_NAMES.some((n) => NETWORKS[n].p2pkh === version);
  if (isP2pkh) return { ok: true, version, decoded: { type: 'p2pkh', program, script: p2pkhScript(program) } };
  if (isP2sh) return { ok: true, version, decoded: { type: 'p2sh', program, script: p2shScript(program) } };
  return { ok: false, reason: `unknown base58 version byte 0x${version.toString(16).padStart(2, '0')}` };
}

function p2pkhScript(h: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([OP_DUP, OP_HASH160, 20]), h, Buffer.from([OP_EQUALVERIFY, OP_CHECKSIG])]);
}

function p2shScript(h: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([OP_HASH160, 20]), h, Buffer.from([OP_EQUAL])]);
}

function witnessScript(version: number, program: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([version === 0 ? OP_0 : OP_1 + version - 1, program.length]), program]);
}

/** Classifies an output script as one of the address kinds, or null if it has no address. */
export function scriptAddressType(script: Uint8Array): { type: AddressType; program: Buffer; witnessVersion?: number } | null {
  const n = script.length;
  if (n === 25 && script[0] === OP_DUP && script[1] === OP_HASH160 && script[2] === 20 &&
      script[23] === OP_EQUALVERIFY && script[24] === OP_CHECKSIG) {
    return { type: 'p2pkh', program: Buffer.from(script.subarray(3, 23)) };
  }
  if (n === 23 && script[0] === OP_HASH160 && script[1] === 20 && script[22] === OP_EQUAL) {
    return { type: 'p2sh', program: Buffer.from(script.subarray(2, 22)) };
  }
  // Witness output: version opcode, then one direct push of 2-40 bytes and nothing else.
  if (n >= 4 && n <= 42 && (script[0] === OP_0 || (script[0]! >= OP_1 && script[0]! <= OP_1 + 15)) &&
      script[1] === n - 2) {
    const version = script[0] === OP_0 ? 0 : script[0]! - OP_1 + 1;
    const program = Buffer.from(script.subarray(2));
    if (version === 0) {
      if (program.length === 20) return { type: 'p2wpkh', program, witnessVersion: 0 };
      if (program.length === 32) return { type: 'p2wsh', program, witnessVersion: 0 };
      return null;
    }
    return { type: version === 1 && program.length === 32 ? 'p2tr' : 'witness_unknown', program, witnessVersion: version };
  }
  return null;
}

/** The address of a standard output script on `network`, or null (P2PK, multisig, OP_RETURN, ...). */
export function scriptToAddress(script: Uint8Array | string, network: NetworkName): string | null {
  const buf = typeof script === 'string' ? fromHex(script, 'script') : script;
  const t = scriptAddressType(buf);
  if (!t) return null;
  const net = NETWORKS[network];
  switch (t.type) {
    case 'p2pkh':
      return bs58check.encode(Buffer.concat([Buffer.from([net.p2pkh]), t.program]));
    case 'p2sh':
      return bs58check.encode(Buffer.concat([Buffer.from([net.p2sh]), t.program]));
    default: {
      const words = [t.witnessVersion!, ...bech32.toWords(t.program)];
      return (t.witnessVersion === 0 ? bech32 : bech32m).encode(net.hrp, words);
    }
  }
}
