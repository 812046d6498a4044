// A changed certificate is refused, and the command its hint names works: `config unpin
// HOST:PORT` forgets the pin (the next certificate is trusted on first use); `config pins` lists.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempHome } from '../support/run-cli.js';
import { certDetails } from '../../src/protocol/cert-info.js';
import { selfSigned } from '../protocol/certs.js';
import { fakeServer, versionReply, type FakeServer } from '../protocol/fake-server.js';
import { NETWORKS } from '../../src/bitcoin/networks.js';

const servers: FakeServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

test('changed certificate: exit 3 naming `config unpin HOST:PORT`; that command works, and the next run pins the new one', async () => {
  const [old, current] = await Promise.all([selfSigned('old'), selfSigned('new')]);
  const srv = await fakeServer((m: any, s) => {
    if (versionReply(m, s, '1.4')) return;
    if (m?.method === 'server.features') return s.send({ jsonrpc: '2.0', id: m.id, result: { genesis_hash: NETWORKS.regtest.genesisHash, hosts: {}, protocol_min: '1.4', protocol_max: '1.4', server_version: 'FakeX', hash_function: 'sha256', pruning: null } });
    if (m) s.send({ jsonrpc: '2.0', id: m.id, result: null });
  }, { key: current.key, cert: current.cert });
  servers.push(srv);
  const key = `127.0.0.1:${srv.port}`;
  const home = tempHome();
  const dir = join(home, '.config', 'electrum-cli');
  mkdirSync(dir, { recursive: true });
  const oldFp = certDetails(old.cert).fingerprint256;
  writeFileSync(join(dir, 'known_hosts.json'), JSON.stringify({ [key]: { fingerprint256: oldFp, ca: false, firstSeen: '2026-01-01T00:00:00.000Z', validTo: '2099-01-01T00:00:00.000Z' } }));
  const server = `${key}:s`;

  const pins = await runCli(['config', 'pins', '--json'], { home });
  assert.equal(pins.code, 0, pins.stderr);
  assert.deepEqual(JSON.parse(pins.stdout).map((p: { server: string; fingerprint256: string }) => [p.server, p.fingerprint256]), [[key, oldFp]]);

  const refused = await runCli(['--network', 'regtest', 'ping'], { server, home });
  assert.equal(refused.code, 3, refused.stderr);
  const hint = /hint: .*remove the pin with: (electrum-cli config unpin \S+)/.exec(refused.stderr);
  assert.ok(hint, refused.stderr);
  const args = hint[1]!.split(' ').slice(1);
  assert.deepEqual(args, ['config', 'unpin', key]);

  const unpinned = await runCli(args, { home });
  assert.equal(unpinned.code, 0, unpinned.stderr);
  assert.match(unpinned.stderr, new RegExp(`removed the pin of ${key.replace(/\./g, '\\.')}`));
  const again = await runCli(args, { home });
  assert.equal(again.code, 2);
  assert.match(again.stderr, /no pinned certificate for .*\nhint: electrum-cli config pins/);

  const ok = await runCli(['--network', 'regtest', 'ping'], { server, home });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stderr, /pinned the self-signed certificate/);
  const listed = await runCli(['config', 'pins'], { home });
  assert.match(listed.stdout, new RegExp(`^${key.replace(/\./g, '\\.')}  sha256:${certDetails(current.cert).fingerprint256}  self-signed`, 'm'));
});
