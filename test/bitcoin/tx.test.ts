import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bitcoin from 'bitcoinjs-lib';
import { ProtocolError } from '../../src/errors.js';
import { merkleRoot } from '../../src/bitcoin/merkle.js';
import { isParsableTx, parseBlock, parseRawTx, parseTx, TxParseError } from '../../src/bitcoin/tx.js';
import { seededRandom } from '../support/random.js';

// Recorded from ElectrumX/Fulcrum on regtest: blockchain.transaction.get and its verbose form.
const B27F_HEX = '02000000000101ee20e4b675fd0b4c04101c4ba800ff38fecf36bc926e5ffbd8b70af3738bbe350000000000fdffffff025435b6280100000017a914f4d49a5885c2173e2bf4dfa3da73eea2a796fed28780b14f010000000017a91440c5fb471a43d8f6048c53ec859ff40765a6d74d870247304402202af86e98839c5f1a9747531fe89ad26aab03f4cf1c2bf24057b2b5d8336b1542022029da7388a622579003804b5415356b82617c84bf6d7ad94c57db73c61787d234012103208ad8b7870ea6b7bce95f55337bd87c0b01b57ded14355b2d9ce4396322684166000000';
const T2090_HEX = '020000000001015e1a3a442045887b0d7c8957c5f0ae75b86da74f4f7587eb37f065d3795e8ca70100000000fdffffff02ccb8c901000000001976a9142256cc7bad3629c1acbb43fd413c77d0697e945c88ac002d3101000000001976a914fa272d2ec02865551562b687d7a7818ebbac6f7788ac01404d7728d03c741dacf3f31003347d5ef6fe225e10a3ca134c1470b26f59aa27a09be9383c53dba8bc8eed1cb905be3d8bd177a86e08fcfd9c8330d79641bf7aeb6a000000';

test('recorded regtest transaction b27fade0… matches the server\'s verbose decoding', () => {
  const tx = parseRawTx(B27F_HEX, { wtxid: true });
  assert.equal(tx.txid, 'b27fade03a843e675b3844161cb254d2a1c855166490c14a0777b7b0d80d54bb');
  assert.equal(tx.wtxid, '2614f73477a32416b22f9eb84dcc3ad25a908ab8537b60ca986b2340e0c3e800');
  assert.equal(tx.version, 2);
  assert.equal(tx.locktime, 102);
  assert.equal(tx.segwit, true);
  assert.deepEqual([tx.size, tx.vsize, tx.weight], [224, 143, 569]);
  assert.equal(tx.end, B27F_HEX.length / 2);
  assert.equal(tx.inputs.length, 1);
  const i = tx.inputs[0]!;
  assert.equal(i.prevTxid, '35be8b73f30ab7d8fb5f6e92bc36cffe38ff00a84b1c10044c0bfd75b6e420ee');
  assert.equal(Buffer.from(i.prevHash).reverse().toString('hex'), i.prevTxid);
  assert.equal(i.prevIndex, 0);
  assert.equal(i.sequence, 4294967293);
  assert.equal(i.scriptSig.length, 0);
  assert.deepEqual(i.witness.map((w) => w.toString('hex')), [
    '304402202af86e98839c5f1a9747531fe89ad26aab03f4cf1c2bf24057b2b5d8336b1542022029da7388a622579003804b5415356b82617c84bf6d7ad94c57db73c61787d23401',
    '03208ad8b7870ea6b7bce95f55337bd87c0b01b57ded14355b2d9ce43963226841',
  ]);
  assert.deepEqual(tx.outputs.map((o) => [o.value, o.script.toString('hex')]), [
    [4977997140, 'a914f4d49a5885c2173e2bf4dfa3da73eea2a796fed287'],
    [22000000, 'a91440c5fb471a43d8f6048c53ec859ff40765a6d74d87'],
  ]);
  // Without the option no wtxid is computed (the server's hot path).
  assert.equal(parseRawTx(B27F_HEX).wtxid, undefined);
});

test('recorded regtest transaction 209054f4… (taproot key-path spend) hashes to its txid', () => {
  const tx = parseRawTx(T2090_HEX.toUpperCase());
  assert.equal(tx.txid, '209054f423b9a5649698217eed7b85cef4137b6b08b97674af56a3441a09a822');
  assert.equal(tx.inputs[0]!.witness.length, 1);
  assert.equal(tx.inputs[0]!.witness[0]!.length, 64);
  assert.equal(tx.outputs[1]!.script.toString('hex'), '76a914fa272d2ec02865551562b687d7a7818ebbac6f7788ac');
});

