import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { ConnectionError, EXIT } from '../../src/errors.js';
import { certDetails, normalizeFingerprint } from '../../src/protocol/cert-info.js';
import { Connection, type ConnectionOptions } from '../../src/protocol/connection.js';
import { CertPins, removePin } from '../../src/protocol/cert-pins.js';
import { assertLoopbackOnly, blockedDials } from '../support/loopback-guard.js';
import { caAndLeaf, selfSigned, type Pem } from '../support/certs.js';
import { fakeServer, versionReply, type FakeServer } from '../support/fake-server.js';

assertLoopbackOnly();

let A: Pem;
let B: Pem;
let EXPIRED: Pem;
let CA: { ca: Pem; leaf: Pem };
let WRONG_NAME: { ca: Pem; leaf: Pem };
before(async () => {
  [A, B, EXPIRED, CA, WRONG_NAME] = await Promise.all([
    selfSigned('server-a'),
    selfSigned('server-b'),
    selfSigned('old', new Date('2020-01-01'), new Date('2021-01-01')),
    caAndLeaf(true),
    caAndLeaf(false),
  ]);
});

const servers: FakeServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
  assert.deepEqual(blockedDials(), []);
});

const answer = (msg: any, s: any) => {
  if (versionReply(msg, s, '1.4')) return;
  if (msg) s.send({ jsonrpc: '2.0', result: 'ok', id: msg.id });
};

async function tlsServer(pem: Pem): Promise<FakeServer & { swap(p: Pem): void; tlsServer?: tls.Server }> {
  const srv = await fakeServer(answer, { key: pem.key, cert: pem.cert });
  servers.push(srv);
  return srv as FakeServer & { swap(p: Pem): void };
}

function tmpConfig(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'electrum-cli-tls-'));
}

function fp(pem: Pem): string {
  return certDetails(pem.cert).fingerprint256;
}

async function open(srv: FakeServer, tlsOpts: ConnectionOptions['tls'], extra: Partial<ConnectionOptions> = {}): Promise<Connection> {
  return Connection.open({ server: srv.addr('tls'), tls: tlsOpts, ...extra });
}

test('a self-signed certificate is trusted on first use, pinned, then required', async () => {
  const dir = tmpConfig();
  const srv = await tlsServer(A);
  const c1 = await open(srv, { configDir: dir });
  assert.equal(c1.info.tls?.trust, 'tofu');
  assert.equal(c1.info.tls?.pinnedNew, true);
  assert.equal(c1.info.tls?.selfSigned, true);
  assert.equal(c1.info.tls?.subject, 'server-a');
  assert.equal(c1.info.tls?.fingerprint256, fp(A));
  assert.ok(c1.info.tls!.daysToExpiry > 300);
  assert.ok(c1.info.tls!.sans.includes('IP Address:127.0.0.1'));
  assert.equal(typeof c1.timings.tlsMs, 'number');
  assert.equal(await c1.request('x'), 'ok');
  c1.close();

  const file = JSON.parse(fs.readFileSync(path.join(dir, 'known_hosts.json'), 'utf8'));
  const key = `127.0.0.1:${srv.port}`;
  assert.equal(file[key].fingerprint256, fp(A));
  assert.equal(file[key].ca, false);
  assert.match(file[key].firstSeen, /^\d{4}-\d\d-\d\dT/);

  const c2 = await open(srv, { configDir: dir });
  assert.equal(c2.info.tls?.trust, 'pinned');
  assert.equal(c2.info.tls?.pinnedNew, false);
  c2.close();
});

test('a changed certificate is refused (exit 3) with an unpin hint; unpin or --pin recovers', async () => {
  const dir = tmpConfig();
  const srv = await tlsServer(A);
  (await open(srv, { configDir: dir })).close();
  // Same host:port, new certificate.
  const srvB = await fakeServer(answer, { key: B.key, cert: B.cert });
  servers.push(srvB);
  const key = `127.0.0.1:${srvB.port}`;
  CertPins.load(dir).set(key, { ...CertPins.load(dir).get(`127.0.0.1:${srv.port}`)! });
  await assert.rejects(open(srvB, { configDir: dir }), (e: unknown) =>
    e instanceof ConnectionError && e.exitCode === EXIT.connection
    && e.message === `TLS certificate of ${key} changed (pinned sha256:${fp(A)}, got sha256:${fp(B)}): possible man-in-the-middle or a rotated certificate`
    && e.hint!.includes(`electrum-cli config unpin ${key}`) && e.hint!.includes(`--pin sha256:${fp(B)}`));

  const colons = fp(B).toUpperCase().match(/../g)!.join(':');
  const c = await open(srvB, { configDir: dir, pin: `sha256:${colons}` });
  assert.equal(c.info.tls?.trust, 'user-pin');
  c.close();
  assert.equal(CertPins.load(dir).get(key)?.fingerprint256, fp(B), '--pin replaced the old pin');

  assert.equal(removePin(dir, key), true);
  assert.equal(removePin(dir, key), false);
  const c3 = await open(srvB, { configDir: dir });
  assert.equal(c3.info.tls?.trust, 'tofu');
  c3.close();
});

