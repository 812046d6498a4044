import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ecc from '@bitcoinerlab/secp256k1';
import { Transaction, crypto as bcrypto, payments, script as bscript } from 'bitcoinjs-lib';
import { startNode } from '../support/bitcoind.js';
import { SimNode } from '../../sim/node.js';
import { REGTEST, addressScript, scriptType } from '../../sim/script.js';
import { outpointKey } from '../../sim/tx.js';

/** Independent signature check for the four wallet input types (what a real bitcoind would verify). */
function verifyInputs(raw: Buffer, prevouts: { script: Buffer; value: number }[]): string[] {
  const t = Transaction.fromBuffer(raw);
  const scripts = prevouts.map((p) => p.script);
  const values = prevouts.map((p) => BigInt(p.value));
  return t.ins.map((input, i) => {
    const prev = prevouts[i];
    const type = scriptType(prev.script);
    if (type === 'pubkeyhash') {
      const [sig, pub] = bscript.decompile(input.script) as Buffer[];
      assert.deepEqual(Buffer.from(bcrypto.hash160(pub)), prev.script.subarray(3, 23));
      const d = bscript.signature.decode(sig);
      assert.ok(ecc.verify(t.hashForSignature(i, prev.script, d.hashType), pub, d.signature), `p2pkh sig ${i}`);
      return 'legacy';
    }
    if (type === 'scripthash' || type === 'witness_v0_keyhash') {
      const [sig, pub] = input.witness;
      const program = Buffer.concat([Buffer.from([0x00, 0x14]), bcrypto.hash160(pub)]);
      if (type === 'scripthash') {
        assert.deepEqual(Buffer.from(input.script), Buffer.concat([Buffer.from([0x16]), program]));
        assert.deepEqual(Buffer.from(bcrypto.hash160(program)), prev.script.subarray(2, 22));
      } else assert.deepEqual(program, prev.script);
      const d = bscript.signature.decode(sig);
      const code = payments.p2pkh({ pubkey: pub, network: REGTEST }).output!;
      assert.ok(ecc.verify(t.hashForWitnessV0(i, code, values[i], d.hashType), pub, d.signature), `segwit v0 sig ${i}`);
      return type === 'scripthash' ? 'p2sh-segwit' : 'bech32';
    }
    assert.equal(type, 'witness_v1_taproot');
    assert.equal(input.witness.length, 1);
    assert.equal(input.witness[0].length, 64);
    const h = t.hashForWitnessV1(i, scripts, values, Transaction.SIGHASH_DEFAULT);
    assert.ok(ecc.verifySchnorr(h, prev.script.subarray(2, 34), input.witness[0]), `taproot sig ${i}`);
    return 'bech32m';
  });
}

test('sendtoaddress to every address type confirms when mined', { timeout: 60_000 }, async () => {
  const node = await startNode();
  try {
    await node.mine(101);
    assert.equal(await node.rpc('getbalance'), 50);
    const sent: { txid: string; addr: string }[] = [];
    for (const t of ['legacy', 'p2sh-segwit', 'bech32', 'bech32m'] as const) {
      const addr = await node.newAddress(t);
      assert.equal(scriptType(addressScript(addr)), { legacy: 'pubkeyhash', 'p2sh-segwit': 'scripthash', bech32: 'witness_v0_keyhash', bech32m: 'witness_v1_taproot' }[t]);
      sent.push({ txid: await node.send(addr, 1.25), addr });
    }
    const pool = await node.rpc<string[]>('getrawmempool');
    for (const s of sent) assert.ok(pool.includes(s.txid));
    const [hash] = await node.mine(1);
    assert.deepEqual(await node.rpc('getrawmempool'), []);
    const block = await node.rpc<{ tx: string[] }>('getblock', [hash, 1]);
    for (const s of sent) {
      assert.ok(block.tx.includes(s.txid));
      const tx = await node.rpc<{ confirmations: number; blockhash: string; vout: { value: number; scriptPubKey: { address?: string } }[] }>('getrawtransaction', [s.txid, true]);
      assert.equal(tx.confirmations, 1);
      assert.equal(tx.blockhash, hash);
      assert.ok(tx.vout.some((o) => o.value === 1.25 && o.scriptPubKey.address === s.addr));
    }
    const unspent = await node.rpc<{ address: string; amount: number; confirmations: number }[]>('listunspent');
    for (const s of sent) assert.ok(unspent.some((u) => u.address === s.addr && u.amount === 1.25 && u.confirmations === 1));
  } finally {
    await node.cleanup();
  }
});

test('the wallet signs inputs of all four types correctly in one transaction', () => {
  const node = new SimNode();
  const a = node.createWallet('a');
  const b = node.createWallet('b');
  node.generate(101, addressScript(node.newAddress(a, 'bech32')));
  for (const t of ['legacy', 'p2sh-segwit', 'bech32', 'bech32m'] as const) {
    node.walletSend(a, [{ script: addressScript(node.newAddress(b, t)), value: 1e8 }]);
  }
  node.generate(1, addressScript(node.newAddress(a, 'bech32')));
  const txid = node.walletSend(b, [{ script: addressScript(node.newAddress(a, 'bech32m')), value: 3.9e8 }]);
  const e = node.mempool.entries.get(txid)!;
  assert.equal(e.tx.vin.length, 4);
  const prevouts = e.tx.vin.map((i) => node.chain.utxo.get(outpointKey(i.txid, i.vout))!);
  assert.deepEqual(verifyInputs(e.tx.raw, prevouts).sort(), ['bech32', 'bech32m', 'legacy', 'p2sh-segwit']);
  // Fee rate ~2 sat/vB on the real vsize.
  assert.ok(e.fee >= 2 * e.tx.vsize && e.fee < 2 * e.tx.vsize + 200, `fee ${e.fee} for vsize ${e.tx.vsize}`);
  node.generate(1, addressScript(node.newAddress(a, 'bech32')));
  assert.equal(node.mempool.entries.size, 0);
  assert.ok(node.chain.txIndex.has(txid));
});

test('wallet errors: insufficient funds, bad address, unknown address type', { timeout: 30_000 }, async () => {
  const node = await startNode();
  try {
    await assert.rejects(node.send(await node.newAddress(), 1), (e: any) => e.code === -6);
    await assert.rejects(node.send('notanaddress', 1), (e: any) => e.code === -5);
    await assert.rejects(node.rpc('getnewaddress', ['', 'weird']), (e: any) => e.code === -5);
  } finally {
    await node.cleanup();
  }
});