/** Builds a random transaction with bitcoinjs-lib (the independent implementation). */
function randomTx(rnd: ReturnType<typeof seededRandom>, opts: { segwit: boolean; nIn?: number; nOut?: number; bigScript?: number }): bitcoin.Transaction {
  const t = new bitcoin.Transaction();
  t.version = 1 + rnd.int(2);
  t.locktime = rnd.int(2) ? 0 : rnd.int(0xffffffff);
  const nIn = opts.nIn ?? 1 + rnd.int(4);
  const nOut = opts.nOut ?? 1 + rnd.int(4);
  for (let i = 0; i < nIn; i++) {
    const scriptLen = opts.segwit && rnd.int(2) ? 0 : rnd.int(120);
    t.addInput(rnd.bytes(32), rnd.int(5), rnd.int(2) ? 0xffffffff : rnd.int(0xffffffff), rnd.bytes(scriptLen));
  }
  for (let i = 0; i < nOut; i++) {
    const len = i === 0 && opts.bigScript !== undefined ? opts.bigScript : rnd.int(60);
    t.addOutput(rnd.bytes(len), BigInt(rnd.int(2_100_000)) * 1000n + BigInt(rnd.int(1000)));
  }
  if (opts.segwit) {
    for (let i = 0; i < nIn; i++) {
      const items = Array.from({ length: i === 0 ? 1 + rnd.int(3) : rnd.int(3) }, () => rnd.bytes(rnd.int(80)));
      t.setWitness(i, items);
    }
  }
  return t;
}

function assertSameAsBitcoinjs(t: bitcoin.Transaction, label: string): void {
  const buf = Buffer.from(t.toBuffer());
  const p = parseRawTx(buf, { wtxid: true });
  assert.equal(p.txid, t.getId(), label);
  assert.equal(p.wtxid, Buffer.from(t.getHash(true)).reverse().toString('hex'), label);
  assert.equal(p.size, t.byteLength(), label);
  assert.equal(p.weight, t.weight(), label);
  assert.equal(p.vsize, t.virtualSize(), label);
  assert.equal(p.version, t.version, label);
  assert.equal(p.locktime, t.locktime, label);
  assert.equal(p.segwit, t.hasWitnesses(), label);
  assert.equal(p.inputs.length, t.ins.length);
  t.ins.forEach((inp, k) => {
    const q = p.inputs[k]!;
    assert.deepEqual(Buffer.from(q.prevHash), Buffer.from(inp.hash));
    assert.equal(q.prevIndex, inp.index);
    assert.equal(q.sequence, inp.sequence);
    assert.deepEqual(Buffer.from(q.scriptSig), Buffer.from(inp.script));
    assert.deepEqual(q.witness.map((w) => w.toString('hex')), inp.witness.map((w) => Buffer.from(w).toString('hex')));
  });
  assert.deepEqual(p.outputs.map((o) => [BigInt(o.value), o.script.toString('hex')]),
    t.outs.map((o) => [o.value, Buffer.from(o.script).toString('hex')]));
}

test('random legacy and segwit transactions agree with bitcoinjs-lib', () => {
  const rnd = seededRandom(0x7a1);
  for (let k = 0; k < 150; k++) assertSameAsBitcoinjs(randomTx(rnd, { segwit: k % 2 === 0 }), `tx ${k}`);
});

test('varint boundaries: 253+ inputs/outputs, scripts of 253 and 65,536 bytes', () => {
  const rnd = seededRandom(0x7a2);
  assertSameAsBitcoinjs(randomTx(rnd, { segwit: true, nIn: 253, nOut: 2 }), '253 inputs');
  assertSameAsBitcoinjs(randomTx(rnd, { segwit: false, nIn: 1, nOut: 300 }), '300 outputs');
  assertSameAsBitcoinjs(randomTx(rnd, { segwit: false, bigScript: 253 }), 'script 253');
  assertSameAsBitcoinjs(randomTx(rnd, { segwit: true, bigScript: 65536 }), 'script 65536');
});

test('parseTx at an offset returns where it ended; buffers are views', () => {
  const a = Buffer.from(B27F_HEX, 'hex');
  const b = Buffer.from(T2090_HEX, 'hex');
  const both = Buffer.concat([a, b]);
  const first = parseTx(both, 0);
  const second = parseTx(both, first.end);
  assert.equal(second.txid, '209054f423b9a5649698217eed7b85cef4137b6b08b97674af56a3441a09a822');
  assert.equal(second.end, both.length);
  assert.equal(second.outputs[0]!.script.buffer, both.buffer, 'output script is a view, not a copy');
  assert.throws(() => parseRawTx(both), /unexpected bytes after the transaction/);
});

