import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bitcoin from 'bitcoinjs-lib';
import * as ecc from '@bitcoinerlab/secp256k1';
import { bech32, bech32m } from 'bech32';
import bs58check from 'bs58check';
import { UsageError } from '../../src/errors.js';
import {
  addressToScript, decodeAddress, detectAddressNetwork, isAddress, scriptAddressType, scriptToAddress,
} from '../../src/bitcoin/address.js';
import type { NetworkName } from '../../src/bitcoin/networks.js';
import { seededRandom } from '../support/random.js';

bitcoin.initEccLib(ecc);

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// BIP 173 / BIP 350 valid vectors: address -> scriptPubKey.
const BIP_VALID: [string, NetworkName, string][] = [
  ['BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', 'mainnet', '0014751e76e8199196d454941c45d1b3a323f1433bd6'],
  ['tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7', 'testnet',
    '00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262'],
  ['bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y', 'mainnet',
    '5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6'],
  ['BC1SW50QGDZ25J', 'mainnet', '6002751e'],
  ['bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs', 'mainnet', '5210751e76e8199196d454941c45d1b3a323'],
  ['tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy', 'testnet',
    '0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433'],
  ['tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c', 'testnet',
    '5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433'],
  ['bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0', 'mainnet',
    '512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798'],
  // docs/protocol.md §3
  ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', 'mainnet', '0014751e76e8199196d454941c45d1b3a323f1433bd6'],
  ['1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', 'mainnet', '76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac'],
];

// BIP 173 / BIP 350 invalid vectors: invalid on every network.
const BIP_INVALID = [
  'tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut',
  'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd',
  'tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf',
  'BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL',
  'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh',
  'tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47',
  'bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4',
  'BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R',
  'bc1pw5dgrnzv',
  'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav',
  'BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P',
  'tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq',
  'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf',
  'tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j',
  'bc1gmk9yu',
  // BIP 173 invalid
  'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7',
  'bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du',
  'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv',
  '',
  '   ',
  'hello',
  '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb', // base58 checksum broken
  '0A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', // '0' is not base58
];

const ALL: NetworkName[] = ['mainnet', 'testnet', 'testnet4', 'signet', 'regtest'];

test('BIP 173/350 valid vectors decode to their scripts and round-trip', () => {
  for (const [addr, net, script] of BIP_VALID) {
    assert.equal(hex(addressToScript(addr, net)), script, addr);
    assert.equal(scriptToAddress(script, net), /^(bc|tb)1/i.test(addr) ? addr.toLowerCase() : addr, addr);
    assert.equal(isAddress(addr, net), true);
  }
});

test('BIP 173/350 invalid vectors are refused on every network', () => {
  for (const addr of BIP_INVALID) {
    assert.deepEqual(detectAddressNetwork(addr), [], addr);
    for (const net of ALL) {
      assert.throws(() => decodeAddress(addr, net), (e: unknown) => {
        assert.ok(e instanceof UsageError, addr);
        assert.match(e.message, new RegExp(`^not a valid address for ${net}: `));
        return true;
      });
    }
  }
});

test('types are reported per kind, with the witness version', () => {
  const t = (a: string, n: NetworkName = 'mainnet') => {
    const d = decodeAddress(a, n);
    return [d.type, d.witnessVersion];
  };
  assert.deepEqual(t('1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa'), ['p2pkh', undefined]);
  assert.deepEqual(t('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'), ['p2wpkh', 0]);
  assert.deepEqual(t('tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7', 'signet'), ['p2wsh', 0]);
  assert.deepEqual(t('bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0'), ['p2tr', 1]);
  assert.deepEqual(t('bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y'), ['witness_unknown', 1]);
  assert.deepEqual(t('BC1SW50QGDZ25J'), ['witness_unknown', 16]);
  assert.deepEqual(t('bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs'), ['witness_unknown', 2]);
});

/** Builds a bech32(m) address from parts, for precise negative cases. */
function segwit(hrp: string, version: number, program: Buffer, m = version !== 0): string {
  return (m ? bech32m : bech32).encode(hrp, [version, ...bech32.toWords(program)]);
}

