/**
 * Extended public keys and their SLIP-132 prefixes: xpub/tpub (BIP44, or BIP86 by choice),
 * ypub/upub (BIP49), zpub/vpub (BIP84). Decodes to the 78-byte payload with the standard
 * version so bip32 can derive from it. Pure (bs58check only).
 */
import bs58check from 'bs58check';
import { UsageError } from '../errors.js';

/** Script types a wallet can use. */
export type ScriptKind = 'pkh' | 'sh-wpkh' | 'wpkh' | 'tr';

interface Prefix {
  name: string;
  mainnet: boolean;
  kind: ScriptKind;
}

const VERSIONS: Readonly<Record<number, Prefix>> = {
  0x0488b21e: { name: 'xpub', mainnet: true, kind: 'pkh' },
  0x049d7cb2: { name: 'ypub', mainnet: true, kind: 'sh-wpkh' },
  0x04b24746: { name: 'zpub', mainnet: true, kind: 'wpkh' },
  0x043587cf: { name: 'tpub', mainnet: false, kind: 'pkh' },
  0x044a5262: { name: 'upub', mainnet: false, kind: 'sh-wpkh' },
  0x045f1cf6: { name: 'vpub', mainnet: false, kind: 'wpkh' },
};
const PRIVATE = new Set([0x0488ade4, 0x049d7878, 0x04b2430c, 0x04358394, 0x044a4e28, 0x045f18bc]);
const MULTISIG = new Set([0x0295b43f, 0x02aa7ed3, 0x024289ef, 0x02575483]);

/** A decoded extended public key. */
export interface ExtendedKey {
  /** The prefix as written (xpub, zpub...). */
  prefix: string;
  mainnet: boolean;
  /** The script type its prefix implies. */
  kind: ScriptKind;
  /** The same key re-encoded with the standard xpub/tpub version (what bip32 reads). */
  standard: string;
  depth: number;
}

/** Decodes an extended public key; UsageError for private keys, multisig prefixes and junk. */
export function decodeExtendedKey(text: string): ExtendedKey {
  let bytes: Uint8Array;
  try {
    bytes = bs58check.decode(text.trim());
  } catch {
    throw new UsageError(`${JSON.stringify(text.slice(0, 16))}... is not an extended public key (bad base58 checksum)`);
  }
  if (bytes.length !== 78) throw new UsageError(`extended key has ${bytes.length} bytes, expected 78`);
  const version = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  if (PRIVATE.has(version)) {
    throw new UsageError('that is an extended PRIVATE key: give the account xpub instead (never paste private keys into tools that do not need them)');
  }
  if (MULTISIG.has(version)) throw new UsageError('multisig extended keys (Ypub/Zpub/Upub/Vpub) are not supported: use a descriptor');
  const p = VERSIONS[version];
  if (!p) throw new UsageError(`unknown extended key version 0x${version.toString(16).padStart(8, '0')}`);
  const std = new Uint8Array(bytes);
  const v = p.mainnet ? 0x0488b21e : 0x043587cf;
  std.set([v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff], 0);
  return { prefix: p.name, mainnet: p.mainnet, kind: p.kind, standard: bs58check.encode(std), depth: bytes[4]! };
}
