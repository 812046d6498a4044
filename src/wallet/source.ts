/**
 * What `wallet scan` derives from: an extended public key (receive 0/i, change 1/i) or a
 * ranged descriptor (its chains). bip32, secp256k1 and bitcoinjs-lib are loaded here, when a
 * scan runs, never at startup.
 */
import { UsageError } from '../errors.js';
import { scriptToAddress } from '../bitcoin/address.js';
import { scriptHash } from '../bitcoin/scripthash.js';
import { sha256, toHex } from '../bitcoin/hex.js';
import type { NetworkName } from '../bitcoin/networks.js';
import { isDescriptor, parseDescriptor } from './descriptor.js';
import { decodeExtendedKey, type ScriptKind } from './xpub.js';

/** One derived address. `chain` 0 is receive, 1 change (for multipath descriptors: the alternative's position). */
export interface DerivedAddress {
  chain: number;
  index: number;
  address: string;
  /** Output script, hex. */
  script: string;
  scripthash: string;
}

/** A source of addresses, chain by chain. */
export interface WalletSource {
  kind: ScriptKind;
  /** How many chains (2: receive and change; 1 for a single-path descriptor). */
  chains: number;
  derive(chain: number, index: number): DerivedAddress;
}

type Bip32Node = { publicKey: Uint8Array; derive(i: number): Bip32Node };

async function loadCrypto() {
  const [{ BIP32Factory }, ecc, { crypto }] = await Promise.all([import('bip32'), import('@bitcoinerlab/secp256k1'), import('bitcoinjs-lib')]);
  return { bip32: BIP32Factory(ecc), ecc, hash160: (b: Uint8Array) => crypto.hash160(b) };
}

function taggedHash(tag: string, data: Uint8Array): Buffer {
  const t = sha256(Buffer.from(tag, 'utf8'));
  return sha256(Buffer.concat([t, t, data]));
}

/** The output script of one public key for a script type (BIP86 key-path-only taproot for tr). */
export function outputScript(
  kind: ScriptKind,
  pub: Uint8Array,
  c: { hash160(b: Uint8Array): Uint8Array; xOnlyPointAddTweak(p: Uint8Array, t: Uint8Array): { xOnlyPubkey: Uint8Array } | null },
): Buffer {
  if (kind === 'tr') {
    const x = pub.slice(1, 33);
    const tweaked = c.xOnlyPointAddTweak(x, taggedHash('TapTweak', x));
    if (!tweaked) throw new UsageError('taproot tweak failed for a derived key');
    return Buffer.concat([Buffer.from([0x51, 0x20]), Buffer.from(tweaked.xOnlyPubkey)]);
  }
  const h = Buffer.from(c.hash160(pub));
  const wpkh = Buffer.concat([Buffer.from([0x00, 0x14]), h]);
  if (kind === 'wpkh') return wpkh;
  if (kind === 'sh-wpkh') return Buffer.concat([Buffer.from([0xa9, 0x14]), Buffer.from(c.hash160(wpkh)), Buffer.from([0x87])]);
  return Buffer.concat([Buffer.from([0x76, 0xa9, 0x14]), h, Buffer.from([0x88, 0xac])]);
}

/** Parses XPUB or DESCRIPTOR for `network`; `type` overrides an extended key's prefix. */
export async function parseWalletSource(text: string, network: NetworkName, type?: ScriptKind): Promise<WalletSource> {
  const desc = isDescriptor(text) ? parseDescriptor(text) : undefined;
  if (desc && type) throw new UsageError('--type applies to extended keys; a descriptor names its own script type');
  const ext = decodeExtendedKey(desc ? desc.key : text);
  if (ext.mainnet !== (network === 'mainnet')) {
    throw new UsageError(`${ext.prefix} is a ${ext.mainnet ? 'mainnet' : 'test network'} key but the network is ${network}`, {
      hint: ext.mainnet ? 'use --network mainnet' : 'use --network testnet, testnet4, signet or regtest',
    });
  }
  const kind: ScriptKind = desc?.kind ?? type ?? ext.kind;
  const chains: number[][] = desc ? desc.chains : [[0], [1]];
  const { bip32, ecc, hash160 } = await loadCrypto();
  const root = bip32.fromBase58(ext.standard, {
    wif: 0, bip32: { public: ext.mainnet ? 0x0488b21e : 0x043587cf, private: 0 }, messagePrefix: '', bech32: '', pubKeyHash: 0, scriptHash: 0,
  }) as unknown as Bip32Node;
  const chainNodes = chains.map((steps) => steps.reduce((n, s) => n.derive(s), root));
  const crypto = { hash160, xOnlyPointAddTweak: (p: Uint8Array, t: Uint8Array) => ecc.xOnlyPointAddTweak(p, t) };
  return {
    kind,
    chains: chainNodes.length,
    derive(chain, index) {
      const pub = chainNodes[chain]!.derive(index).publicKey;
      const script = outputScript(kind, pub, crypto);
      const address = scriptToAddress(script, network);
      if (address === null) throw new UsageError(`cannot encode a ${kind} address for ${network}`);
      return { chain, index, address, script: toHex(script), scripthash: scriptHash(script) };
    },
  };
}
