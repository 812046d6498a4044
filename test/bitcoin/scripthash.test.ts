import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as bitcoin from 'bitcoinjs-lib';
import * as ecc from '@bitcoinerlab/secp256k1';
import { UsageError } from '../../src/errors.js';
import { scriptToAddress } from '../../src/bitcoin/address.js';
import type { NetworkName } from '../../src/bitcoin/networks.js';
import { addressToScriptHash, scriptHash, scriptHexToScriptHash, toScriptHash } from '../../src/bitcoin/scripthash.js';
import { seededRandom } from '../support/random.js';

bitcoin.initEccLib(ecc);

/** Independent reference: the definition of docs/protocol.md §3 spelled out with node:crypto. */
const reference = (script: Uint8Array): string => Buffer.from(createHash('sha256').update(script).digest()).reverse().toString('hex');

test('docs/protocol.md §3 worked example (P2WPKH) and cross-check vector (P2PKH)', () => {
  assert.equal(scriptHash('0014751e76e8199196d454941c45d1b3a323f1433bd6'),
    '9623df75239b5daa7f5f03042d325b51498c4bb7059c7748b17049bf96f73888');
  assert.equal(toScriptHash('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', 'mainnet'),
    '9623df75239b5daa7f5f03042d325b51498c4bb7059c7748b17049bf96f73888');
  assert.equal(scriptHash('76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac'),
    '8b01df4e368ea28f8dc0423bcf7a4923e3a12d307c875e47a0cfbf90b5c39161');
  assert.equal(toScriptHash('1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', 'mainnet'),
    '8b01df4e368ea28f8dc0423bcf7a4923e3a12d307c875e47a0cfbf90b5c39161');
});

test('recorded regtest servers: addresses map to the script hashes they were queried with', () => {
  // From the ElectrumX/Fulcrum regtest transcripts (transaction b27fade0… output 1, tx 209054f4… output 1).
  assert.equal(toScriptHash('2My9iQZU95kMRy1ZjTmvdnXGn4KmUUmc2aW', 'regtest'),
    '14335d79d8eaaca9a003a9f4a9c1922b03845cb6c3b5bd4992ee7d20fa71cf26');
  const p2pkh = scriptToAddress('76a914fa272d2ec02865551562b687d7a7818ebbac6f7788ac', 'regtest')!;
  assert.equal(toScriptHash(p2pkh, 'regtest'), '5ebb4986af5329935d233e008a174e55e6661a26f496e290f2e676c7104518c9');
});

test('a 64-hex input is taken as a script hash, lowercased, whatever the network', () => {
  const sh = '9623DF75239B5DAA7F5F03042D325B51498C4BB7059C7748B17049BF96F73888';
  for (const net of ['mainnet', 'regtest'] as NetworkName[]) assert.equal(toScriptHash(` ${sh} `, net), sh.toLowerCase());
});

test('toScriptHash errors are UsageErrors with a useful message', () => {
  const expectUsage = (input: string, net: NetworkName, re: RegExp) =>
    assert.throws(() => toScriptHash(input, net), (e: unknown) => {
      assert.ok(e instanceof UsageError, input);
      assert.match(`${e.message} ${e.hint ?? ''}`, re);
      return true;
    });
  expectUsage('nothex', 'mainnet', /not a valid address for mainnet: nothex/);
  expectUsage('ab'.repeat(31), 'mainnet', /not a script hash or address.*--script HEX/);
  expectUsage('ab'.repeat(33), 'mainnet', /not a script hash or address/);
  expectUsage('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', 'regtest', /use --network mainnet/);
  expectUsage('', 'mainnet', /not a valid address for mainnet: \(empty\)/);
});

test('--script HEX', () => {
  assert.equal(scriptHexToScriptHash('0014751E76E8199196D454941C45D1B3A323F1433BD6'),
    '9623df75239b5daa7f5f03042d325b51498c4bb7059c7748b17049bf96f73888');
  assert.throws(() => scriptHexToScriptHash('abc'), UsageError);
  assert.throws(() => scriptHexToScriptHash('zz'), UsageError);
  assert.throws(() => scriptHexToScriptHash(''), /empty/);
  // Bytes are accepted as they are, including the empty script.
  assert.equal(scriptHash(Buffer.alloc(0)), reference(Buffer.alloc(0)));
});

/** An x-only public key for a (seeded) scalar. */
function xOnly(seed: Buffer): Buffer {
  const scalar = Buffer.concat([Buffer.alloc(1), seed.subarray(1)]); // < curve order
  return Buffer.from(ecc.pointFromScalar(scalar)!.subarray(1, 33));
}

const BJS: Record<NetworkName, bitcoin.networks.Network> = {
  mainnet: bitcoin.networks.bitcoin, testnet: bitcoin.networks.testnet, testnet4: bitcoin.networks.testnet,
  signet: bitcoin.networks.testnet, regtest: bitcoin.networks.regtest,
};

test('every address type on mainnet/testnet/regtest agrees with bitcoinjs-lib + the definition', () => {
  const rnd = seededRandom(0x5c417);
  for (const net of ['mainnet', 'testnet', 'testnet4', 'signet', 'regtest'] as NetworkName[]) {
    const network = BJS[net];
    for (let k = 0; k < 10; k++) {
      const addrs = [
        bitcoin.payments.p2pkh({ hash: rnd.bytes(20), network }).address!,
        bitcoin.payments.p2sh({ hash: rnd.bytes(20), network }).address!,
        bitcoin.payments.p2wpkh({ hash: rnd.bytes(20), network }).address!,
        bitcoin.payments.p2wsh({ hash: rnd.bytes(32), network }).address!,
        bitcoin.payments.p2tr({ internalPubkey: xOnly(rnd.bytes(32)), network }).address!,
      ];
      for (const a of addrs) {
        const want = reference(bitcoin.address.toOutputScript(a, network));
        assert.equal(addressToScriptHash(a, net), want, `${net} ${a}`);
        assert.equal(toScriptHash(a, net), want, `${net} ${a}`);
        if (!/^[123mn]/.test(a)) assert.equal(toScriptHash(a.toUpperCase(), net), want, 'bech32 may be uppercase');
      }
    }
  }
});
