/**
 * Transports end to end: TLS with a self-signed certificate (pinned on first use with a
 * notice, a changed certificate refused with exit 3, --pin), a SOCKS5 proxy that must see
 * the host NAME (the client never resolves it), and WebSocket.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { startScriptedServer } from '../support/scripted-server.js';
import { selfSignedCert } from '../support/certs.js';
import { runCli, tempHome } from '../support/run-cli.js';
import { socksProxy } from '../support/socks-proxy.js';

const P2PKH = 'n4KeA3QBmLxmoaA5ypJfzkhWvr5CfvXgbU';

describe('transports', { concurrency: 3 }, () => {
  it('TLS, self-signed: pinned on first use with a notice; a changed certificate is refused -> 3', async () => {
    const home = tempHome();
    const first = await startScriptedServer({ transcript: 'electrumx-1.6', tls: await selfSignedCert() });
    const port = first.port;
    const r1 = await runCli(['--network', 'regtest', '--json', 'balance', P2PKH], { server: `127.0.0.1:${port}:s`, home });
    assert.equal(r1.code, 0, r1.stderr);
    assert.match(r1.stderr, /pinned the self-signed certificate of 127\.0\.0\.1:\d+:s on first use/);
    const r2 = await runCli(['--network', 'regtest', 'ping'], { server: `127.0.0.1:${port}:s`, home });
    assert.equal(r2.code, 0, r2.stderr);
    assert.doesNotMatch(r2.stderr, /pinned/, 'no notice once pinned');
    await first.close();
    // Same host and port, another certificate: a possible MITM, refused.
    const second = await startScriptedServer({ transcript: 'electrumx-1.6', tls: await selfSignedCert(), port });
    const r3 = await runCli(['--network', 'regtest', 'ping'], { server: `127.0.0.1:${port}:s`, home });
    await second.close();
    assert.equal(r3.code, 3, r3.stderr);
    assert.match(r3.stderr, /^electrum-cli: .*certificate/m);
    assert.equal(second.requests.length, 0, 'nothing was sent to the impostor');
  });
  it('TLS: a certificate that does not match --pin is refused -> 3; the right pin is accepted', async () => {
    const cert = await selfSignedCert();
    const s = await startScriptedServer({ transcript: 'electrumx-1.6', tls: cert });
    const fp = createHash('sha256').update(new X509Certificate(cert.cert).raw).digest('hex');
    const good = await runCli(['--network', 'regtest', '--pin', `sha256:${fp}`, 'ping'], { server: `127.0.0.1:${s.port}:s` });
    const bad = await runCli(['--network', 'regtest', '--pin', `sha256:${'0'.repeat(64)}`, 'ping'], { server: `127.0.0.1:${s.port}:s` });
    await s.close();
    assert.equal(good.code, 0, good.stderr);
    assert.equal(bad.code, 3, bad.stderr);
    assert.match(bad.stderr, /^electrum-cli: .*(pin|fingerprint|certificate)/im);
  });
  it('SOCKS5: the proxy sees the host name; the client dials only the proxy', async () => {
    const s = await startScriptedServer({ transcript: 'fulcrum-1.6' });
    const proxy = await socksProxy(() => ({ port: s.port }));
    const r = await runCli(['--network', 'regtest', '--json', '--proxy', `socks5://127.0.0.1:${proxy.port}`, 'balance', P2PKH], {
      server: 'electrum.example.invalid:50001:t',
    });
    await proxy.close();
    await s.close();
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { confirmed: 93000000, unconfirmed: 0 });
    assert.deepEqual(proxy.requests, [{ atyp: 3, host: 'electrum.example.invalid', port: 50001 }]);
  });
  it('a WebSocket port given as :t points at ws://HOST:PORT (the reply was HTTP), not at TLS', async () => {
    const s = await startScriptedServer({ transcript: 'fulcrum-1.6', websocket: true });
    const r = await runCli(['--network', 'regtest', 'ping'], { server: `127.0.0.1:${s.port}:t` });
    await s.close();
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`^electrum-cli: 127\\.0\\.0\\.1:${s.port} answered in HTTP \\(HTTP/1\\.1 400 Bad Request\\), not the Electrum protocol\nhint: it speaks HTTP: if it is a WebSocket port, try ws://127\\.0\\.0\\.1:${s.port}\n$`));
    assert.doesNotMatch(r.stderr, /looks like TLS/);
  });
  it('WebSocket: one message per frame', async () => {
    const s = await startScriptedServer({ transcript: 'fulcrum-1.6', websocket: true });
    const r = await runCli(['--network', 'regtest', '--json', 'balance', P2PKH, '2My9iQZU95kMRy1ZjTmvdnXGn4KmUUmc2aW'], { server: s.spec });
    await s.close();
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(Object.keys(JSON.parse(r.stdout) as object), [P2PKH, '2My9iQZU95kMRy1ZjTmvdnXGn4KmUUmc2aW']);
    assert.ok(s.lines.some((l) => l.startsWith('[')), 'the two balances went as one batch frame');
  });
});
