import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolError, ServerError, VerificationError } from '../../src/errors.js';
import { Connection } from '../../src/protocol/connection.js';
import { checkGenesis, checkVersionReply } from '../../src/protocol/negotiate.js';
import { assertLoopbackOnly, blockedDials } from '../support/loopback-guard.js';
import { fakeServer, type FakeServer } from '../support/fake-server.js';

assertLoopbackOnly();
const servers: FakeServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
  assert.deepEqual(blockedDials(), []);
});

const REGTEST = '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206';
const MAINNET = '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f';

/** A server whose server.version reply is `versionResult` (or an error), and features with `genesis`. */
async function server(versionResult: unknown, genesis = REGTEST): Promise<FakeServer> {
  const s = await fakeServer((msg, sess) => {
    if (msg.method === 'server.version') {
      if (versionResult instanceof Error) {
        sess.send({ jsonrpc: '2.0', error: { code: 1, message: versionResult.message }, id: msg.id });
        sess.end();
      } else sess.send({ jsonrpc: '2.0', result: versionResult, id: msg.id });
    } else if (msg.method === 'server.features') {
      sess.send({ jsonrpc: '2.0', result: { genesis_hash: genesis, protocol_min: '1.4', protocol_max: '1.6' }, id: msg.id });
    }
  });
  servers.push(s);
  return s;
}

test('negotiates inside the offered range and sends server.version first', async () => {
  const s = await server(['ElectrumX 1.20.0', '1.6']);
  const conn = await Connection.open({ server: s.addr(), negotiate: { min: '1.4', max: '1.6' } });
  assert.equal(conn.version, '1.6');
  assert.equal(conn.serverSoftware, 'ElectrumX 1.20.0');
  assert.deepEqual(JSON.parse(s.lines[0]!).params, ['electrum-cli/0.1.0', ['1.4', '1.6']]);
  assert.deepEqual(await checkGenesis(conn, REGTEST, 'regtest').then((f) => f?.genesis_hash), REGTEST);
  await assert.rejects(checkGenesis(conn, MAINNET, 'mainnet'), (e: unknown) =>
    e instanceof VerificationError && e.message === `server is on another chain: genesis ${REGTEST} (expected mainnet ${MAINNET})`);
  conn.close();
});

test('a 1.0 server answering with a bare string negotiates 1.0; checkGenesis skips', async () => {
  const s = await server('ElectrumX 0.10');
  const conn = await Connection.open({ server: s.addr() });
  assert.equal(conn.version, '1.0');
  assert.equal(conn.serverSoftware, 'ElectrumX 0.10');
  assert.equal(await checkGenesis(conn, MAINNET), undefined);
  conn.close();
});

test('an out-of-range or malformed reply is a ProtocolError naming what the server said', async () => {
  const s = await server(['Weird 1', '1.3']);
  await assert.rejects(Connection.open({ server: s.addr(), negotiate: { min: '1.4', max: '1.6' } }), (e: unknown) =>
    e instanceof ProtocolError && /chose protocol 1\.3, outside the offered range 1\.4–1\.6/.test(e.message));
  assert.throws(() => checkVersionReply(['a'], '1.4', '1.6'), /expected \[software, version\], got an array \["a"\]/);
  assert.throws(() => checkVersionReply(['a', 'x.y'], '1.4', '1.6'), /not a version/);
  assert.throws(() => checkVersionReply('old', '1.4', '1.6'), /protocol 1\.0 reply/);
  assert.throws(() => checkVersionReply(42, '1.4', '1.6'), /got number 42/);
  assert.deepEqual(checkVersionReply(['S', '1.6.0'], '1.4', '1.6'), { software: 'S', version: '1.6.0' });
});

test('no common version: ServerError with a hint', async () => {
  const s = await server(new Error('unsupported protocol version: 1.3'));
  await assert.rejects(Connection.open({ server: s.addr(), negotiate: { min: '1.3', max: '1.3' } }), (e: unknown) =>
    e instanceof ServerError && e.method === 'server.version' && /try without forcing/.test(e.hint ?? ''));
});