test('--pin mismatch is refused', async () => {
  const srv = await tlsServer(A);
  await assert.rejects(open(srv, { certPins: CertPins.load(), pin: fp(B) }), (e: unknown) =>
    e instanceof ConnectionError && /does not match --pin \(expected sha256:[0-9a-f]{64}, got sha256:/.test(e.message));
});

test('normalizeFingerprint accepts colons, any case and a sha256: prefix', () => {
  const hex = 'ab'.repeat(32);
  assert.equal(normalizeFingerprint(`SHA256:${'AB:'.repeat(31)}AB`), hex);
  assert.equal(normalizeFingerprint(hex.toUpperCase()), hex);
  assert.throws(() => normalizeFingerprint('sha256:abc'), /invalid certificate fingerprint/);
});

test('a CA-signed certificate is verified and recorded as ca:true; a later self-signed one is refused', async () => {
  const store = CertPins.load();
  const srv = await tlsServer(CA.leaf);
  const c = await open(srv, { certPins: store, ca: CA.ca.cert });
  assert.equal(c.info.tls?.trust, 'ca');
  assert.equal(c.info.tls?.authorized, true);
  assert.equal(c.info.tls?.selfSigned, false);
  assert.equal(c.info.tls?.issuer, 'Test Root CA');
  c.close();
  const key = `127.0.0.1:${srv.port}`;
  assert.equal(store.get(key)?.ca, true);
  // Now the host presents a self-signed certificate: no silent TOFU for a CA host.
  const other = await tlsServer(A);
  store.set(`127.0.0.1:${other.port}`, store.get(key)!);
  await assert.rejects(open(other, { certPins: store, ca: CA.ca.cert }), /had a CA-signed certificate before/);
});

test('a CA-signed certificate for another host name is not trusted', async () => {
  const srv = await tlsServer(WRONG_NAME.leaf);
  await assert.rejects(open(srv, { certPins: CertPins.load(), ca: WRONG_NAME.ca.cert }), (e: unknown) =>
    e instanceof ConnectionError && /is not trusted: it is issued for another host name/.test(e.message) && /--pin sha256:/.test(e.hint ?? ''));
});

test('an expired pin is dropped and the certificate learnt again; an expired new certificate is refused', async () => {
  const store = CertPins.load();
  const srv = await tlsServer(A);
  const key = `127.0.0.1:${srv.port}`;
  store.set(key, { fingerprint256: 'cd'.repeat(32), ca: false, firstSeen: '2019-01-01T00:00:00.000Z', validTo: '2020-01-01T00:00:00.000Z' });
  const c = await open(srv, { certPins: store });
  assert.equal(c.info.tls?.pinDropped, 'expired');
  assert.equal(c.info.tls?.trust, 'tofu');
  assert.equal(store.get(key)?.fingerprint256, fp(A));
  c.close();

  const old = await tlsServer(EXPIRED);
  await assert.rejects(open(old, { certPins: store }), /expired on 2021-01-01/);
  const ok = await open(old, { certPins: store, pin: fp(EXPIRED) });
  assert.ok(ok.info.tls!.daysToExpiry < 0);
  ok.close();
});

test('report mode accepts anything and stores nothing', async () => {
  const store = CertPins.load();
  const srv = await tlsServer(A);
  store.set(`127.0.0.1:${srv.port}`, { fingerprint256: 'cd'.repeat(32), ca: false, firstSeen: 'x', validTo: '2999-01-01T00:00:00.000Z' });
  const c = await open(srv, { certPins: store, mode: 'report' });
  assert.equal(c.info.tls?.pinStatus, 'mismatch');
  assert.equal(c.info.tls?.trust, 'unverified');
  assert.equal(store.get(`127.0.0.1:${srv.port}`)?.fingerprint256, 'cd'.repeat(32));
  c.close();
});

test('a TLS port reached over plain TCP hints at :s', async () => {
  const srv = await tlsServer(A);
  await assert.rejects(Connection.open({ server: srv.addr('tcp') }), (e: unknown) =>
    e instanceof ConnectionError && new RegExp(`port ${srv.port} looks like TLS: try 127\\.0\\.0\\.1:${srv.port}:s`).test(e.hint ?? ''));
});

test('a plain TCP port reached with TLS hints at :t', async () => {
  const srv = await fakeServer((msg, s) => {
    // An Electrum server answers the ClientHello bytes with a JSON parse error.
    if (!msg) s.send({ jsonrpc: '2.0', error: { code: -32700, message: 'invalid JSON' }, id: null });
  });
  servers.push(srv);
  await assert.rejects(
    Connection.open({ server: srv.addr('tls'), tls: { certPins: CertPins.load() }, connectTimeoutMs: 3000 }),
    (e: unknown) => e instanceof ConnectionError && /seems to speak plain TCP: try 127\.0\.0\.1:\d+:t|may not speak TLS/.test(e.hint ?? ''),
  );
});

test('certDetails of a PEM', () => {
  const d = certDetails(A.cert, new Date());
  assert.match(d.fingerprint256, /^[0-9a-f]{64}$/);
  assert.equal(d.issuer, 'server-a');
  assert.ok(d.validFrom < d.validTo);
});

test('known_hosts.json is written 0600, and an existing file of another mode is fixed when rewritten', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cert-pins.mode-'));
  const file = path.join(dir, 'known_hosts.json');
  const entry = { fingerprint256: 'ab'.repeat(32), ca: false, firstSeen: '2026-01-01T00:00:00.000Z', validTo: '2036-01-01T00:00:00.000Z' };
  CertPins.load(dir).set('a.example:50002', entry);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'new file');
  fs.chmodSync(file, 0o644);
  CertPins.load(dir).set('b.example:50002', entry);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'rewritten file');
  assert.deepEqual(CertPins.load(dir).list().map(([k]) => k), ['a.example:50002', 'b.example:50002']);
  fs.rmSync(dir, { recursive: true, force: true });
});
