import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sortMempool16, statusHash, type HistoryEntry } from '../../src/bitcoin/status.js';
import { checkHistoryOrder } from '../../src/methods/history-order.js';

const h = (tx_hash: string, height: number, fee?: number): HistoryEntry => (fee === undefined ? { tx_hash, height } : { tx_hash, height, fee });

const VECTOR: HistoryEntry[] = [
  h('a6c9c361bd0bc536d6a22648efbf8f9b200e425ef6c3a7a9669dc444c532a347', 2472),
  h('9c42f84b2fcdaff676ba25d9d4941741cc0d1a01cce0c23fdc4c0b2afa38431c', 2473),
  h('770f2d4371b3fabb902dd9a103e2dd005fcd3971181078fca4a2a1d6ff127b30', 2473),
  h('80b19848aed792565ab7c5a79b7c2a00fbf985741579396ebe0ab6098e607311', 0, 200),
  h('e02a1dadfa83b996b24175df807b271ea5d02937ef5b35c195fac1e1bdc3198f', 0, 300),
  h('bb4c8ab438c13b89ca80d1d5bee25b0b6b7f55673f4d801998ba97db161d9e85', -1, 400),
];

test('docs/protocol.md §4 test vector', () => {
  assert.equal(statusHash(VECTOR), '78e96c6562cafa71c115503b9411fdfdc595a45031e2ab76ff75162fe1b0590d');
  // Uppercase txids hash as their lowercase form (the definition uses lowercase).
  assert.equal(statusHash(VECTOR.map((e) => ({ ...e, tx_hash: e.tx_hash.toUpperCase() }))),
    '78e96c6562cafa71c115503b9411fdfdc595a45031e2ab76ff75162fe1b0590d');
  // Order matters.
  assert.notEqual(statusHash([VECTOR[1]!, VECTOR[0]!, ...VECTOR.slice(2)]), statusHash(VECTOR));
});

test('no entries -> null', () => {
  assert.equal(statusHash([]), null);
});

test('statuses recorded from ElectrumX and Fulcrum on regtest', () => {
  const cases: [string, [string, number][]][] = [
    ['d757853212fe800adce7d9ae78a2c02c134f07091fecaf74665583696e58399f', [
      ['9f7c128aa378394514a7232b23de77dccc047cbab6134ac617a06a37dee67b00', 102],
      ['b27fade03a843e675b3844161cb254d2a1c855166490c14a0777b7b0d80d54bb', 103],
      ['4e4417bda90fe53600b6ab9a7695c278ea9bc4e3696a75cfd77bd45c0e7460bf', 104],
    ]],
    ['59563013965654ae0e70e99e5c7a65591fde638c612cbcfecc29512775cd45a7', [
      ['7b44b324d4f019f4b572d166453928bd3b1c9eb6f18d80f430eabc669add1628', 102],
      ['ca69ac8f75ced829cf0c5fff956de37a7c2b3c88bf156f7806ca1409d02c2b24', 103],
      ['91f0a1f2961ceb4185e03dca06d691637c814b19ad6a341782900626d22a2d6a', 104],
      ['37822a889f447db0b0e89e8d9eeebe8f8f6a677a52546cc9f9ba9dbdc7e451a3', 105],
    ]],
    ['dfab206aec5763e915d33a8faab988b899d62fdeecc1ee592499bccde9f6534e', [
      ['f3a5517dd3f4306da868c1431129f957eca1b1f45c9533d0fc5ecf74f18b0b3d', 102],
      ['b7f7247e601831a8a9939f949308e24f74de2eba854a8d090660260638fdc9a6', 103],
      ['ea98444bbd09f24c223f03402a20bc0af1ceeed585cde0203ad553417bf2f455', 104],
      ['1041175f03f306f5841dafbc9c7f017a92cb902fa43ad902c1861276108a6fae', 107],
      ['a78c5e79d365f037eb87754f4fa76db875aef0c557897c0d7b884520443a1a5e', 107],
      ['209054f423b9a5649698217eed7b85cef4137b6b08b97674af56a3441a09a822', 107],
      ['cb2aaf7fec88a8a825ad2097a0204a32be11d9a9144250a0e65adc50e04c6753', 108],
      ['2d08ddef92f7017ed31fffc5b58b491664d27ceed82601b32821fa10842e8a39', 109],
    ]],
  ];
  for (const [status, rows] of cases) {
    const hist = rows.map(([t, ht]) => h(t, ht));
    assert.equal(statusHash(hist), status);
    assert.equal(checkHistoryOrder(hist, '1.6'), null);
  }
});

