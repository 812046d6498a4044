/** Every result recorded from ElectrumX and Fulcrum passes its method's validator; broken ones fail. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findMethod } from '../../src/methods/registry.js';
import { check } from '../../src/methods/validate.js';
import { ProtocolError } from '../../src/errors.js';
import { listTranscripts, exchanges, notifications } from '../support/transcripts.js';

for (const t of listTranscripts()) {
  test(`${t.name}: every recorded result validates`, () => {
    let n = 0;
    for (const x of exchanges(t)) {
      if (x.reply.error || x.method === 'no.such.method') continue;
      const m = findMethod(x.method);
      assert.ok(m, `no record for ${x.method}`);
      const version = x.method === 'server.version' ? '1.4' : t.version;
      check(m.result, x.reply.result, { version, params: x.params });
      n++;
    }
    assert.ok(n > 40, `only ${n} results checked`);
  });

  test(`${t.name}: every notification validates`, () => {
    const ns = notifications(t);
    assert.ok(ns.length >= 2);
    for (const n of ns) {
      const m = findMethod(n.method);
      assert.ok(m?.notification, `${n.method} has no notification validator`);
      check(m.notification, n.params, { version: t.version, params: [] });
    }
  });
}

const ctx16 = { version: '1.6', params: [] as unknown[] };
const bad: [string, unknown, unknown[]?][] = [
  ['blockchain.scripthash.get_balance', { confirmed: '1' , unconfirmed: 0 }],
  ['blockchain.scripthash.get_balance', { confirmed: 1 }],
  ['blockchain.scripthash.get_history', [{ tx_hash: 'zz', height: 1 }]],
  ['blockchain.scripthash.get_history', [{ tx_hash: 'a'.repeat(64), height: -2 }]],
  ['blockchain.scripthash.get_history', [{ tx_hash: 'a'.repeat(64), height: 5 }, { tx_hash: 'b'.repeat(64), height: 4 }]],
  ['blockchain.scripthash.get_history', [{ tx_hash: 'a'.repeat(64), height: 0 }]],
  ['blockchain.scripthash.get_history', [{ tx_hash: 'a'.repeat(64), height: 0, fee: 1 }, { tx_hash: 'b'.repeat(64), height: 3 }]],
  ['blockchain.scripthash.get_history', [{ tx_hash: 'a'.repeat(64), height: 3 }, { tx_hash: 'a'.repeat(64), height: 3 }]],
  ['blockchain.scripthash.get_mempool', [{ tx_hash: 'a'.repeat(64), height: 5, fee: 1 }]],
  ['blockchain.scripthash.listunspent', [{ tx_hash: 'a'.repeat(64), tx_pos: 0, height: 1 }]],
  ['blockchain.scripthash.subscribe', 'abc'],
  ['blockchain.block.header', 'abcd', [5]],
  ['blockchain.block.headers', { count: 1, max: 2016, hex: '00'.repeat(80) }],
  ['blockchain.transaction.get_merkle', { block_height: 1, merkle: Array(31).fill('a'.repeat(64)), pos: 0 }],
  ['mempool.get_fee_histogram', [[1, 100], [2, 100]]],
  ['blockchain.estimatefee', -2],
  ['server.features', { hosts: {}, genesis_hash: 'x' }],
  ['server.ping', 1],
  ['server.version', ['ElectrumX']],
];
test('malformed results are rejected with a ProtocolError naming the path', () => {
  for (const [method, value, params] of bad) {
    const m = findMethod(method)!;
    assert.throws(() => check(m.result, value, { ...ctx16, params: params ?? [] }), (e: unknown) => {
      assert.ok(e instanceof ProtocolError, `${method}: ${String(e)}`);
      assert.match((e as Error).message, /^invalid reply: result/);
      return true;
    }, `${method} accepted ${JSON.stringify(value)}`);
  }
});

test('1.0 servers may send decimal-string balances; 1.1+ may not', () => {
  const legacy = findMethod('blockchain.address.get_balance')!;
  check(legacy.result, { confirmed: '1.03873966', unconfirmed: '0' }, { version: '1.0', params: [] });
  assert.throws(() => check(findMethod('blockchain.scripthash.get_balance')!.result, { confirmed: '1.0', unconfirmed: 0 }, ctx16));
});