test('every truncation of a transaction is a TxParseError (a ProtocolError)', () => {
  for (const hex of [B27F_HEX, T2090_HEX]) {
    const buf = Buffer.from(hex, 'hex');
    for (let n = 0; n < buf.length; n++) {
      assert.throws(() => parseRawTx(buf.subarray(0, n)), (e: unknown) => e instanceof TxParseError && e instanceof ProtocolError, `len ${n}`);
    }
  }
});

test('malformed serializations', () => {
  const buf = Buffer.from(B27F_HEX, 'hex');
  const flag2 = Buffer.from(buf);
  flag2[5] = 2;
  assert.throws(() => parseRawTx(flag2), /unknown segwit flag 2/);
  assert.throws(() => parseRawTx('zz'), TxParseError);
  assert.throws(() => parseRawTx('abc'), TxParseError);
  // A huge input count cannot make the parser allocate or loop: refused up front.
  assert.throws(() => parseRawTx('01000000fe00000001' + '00'.repeat(64)), /input count 16777216 .* exceeds the data/);
  // Segwit marker with no witness data at all (Bitcoin Core: superfluous witness record).
  const t = new bitcoin.Transaction();
  t.addInput(Buffer.alloc(32, 1), 0);
  t.addOutput(Buffer.from('51', 'hex'), 1000n);
  const legacy = Buffer.from(t.toBuffer());
  const fake = Buffer.concat([legacy.subarray(0, 4), Buffer.from([0, 1]), legacy.subarray(4, legacy.length - 4), Buffer.from([0]), legacy.subarray(legacy.length - 4)]);
  assert.throws(() => parseRawTx(fake), /segwit transaction without witness data/);
  // An amount beyond 2^53 cannot be represented exactly: refused.
  const big = Buffer.from(legacy);
  const valueAt = 4 + 1 + 41 + 1;
  big.writeUInt32LE(0xffffffff, valueAt + 4);
  assert.throws(() => parseRawTx(big), /exceeds 2\^53/);
});

test('isParsableTx: only exact, complete transactions', () => {
  assert.equal(isParsableTx(Buffer.from(B27F_HEX, 'hex')), true);
  assert.equal(isParsableTx(Buffer.concat([Buffer.from(B27F_HEX, 'hex'), Buffer.from([0])])), false);
  assert.equal(isParsableTx(Buffer.alloc(64)), false);
  const rnd = seededRandom(0x64);
  let parsable = 0;
  for (let k = 0; k < 2000; k++) if (isParsableTx(rnd.bytes(64))) parsable++;
  assert.equal(parsable, 0, 'random 64-byte nodes essentially never parse');
});

test('parseBlock agrees with bitcoinjs-lib: hash, txids, merkle root', () => {
  const rnd = seededRandom(0xb1);
  const coinbase = new bitcoin.Transaction();
  coinbase.addInput(Buffer.alloc(32), 0xffffffff, 0xffffffff, Buffer.from('03a08601', 'hex'));
  coinbase.addOutput(Buffer.from('51', 'hex'), 5_000_000_000n);
  const txs = [coinbase, ...Array.from({ length: 20 }, (_, k) => randomTx(rnd, { segwit: k % 3 !== 0 }))];
  const block = new bitcoin.Block();
  block.version = 0x20000000;
  block.prevHash = rnd.bytes(32);
  block.timestamp = 1_700_000_000;
  block.bits = 0x207fffff;
  block.nonce = 7;
  block.transactions = txs;
  block.merkleRoot = bitcoin.Block.calculateMerkleRoot(txs);
  const raw = Buffer.from(block.toBuffer());
  const p = parseBlock(raw);
  assert.equal(p.hash, block.getId());
  assert.equal(p.header, Buffer.from(block.toBuffer(true)).toString('hex'));
  assert.deepEqual(p.txs.map((t) => t.txid), txs.map((t) => t.getId()));
  assert.equal(merkleRoot(p.txs.map((t) => t.txid)), Buffer.from(block.merkleRoot).reverse().toString('hex'));
  assert.throws(() => parseBlock(Buffer.concat([raw, Buffer.from([0])])), /unexpected bytes after the block/);
  assert.throws(() => parseBlock(raw.subarray(0, raw.length - 1)), TxParseError);
  assert.throws(() => parseBlock(raw.subarray(0, 80)), /too short/);
});