test('segwit rules: checksum variant, versions, program lengths, case', () => {
  const p20 = Buffer.alloc(20, 7);
  const p32 = Buffer.alloc(32, 9);
  const reason = (addr: string, net: NetworkName = 'mainnet') => {
    try {
      decodeAddress(addr, net);
    } catch (e) {
      return (e as Error).message;
    }
    return 'valid';
  };
  assert.equal(reason(segwit('bc', 0, p20)), 'valid');
  assert.match(reason(segwit('bc', 0, p20, true)), /witness v0 with a bech32m checksum/);
  assert.match(reason(segwit('bc', 1, p32, false)), /witness v1 with a bech32 checksum/);
  assert.match(reason(segwit('bc', 0, Buffer.alloc(16))), /must be 20 or 32/);
  assert.match(reason(segwit('bc', 0, Buffer.alloc(33))), /must be 20 or 32/);
  assert.match(reason(segwit('bc', 2, Buffer.alloc(1))), /1 bytes \(must be 2-40\)/);
  assert.match(reason(segwit('bc', 2, Buffer.alloc(41))), /41 bytes \(must be 2-40\)/);
  assert.equal(reason(segwit('bc', 16, Buffer.alloc(40))), 'valid');
  assert.match(reason(bech32m.encode('bc', [17, ...bech32.toWords(p32)])), /invalid witness version 17/);
  assert.match(reason(bech32m.encode('bc', [])), /no witness version/);
  const upper = segwit('bc', 1, p32).toUpperCase();
  assert.equal(reason(upper), 'valid');
  assert.match(reason(upper.slice(0, 10) + upper.slice(10).toLowerCase()), /mixed case/);
  assert.match(reason('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5'), /checksum/);
  // Leading/trailing whitespace is forgiven (copy-paste), inner is not.
  assert.equal(reason(` ${segwit('bc', 0, p20)}\n`), 'valid');
});

test('base58 rules: version byte, payload length', () => {
  const h = Buffer.alloc(20, 1);
  const b58 = (v: number, payload = h) => bs58check.encode(Buffer.concat([Buffer.from([v]), payload]));
  assert.equal(decodeAddress(b58(0x00), 'mainnet').type, 'p2pkh');
  assert.equal(decodeAddress(b58(0x05), 'mainnet').type, 'p2sh');
  assert.equal(decodeAddress(b58(0x6f), 'regtest').type, 'p2pkh');
  assert.equal(decodeAddress(b58(0xc4), 'testnet4').type, 'p2sh');
  assert.throws(() => decodeAddress(b58(0x30), 'mainnet'), /unknown base58 version byte 0x30/); // Litecoin
  assert.throws(() => decodeAddress(b58(0x00, Buffer.alloc(21)), 'mainnet'), /payload of 22 bytes/);
  assert.throws(() => decodeAddress(b58(0x00, Buffer.alloc(19)), 'mainnet'), /payload of 20 bytes/);
});

test('an address of another network names it in the hint', () => {
  const cases: [string, NetworkName, RegExp][] = [
    ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', 'regtest', /this is a mainnet address; use --network mainnet/],
    ['1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', 'testnet', /this is a mainnet address; use --network mainnet/],
    ['tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7', 'regtest', /this is a testnet address; use --network testnet/],
    ['tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7', 'mainnet', /this is a testnet address; use --network testnet/],
    [segwit('bcrt', 0, Buffer.alloc(20, 3)), 'testnet', /this is a regtest address; use --network regtest/],
    [segwit('bcrt', 1, Buffer.alloc(32, 3)), 'mainnet', /this is a regtest address; use --network regtest/],
    [bs58check.encode(Buffer.concat([Buffer.from([0x6f]), Buffer.alloc(20)])), 'mainnet', /this is a testnet address/],
  ];
  for (const [addr, net, hint] of cases) {
    assert.throws(() => addressToScript(addr, net), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.equal(e.message, `not a valid address for ${net}: ${addr}`);
      assert.match(e.hint ?? '', hint);
      return true;
    }, addr);
  }
  // A plainly invalid address gets a reason, not a network hint.
  assert.throws(() => addressToScript('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5', 'mainnet'), (e: unknown) => {
    assert.ok(e instanceof UsageError);
    assert.equal(e.hint, undefined);
    assert.match(e.message, /\(bad bech32 checksum or characters\)$/);
    return true;
  });
});

