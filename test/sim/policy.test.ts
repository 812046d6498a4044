/**
 * Mempool policy and wallet rules where the simulator must answer as Bitcoin Core does: script
 * pushes (MINIMALDATA), finality, the wallet's refusal to build too long unconfirmed chains, and
 * mempool.dat persistence. Every test here also runs against a real bitcoind (BITCOIND/BITCOIN_CLI).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transaction } from 'bitcoinjs-lib';
import { startNode, NodeRpcError, type NodeHandle } from '../support/bitcoind.js';
import { LONG_CHAIN_ERROR } from '../../sim/node.js';
import { scriptAddress } from '../../sim/script.js';

const sats = (btc: number) => Math.round(btc * 1e8);

/** P2WSH of a witness script, and its regtest address. */
function p2wsh(ws: Buffer): { script: Buffer; address: string } {
  const script = Buffer.concat([Buffer.from([0x00, 0x20]), createHash('sha256').update(ws).digest()]);
  return { script, address: scriptAddress(script)! };
}

const OP_TRUE = Buffer.from([0x51]);
const ANYONE = p2wsh(OP_TRUE);

/** Pays btc from the wallet to address and returns that output once confirmed. */
async function fund(node: NodeHandle, address: string, btc: number): Promise<{ txid: string; vout: number; value: number }> {
  const txid = await node.send(address, btc);
  await node.mine(1);
  const tx = await node.rpc<{ vout: { n: number; scriptPubKey: { address?: string } }[] }>('getrawtransaction', [txid, true]);
  return { txid, vout: tx.vout.find((o) => o.scriptPubKey.address === address)!.n, value: sats(btc) };
}

/** A spend of a P2WSH coin by its witness script alone, to ANYONE, RBF-signalling. */
function spend(coin: { txid: string; vout: number; value: number }, ws: Buffer, opts: { locktime?: number; sequence?: number } = {}): { hex: string; txid: string } {
  const t = new Transaction();
  t.version = 2;
  t.locktime = opts.locktime ?? 0;
  t.addInput(Buffer.from(coin.txid, 'hex').reverse(), coin.vout, opts.sequence ?? 0xfffffffd);
  t.addOutput(ANYONE.script, BigInt(coin.value - 2000));
  t.setWitness(0, [ws]);
  return { hex: t.toHex(), txid: t.getId() };
}

test('a non-minimal push in a witness script is refused as Core\'s policy refuses it; the minimal form is accepted', { timeout: 60_000 }, async () => {
  const node = await startNode();
  try {
    await node.mine(101);
    const loose = Buffer.from([0x01, 0x07, 0x75, 0x51]); // <07> as a one-byte push: OP_7 is the minimal form
    const tight = Buffer.from([0x57, 0x75, 0x51]); // OP_7 OP_DROP OP_TRUE
    const a = await fund(node, p2wsh(loose).address, 0.5);
    const b = await fund(node, p2wsh(tight).address, 0.5);
    const bad = spend(a, loose);
    const [tested] = await node.rpc<any[]>('testmempoolaccept', [[bad.hex]]);
    assert.equal(tested.allowed, false);
    assert.equal(tested['reject-reason'], 'mempool-script-verify-flag-failed (Data push larger than necessary)');
    await assert.rejects(node.rpc('sendrawtransaction', [bad.hex]), (e: unknown) => e instanceof NodeRpcError && e.code === -26
      && e.message.startsWith('mempool-script-verify-flag-failed (Data push larger than necessary)'));
    const good = spend(b, tight);
    assert.equal(await node.rpc('sendrawtransaction', [good.hex]), good.txid);
    // Consensus does not require minimal pushes: a miner may still confirm the loose spend.
    await node.rpc('generateblock', [await node.newAddress(), [bad.hex]]);
    assert.ok((await node.rpc<any>('getrawtransaction', [bad.txid, true])).confirmations >= 1);
  } finally {
    await node.cleanup();
  }
});

