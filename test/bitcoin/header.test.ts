import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolError } from '../../src/errors.js';
import {
  bitsToTarget, blockHash, checkChain, checkPow, deserializedHeader, MAX_TARGET, parseHeader, retargetBits,
  serializeHeader, splitHeaders, targetToBits,
} from '../../src/bitcoin/header.js';

// docs/protocol.md §6.2: mainnet block 5.
const BLOCK5 = '0100000085144a84488ea88d221c8bd6c059da090e88f8a2c99690ee55dbba4e00000000e11c48fecdd9e72510ca84f023370c9a38bf91ac5cae88019bee94d24528526344c36649ffff001d1d03e477';
const BLOCK5_JSON = '{"block_height":5,"version":1,' +
  '"prev_block_hash":"000000004ebadb55ee9096c9a2f8880e09da59c0d68b1c228da88e48844a1485",' +
  '"merkle_root":"63522845d294ee9b0188ae5cac91bf389a0c3723f084ca1025e7d9cdfe481ce1",' +
  '"timestamp":1231471428,"bits":486604799,"nonce":2011431709}';

// Regtest headers 90..94 recorded from ElectrumX/Fulcrum.
const REGTEST_90_94 = [
  '00000020a3131adf456b4639d902b64b10f1fb13fbe835af755c81f9bc293cdac54db76366cd1a2173514afb36acd0760c7bc5b4d4abe8dcb15580d86b299b2c77940bd49898046bffff7f2001000000',
  '0000002085d3e7edc67a8891ab770537316cf874947f8494fdcc3ed6e8322e50bc36134730e0cad39e489fd537f30cad675eee94cc7325bf3f2b63858b685e267d9536b29898046bffff7f2000000000',
  '00000020b5a42ca268d5d5327d1df7b7410af59e0790e9f6cdd243ce3e26e4343bacb04bd4cd215e3a8dab8922ed0307f66e7e7cdbc15aedf1118ef0f49651f85ace35ae9998046bffff7f2000000000',
  '0000002086b48ab2560e7ee03e0d50270eabf2e90b0f7680cddce7eb67f63e30895c2f070802f44fca9cd7067385ba7699ff49fa2072161a673453d0b671b82502ba82499998046bffff7f2000000000',
  '0000002008ed86e3faf39f02b286ec18ce9b17fadae7912895237c5b50aafa9f934391281c58c857fd6cd87c9c3c9fce4c2df89d5c7d6fedb184d837d3ae1f8cdf12be3a9998046bffff7f2003000000',
];

test('docs/protocol.md §6.2: deserialized header of mainnet block 5, exact key order', () => {
  assert.equal(JSON.stringify(deserializedHeader(BLOCK5, 5)), BLOCK5_JSON);
  assert.equal(JSON.stringify(deserializedHeader(Buffer.from(BLOCK5, 'hex'), 5)), BLOCK5_JSON);
  assert.equal(serializeHeader(JSON.parse(BLOCK5_JSON)), BLOCK5);
  assert.equal(serializeHeader({ ...JSON.parse(BLOCK5_JSON), prev_block_hash: JSON.parse(BLOCK5_JSON).prev_block_hash.toUpperCase() }), BLOCK5);
});

test('parseHeader and blockHash of block 5', () => {
  const h = parseHeader(BLOCK5.toUpperCase());
  assert.deepEqual(h, {
    version: 1,
    prevHash: '000000004ebadb55ee9096c9a2f8880e09da59c0d68b1c228da88e48844a1485',
    merkleRoot: '63522845d294ee9b0188ae5cac91bf389a0c3723f084ca1025e7d9cdfe481ce1',
    timestamp: 1231471428,
    bits: 0x1d00ffff,
    nonce: 2011431709,
    hash: '000000009b7262315dbf071787ad3656097b892abffd1f95a1a022f896f533fc',
  });
  assert.equal(blockHash(BLOCK5), h.hash);
});

test('versions with the top bit: signed in parseHeader, unsigned in the 1.0-1.3 form, both serialize', () => {
  const raw = `000000e0${BLOCK5.slice(8)}`;
  assert.equal(parseHeader(raw).version, -0x20000000);
  const d = deserializedHeader(raw, 1);
  assert.equal(d.version, 0xe0000000);
  assert.equal(serializeHeader(d), raw);
  assert.equal(serializeHeader({ ...d, version: -0x20000000 }), raw);
  assert.equal(deserializedHeader(REGTEST_90_94[0]!, 90).version, 0x20000000);
});

test('malformed headers are ProtocolErrors', () => {
  for (const bad of ['', BLOCK5.slice(2), `${BLOCK5}00`, `${BLOCK5.slice(0, -1)}g`, 'abc']) {
    assert.throws(() => parseHeader(bad), ProtocolError);
    assert.throws(() => blockHash(bad), ProtocolError);
    assert.throws(() => deserializedHeader(bad, 0), ProtocolError);
  }
  const ok = JSON.parse(BLOCK5_JSON);
  for (const [k, v] of [['version', 2 ** 32], ['timestamp', -1], ['bits', 1.5], ['nonce', '1'], ['prev_block_hash', 'ab'], ['merkle_root', null]]) {
    assert.throws(() => serializeHeader({ ...ok, [k as string]: v }), ProtocolError, String(k));
  }
});

