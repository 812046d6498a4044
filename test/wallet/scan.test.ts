// The gap-limit scan over a fake query: what is found, what is not, batches per round.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanWallet, type HistoryItem, type ScanQuery } from '../../src/wallet/scan.js';
import type { WalletSource } from '../../src/wallet/source.js';

const source: WalletSource = {
  kind: 'wpkh',
  chains: 2,
  derive: (chain, index) => ({ chain, index, address: `a${chain}/${index}`, script: '', scripthash: `${chain}:${index}` }),
};

function fakeQuery(used: Record<string, HistoryItem[]>) {
  const rounds: number[] = [];
  const q: ScanQuery = {
    histories: async (h) => {
      rounds.push(h.length);
      return h.map((x) => used[x] ?? []);
    },
    balances: async (h) => h.map((x) => ({ confirmed: (used[x]?.length ?? 0) * 1000, unconfirmed: 0 })),
    utxos: async (h) => h.map((x) => (used[x] ?? []).map((e, i) => ({ tx_hash: e.tx_hash, tx_pos: i, height: e.height, value: 1000 }))),
  };
  return { q, rounds };
}

const tx = (n: number, height = 100): HistoryItem => ({ tx_hash: n.toString(16).padStart(64, '0'), height });

test('finds addresses within the gap, stops after gapLimit unused, misses those beyond', async () => {
  const { q, rounds } = fakeQuery({ '0:0': [tx(1)], '0:3': [tx(2)], '0:22': [tx(3), tx(4, 0)], '0:60': [tx(5)], '1:1': [tx(1)] });
  const r = await scanWallet(source, q, { gapLimit: 20 });
  assert.deepEqual(r.addresses.map((a) => `${a.chain}/${a.index}`), ['0/0', '0/3', '0/22', '1/1']);
  assert.equal(r.total.tx_count, 4); // tx 1 is on both chains: counted once
  assert.equal(r.total.confirmed, 5000);
  assert.equal(r.total.utxo_count, 5);
  assert.deepEqual(r.next, [{ chain: 0, index: 23, address: 'a0/23' }, { chain: 1, index: 2, address: 'a1/2' }]);
  // receive scans 0..42, change 0..21: every round is one batch covering both chains.
  assert.equal(r.total.addresses_scanned, 43 + 22);
  assert.deepEqual(rounds, [40, 4 + 2, 19]);
});

test('a wider gap limit reaches further; an empty wallet scans exactly gapLimit per chain', async () => {
  const { q } = fakeQuery({ '0:0': [tx(1)], '0:60': [tx(5)] });
  const r = await scanWallet(source, q, { gapLimit: 60 });
  assert.deepEqual(r.addresses.map((a) => a.index), [0, 60]);
  const empty = await scanWallet(source, fakeQuery({}).q, { gapLimit: 5 });
  assert.equal(empty.total.addresses_scanned, 10);
  assert.deepEqual(empty.addresses, []);
  assert.deepEqual(empty.next.map((n) => n.index), [0, 0]);
});

test('progress after each round: derived so far and the fewest the scan still needs, reaching it at the end', async () => {
  const { q } = fakeQuery({ '0:0': [tx(1)], '0:3': [tx(2)], '0:22': [tx(3)], '1:1': [tx(1)] });
  const seen: { derived: number; used: number; planned: number }[] = [];
  const r = await scanWallet(source, q, { gapLimit: 20, onProgress: (p) => seen.push(p) });
  // Round 1: 0..19 on both chains finds 0:0, 0:3, 1:1 -> needs 0..23 and 0..21; round 2 finds 0:22 -> 0..42.
  assert.deepEqual(seen, [
    { derived: 40, used: 3, planned: 24 + 22 },
    { derived: 46, used: 4, planned: 43 + 22 },
    { derived: 65, used: 4, planned: 65 },
  ]);
  assert.equal(seen.at(-1)!.derived, r.total.addresses_scanned);
});