test('a tx locked to the next block\'s height is non-final; a reorg below it drops it from the mempool', { timeout: 60_000 }, async () => {
  const node = await startNode();
  try {
    await node.mine(101);
    const coin = await fund(node, ANYONE.address, 1);
    await node.mine(1); // so that invalidating the tip keeps the coin confirmed
    const tip = await node.rpc<number>('getblockcount');
    const early = spend(coin, OP_TRUE, { locktime: tip + 1 });
    const [r] = await node.rpc<any[]>('testmempoolaccept', [[early.hex]]);
    assert.equal(r['reject-reason'], 'non-final');
    // Relative lock (BIP68): 5 blocks after the coin's confirmation, 2 blocks ago.
    const relative = spend(coin, OP_TRUE, { sequence: 5 });
    assert.equal((await node.rpc<any[]>('testmempoolaccept', [[spend(coin, OP_TRUE, { sequence: 2 }).hex]]))[0].allowed, true);
    assert.equal((await node.rpc<any[]>('testmempoolaccept', [[relative.hex]]))[0]['reject-reason'], 'non-BIP68-final');
    const ok = spend(coin, OP_TRUE, { locktime: tip });
    await node.rpc('sendrawtransaction', [ok.hex]);
    const top = await node.rpc<string>('getbestblockhash');
    await node.invalidate(top);
    assert.deepEqual(await node.rpc('getrawmempool'), [], 'locktime = the old tip height is not final one block lower');
  } finally {
    await node.cleanup();
  }
});

test('the wallet spends unconfirmed change, but refuses to grow a chain past the mempool limits (Core\'s message)', { timeout: 120_000 }, async () => {
  const node = await startNode();
  try {
    await node.mine(101); // one mature coinbase: every payment spends the previous one's change
    const payee = await node.otherAddress();
    for (let i = 0; i < 25; i++) await node.send(payee, 0.01);
    assert.equal((await node.rpc<string[]>('getrawmempool')).length, 25);
    await assert.rejects(node.send(payee, 0.01), (e: unknown) => e instanceof NodeRpcError && e.code === -6 && e.message === LONG_CHAIN_ERROR);
    await node.mine(1);
    assert.match(await node.send(payee, 0.01), /^[0-9a-f]{64}$/, 'confirmed change is spendable again');
    // More than the wallet has is the plain message.
    await assert.rejects(node.send(payee, 1000), (e: unknown) => e instanceof NodeRpcError && e.code === -6 && e.message === 'Insufficient funds');
  } finally {
    await node.cleanup();
  }
});

test('mempool.dat: written by a clean stop and loaded at start, not written by kill -9 (the wallet resubmits its own); savemempool; -persistmempool=0', { timeout: 120_000 }, async () => {
  const node = await startNode({ process: true });
  const file = path.join(node.datadir, 'regtest', 'mempool.dat');
  try {
    await node.mine(101);
    const c1 = await fund(node, ANYONE.address, 1);
    const c2 = await fund(node, ANYONE.address, 1);
    // Neither spend involves the wallet, whose own txs Core resubmits when it loads.
    const t1 = spend(c1, OP_TRUE);
    await node.rpc('sendrawtransaction', [t1.hex]);
    await node.restart();
    assert.ok(fs.existsSync(file), 'mempool.dat after a clean stop');
    assert.deepEqual(await node.rpc('getrawmempool'), [t1.txid]);
    const t2 = spend(c2, OP_TRUE);
    await node.rpc('sendrawtransaction', [t2.hex]);
    const paid = await node.send(await node.otherAddress(), 0.5);
    await node.kill();
    await node.start();
    // What the last clean stop saved, plus the wallet's own payment: a wallet resubmits its
    // unconfirmed txs when it loads (Core's CWallet::postInitProcess).
    assert.deepEqual((await node.rpc<string[]>('getrawmempool')).sort(), [t1.txid, paid].sort());
    await node.rpc('sendrawtransaction', [t2.hex]);
    const saved = await node.rpc<{ filename: string }>('savemempool');
    assert.equal(path.basename(saved.filename), 'mempool.dat');
  } finally {
    await node.cleanup();
  }
  const off = await startNode({ persistMempool: false });
  try {
    await off.mine(101);
    const c = await fund(off, ANYONE.address, 1);
    await off.rpc('sendrawtransaction', [spend(c, OP_TRUE).hex]);
    await off.restart();
    assert.deepEqual(await off.rpc('getrawmempool'), []);
    assert.equal(fs.existsSync(path.join(off.datadir, 'regtest', 'mempool.dat')), false);
  } finally {
    await off.cleanup();
  }
});
