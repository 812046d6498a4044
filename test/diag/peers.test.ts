import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatServerList, parsePeer, peerAddresses, readServerList } from '../../src/diag/peers.js';
import { builtinCheckpoints, checkpointsFor, parseCheckpoint } from '../../src/diag/checkpoints.js';
import { formatServer } from '../../src/protocol/server-address.js';

test('peer entries: ports, bare letters, version, pruning, unknown letters', () => {
  const p = parsePeer(['203.0.113.7', 'electrum.example.org', ['v1.6', 's50002', 't', 'p10000', 'x9']], 'mainnet');
  assert.deepEqual(p, { ip: '203.0.113.7', host: 'electrum.example.org', version: '1.6', sslPort: 50002, tcpPort: 50001, pruning: 10000 });
  assert.deepEqual(peerAddresses(p).map(formatServer), ['electrum.example.org:50002:s', 'electrum.example.org:50001:t']);
  const t = parsePeer(['1.2.3.4', 'x.onion', ['v1.4.2', 's']], 'testnet');
  assert.equal(t.sslPort, 51002);
  assert.equal(t.tcpPort, undefined);
});

test('server lists from a file or a comma list; round trip', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecli-diag-'));
  const file = path.join(dir, 'servers.txt');
  fs.writeFileSync(file, '# crawl\n127.0.0.1:5000:t\n\n127.0.0.1:5001:s  # tls\n127.0.0.1:5000:t\n');
  assert.deepEqual(readServerList(file, 'regtest').map(formatServer), ['127.0.0.1:5000:t', '127.0.0.1:5001:s']);
  assert.deepEqual(readServerList('127.0.0.1:1:t,127.0.0.1:2:t', 'regtest').map(formatServer), ['127.0.0.1:1:t', '127.0.0.1:2:t']);
  const text = formatServerList(readServerList(file, 'regtest'), 'x');
  fs.writeFileSync(file, text);
  assert.equal(readServerList(file, 'regtest').length, 2);
});

test('checkpoints: genesis everywhere, mainnet table ascending, --checkpoint parsing', () => {
  for (const n of ['testnet', 'testnet4', 'signet', 'regtest'] as const) assert.equal(builtinCheckpoints(n).length, 1);
  const m = builtinCheckpoints('mainnet');
  assert.equal(m[0]!.hash, '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f');
  for (let i = 1; i < m.length; i++) {
    assert.ok(m[i]!.height > m[i - 1]!.height);
    assert.match(m[i]!.hash, /^0{8}[0-9a-f]{56}$/);
  }
  assert.deepEqual(parseCheckpoint('5:' + 'AB'.repeat(32)), { height: 5, hash: 'ab'.repeat(32), source: 'user' });
  assert.throws(() => parseCheckpoint('x:y'), /invalid --checkpoint/);
  assert.equal(checkpointsFor('regtest', '3:' + '00'.repeat(32)).length, 1);
});
