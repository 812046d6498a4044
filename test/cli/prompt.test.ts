// Prompts drive the real binary in a pseudo-terminal (tmux) and are answered there; the same
// commands without a terminal exit 2 naming --yes or config set.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as bitcoin from 'bitcoinjs-lib';
import { runCli, tempHome } from '../support/run-cli.js';
import { Pty, tmuxMissing } from '../support/pty.js';
import { fakeServer, type FakeServer, type FakeSession } from '../protocol/fake-server.js';
import { NETWORKS } from '../../src/bitcoin/networks.js';

const REGTEST = NETWORKS.regtest.genesisHash;

/** A parent paying 100000 sats and a child spending it: 60000 + 30000 out, fee 10000. */
function txs() {
  const parent = new bitcoin.Transaction();
  parent.addInput(Buffer.alloc(32, 7), 0);
  parent.addOutput(Buffer.from('0014' + '11'.repeat(20), 'hex'), 100_000n);
  const child = new bitcoin.Transaction();
  child.addInput(parent.getHash(), 0);
  child.addOutput(Buffer.from('0014' + '22'.repeat(20), 'hex'), 60_000n);
  child.addOutput(Buffer.from('0014' + '33'.repeat(20), 'hex'), 30_000n);
  return { parent: parent.toHex(), parentId: parent.getId(), child: child.toHex(), childId: child.getId() };
}
const TX = txs();

/** A minimal regtest Electrum server: version, features, ping, banner, transaction.get, broadcast, broadcast_package (1.6). */
async function miniServer(version = '1.4'): Promise<FakeServer & { broadcasts: string[]; packages: string[][] }> {
  const broadcasts: string[] = [];
  const packages: string[][] = [];
  const answer = (m: any): unknown => {
    switch (m.method) {
      case 'server.version': return ['FakeX 1.0', version];
      case 'blockchain.transaction.broadcast_package': packages.push(m.params[0]); return { success: true };
      case 'server.features': return { genesis_hash: REGTEST, hosts: {}, protocol_min: '1.4', protocol_max: '1.4', server_version: 'FakeX 1.0', hash_function: 'sha256', pruning: null };
      case 'server.ping': return null;
      case 'server.banner': return 'hello from fake';
      case 'blockchain.transaction.get': return m.params[0] === TX.parentId ? TX.parent : null;
      case 'blockchain.transaction.broadcast': broadcasts.push(m.params[0]); return TX.childId;
      default: return null;
    }
  };
  const one = (m: any) => ({ jsonrpc: '2.0', id: m.id, result: answer(m) });
  const srv = await fakeServer((msg: any, s: FakeSession) => s.send(Array.isArray(msg) ? msg.map(one) : one(msg)));
  return Object.assign(srv, { broadcasts, packages });
}

const servers: FakeServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

function homeEnv(home: string): Record<string, string> {
  return { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache') };
}

test('without a terminal: broadcast exits 2 naming --yes; with --yes it broadcasts', async () => {
  const srv = await miniServer();
  servers.push(srv);
  const server = `127.0.0.1:${srv.port}:t`;
  const r = await runCli(['--network', 'regtest', 'broadcast', TX.child], { server });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--yes/);
  assert.equal(srv.broadcasts.length, 0);
  const j = await runCli(['--network', 'regtest', '--json', 'broadcast', TX.child], { server });
  assert.equal(j.code, 2);
  assert.equal(j.stdout, '');
  assert.match(JSON.parse(j.stderr.trim()).error.hint, /--yes/);
  const y = await runCli(['--network', 'regtest', 'broadcast', TX.child, '--yes'], { server });
  assert.equal(y.code, 0, y.stderr);
  assert.equal(y.stdout.trim(), TX.childId);
  assert.deepEqual(srv.broadcasts, [TX.child]);
});

