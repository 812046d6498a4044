import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHeader, decodeTx, scriptType } from '../../src/bitcoin/decode.js';
import { ProtocolError } from '../../src/errors.js';

const B27F_HEX = '02000000000101ee20e4b675fd0b4c04101c4ba800ff38fecf36bc926e5ffbd8b70af3738bbe350000000000fdffffff025435b6280100000017a914f4d49a5885c2173e2bf4dfa3da73eea2a796fed28780b14f010000000017a91440c5fb471a43d8f6048c53ec859ff40765a6d74d870247304402202af86e98839c5f1a9747531fe89ad26aab03f4cf1c2bf24057b2b5d8336b1542022029da7388a622579003804b5415356b82617c84bf6d7ad94c57db73c61787d234012103208ad8b7870ea6b7bce95f55337bd87c0b01b57ded14355b2d9ce4396322684166000000';
const BLOCK5 = '0100000085144a84488ea88d221c8bd6c059da090e88f8a2c99690ee55dbba4e00000000e11c48fecdd9e72510ca84f023370c9a38bf91ac5cae88019bee94d24528526344c36649ffff001d1d03e477';

test('decodeTx matches what bitcoind said about the recorded regtest transaction', () => {
  const d = decodeTx(`${B27F_HEX}\n`, 'regtest');
  assert.deepEqual(d, {
    txid: 'b27fade03a843e675b3844161cb254d2a1c855166490c14a0777b7b0d80d54bb',
    wtxid: '2614f73477a32416b22f9eb84dcc3ad25a908ab8537b60ca986b2340e0c3e800',
    version: 2, locktime: 102, size: 224, vsize: 143, weight: 569,
    inputs: [{
      txid: '35be8b73f30ab7d8fb5f6e92bc36cffe38ff00a84b1c10044c0bfd75b6e420ee', vout: 0, sequence: 4294967293,
      scriptSig: '', witnessItems: 2, coinbase: false,
    }],
    outputs: [
      { n: 0, value: 4977997140, address: '2NFZmYzx75J8g979fdxC7b1rEnZfECqS2Hk', script: 'a914f4d49a5885c2173e2bf4dfa3da73eea2a796fed287', type: 'scripthash' },
      { n: 1, value: 22000000, address: '2My9iQZU95kMRy1ZjTmvdnXGn4KmUUmc2aW', script: 'a91440c5fb471a43d8f6048c53ec859ff40765a6d74d87', type: 'scripthash' },
    ],
  });
  // The same script on mainnet gets a mainnet address.
  assert.match(decodeTx(B27F_HEX, 'mainnet').outputs[0]!.address!, /^3/);
  assert.throws(() => decodeTx('00', 'mainnet'), ProtocolError);
});

test('decodeTx flags a coinbase input', () => {
  const cb = '01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff0704ffff001d0104ffffffff0100f2052a0100000043410496b538e853519c726a2c91e61ec11600ae1390813a627c66fb8be7947be63c52da7589379515d4e0a604f8141781e62294721166bf621e73a82cbf2342c858eeac00000000';
  const d = decodeTx(cb, 'mainnet');
  assert.equal(d.inputs[0]!.coinbase, true);
  assert.equal(d.inputs[0]!.vout, 0xffffffff);
  assert.equal(d.outputs[0]!.type, 'pubkey');
  assert.equal(d.outputs[0]!.address, null);
  assert.equal(d.outputs[0]!.value, 5_000_000_000);
  assert.equal(d.txid, '0e3e2357e806b6cdb1f70b54c3a3a17b6714ee1f0e68bebb44a74b1efd512098'); // mainnet block 1 coinbase
});

test('scriptType names every standard kind as bitcoind does', () => {
  const pk33 = `02${'11'.repeat(32)}`;
  const cases: [string, string][] = [
    ['76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac', 'pubkeyhash'],
    ['a91440c5fb471a43d8f6048c53ec859ff40765a6d74d87', 'scripthash'],
    ['0014751e76e8199196d454941c45d1b3a323f1433bd6', 'witness_v0_keyhash'],
    [`0020${'00'.repeat(32)}`, 'witness_v0_scripthash'],
    [`5120${'00'.repeat(32)}`, 'witness_v1_taproot'],
    ['6002751e', 'witness_unknown'],
    [`21${pk33}ac`, 'pubkey'],
    [`41${'04'.padEnd(130, '2')}ac`, 'pubkey'],
    [`5121${pk33}21${pk33}52ae`, 'multisig'],
    ['6a0568656c6c6f', 'nulldata'],
    ['6a', 'nulldata'],
    ['', 'nonstandard'],
    ['51', 'nonstandard'],
    [`5221${pk33}51ae`, 'nonstandard'], // m > n
    [`0015${'00'.repeat(21)}`, 'nonstandard'],
  ];
  for (const [hex, type] of cases) assert.equal(scriptType(Buffer.from(hex, 'hex')), type, hex);
});

test('decodeHeader of mainnet block 5', () => {
  assert.deepEqual(decodeHeader(BLOCK5, 5), {
    height: 5,
    hash: '000000009b7262315dbf071787ad3656097b892abffd1f95a1a022f896f533fc',
    version: 1,
    prevHash: '000000004ebadb55ee9096c9a2f8880e09da59c0d68b1c228da88e48844a1485',
    merkleRoot: '63522845d294ee9b0188ae5cac91bf389a0c3723f084ca1025e7d9cdfe481ce1',
    timestamp: 1231471428,
    time: '2009-01-09T03:23:48.000Z',
    bits: 486604799,
    target: '00000000ffff0000000000000000000000000000000000000000000000000000',
    nonce: 2011431709,
    powValid: true,
  });
  assert.equal('height' in decodeHeader(BLOCK5), false);
  assert.equal(decodeHeader(`${BLOCK5.slice(0, -8)}00000000`).powValid, false);
  assert.equal(decodeHeader(`${BLOCK5.slice(0, 144)}ffff801d${BLOCK5.slice(152)}`).target, null);
  assert.throws(() => decodeHeader('00'), ProtocolError);
});
