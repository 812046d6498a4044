// watch / tip --follow against serve --local over the regtest simulator: a payment arrives,
// confirms, a reorg unconfirms it, the server restarts mid-watch while the payment confirms
// again; every event is emitted exactly once and in order. Also --until-confirmed, --exec
// and Ctrl-C (exit 130).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNode, type NodeHandle } from '../support/bitcoind.js';
import { BIN, tempHome } from '../support/run-cli.js';
import { loopbackEnv } from '../support/loopback-guard.js';
import { startServe, waitSynced, type RunningServe } from '../support/serve-in-process.js';
import { backoffMs, confirmations, diffHistory } from '../../src/cli/commands/watch.js';

let node: NodeHandle;
let srv: RunningServe;

before(async () => {
  node = await startNode({ forceSim: !process.env.BITCOIND });
  await node.mine(101);
  srv = await startServe(node);
  await waitSynced(node, srv.port);
});

after(async () => {
  await srv?.stop();
  await node?.cleanup();
});

/** The binary as a stream: events parsed as they arrive. */
class Watcher {
  events: any[] = [];
  stderr = '';
  exit: Promise<number | null>;
  private child: ChildProcess;
  private buf = '';
  constructor(args: string[]) {
    const home = tempHome();
    const env = loopbackEnv({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, XDG_CONFIG_HOME: join(home, '.config'), LANG: 'C.UTF-8' });
    this.child = spawn(process.execPath, [BIN, '--network', 'regtest', '--server', `127.0.0.1:${srv.port}:t`, '--json', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      this.buf += d;
      let i;
      while ((i = this.buf.indexOf('\n')) >= 0) {
        this.events.push(JSON.parse(this.buf.slice(0, i)));
        this.buf = this.buf.slice(i + 1);
      }
    });
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 120_000);
    this.exit = new Promise((resolve) => this.child.on('close', (code) => (clearTimeout(timer), resolve(code))));
  }
  async waitEvents(n: number, ms = 30_000): Promise<any[]> {
    const end = Date.now() + ms;
    while (this.events.length < n) {
      if (Date.now() > end) assert.fail(`expected ${n} events, got ${JSON.stringify(this.events)}\nstderr: ${this.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return this.events;
  }
  interrupt(): void {
    this.child.kill('SIGINT');
  }
}

test('diffHistory, backoff and confirmations (pure)', () => {
  const a = { tx_hash: 'a'.repeat(64), height: 0 };
  const b = { tx_hash: 'b'.repeat(64), height: 100 };
  assert.deepEqual(diffHistory([], [a]), { added: [a], confirmed: [], unconfirmed: [], removed: [] });
  assert.deepEqual(diffHistory([a], [{ ...a, height: 101 }]).confirmed, [{ ...a, height: 101 }]);
  assert.deepEqual(diffHistory([b], [{ ...b, height: 0 }]).unconfirmed, [{ ...b, height: 0 }]);
  assert.deepEqual(diffHistory([a, b], [b]).removed, [a]);
  assert.deepEqual(diffHistory([a], [{ ...a, height: -1 }]), { added: [], confirmed: [], unconfirmed: [], removed: [] });
  assert.deepEqual([0, 1, 2, 6, 7, 50].map((n) => backoffMs(n)), [1000, 2000, 4000, 60_000, 60_000, 60_000]);
  assert.equal(confirmations(100, 105), 6);
  assert.equal(confirmations(0, 105), 0);
});

test('payment, confirmation, reorg and a server restart: each event exactly once, in order', async () => {
  const addr = await node.otherAddress('bech32');
  const execOut = join(mkdtempSync(join(tmpdir(), 'ecli-exec-')), 'events.ndjson');
  const w = new Watcher(['watch', addr, '--exec', `cat >> '${execOut}'`]);
  const tips = new Watcher(['tip', '--follow']);
  try {
    await w.waitEvents(1);
    assert.equal(w.events[0].type, 'status');
    assert.equal(w.events[0].status, null);
    assert.deepEqual(w.events[0].history, []);
    await tips.waitEvents(1);
    const h0 = await node.rpc<number>('getblockcount');

    // A payment arrives.
    const txid = await node.send(addr, 1.5);
    await w.waitEvents(2);
    assert.deepEqual(w.events[1].added.map((e: any) => [e.tx_hash, e.height <= 0]), [[txid, true]]);

    // It confirms.
    const [block] = await node.mine(1);
    await w.waitEvents(3);
    assert.deepEqual(w.events[2].confirmed, [{ tx_hash: txid, height: h0 + 1 }]);
    assert.deepEqual(w.events[2].added, []);

    // A reorg unconfirms it.
    await node.invalidate(block!);
    await w.waitEvents(4);
    assert.deepEqual(w.events[3].unconfirmed.map((e: any) => e.tx_hash), [txid]);

    // The server goes away; the payment confirms again meanwhile; the server comes back.
    await srv.stop();
    await node.mine(1);
    srv = await startServe(node, { tcp: `127.0.0.1:${srv.port}`, db: srv.db });
    await w.waitEvents(5, 60_000);
    assert.deepEqual(w.events[4].confirmed.map((e: any) => e.tx_hash), [txid]);
    assert.match(w.stderr, /reconnecting|retrying/);

    // Nothing else arrives: no duplicates after the resubscription.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(w.events.length, 5, JSON.stringify(w.events));
    assert.deepEqual(w.events.map((e) => e.type), ['status', 'status', 'status', 'status', 'status']);

    // --exec saw the same events, in the same order.
    const seen = readFileSync(execOut, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(seen, w.events);

    // tip --follow: every tip once (no two consecutive events for the same block).
    await tips.waitEvents(2);
    const hashes = tips.events.map((e) => `${e.height}:${e.hex}`);
    for (let i = 1; i < hashes.length; i++) assert.notEqual(hashes[i], hashes[i - 1]);
    assert.ok(tips.events.every((e) => e.type === 'tip'));
    assert.equal(tips.events.at(-1).height, await node.rpc<number>('getblockcount'));

    // Ctrl-C: unsubscribes and exits 130.
    w.interrupt();
    tips.interrupt();
    assert.equal(await w.exit, 130);
    assert.equal(await tips.exit, 130);
  } finally {
    w.interrupt();
    tips.interrupt();
  }
});

test('--until-confirmed N exits 0 once the payment has N confirmations', async () => {
  const addr = await node.otherAddress('bech32');
  const w = new Watcher(['watch', addr, '--until-confirmed', '2']);
  await w.waitEvents(1);
  const txid = await node.send(addr, 0.3);
  await w.waitEvents(2);
  await node.mine(1);
  await w.waitEvents(3);
  await node.mine(1);
  assert.equal(await w.exit, 0, w.stderr);
  const last = w.events.at(-1);
  assert.equal(last.type, 'confirmed');
  assert.equal(last.tx_hash, txid);
  assert.equal(last.confirmations, 2);
  assert.equal(w.events.filter((e) => e.type === 'confirmed').length, 1);
});