test('detectAddressNetwork lists every network that accepts the address', () => {
  assert.deepEqual(detectAddressNetwork('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'), ['mainnet']);
  assert.deepEqual(detectAddressNetwork('3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy'), ['mainnet']);
  assert.deepEqual(detectAddressNetwork('tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7'), ['testnet', 'testnet4', 'signet']);
  assert.deepEqual(detectAddressNetwork(segwit('bcrt', 0, Buffer.alloc(20))), ['regtest']);
  assert.deepEqual(detectAddressNetwork(bs58check.encode(Buffer.concat([Buffer.from([0xc4]), Buffer.alloc(20)]))),
    ['testnet', 'testnet4', 'signet', 'regtest']);
  assert.deepEqual(detectAddressNetwork('nonsense'), []);
});

const BJS: Record<NetworkName, bitcoin.networks.Network> = {
  mainnet: bitcoin.networks.bitcoin, testnet: bitcoin.networks.testnet, testnet4: bitcoin.networks.testnet,
  signet: bitcoin.networks.testnet, regtest: bitcoin.networks.regtest,
};

test('every address type on every network agrees with bitcoinjs-lib (seeded random payloads)', () => {
  const rnd = seededRandom(0xad0123);
  for (const net of ALL) {
    const network = BJS[net];
    for (let k = 0; k < 25; k++) {
      const h20 = rnd.bytes(20);
      const h32 = rnd.bytes(32);
      const xonly = Buffer.from(ecc.pointFromScalar(Buffer.concat([Buffer.alloc(31), Buffer.from([k + 1])]))!.subarray(1, 33));
      const made: [string, string][] = [
        [bitcoin.payments.p2pkh({ hash: h20, network }).address!, 'p2pkh'],
        [bitcoin.payments.p2sh({ hash: h20, network }).address!, 'p2sh'],
        [bitcoin.payments.p2wpkh({ hash: h20, network }).address!, 'p2wpkh'],
        [bitcoin.payments.p2wsh({ hash: h32, network }).address!, 'p2wsh'],
        [bitcoin.payments.p2tr({ internalPubkey: xonly, network }).address!, 'p2tr'],
      ];
      for (const [addr, type] of made) {
        const want = hex(bitcoin.address.toOutputScript(addr, network));
        const d = decodeAddress(addr, net);
        assert.equal(d.type, type, addr);
        assert.equal(hex(d.script), want, addr);
        assert.equal(scriptToAddress(d.script, net), addr, addr);
        assert.equal(scriptAddressType(d.script)?.type, type);
      }
    }
  }
});

test('scriptToAddress: null for scripts without an address', () => {
  const nulls = [
    '', '6a0401020304', // OP_RETURN
    `21${'02'.padEnd(66, '1')}ac`, // P2PK
    '0013' + '00'.repeat(19), // v0 with 19 bytes
    '0015' + '00'.repeat(21), // v0 with 21 bytes
    '5101ff', // v1 with 1 byte
    '5129' + '00'.repeat(41), // v1 with 41 bytes
    '0014' + '00'.repeat(19), // push length larger than the data
    '76a91400' + '00'.repeat(19) + '88ad', // p2pkh with OP_CHECKSIGVERIFY
    '4c14' + '00'.repeat(20), // OP_PUSHDATA1 is not a witness program
  ];
  for (const s of nulls) assert.equal(scriptToAddress(s, 'mainnet'), null, s);
  assert.throws(() => scriptToAddress('zz', 'mainnet'), TypeError);
  assert.equal(scriptToAddress('6002751e', 'regtest'), bech32m.encode('bcrt', [16, ...bech32.toWords(Buffer.from('751e', 'hex'))]));
});

test('the hint lists every test network sharing the prefix', () => {
  const b58 = bs58check.encode(Buffer.concat([Buffer.from([0x6f]), Buffer.alloc(20)]));
  assert.throws(() => addressToScript(b58, 'mainnet'), (e: unknown) =>
    (e as UsageError).hint === 'this is a testnet address; use --network testnet (or testnet4, signet, regtest)');
  const tb = segwit('tb', 0, Buffer.alloc(20));
  assert.throws(() => addressToScript(tb, 'regtest'), (e: unknown) =>
    (e as UsageError).hint === 'this is a testnet address; use --network testnet (or testnet4, signet)');
});
