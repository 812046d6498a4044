import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startNode } from '../support/bitcoind.js';
import { serializeTx } from '../../sim/chaingen.js';
import { SimNode } from '../../sim/node.js';
import { addressScript } from '../../sim/script.js';
import { parseTx } from '../../sim/tx.js';
import { dispatch } from '../../sim/rpc.js';

const sats = (btc: number) => Math.round(btc * 1e8);

test('getrawmempool verbose: fields, fee math, parents and children', { timeout: 60_000 }, async () => {
  const node = await startNode();
  try {
    await node.mine(101);
    // Only one coinbase is mature, so the second send spends the first one's change: a chain.
    const parent = await node.send(await node.newAddress('bech32'), 2);
    const child = await node.send(await node.newAddress('bech32m'), 1);
    const pool = await node.rpc<Record<string, any>>('getrawmempool', [true]);
    assert.deepEqual(Object.keys(pool).sort(), [parent, child].sort());
    for (const id of [parent, child]) {
      const e = pool[id];
      const tx = await node.rpc<any>('getrawtransaction', [id, 1]);
      assert.equal(e.vsize, tx.vsize);
      assert.equal(e.weight, tx.weight);
      assert.equal(e.wtxid, tx.hash);
      assert.equal(typeof e.time, 'number');
      assert.equal(e.height, 101);
      let inSum = 0;
      for (const i of tx.vin) {
        const prev = await node.rpc<any>('getrawtransaction', [i.txid, 1]);
        inSum += sats(prev.vout[i.vout].value);
      }
      const fee = inSum - tx.vout.reduce((s: number, o: any) => s + sats(o.value), 0);
      assert.equal(sats(e.fees.base), fee);
      assert.equal(sats(e.fees.modified), fee);
      assert.ok(fee >= tx.vsize, 'at least 1 sat/vB');
      assert.deepEqual(await node.rpc('getmempoolentry', [id]), e);
    }
    assert.deepEqual(pool[parent].depends, []);
    assert.deepEqual(pool[parent].spentby, [child]);
    assert.deepEqual(pool[child].depends, [parent]);
    assert.equal(pool[child].ancestorcount, 2);
    assert.equal(pool[parent].descendantcount, 2);
    assert.equal(sats(pool[child].fees.ancestor), sats(pool[child].fees.base) + sats(pool[parent].fees.base));
    assert.equal(sats(pool[parent].fees.descendant), sats(pool[child].fees.base) + sats(pool[parent].fees.base));
    assert.equal(pool[child].ancestorsize, pool[child].vsize + pool[parent].vsize);
    const info = await node.rpc<any>('getmempoolinfo');
    assert.equal(info.loaded, true);
    assert.equal(info.size, 2);
    assert.equal(info.bytes, pool[parent].vsize + pool[child].vsize);
    assert.equal(sats(info.total_fee), sats(pool[parent].fees.base) + sats(pool[child].fees.base));
    await assert.rejects(node.rpc('getmempoolentry', ['00'.repeat(32)]), (e: any) => e.code === -5);
  } finally {
    await node.cleanup();
  }
});

test('bumpfee replaces the original, which leaves the mempool', { timeout: 60_000 }, async () => {
  const node = await startNode();
  try {
    await node.mine(101);
    const orig = await node.send(await node.newAddress(), 3);
    const before = await node.rpc<any>('getmempoolentry', [orig]);
    const r = await node.rpc<{ txid: string; origfee: number; fee: number }>('bumpfee', [orig]);
    assert.notEqual(r.txid, orig);
    assert.ok(r.fee > r.origfee);
    const pool = await node.rpc<string[]>('getrawmempool');
    assert.deepEqual(pool, [r.txid]);
    const after = await node.rpc<any>('getmempoolentry', [r.txid]);
    assert.ok(after.fees.base / after.vsize > before.fees.base / before.vsize);
    await assert.rejects(node.rpc('getrawtransaction', [orig]), (e: any) => e.code === -5);
    await node.mine(1);
    assert.equal((await node.rpc<any>('getrawtransaction', [r.txid, true])).confirmations, 1);
  } finally {
    await node.cleanup();
  }
});

/** A sim node with one mature 50 BTC coinbase spendable by OP_TRUE-free wallet signing. */
function fundedSim() {
  const node = new SimNode();
  const w = node.createWallet('w');
  node.generate(101, addressScript(node.newAddress(w, 'bech32')));
  return { node, w };
}

