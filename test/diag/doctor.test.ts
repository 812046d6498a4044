import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { parseServer } from '../../src/protocol/server-address.js';
import { CertPins } from '../../src/protocol/cert-pins.js';
import { runDoctor, doctorError, type DoctorReport } from '../../src/diag/doctor.js';
import { DOCTOR_CHECKS } from '../../src/diag/doctor-checks.js';
import { startLyingServer, type LyingOptions, type LyingServer } from '../support/lying-server.js';
import { certValid } from '../support/certs.js';
import { assertLoopbackOnly } from '../support/loopback-guard.js';

assertLoopbackOnly();
const servers: LyingServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function doctor(o: LyingOptions = {}, certPins?: CertPins): Promise<{ r: DoctorReport; srv: LyingServer }> {
  const srv = await startLyingServer(o);
  servers.push(srv);
  const r = await runDoctor(parseServer(srv.spec), { network: 'regtest', timeoutMs: 3000, connection: certPins ? { tls: { certPins } } : {} });
  return { r, srv };
}
const status = (r: DoctorReport, id: string) => r.checks.find((c) => c.id === id)!;

test('DOCTOR_CHECKS is plain data with unique ids', () => {
  assert.equal(new Set(DOCTOR_CHECKS.map((c) => c.id)).size, DOCTOR_CHECKS.length);
  for (const c of DOCTOR_CHECKS) assert.ok(c.title && c.description && typeof c.critical === 'boolean');
});

test('an honest server passes every critical check', async () => {
  const { r } = await doctor();
  assert.equal(r.ok, true, JSON.stringify(r.checks.filter((c) => c.status === 'fail')));
  for (const id of ['connect', 'version', 'genesis', 'tip-pow', 'tip-chain', 'merkle', 'protocol-range', 'headers-form', 'version-repeat', 'methods', 'batch', 'fees', 'mempool']) {
    assert.equal(status(r, id).status, 'pass', `${id}: ${status(r, id).figure}`);
  }
  assert.equal(status(r, 'tls').status, 'skip');
  assert.equal(status(r, 'tip-age').status, 'skip');
  assert.match(status(r, 'batch').figure, /largest batch accepted: 1000/);
  assert.ok(r.methods.find((m) => m.method === 'mempool.get_info')!.status === 'ok');
  assert.equal(r.checks.length, DOCTOR_CHECKS.length);
  assert.equal(doctorError(r), undefined);
});

test('lies and faults fail the right check with exit status 6', async () => {
  const cases: [LyingOptions, string, RegExp][] = [
    [{ wrongMerkle: true }, 'merkle', /proof of the coinbase of block 30 is false/],
    [{ genesis: '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f' }, 'genesis', /another chain/],
    [{ chain: (await import('../support/lying-server.js')).synthChain({ height: 12, badPowAt: 12 }) }, 'tip-pow', /ABOVE the target/],
    [{ wrongTx: true }, 'merkle', /hashes to/],
  ];
  for (const [opts, id, re] of cases) {
    const { r } = await doctor(opts);
    assert.equal(status(r, id).status, 'fail', `${id}: ${status(r, id).figure}`);
    assert.match(status(r, id).figure, re);
    assert.equal(r.ok, false);
    assert.equal(doctorError(r)!.exitCode, 6);
  }
});

test('compliance problems are named without failing the run', async () => {
  const { r: a } = await doctor({ refuseBatch: true, hexHeadersAt16: true, allowVersionRepeat: true });
  assert.equal(status(a, 'batch').status, 'warn');
  assert.match(status(a, 'batch').figure, /refused/);
  assert.equal(status(a, 'headers-form').status, 'fail');
  assert.equal(status(a, 'version-repeat').status, 'warn');
  assert.equal(a.ok, true);
  const { r: b } = await doctor({ maxBatch: 345 });
  assert.match(status(b, 'batch').figure, /largest batch accepted: 345/);
});

test('a server dropping connections is a connection failure (exit 3)', async () => {
  const { r } = await doctor({ dropAfter: 0 });
  assert.equal(r.ok, false);
  assert.equal(doctorError(r)!.exitCode, 3);
});

test('expired and changed certificates fail the TLS check', async () => {
  const expired = await certValid(-2, 30);
  const { r } = await doctor({ tls: expired });
  assert.equal(status(r, 'tls').status, 'fail');
  assert.match(status(r, 'tls').figure, /EXPIRED/);
  const pins = CertPins.load();
  const cert = await certValid(200);
  const srv = await startLyingServer({ tls: cert });
  servers.push(srv);
  pins.set(`127.0.0.1:${srv.port}`, { fingerprint256: 'ab'.repeat(32), ca: false, firstSeen: new Date().toISOString(), validTo: new Date(Date.now() + 1e10).toISOString() });
  const r2 = await runDoctor(parseServer(srv.spec), { network: 'regtest', timeoutMs: 3000, connection: { tls: { certPins: pins } } });
  assert.equal(status(r2, 'tls').status, 'fail');
  assert.match(status(r2, 'tls').figure, /CHANGED/);
  assert.equal(doctorError(r2)!.exitCode, 6);
});
