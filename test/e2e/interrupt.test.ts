// Ctrl-C ends a run at once, with exit 130, in every phase before the first answer: through a
// proxy that never answers, in a TLS handshake that never completes, waiting for server.version,
// and waiting for a command's reply. The timeouts are set far beyond the test's safety net, so a
// run that only ends when a timeout fires is killed instead and fails the test.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { lineConn, startLoopback, type Loopback, type LoopbackConn } from '../support/electrum-loopback.js';
import { runCli } from '../support/run-cli.js';
import { NETWORKS } from '../../src/bitcoin/networks.js';

const LONG = ['--connect-timeout', '300', '--timeout', '300'];
const ADDR = 'n4KeA3QBmLxmoaA5ypJfzkhWvr5CfvXgbU';

const servers: Loopback[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

/** A TCP server on 127.0.0.1 that calls `onLine` per received line; `seen` resolves on the first connection. */
async function server(onLine: (line: string, conn: LoopbackConn) => void = () => {}): Promise<{ port: number; seen: Promise<void>; lines: string[] }> {
  const lines: string[] = [];
  let saw!: () => void;
  const seen = new Promise<void>((r) => (saw = r));
  const core = await startLoopback({
    onSocket: (socket) => {
      lineConn(socket, (conn, line) => {
        lines.push(line);
        onLine(line, conn);
      });
      // Let the client get into its wait before Ctrl-C.
      setTimeout(saw, 300);
    },
  });
  servers.push(core);
  // Sockets this test leaves open must not hold the test process.
  core.server.unref();
  return { port: core.port, seen, lines };
}

const SAFETY = { timeoutMs: 30_000 };

test('Ctrl-C while a SOCKS5 proxy never answers: exit 130 at once', async () => {
  const proxy = await server();
  const r = await runCli(['--network', 'regtest', '--proxy', `socks5://127.0.0.1:${proxy.port}`, ...LONG, 'ping'], {
    server: '127.0.0.1:1:t', interruptWhen: proxy.seen, ...SAFETY,
  });
  assert.equal(r.code, 130, `signal ${r.signal}; ${r.stderr}`);
  assert.equal(r.stdout, '');
});

test('Ctrl-C in a TLS handshake that never completes: exit 130 at once', async () => {
  const s = await server();
  const r = await runCli(['--network', 'regtest', ...LONG, 'ping'], { server: `127.0.0.1:${s.port}:s`, interruptWhen: s.seen, ...SAFETY });
  assert.equal(r.code, 130, `signal ${r.signal}; ${r.stderr}`);
});

test('Ctrl-C while the server never answers server.version: exit 130 at once', async () => {
  const s = await server();
  const r = await runCli(['--network', 'regtest', ...LONG, 'ping'], { server: `127.0.0.1:${s.port}:t`, interruptWhen: s.seen, ...SAFETY });
  assert.equal(r.code, 130, `signal ${r.signal}; ${r.stderr}`);
  assert.match(s.lines[0] ?? '', /server\.version/);
});

test('Ctrl-C while waiting for the reply to the command: exit 130 at once', async () => {
  let asked!: () => void;
  const askedP = new Promise<void>((r) => (asked = r));
  const s = await server((line, conn) => {
    const m = JSON.parse(line) as { id: number; method: string };
    const reply = (result: unknown) => conn.send(JSON.stringify({ jsonrpc: '2.0', id: m.id, result }));
    if (m.method === 'server.version') reply(['FakeX 1.0', '1.4']);
    else if (m.method === 'server.features') reply({ genesis_hash: NETWORKS.regtest.genesisHash, hosts: {}, protocol_min: '1.4', protocol_max: '1.4', server_version: 'FakeX 1.0', hash_function: 'sha256', pruning: null });
    else setTimeout(asked, 300); // get_balance: never answered
  });
  const r = await runCli(['--network', 'regtest', ...LONG, 'balance', ADDR], { server: `127.0.0.1:${s.port}:t`, interruptWhen: askedP, ...SAFETY });
  assert.equal(r.code, 130, `signal ${r.signal}; ${r.stderr}`);
  assert.ok(s.lines.some((l) => l.includes('get_balance')));
});

test('Ctrl-C in diagnostics (doctor) waiting on a silent server: exit 130 at once', async () => {
  const s = await server();
  const r = await runCli(['--network', 'regtest', ...LONG, 'doctor', `127.0.0.1:${s.port}:t`], { interruptWhen: s.seen, ...SAFETY });
  assert.equal(r.code, 130, `signal ${r.signal}; ${r.stderr}`);
});
