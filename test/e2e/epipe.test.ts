// A closed stdout is a normal end for every streaming command (`tip --follow --json | head -1`):
// exit 0 and nothing on stderr, instead of 130 "interrupted".
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { BIN, tempHome } from '../support/run-cli.js';
import { loopbackEnv } from '../support/loopback-guard.js';
import { fakeServer, type FakeServer, type FakeSession } from '../protocol/fake-server.js';
import { NETWORKS } from '../../src/bitcoin/networks.js';

const SH = '5ebb4986af5329935d233e008a174e55e6661a26f496e290f2e676c7104518c9';
const servers: FakeServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

/** Answers the handshake and subscribes, then notifies every 100 ms, forever. */
async function notifier(): Promise<FakeServer> {
  const header = (height: number) => ({ height, hex: height.toString(16).padStart(8, '0').repeat(20) });
  const srv = await fakeServer((m: any, s: FakeSession) => {
    if (!m || Array.isArray(m)) return;
    const reply = (result: unknown) => s.send({ jsonrpc: '2.0', id: m.id, result });
    switch (m.method) {
      case 'server.version': return reply(['FakeX 1.0', '1.4']);
      case 'server.features':
        return reply({ genesis_hash: NETWORKS.regtest.genesisHash, hosts: {}, protocol_min: '1.4', protocol_max: '1.4', server_version: 'FakeX 1.0', hash_function: 'sha256', pruning: null });
      case 'blockchain.scripthash.get_history': return reply([]);
      case 'blockchain.headers.subscribe': {
        reply(header(100));
        let h = 101;
        const t = setInterval(() => (s.socket.destroyed ? clearInterval(t) : s.send({ jsonrpc: '2.0', method: m.method, params: [header(h++)] })), 100);
        return;
      }
      case 'blockchain.scripthash.subscribe': {
        reply(null);
        let n = 1;
        const t = setInterval(() => (s.socket.destroyed ? clearInterval(t) : s.send({ jsonrpc: '2.0', method: m.method, params: [m.params[0], (n++).toString(16).padStart(64, '0')] })), 100);
        return;
      }
      default: return reply(null);
    }
  });
  servers.push(srv);
  return srv;
}

/** Runs the binary with stdout read like `| head -1`: the first line, then the pipe is closed. */
function headOne(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; first: string; stderr: string }> {
  const home = tempHome();
  const env = loopbackEnv({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, XDG_CONFIG_HOME: join(home, '.config'), LANG: 'C.UTF-8' });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let first = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0 && first === '') {
        first = out.slice(0, nl);
        child.stdout.destroy(); // head exits: the pipe's read end is gone
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, first, stderr });
    });
  });
}

test('tip --follow --json | head -1: exit 0, no message', async () => {
  const srv = await notifier();
  const r = await headOne(['--server', `127.0.0.1:${srv.port}:t`, '--network', 'regtest', '--json', 'tip', '--follow']);
  assert.equal(r.code, 0, `signal ${r.signal}; stderr: ${r.stderr}`);
  assert.equal(r.stderr, '');
  assert.equal(JSON.parse(r.first).type, 'tip');
});

test('tip --follow (text) | head -1: exit 0, no message', async () => {
  const srv = await notifier();
  const r = await headOne(['--server', `127.0.0.1:${srv.port}:t`, '--network', 'regtest', 'tip', '--follow']);
  assert.equal(r.code, 0, `signal ${r.signal}; stderr: ${r.stderr}`);
  assert.equal(r.stderr, '');
  assert.match(r.first, /^100 /);
});

test('subscribe --json | head -1: exit 0, no message', async () => {
  const srv = await notifier();
  const r = await headOne(['--server', `127.0.0.1:${srv.port}:t`, '--network', 'regtest', '--json', 'subscribe', SH]);
  assert.equal(r.code, 0, `signal ${r.signal}; stderr: ${r.stderr}`);
  assert.equal(r.stderr, '');
  assert.equal(JSON.parse(r.first).type, 'status');
});

test('a closed stderr does not crash a run: the exit status is still the run\'s own', async () => {
  const home = tempHome();
  const env = loopbackEnv({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, XDG_CONFIG_HOME: join(home, '.config'), LANG: 'C.UTF-8' });
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--network', 'regtest', '--server', '127.0.0.1:1:t', 'ping'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr.destroy(); // the error line goes nowhere
    child.stdout.resume();
    child.on('error', reject);
    child.on('close', resolve);
  });
  assert.equal(code, 3, 'connection refused is exit 3, not a crash (1)');
});
