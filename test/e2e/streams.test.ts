/** Streaming commands: NDJSON events until Ctrl-C (exit 130), reconnecting when the server goes away. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startScriptedServer } from '../support/scripted-server.js';
import { runCli } from '../support/run-cli.js';

const P2PKH = 'n4KeA3QBmLxmoaA5ypJfzkhWvr5CfvXgbU';
const SH = '5ebb4986af5329935d233e008a174e55e6661a26f496e290f2e676c7104518c9';

describe('streams', { concurrency: 3 }, () => {
  it('subscribe streams the status, then the recorded notifications, until Ctrl-C -> 130', async () => {
    const s = await startScriptedServer({ transcript: 'fulcrum-1.6' });
    const r = await runCli(['--network', 'regtest', '--json', 'subscribe', P2PKH], { server: s.spec, interruptAfterLines: 3 });
    await s.close();
    assert.equal(r.code, 130, r.stderr);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const { history, ...first } = events[0]!;
    assert.deepEqual(first, { type: 'status', arg: P2PKH, scripthash: SH, status: '319777f96fe4cb5b72dc57815a2cba1bf5727947bdf1d87d30e7426c4174eea8' });
    assert.ok(Array.isArray(history), 'the first event carries the history behind the status');
    assert.deepEqual(events.slice(1, 3).map((e) => e.status), [
      'd0f003c64aecfc023231f13d9a7ae68b7aa5614ca9aabf7b1823a49c06a3c15b',
      '5e5238d5389c06c051a289fc1986a1288e70fad5a1c8e6ef682bc9800ceeb708',
    ]);
  });
  it('tip --follow streams {"type":"tip"} events', async () => {
    const s = await startScriptedServer({ transcript: 'fulcrum-1.6' });
    const r = await runCli(['--network', 'regtest', '--json', 'tip', '--follow'], { server: s.spec, interruptAfterLines: 2 });
    await s.close();
    assert.equal(r.code, 130, r.stderr);
    const [first, second] = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; height: number; hex: string });
    assert.equal(first!.type, 'tip');
    assert.equal(first!.height, 113);
    assert.equal(second!.height, 114);
    assert.match(second!.hex, /^[0-9a-f]{160}$/);
  });
  it('the server closing during a stream: a reconnect notice, and Ctrl-C still exits 130', async () => {
    const s = await startScriptedServer({ transcript: 'electrumx-1.6', notify: false });
    const run = runCli(['--network', 'regtest', '--json', 'subscribe', SH], { server: s.spec, interruptOnStderr: /reconnecting in/ });
    // Give the subscription time to start, then drop every connection.
    await new Promise((r) => setTimeout(r, 1500));
    await s.close();
    const r = await run;
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stdout, /"type":"status"/);
    assert.match(r.stderr, /lost; reconnecting in \d+ s/);
  });
});