test('bitsToTarget follows SetCompact (Bitcoin Core arith_uint256 vectors)', () => {
  const zero: number[] = [0, 0x00123456, 0x01003456, 0x02000056, 0x03000000, 0x04000000, 0x00923456, 0x01803456, 0x02800056, 0x03800000, 0x04800000];
  for (const b of zero) assert.equal(bitsToTarget(b), 0n, b.toString(16));
  assert.equal(bitsToTarget(0x01123456), 0x12n);
  assert.equal(bitsToTarget(0x02123456), 0x1234n);
  assert.equal(bitsToTarget(0x03123456), 0x123456n);
  assert.equal(bitsToTarget(0x04123456), 0x12345600n);
  assert.equal(bitsToTarget(0x05009234), 0x92340000n);
  assert.equal(bitsToTarget(0x20123456), 0x123456n << 232n);
  assert.equal(bitsToTarget(0x1d00ffff), 0xffffn << 208n);
  assert.equal(MAX_TARGET, 0x00000000ffff0000000000000000000000000000000000000000000000000000n);
  assert.equal(bitsToTarget(0x207fffff), 0x7fffffn << 232n);
  for (const neg of [0x01fedcba, 0x04923456]) assert.throws(() => bitsToTarget(neg), /negative target/);
  for (const over of [0xff123456, 0x23000100, 0x22010000]) assert.throws(() => bitsToTarget(over), /overflows/);
  assert.throws(() => bitsToTarget(-1), ProtocolError);
  assert.throws(() => bitsToTarget(2 ** 32), ProtocolError);
});

test('targetToBits inverts bitsToTarget for normalized encodings', () => {
  for (const b of [0x1d00ffff, 0x207fffff, 0x1b0404cb, 0x17053894, 0x1c3fffc0, 0x01120000, 0x05009234, 0x04123456]) {
    assert.equal(targetToBits(bitsToTarget(b)), b, b.toString(16));
  }
  assert.equal(targetToBits(0x80n), 0x02008000); // sign bit avoided by growing the size
  assert.equal(targetToBits(0n), 0);
  assert.throws(() => targetToBits(-1n), RangeError);
});

test('retargetBits clamps the timespan and caps at the maximum target', () => {
  const twoWeeks = 14 * 24 * 3600;
  assert.equal(retargetBits(0x1b0404cb, 0, twoWeeks), 0x1b0404cb);
  assert.equal(retargetBits(0x1d00ffff, 0, twoWeeks * 100), 0x1d00ffff); // capped
  assert.equal(retargetBits(0x1d00ffff, 0, 1), 0x1c3fffc0); // clamped to /4
  assert.equal(retargetBits(0x1d00ffff, 0, twoWeeks / 2), targetToBits(MAX_TARGET / 2n));
  // Mainnet's first retarget: period 30240..32255, new bits 0x1d00d86a.
  assert.equal(retargetBits(0x1d00ffff, 1261130161, 1262152739), 0x1d00d86a);
});

test('checkPow: real headers pass, a changed nonce fails', () => {
  assert.equal(checkPow(BLOCK5), true);
  for (const h of REGTEST_90_94) assert.equal(checkPow(h), true);
  const tampered = `${BLOCK5.slice(0, -8)}00000000`;
  assert.equal(checkPow(tampered), false);
  // Bits that encode a negative target never validate.
  const negBits = `${BLOCK5.slice(0, 144)}ffff801d${BLOCK5.slice(152)}`;
  assert.equal(checkPow(negBits), false);
});

test('checkChain finds the first break', () => {
  assert.equal(checkChain(REGTEST_90_94), -1);
  assert.equal(checkChain(REGTEST_90_94, parseHeader(REGTEST_90_94[0]!).prevHash), -1);
  assert.equal(checkChain(REGTEST_90_94, '00'.repeat(32)), 0);
  assert.equal(checkChain([REGTEST_90_94[0]!, REGTEST_90_94[2]!]), 1);
  assert.equal(checkChain([...REGTEST_90_94.slice(0, 3), REGTEST_90_94[4]!]), 3);
  assert.equal(checkChain([]), -1);
  assert.equal(checkChain(REGTEST_90_94.map((h) => Buffer.from(h, 'hex'))), -1);
});

test('splitHeaders cuts block.headers hex into 80-byte headers', () => {
  const parts = splitHeaders(REGTEST_90_94.join(''), 5);
  assert.equal(parts.length, 5);
  assert.equal(parts[3]!.toString('hex'), REGTEST_90_94[3]);
  assert.deepEqual(splitHeaders(''), []);
  assert.throws(() => splitHeaders(REGTEST_90_94.join(''), 4), /got 5, count says 4/);
  assert.throws(() => splitHeaders(`${REGTEST_90_94[0]}00`), /not a multiple of 80/);
  assert.throws(() => splitHeaders('xy'), ProtocolError);
});