test('sendrawtransaction: Core codes for missing inputs, conflicts, low fees, already confirmed', () => {
  const { node, w } = fundedSim();
  const coin = node.spendable(w)[0];
  const to = addressScript(node.newAddress(w, 'bech32'));
  const mk = (fee: number) => w.sign([coin], [{ script: to, value: coin.value - fee }], 0).toString('hex');
  const low = mk(50);
  const a = mk(1000);
  const b = mk(1050);
  const c = mk(5000);
  assert.throws(() => node.sendRaw(low), (e: any) => e.code === -26 && /^min relay fee not met, 50 < \d+$/.test(e.message));
  const ida = node.sendRaw(a);
  assert.equal(node.sendRaw(a), ida, 'resending a mempool tx returns its txid');
  // b conflicts with a and pays more in total but not enough more to cover relay of its own size.
  assert.throws(() => node.sendRaw(b), (e: any) => e.code === -26 && e.message.startsWith('insufficient fee, rejecting replacement'));
  const idc = node.sendRaw(c);
  assert.deepEqual([...node.mempool.entries.keys()], [idc], 'full-RBF evicted a');
  assert.throws(() => node.sendRaw(a), (e: any) => e.code === -26 && /new feerate .* <= old feerate/.test(e.message));
  node.generate(1, to);
  assert.throws(() => node.sendRaw(c), (e: any) => e.code === -27 && e.message === 'Transaction outputs already in utxo set');
  assert.throws(() => node.sendRaw(a), (e: any) => e.code === -25 && e.message === 'bad-txns-inputs-missingorspent');
  assert.throws(() => node.sendRaw('zz'), (e: any) => e.code === -22);
  // Replacement evicts descendants too.
  const coin2 = node.spendable(w).find((x) => x.confirmations > 0 && x.coinbase)!;
  const p1 = parseTx(w.sign([coin2], [{ script: to, value: coin2.value - 1000 }], 0));
  node.sendRaw(p1.raw.toString('hex'));
  const ch = w.sign([{ txid: p1.txid, vout: 0, value: p1.vout[0].value, script: to }], [{ script: to, value: p1.vout[0].value - 1000 }], 0);
  const chId = node.sendRaw(ch.toString('hex'));
  assert.equal(node.mempool.entries.get(chId)!.parents.has(p1.txid), true);
  const rep = w.sign([coin2], [{ script: to, value: coin2.value - 10_000 }], 0);
  const repId = node.sendRaw(rep.toString('hex'));
  assert.deepEqual([...node.mempool.entries.keys()], [repId]);
});

test('testmempoolaccept and submitpackage (CPFP of a zero-fee parent)', () => {
  const { node, w } = fundedSim();
  const coin = node.spendable(w)[0];
  const to = addressScript(node.newAddress(w, 'bech32'));
  const parent = parseTx(w.sign([coin], [{ script: to, value: coin.value }], 0));
  const child = parseTx(w.sign([{ txid: parent.txid, vout: 0, value: coin.value, script: to }], [{ script: to, value: coin.value - 5000 }], 0));
  const rpc = (m: string, p: unknown[]) => dispatch({ node, requestStop: () => {} }, m, p);
  {
    const t = rpc('testmempoolaccept', [[parent.raw.toString('hex')]]) as any[];
    assert.equal(t[0].allowed, false);
    assert.equal(t[0]['reject-reason'], 'min relay fee not met');
    const pkg = rpc('submitpackage', [[parent.raw.toString('hex'), child.raw.toString('hex')]]) as any;
    assert.equal(pkg.package_msg, 'success');
    assert.deepEqual(Object.keys(pkg['tx-results']).sort(), [parent.wtxid, child.wtxid].sort());
    assert.equal(pkg['tx-results'][parent.wtxid].txid, parent.txid);
    assert.equal(pkg['tx-results'][parent.wtxid].fees.base, 0);
    assert.deepEqual(pkg['replaced-transactions'], []);
    assert.equal(node.mempool.entries.size, 2);
    const again = rpc('testmempoolaccept', [[child.raw.toString('hex')]]) as any[];
    assert.equal(again[0]['reject-reason'], 'txn-already-in-mempool');
    // An unrelated spend of an unknown output.
    const bogus = serializeTx([{ txid: '11'.repeat(32), vout: 0, witness: [Buffer.from([0x51])] }], [{ script: to, value: 10_000 }]);
    const m = rpc('testmempoolaccept', [[bogus.toString('hex')]]) as any[];
    assert.equal(m[0]['reject-reason'], 'missing-inputs');
  }
});

test('estimatesmartfee: insufficient data, then a deterministic feerate', { timeout: 60_000 }, async () => {
  const node = await startNode({ forceSim: true });
  try {
    await node.mine(101);
    const none = await node.rpc<any>('estimatesmartfee', [6]);
    assert.deepEqual(none.errors, ['Insufficient data or no feerate found']);
    for (let i = 0; i < 5; i++) await node.send(await node.newAddress(), 0.1);
    await node.mine(1);
    const est = await node.rpc<any>('estimatesmartfee', [1]);
    assert.equal(est.blocks, 2);
    assert.ok(est.feerate >= 0.00001);
    assert.deepEqual(await node.rpc<any>('estimatesmartfee', [1]), est);
  } finally {
    await node.cleanup();
  }
});
