/**
 * A deterministic wallet: keys derived from a seed, addresses of every type, and real signatures
 * (P2PKH, P2SH-P2WPKH, P2WPKH, P2TR key path) made with bitcoinjs-lib + ecpair + @bitcoinerlab/secp256k1.
 */
import * as ecc from '@bitcoinerlab/secp256k1';
import { ECPairFactory, ECPairInterface } from 'ecpair';
import { Transaction, crypto as bcrypto, initEccLib, payments, script as bscript } from 'bitcoinjs-lib';
import { sha256 } from './bytes.js';
import { REGTEST } from './script.js';

initEccLib(ecc);
const ECPair = ECPairFactory(ecc);

/** Core's address_type names. */
export type AddressType = 'legacy' | 'p2sh-segwit' | 'bech32' | 'bech32m';
/** All address types the wallet can make. */
export const ADDRESS_TYPES: AddressType[] = ['legacy', 'p2sh-segwit', 'bech32', 'bech32m'];

/** One wallet key with its address. */
export interface WalletKey {
  index: number;
  type: AddressType;
  label: string;
  pair: ECPairInterface;
  script: Buffer;
  address: string;
  /** P2SH-P2WPKH redeem script. */
  redeem?: Buffer;
}

/** A coin to spend: its outpoint, value and script. */
export interface SpendCoin { txid: string; vout: number; value: number; script: Buffer }
/** An output to create. */
export interface NewOutput { script: Buffer; value: number }

/** Persistable wallet description; `txs`: raw hex of its transactions not (yet) confirmed. */
export interface WalletState { name: string; keys: { type: AddressType; label: string }[]; txs?: string[] }

function derive(seed: string, wallet: string, index: number): ECPairInterface {
  for (let attempt = 0; ; attempt++) {
    const d = sha256(Buffer.from(`${seed}/${wallet}/${index}/${attempt}`));
    if (ecc.isPrivate(d)) return ECPair.fromPrivateKey(d, { network: REGTEST });
  }
}

function makeKey(seed: string, wallet: string, index: number, type: AddressType, label: string): WalletKey {
  const pair = derive(seed, wallet, index);
  const pubkey = Buffer.from(pair.publicKey);
  let p;
  let redeem: Buffer | undefined;
  if (type === 'legacy') p = payments.p2pkh({ pubkey, network: REGTEST });
  else if (type === 'bech32') p = payments.p2wpkh({ pubkey, network: REGTEST });
  else if (type === 'p2sh-segwit') {
    const inner = payments.p2wpkh({ pubkey, network: REGTEST });
    redeem = Buffer.from(inner.output!);
    p = payments.p2sh({ redeem: inner, network: REGTEST });
  } else p = payments.p2tr({ internalPubkey: pubkey.subarray(1, 33), network: REGTEST });
  return { index, type, label, pair, script: Buffer.from(p.output!), address: p.address!, redeem };
}

function txidOfHex(hex: string): string {
  return Transaction.fromHex(hex).getId();
}

/** A named wallet holding deterministic keys. */
export class Wallet {
  readonly keys: WalletKey[] = [];
  readonly byScript = new Map<string, WalletKey>();
  /** Transactions paying to or spending from the wallet (txid -> raw hex), oldest first. */
  readonly txs = new Map<string, string>();

  constructor(readonly name: string, readonly seed: string) {}

  /** Restores a wallet from its persisted description. */
  static fromState(seed: string, st: WalletState): Wallet {
    const w = new Wallet(st.name, seed);
    for (const k of st.keys) w.newKey(k.type, k.label);
    for (const hex of st.txs ?? []) w.txs.set(txidOfHex(hex), hex);
    return w;
  }

  /** Persistable description. */
  state(): WalletState {
    return { name: this.name, keys: this.keys.map((k) => ({ type: k.type, label: k.label })), txs: [...this.txs.values()] };
  }

  /** Derives the next key with the given address type. */
  newKey(type: AddressType, label = ''): WalletKey {
    const k = makeKey(this.seed, this.name, this.keys.length, type, label);
    this.keys.push(k);
    this.byScript.set(k.script.toString('hex'), k);
    return k;
  }

  /** The wallet key owning a script, if any. */
  owns(script: Buffer): WalletKey | undefined {
    return this.byScript.get(script.toString('hex'));
  }

  /**
   * Builds and signs a version-2 transaction spending wallet coins. Inputs signal RBF
   * (sequence 0xfffffffd) and locktime is the tip height (anti fee sniping), as Core's wallet does.
   */
  sign(coins: SpendCoin[], outputs: NewOutput[], locktime: number): Buffer {
    const t = new Transaction();
    t.version = 2;
    t.locktime = locktime;
    for (const c of coins) t.addInput(Buffer.from(c.txid, 'hex').reverse(), c.vout, 0xfffffffd);
    for (const o of outputs) t.addOutput(o.script, BigInt(o.value));
    const prevScripts = coins.map((c) => c.script);
    const values = coins.map((c) => BigInt(c.value));
    coins.forEach((c, i) => {
      const k = this.owns(c.script);
      if (!k) throw new Error(`coin ${c.txid}:${c.vout} is not ours`);
      const pub = Buffer.from(k.pair.publicKey);
      if (k.type === 'legacy') {
        const h = t.hashForSignature(i, c.script, Transaction.SIGHASH_ALL);
        const sig = bscript.signature.encode(k.pair.sign(h), Transaction.SIGHASH_ALL);
        t.setInputScript(i, bscript.compile([sig, pub]));
      } else if (k.type === 'bech32' || k.type === 'p2sh-segwit') {
        const scriptCode = payments.p2pkh({ pubkey: pub, network: REGTEST }).output!;
        const h = t.hashForWitnessV0(i, scriptCode, BigInt(c.value), Transaction.SIGHASH_ALL);
        const sig = bscript.signature.encode(k.pair.sign(h), Transaction.SIGHASH_ALL);
        t.setWitness(i, [sig, pub]);
        if (k.redeem) t.setInputScript(i, bscript.compile([k.redeem]));
      } else {
        const h = t.hashForWitnessV1(i, prevScripts, values, Transaction.SIGHASH_DEFAULT);
        const tweaked = k.pair.tweak(bcrypto.taggedHash('TapTweak', pub.subarray(1, 33)));
        t.setWitness(i, [Buffer.from(tweaked.signSchnorr(h))]);
      }
    });
    return Buffer.from(t.toBuffer());
  }
}