test('without a terminal: broadcast-package follows the same rule as broadcast (exit 2 naming --yes; --yes sends)', async () => {
  const srv = await miniServer('1.6');
  servers.push(srv);
  const server = `127.0.0.1:${srv.port}:t`;
  const r = await runCli(['--network', 'regtest', 'broadcast-package', TX.parent, TX.child], { server });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /broadcast-package needs confirmation at a terminal[^\n]*\nhint: pass --yes/);
  const j = await runCli(['--network', 'regtest', '--json', 'broadcast-package', TX.parent, TX.child], { server });
  assert.equal(j.code, 2);
  assert.equal(j.stdout, '');
  assert.match(JSON.parse(j.stderr.trim()).error.hint, /--yes/);
  assert.deepEqual(srv.packages, [], 'nothing was sent');
  const y = await runCli(['--network', 'regtest', '--json', 'broadcast-package', '--yes', TX.parent, TX.child], { server });
  assert.equal(y.code, 0, y.stderr);
  assert.deepEqual(JSON.parse(y.stdout), { success: true });
  assert.deepEqual(srv.packages, [[TX.parent, TX.child]]);
});

test('without a terminal: config init exits 2 naming config set', async () => {
  const r = await runCli(['config', 'init']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /config set/);
});

test('on a terminal: broadcast shows outputs, amounts, fee and fee rate, and sends only after "y"', async (t) => {
  const why = tmuxMissing();
  if (why) return t.skip(why);
  const srv = await miniServer();
  servers.push(srv);
  const home = tempHome();
  const args = ['--network', 'regtest', '--server', `127.0.0.1:${srv.port}:t`, 'broadcast', TX.child];
  const no = new Pty(args, homeEnv(home));
  try {
    const s = await no.waitFor(/Broadcast this transaction\?/);
    assert.match(s, /#0 +bcrt1q\w+ +0\.00060000 BTC/);
    assert.match(s, /#1 +bcrt1q\w+ +0\.00030000 BTC/);
    assert.match(s, /fee: 10,?000 sats \(\d+(\.\d+)? sat\/vB over \d+ vB\)/);
    no.keys('n', 'Enter');
    assert.equal(await no.exitStatus(), 130);
    assert.equal(srv.broadcasts.length, 0);
  } finally {
    no.kill();
  }
  const yes = new Pty(args, homeEnv(home));
  try {
    await yes.waitFor(/Broadcast this transaction\?/);
    yes.keys('y', 'Enter');
    assert.equal(await yes.exitStatus(), 0);
    assert.match(yes.screen(), new RegExp(TX.childId));
    assert.deepEqual(srv.broadcasts, [TX.child]);
  } finally {
    yes.kill();
  }
});

test('on a terminal: broadcast-package shows each transaction and the package fee, and sends only after "y"', async (t) => {
  const why = tmuxMissing();
  if (why) return t.skip(why);
  const srv = await miniServer('1.6');
  servers.push(srv);
  const home = tempHome();
  const args = ['--network', 'regtest', '--server', `127.0.0.1:${srv.port}:t`, 'broadcast-package', TX.parent, TX.child];
  const no = new Pty(args, homeEnv(home));
  try {
    const s = await no.waitFor(/Broadcast this package\?/);
    assert.match(s, /package of 2 transactions/);
    assert.match(s, new RegExp(`1\\. About to broadcast ${TX.parentId}`));
    assert.match(s, new RegExp(`2\\. About to broadcast ${TX.childId}`));
    // The child's fee comes from the parent in the package: 100000 - 90000.
    assert.match(s, /fee: 10,?000 sats/);
    no.keys('n', 'Enter');
    assert.equal(await no.exitStatus(), 130);
    assert.deepEqual(srv.packages, []);
  } finally {
    no.kill();
  }
  const yes = new Pty(args, homeEnv(home));
  try {
    await yes.waitFor(/Broadcast this package\?/);
    yes.keys('y', 'Enter');
    assert.equal(await yes.exitStatus(), 0);
    assert.deepEqual(srv.packages, [[TX.parent, TX.child]]);
  } finally {
    yes.kill();
  }
});

test('on a terminal with no server configured: built-in servers are probed and offered', async (t) => {
  const why = tmuxMissing();
  if (why) return t.skip(why);
  const a = await miniServer();
  const b = await miniServer();
  servers.push(a, b);
  const home = tempHome();
  const env = { ...homeEnv(home), ELECTRUM_CLI_BUILTIN_SERVERS: `127.0.0.1:${a.port}:t,127.0.0.1:${b.port}:t` };
  const p = new Pty(['--network', 'regtest', 'banner'], env);
  try {
    const s = await p.waitFor(/Pick a regtest server \(fastest first\)/);
    assert.match(s, new RegExp(`127\\.0\\.0\\.1:${a.port}:t +\\d+ ms`));
    assert.match(s, new RegExp(`127\\.0\\.0\\.1:${b.port}:t +\\d+ ms`));
    p.keys('Enter');
    assert.equal(await p.exitStatus(), 0);
    assert.match(p.screen(), /hello from fake/);
  } finally {
    p.kill();
  }
});

test('on a terminal, a dead server among the built-ins: one reason, no spinner under the menu, no ora warning, no lingering, the servers.<network> hint', async (t) => {
  const why = tmuxMissing();
  if (why) return t.skip(why);
  const good = await miniServer();
  servers.push(good);
  // Accepts and never answers: its probe runs out of time (5 s).
  const dead = net.createServer((sock) => sock.on('error', () => {}));
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
  const deadPort = (dead.address() as net.AddressInfo).port;
  const home = tempHome();
  const env = { ...homeEnv(home), ELECTRUM_CLI_BUILTIN_SERVERS: `127.0.0.1:${deadPort}:t,127.0.0.1:${good.port}:t` };
  const p = new Pty(['--network', 'regtest', 'banner'], env);
  try {
    const s = await p.waitFor(/Pick a regtest server/);
    assert.doesNotMatch(s, /Multiple concurrent spinners/);
    const deadLine = s.split('\n').find((l) => l.includes(`127.0.0.1:${deadPort}:t`)) ?? '';
    assert.match(deadLine, /\(no answer within 5 s\)\s*$/, s);
    assert.equal(deadLine.match(/no answer/g)?.length, 1, deadLine);
    // Nothing animates under the menu: the screen stays the same.
    await new Promise((r) => setTimeout(r, 400));
    const later = p.screen();
    assert.equal(later, p.screen());
    assert.doesNotMatch(later.slice(later.indexOf('Pick a regtest server')), /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]|connecting…|probing/);
    p.keys('Enter');
    // Exits as soon as it has answered, not once the dead server's connection would time out.
    assert.equal(await p.exitStatus(8000), 0, p.screen());
    const end = p.screen();
    assert.match(end, /hello from fake/);
    assert.match(end, new RegExp(`config set servers\\.regtest 127\\.0\\.0\\.1:${good.port}:t`));
    assert.doesNotMatch(end, /Multiple concurrent spinners/);
  } finally {
    p.kill();
    dead.close();
  }
});

test('on a terminal: config init writes network, server and proxy', async (t) => {
  const why = tmuxMissing();
  if (why) return t.skip(why);
  const srv = await miniServer();
  servers.push(srv);
  const home = tempHome();
  const cfgDir = join(home, '.config', 'electrum-cli');
  const env = { ...homeEnv(home), ELECTRUM_CLI_BUILTIN_SERVERS: `127.0.0.1:${srv.port}:t` };
  const p = new Pty(['config', 'init'], env);
  try {
    await p.waitFor(/Network:/);
    // mainnet is first: four downs reach regtest.
    p.keys('Down', 'Down', 'Down', 'Down', 'Enter');
    await p.waitFor(/Server \(fastest first\)/);
    await p.waitFor(new RegExp(`127\\.0\\.0\\.1:${srv.port}:t +\\d+ ms`));
    p.keys('Enter');
    await p.waitFor(/SOCKS5 proxy/);
    p.keys('Enter');
    assert.equal(await p.exitStatus(), 0, p.screen());
  } finally {
    p.kill();
  }
  const cfg = JSON.parse(readFileSync(join(cfgDir, 'config.json'), 'utf8'));
  assert.equal(cfg.network, 'regtest');
  assert.deepEqual(cfg.servers, { regtest: `127.0.0.1:${srv.port}:t` });
  assert.equal(cfg.proxy, undefined);
});
