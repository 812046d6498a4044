import { test } from 'node:test';
import assert from 'node:assert/strict';
import { METHODS, COMMANDS, chooseMethod, findMethod, methodsAt } from '../../src/methods/registry.js';
import { paramsAt } from '../../src/methods/spec.js';

/** Every method of docs/protocol.md §5.1 and §5.2 (Bitcoin; altcoin-only ones are out of scope). */
const PROTOCOL_METHODS = [
  'server.version', 'server.banner', 'server.donation_address', 'server.features', 'server.add_peer',
  'server.peers.subscribe', 'server.ping', 'blockchain.headers.subscribe', 'blockchain.block.header',
  'blockchain.block.headers', 'blockchain.estimatefee', 'blockchain.relayfee',
  'blockchain.scripthash.get_balance', 'blockchain.scripthash.get_history', 'blockchain.scripthash.get_mempool',
  'blockchain.scripthash.listunspent', 'blockchain.scripthash.subscribe', 'blockchain.scripthash.unsubscribe',
  'blockchain.transaction.broadcast', 'blockchain.transaction.broadcast_package', 'blockchain.transaction.get',
  'blockchain.transaction.get_merkle', 'blockchain.transaction.id_from_pos', 'mempool.get_fee_histogram',
  'mempool.get_info', 'blockchain.address.get_balance', 'blockchain.address.get_history',
  'blockchain.address.get_mempool', 'blockchain.address.listunspent', 'blockchain.address.subscribe',
  'blockchain.address.get_proof', 'blockchain.numblocks.subscribe', 'blockchain.utxo.get_address',
  'blockchain.block.get_header', 'blockchain.block.get_chunk',
  // The 1.7 draft (docs/protocol.md §5.4, ElectrumX master).
  'blockchain.scriptpubkey.get_balance', 'blockchain.scriptpubkey.get_history', 'blockchain.scriptpubkey.get_mempool',
  'blockchain.scriptpubkey.listunspent', 'blockchain.scriptpubkey.subscribe', 'blockchain.scriptpubkey.unsubscribe',
  'blockchain.outpoint.get_status', 'blockchain.outpoint.subscribe', 'blockchain.outpoint.unsubscribe',
  'blockchain.transaction.testmempoolaccept', 'mempool.recent',
];

/** docs/architecture.md §2: subcommand -> methods. */
const DESIGN_TABLE: Record<string, string[]> = {
  version: ['server.version'],
  banner: ['server.banner'],
  'donation-address': ['server.donation_address'],
  features: ['server.features'],
  peers: ['server.peers.subscribe'],
  'add-peer': ['server.add_peer'],
  ping: ['server.ping'],
  balance: ['blockchain.scripthash.get_balance', 'blockchain.address.get_balance', 'blockchain.scriptpubkey.get_balance'],
  history: ['blockchain.scripthash.get_history', 'blockchain.address.get_history', 'blockchain.scriptpubkey.get_history'],
  mempool: ['blockchain.scripthash.get_mempool', 'blockchain.address.get_mempool', 'blockchain.scriptpubkey.get_mempool'],
  utxos: ['blockchain.scripthash.listunspent', 'blockchain.address.listunspent', 'blockchain.scriptpubkey.listunspent'],
  subscribe: ['blockchain.scripthash.subscribe', 'blockchain.address.subscribe', 'blockchain.scriptpubkey.subscribe'],
  unsubscribe: ['blockchain.scripthash.unsubscribe', 'blockchain.scriptpubkey.unsubscribe'],
  proof: ['blockchain.address.get_proof'],
  header: ['blockchain.block.header', 'blockchain.block.get_header'],
  headers: ['blockchain.block.headers'],
  chunk: ['blockchain.block.get_chunk'],
  tip: ['blockchain.headers.subscribe'],
  height: ['blockchain.numblocks.subscribe'],
  estimatefee: ['blockchain.estimatefee'],
  relayfee: ['blockchain.relayfee'],
  'fee-histogram': ['mempool.get_fee_histogram'],
  'mempool-info': ['mempool.get_info'],
  tx: ['blockchain.transaction.get'],
  broadcast: ['blockchain.transaction.broadcast'],
  'broadcast-package': ['blockchain.transaction.broadcast_package'],
  merkle: ['blockchain.transaction.get_merkle'],
  'tx-from-pos': ['blockchain.transaction.id_from_pos'],
  'utxo-address': ['blockchain.utxo.get_address'],
  'outpoint-status': ['blockchain.outpoint.get_status'],
  'outpoint-watch': ['blockchain.outpoint.subscribe'],
  'outpoint-unwatch': ['blockchain.outpoint.unsubscribe'],
  testmempoolaccept: ['blockchain.transaction.testmempoolaccept'],
  'mempool-recent': ['mempool.recent'],
};

