import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/errors.js';
import { NETWORKS, NETWORK_NAMES, networkByGenesis, parseNetwork } from '../../src/bitcoin/networks.js';

test('every network has consistent, distinct constants', () => {
  assert.deepEqual(Object.keys(NETWORKS).sort(), [...NETWORK_NAMES].sort());
  for (const n of NETWORK_NAMES) {
    const net = NETWORKS[n];
    assert.equal(net.name, n);
    assert.match(net.genesisHash, /^[0-9a-f]{64}$/);
  }
  assert.equal(new Set(NETWORK_NAMES.map((n) => NETWORKS[n].genesisHash)).size, 5);
  assert.equal(new Set(NETWORK_NAMES.map((n) => NETWORKS[n].rpcPort)).size, 5);
});

test('table of docs/protocol.md §1.2 and the bitcoind layout', () => {
  const rows: [string, string, number, number, number, number, string, string][] = [
    ['mainnet', 'bc', 0x00, 0x05, 50001, 8332, '', '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f'],
    ['testnet', 'tb', 0x6f, 0xc4, 51001, 18332, 'testnet3', '000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943'],
    ['testnet4', 'tb', 0x6f, 0xc4, 51001, 48332, 'testnet4', '00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043'],
    ['signet', 'tb', 0x6f, 0xc4, 51001, 38332, 'signet', '00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6'],
    ['regtest', 'bcrt', 0x6f, 0xc4, 51001, 18443, 'regtest', '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206'],
  ];
  for (const [name, hrp, pkh, sh, t, rpc, dir, genesis] of rows) {
    const net = NETWORKS[name as keyof typeof NETWORKS];
    assert.equal(net.hrp, hrp, name);
    assert.equal(net.p2pkh, pkh, name);
    assert.equal(net.p2sh, sh, name);
    assert.equal(net.tcpPort, t, name);
    assert.equal(net.sslPort, t + 1, name);
    assert.equal(net.rpcPort, rpc, name);
    assert.equal(net.datadirSubdir, dir, name);
    assert.equal(net.genesisHash, genesis, name);
    assert.equal(networkByGenesis(genesis.toUpperCase()), name);
  }
  assert.equal(networkByGenesis('00'.repeat(32)), null);
});

test('parseNetwork accepts names and aliases, any case', () => {
  assert.equal(parseNetwork('mainnet'), 'mainnet');
  assert.equal(parseNetwork('Main'), 'mainnet');
  assert.equal(parseNetwork('testnet'), 'testnet');
  assert.equal(parseNetwork('testnet3'), 'testnet');
  assert.equal(parseNetwork('TESTNET4'), 'testnet4');
  assert.equal(parseNetwork(' signet '), 'signet');
  assert.equal(parseNetwork('regtest'), 'regtest');
});

test('parseNetwork rejects unknown names with a UsageError listing the choices', () => {
  for (const bad of ['', 'testnet5', 'liquid', 'main net']) {
    assert.throws(() => parseNetwork(bad), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.match(e.message, /unknown network/);
      assert.match(e.hint ?? '', /mainnet, testnet, testnet4, signet, regtest/);
      return true;
    });
  }
});

test('parseNetwork: names inherited from Object.prototype are unknown networks', () => {
  for (const s of ['constructor', '__proto__', 'toString', 'valueOf']) assert.throws(() => parseNetwork(s), /unknown network/, s);
});