test('sortMempool16: height 0 before -1, then txid ascending; stable copy', () => {
  const a = h('aa'.repeat(32), -1, 1);
  const b = h('0b'.repeat(32), 0, 1);
  const c = h('0A'.repeat(32), 0, 1); // case-insensitive compare
  const d = h('01'.repeat(32), -1, 1);
  const input = [a, b, c, d];
  const sorted = sortMempool16(input);
  assert.deepEqual(sorted, [c, b, d, a]);
  assert.deepEqual(input, [a, b, c, d], 'input untouched');
  // The §4 vector's mempool part is already canonical.
  assert.deepEqual(sortMempool16(VECTOR.slice(3)), VECTOR.slice(3));
});

test('checkHistoryOrder accepts good histories', () => {
  assert.equal(checkHistoryOrder([], '1.4'), null);
  assert.equal(checkHistoryOrder(VECTOR, '1.6'), null);
  assert.equal(checkHistoryOrder(VECTOR, '1.4.2'), null);
  // Before 1.6 any mempool order is fine.
  const unordered = [...VECTOR.slice(0, 3), VECTOR[5]!, VECTOR[3]!, VECTOR[4]!];
  assert.equal(checkHistoryOrder(unordered, '1.5'), null);
  assert.match(checkHistoryOrder(unordered, '1.6')!, /entry 4: mempool entries not in protocol 1.6 order/);
  assert.match(checkHistoryOrder(unordered, '1.6.1')!, /1.6 order/);
});

test('checkHistoryOrder rejects each rule violation with its index', () => {
  const t = (i: number) => i.toString(16).padStart(64, '0');
  const cases: [HistoryEntry[], RegExp][] = [
    [[h(t(1), -2, 0)], /entry 0: height -2 is below -1/],
    [[h(t(1), 5), h(t(2), 4)], /entry 1: height 4 after height 5/],
    [[h(t(1), 0, 10), h(t(2), 4)], /entry 1: confirmed entry \(height 4\) after a mempool entry/],
    [[h(t(1), 5), h(t(2), 0)], /entry 1: mempool entry without a valid fee/],
    [[h(t(1), 5), h(t(2), -1, -3)], /entry 1: mempool entry without a valid fee/],
    [[h(t(1), 5), h(t(2), 6), h(t(1), 7)], /entry 2: txid .* appears twice/],
    [[h(t(1).toUpperCase(), 5), h(t(1), 6)], /entry 1: txid .* appears twice/],
    [[h('xyz', 5)], /entry 0: tx_hash is not 64 hex characters/],
    [[h(t(1), 1.5)], /entry 0: height is not an integer/],
    [[h(t(2), -1, 1), h(t(1), 0, 1)], /entry 1: mempool entries not in protocol 1.6 order/],
    [[h(t(2), 0, 1), h(t(1), 0, 1)], /entry 1: mempool entries not in protocol 1.6 order/],
  ];
  for (const [hist, re] of cases) assert.match(checkHistoryOrder(hist, '1.6') ?? 'null', re);
  // Equal confirmed heights are fine (block order), as is a fee of zero.
  assert.equal(checkHistoryOrder([h(t(1), 5), h(t(2), 5), h(t(3), 0, 0)], '1.6'), null);
});