test('every protocol method has exactly one record', () => {
  const names = METHODS.map((m) => m.name);
  assert.deepEqual([...names].sort(), [...PROTOCOL_METHODS].sort());
  assert.equal(new Set(names).size, names.length);
});

test('every method is served by the subcommand docs/architecture.md §2 names, modern variant first', () => {
  const got = Object.fromEntries([...COMMANDS].map(([name, c]) => [name, c.methods.map((m) => m.name)]));
  assert.deepEqual(got, DESIGN_TABLE);
});

test('every record is documented: summary, params, command help and --json shape', () => {
  for (const m of METHODS) {
    assert.ok(m.summary.length > 10, `${m.name} summary`);
    for (const p of m.params) assert.ok(p.description, `${m.name} param ${p.name}`);
  }
  for (const [name, c] of COMMANDS) {
    assert.ok(c.spec.json.length > 0, `${name} json shape`);
    for (const a of c.spec.args) {
      assert.ok(a.description, `${name} arg ${a.name}`);
      const fed = c.methods.some((m) => m.params.some((p) => p.name === a.param || (a.kind === 'target' && (p.kind === 'scripthash' || p.kind === 'address'))));
      assert.ok(fed, `${name} arg ${a.name} feeds no param`);
    }
    for (const o of c.spec.options ?? []) {
      if (o.param) assert.ok(c.methods.some((m) => m.params.some((p) => p.name === o.param)), `${name} ${o.flags}`);
    }
  }
});

test('the negotiated version picks the wire method', () => {
  const balance = COMMANDS.get('balance')!;
  assert.equal(chooseMethod(balance, '1.0')?.name, 'blockchain.address.get_balance');
  assert.equal(chooseMethod(balance, '1.1')?.name, 'blockchain.scripthash.get_balance');
  assert.equal(chooseMethod(balance, '1.4')?.name, 'blockchain.scripthash.get_balance');
  assert.equal(chooseMethod(balance, '1.6', 'blockchain.address.get_balance')?.name, 'blockchain.address.get_balance');
  const header = COMMANDS.get('header')!;
  assert.equal(chooseMethod(header, '1.2')?.name, 'blockchain.block.get_header');
  assert.equal(chooseMethod(header, '1.3')?.name, 'blockchain.block.header');
  assert.equal(chooseMethod(COMMANDS.get('relayfee')!, '1.6'), undefined);
  assert.equal(chooseMethod(COMMANDS.get('relayfee')!, '1.4')?.name, 'blockchain.relayfee');
  assert.equal(chooseMethod(COMMANDS.get('unsubscribe')!, '1.4'), undefined);
  assert.equal(chooseMethod(COMMANDS.get('unsubscribe')!, '1.4.2')?.name, 'blockchain.scripthash.unsubscribe');
});

test('server method tables per version follow ElectrumX (docs/protocol.md §11)', () => {
  const at = (v: string) => new Set(methodsAt(v).map((m) => m.name));
  assert.ok(at('1.4').has('blockchain.relayfee') && !at('1.6').has('blockchain.relayfee'));
  assert.ok(!at('1.4').has('mempool.get_info') && at('1.6').has('mempool.get_info'));
  assert.ok(!at('1.4').has('blockchain.scripthash.unsubscribe') && at('1.4.2').has('blockchain.scripthash.unsubscribe'));
  assert.ok(at('1.0').has('blockchain.address.get_balance') && !at('1.3').has('blockchain.address.get_balance'));
  assert.ok(at('1.0').has('blockchain.numblocks.subscribe') && !at('1.1').has('blockchain.numblocks.subscribe'));
  assert.ok(!at('1.0').has('server.features') && !at('1.1').has('server.ping') && at('1.2').has('server.ping'));
});

test('params by version', () => {
  const get = findMethod('blockchain.transaction.get')!;
  assert.deepEqual(paramsAt(get, '1.0').map((p) => p.name), ['tx_hash', 'height']);
  assert.deepEqual(paramsAt(get, '1.1').map((p) => p.name), ['tx_hash']);
  assert.deepEqual(paramsAt(get, '1.6').map((p) => p.name), ['tx_hash', 'verbose']);
  assert.deepEqual(paramsAt(findMethod('blockchain.estimatefee')!, '1.4').map((p) => p.name), ['number']);
  assert.deepEqual(paramsAt(findMethod('blockchain.headers.subscribe')!, '1.2').map((p) => p.name), ['raw']);
  assert.deepEqual(paramsAt(findMethod('blockchain.headers.subscribe')!, '1.4').map((p) => p.name), []);
});
