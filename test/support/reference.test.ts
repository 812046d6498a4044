// The reference model gives unspendable (OP_RETURN) outputs no history, confirmed or in the
// mempool, as ElectrumX does; spendable outputs keep theirs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeReference, type RpcNode } from './reference.js';
import { scriptHash } from '../../src/bitcoin/scripthash.js';

const PAY = `0014${'11'.repeat(20)}`;
const CHANGE = `0014${'22'.repeat(20)}`;
const COMMITMENT = `6a24aa21a9ed${'33'.repeat(32)}`;
const MEMO = '6a0568656c6c6f';
const txid = (n: number) => n.toString(16).padStart(64, '0');

/** A two-block chain (genesis, then a coinbase paying PAY with a witness commitment) and one mempool spend. */
function stubNode(): RpcNode {
  const blocks = [
    { tx: [{ txid: txid(1), vin: [{ coinbase: '00' }], vout: [{ n: 0, value: 50, scriptPubKey: { hex: `41${'04'.repeat(65)}ac` } }] }] },
    { tx: [{ txid: txid(2), vin: [{ coinbase: '01' }], vout: [{ n: 0, value: 50, scriptPubKey: { hex: PAY } }, { n: 1, value: 0, scriptPubKey: { hex: COMMITMENT } }] }] },
  ];
  const spend = { txid: txid(3), vin: [{ txid: txid(2), vout: 0 }], vout: [{ n: 0, value: 49.9, scriptPubKey: { hex: CHANGE } }, { n: 1, value: 0, scriptPubKey: { hex: MEMO } }] };
  const answers: Record<string, (p: unknown[]) => unknown> = {
    getblockcount: () => blocks.length - 1,
    getblockhash: (p) => `b${String(p[0])}`.padEnd(64, '0'),
    getblockheader: () => '00'.repeat(80),
    getblock: (p) => blocks[Number(String(p[0]).slice(1, 2))],
    getrawmempool: () => ({ [spend.txid]: { vsize: 150, fees: { base: 0.1 } } }),
    getrawtransaction: () => spend,
  };
  return { rpc: async <T,>(method: string, params: unknown[] = []) => answers[method]!(params) as T };
}

test('OP_RETURN outputs get no history; the payment and its mempool spend do', async () => {
  const ref = await NodeReference.read(stubNode());
  assert.deepEqual(ref.historyOf(scriptHash(COMMITMENT)), []);
  assert.deepEqual(ref.historyOf(scriptHash(MEMO)), []);
  assert.ok(!ref.confirmedScriptHashes().includes(scriptHash(COMMITMENT)));
  assert.deepEqual(ref.confirmedScriptHashes(), [scriptHash(PAY)]);
  assert.deepEqual(ref.historyOf(scriptHash(PAY)), [{ tx_hash: txid(2), height: 1 }, { tx_hash: txid(3), height: 0, fee: 10_000_000 }]);
  assert.deepEqual(ref.confirmedUtxosOf(scriptHash(PAY)), [{ tx_hash: txid(2), tx_pos: 0, height: 1, value: 50_0000_0000 }]);
  assert.deepEqual(ref.utxosOf(scriptHash(PAY)), { confirmed: [], mempool: [] });
  assert.deepEqual(ref.utxosOf(scriptHash(CHANGE)).mempool, [{ tx_hash: txid(3), tx_pos: 0, height: 0, value: 49_9000_0000 }]);
  assert.deepEqual(ref.balanceOf(scriptHash(PAY)), { confirmed: 50_0000_0000, unconfirmed: -50_0000_0000 });
});
