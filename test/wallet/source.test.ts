// Derivation against published vectors: BIP32 test vector 1, and the BIP44/49/84/86 vectors
// of the "abandon ... about" seed, through extended keys (with SLIP-132 prefixes) and descriptors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ecc from '@bitcoinerlab/secp256k1';
import { BIP32Factory } from 'bip32';
import bs58check from 'bs58check';
import * as bitcoin from 'bitcoinjs-lib';
import { parseWalletSource } from '../../src/wallet/source.js';
import { decodeExtendedKey } from '../../src/wallet/xpub.js';
import { descriptorChecksum } from '../../src/wallet/checksum.js';
import { parseDescriptor } from '../../src/wallet/descriptor.js';
import { UsageError } from '../../src/errors.js';

const bip32 = BIP32Factory(ecc);
// BIP39 seed of "abandon abandon ... abandon about" (no passphrase).
const SEED = Buffer.from('5eb00bbddcf069084889a8ab9155568165f5c453ccb85e70811aaed6f6da5fc19a5ac40b389cd370d086206dec8aa6c43daea6690f20ad3d8d48b2d2ce9e38e4', 'hex');

function accountKey(path: string, version?: number, testnet = false): string {
  const net = testnet ? bitcoin.networks.testnet : bitcoin.networks.bitcoin;
  const xpub = bip32.fromSeed(SEED, net).derivePath(path).neutered().toBase58();
  if (version === undefined) return xpub;
  const b = Buffer.from(bs58check.decode(xpub));
  b.writeUInt32BE(version, 0);
  return bs58check.encode(b);
}

test('BIP84: zpub vector and its receive/change addresses', async () => {
  const zpub = accountKey("m/84'/0'/0'", 0x04b24746);
  assert.equal(zpub, 'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs');
  const s = await parseWalletSource(zpub, 'mainnet');
  assert.equal(s.kind, 'wpkh');
  assert.equal(s.derive(0, 0).address, 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu');
  assert.equal(s.derive(0, 1).address, 'bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g');
  assert.equal(s.derive(1, 0).address, 'bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el');
});

test('BIP49 ypub, BIP44 xpub, BIP86 xpub with --type tr', async () => {
  const y = await parseWalletSource(accountKey("m/49'/0'/0'", 0x049d7cb2), 'mainnet');
  assert.equal(y.kind, 'sh-wpkh');
  assert.equal(y.derive(0, 0).address, '37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf');
  const x = await parseWalletSource(accountKey("m/44'/0'/0'"), 'mainnet');
  assert.equal(x.derive(0, 0).address, '1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA');
  const trKey = accountKey("m/86'/0'/0'");
  assert.equal(trKey, 'xpub6BgBgsespWvERF3LHQu6CnqdvfEvtMcQjYrcRzx53QJjSxarj2afYWcLteoGVky7D3UKDP9QyrLprQ3VCECoY49yfdDEHGCtMMj92pReUsQ');
  const tr = await parseWalletSource(trKey, 'mainnet', 'tr');
  assert.equal(tr.derive(0, 0).address, 'bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr');
  assert.equal(tr.derive(0, 1).address, 'bc1p4qhjn9zdvkux4e44uhx8tc55attvtyu358kutcqkudyccelu0was9fqzwh');
  assert.equal(tr.derive(1, 0).address, 'bc1p3qkhfews2uk44qtvauqyr2ttdsw7svhkl9nkm9s9c3x4ax5h60wqwruhk7');
});

test('descriptors: wpkh/sh(wpkh)/tr/pkh with origins, multipath and checksums', async () => {
  const xpub84 = accountKey("m/84'/0'/0'");
  const body = `wpkh([73c5da0a/84h/0h/0h]${xpub84}/<0;1>/*)`;
  const d = await parseWalletSource(`${body}#${descriptorChecksum(body)}`, 'mainnet');
  assert.equal(d.chains, 2);
  assert.equal(d.derive(0, 0).address, 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu');
  assert.equal(d.derive(1, 0).address, 'bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el');
  const single = await parseWalletSource(`wpkh(${xpub84}/1/*)`, 'mainnet');
  assert.equal(single.chains, 1);
  assert.equal(single.derive(0, 0).address, 'bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el');
  const sh = await parseWalletSource(`sh(wpkh(${accountKey("m/49'/0'/0'")}/<0;1>/*))`, 'mainnet');
  assert.equal(sh.derive(0, 0).address, '37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf');
  const tr = await parseWalletSource(`tr(${accountKey("m/86'/0'/0'")}/<0;1>/*)`, 'mainnet');
  assert.equal(tr.derive(0, 0).address, 'bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr');
  const pkh = await parseWalletSource(`pkh(${accountKey("m/44'/0'/0'")}/<0;1>/*)`, 'mainnet');
  assert.equal(pkh.derive(0, 0).address, '1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA');
  await assert.rejects(parseWalletSource(`${body}#qqqqqqqq`, 'mainnet'), /checksum mismatch/);
  assert.throws(() => parseDescriptor(`wpkh(${xpub84}/0h/*)`), /hardened/);
  assert.throws(() => parseDescriptor(`wpkh(${xpub84}/0)`), /ranged/);
  assert.throws(() => parseDescriptor(`wsh(multi(1,${xpub84}/0/*))`), /unsupported/);
});

test('BIP380 checksum vector', () => {
  assert.equal(descriptorChecksum('raw(deadbeef)'), '89f8spxm');
});

test('BIP32 test vector 1: m/0H/1/2H/2/1000000000 from the m/0H/1/2H xpub', async () => {
  const xpub = 'xpub6D4BDPcP2GT577Vvch3R8wDkScZWzQzMMUm3PWbmWvVJrZwQY4VUNgqFJPMM3No2dFDFGTsxxpG5uJh7n7epu4trkrX7x7DogT5Uv6fcLW5';
  const s = await parseWalletSource(`pkh(${xpub}/2/*)`, 'mainnet');
  const pubkey = Buffer.from('022a471424da5e657499d1ff51cb43c47481a03b1e77f951fe64cec9f5a48f7011', 'hex');
  assert.equal(s.derive(0, 1_000_000_000).address, bitcoin.payments.p2pkh({ pubkey }).address);
});

test('test-network keys: tpub/vpub on regtest; network mismatches and private keys refused', async () => {
  const vpub = accountKey("m/84'/1'/0'", 0x045f1cf6, true);
  assert.equal(decodeExtendedKey(vpub).prefix, 'vpub');
  const s = await parseWalletSource(vpub, 'regtest');
  assert.match(s.derive(0, 0).address, /^bcrt1q/);
  await assert.rejects(parseWalletSource(vpub, 'mainnet'), UsageError);
  const xprv = bip32.fromSeed(SEED).toBase58();
  assert.throws(() => decodeExtendedKey(xprv), /PRIVATE/);
});
