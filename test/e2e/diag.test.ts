/**
 * The diagnostics end to end: the built binary against loopback servers started here —
 * `serve --local` (in-process) over the regtest simulator, and lying servers.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../support/run-cli.js';
import { startNode, type NodeHandle } from '../support/bitcoind.js';
import { serve } from '../../src/server/serve.js';
import { startLyingServer, WATCH_ADDRESS, type LyingOptions, type LyingServer } from '../support/lying-server.js';

const lying: LyingServer[] = [];
let node: NodeHandle;
let stopServe: AbortController;
let served: Promise<number>;
let local = '';
let paid = '';

before(async () => {
  node = await startNode({ forceSim: true });
  paid = await node.newAddress();
  await node.mine(101);
  await node.send(paid, 1.5);
  await node.mine(1);
  stopServe = new AbortController();
  const db = fs.mkdtempSync(path.join(os.tmpdir(), 'ecli-diag-db-'));
  let resolvePort!: (p: string) => void;
  const port = new Promise<string>((r) => (resolvePort = r));
  served = serve(
    { local: true, network: 'regtest', bitcoind: node.rpcUrl, rpcCookie: node.cookiePath, tcp: '127.0.0.1:0', db, zmq: false },
    {
      log: (line) => {
        const m = /listening tcp (\S+)/.exec(line);
        if (m) resolvePort(m[1]!);
      },
      isTTY: false,
      signal: stopServe.signal,
      handleSignals: false,
    },
  );
  local = `${await port}:t`;
});

after(async () => {
  stopServe.abort();
  await served.catch(() => 0);
  await node.cleanup();
  await Promise.all(lying.map((s) => s.close()));
});

async function liar(o: LyingOptions = {}): Promise<string> {
  const s = await startLyingServer(o);
  lying.push(s);
  return s.spec;
}
const cli = (args: string[], server?: string) => runCli(['--network', 'regtest', ...args], { ...(server ? { server } : {}), timeoutMs: 30_000 });

test('doctor passes serve --local; its card lists every check', async () => {
  const r = await cli(['doctor', local]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /pass {2}merkle proof/);
  assert.match(r.stdout, /healthy/);
  const j = await cli(['doctor', local, '--json']);
  const rep = JSON.parse(j.stdout);
  assert.equal(rep.ok, true);
  assert.ok(rep.methods.length > 15);
});

test('history and balance --verify prove against serve --local', async () => {
  const h = await cli(['history', paid, '--verify', '--json'], local);
  assert.equal(h.code, 0, h.stderr);
  const out = JSON.parse(h.stdout);
  assert.equal(out.verified, true);
  assert.equal(out.verification.status, 'verified');
  assert.equal(out.verification.proofs[0].status, 'verified');
  assert.equal(out.verification.proofs[0].anchor, 'checkpoint 0');
  const b = await cli(['balance', paid, '--verify'], local);
  assert.equal(b.code, 0, b.stderr);
  assert.match(b.stdout, /verified: yes/);
  assert.match(b.stdout, /unspent cannot be proven/);
  const m = await cli(['merkle', out.result[0].tx_hash, String(out.result[0].height), '--verify', '--json'], local);
  assert.equal(m.code, 0, m.stderr);
  assert.equal(JSON.parse(m.stdout).verified, true);
  // Anchored to a block the server does not have: a lie about that block (exit 6).
  const cp = await cli(['merkle', out.result[0].tx_hash, String(out.result[0].height), '--verify', '--checkpoint', `1:${'ab'.repeat(32)}`], local);
  assert.equal(cp.code, 6);
  assert.match(cp.stderr, /--checkpoint 1 says/);
});

test('balance --verify with nothing proven never says "verified: yes": "nothing to prove", the counts in JSON, exit 0', async () => {
  // ElectrumX leaves outputs spent in the mempool out of listunspent, yet counts them confirmed.
  const spent = await liar({ spentInMempool: true });
  const b = await cli(['balance', WATCH_ADDRESS, '--verify'], spent);
  assert.equal(b.code, 0, b.stderr);
  assert.doesNotMatch(b.stdout, /verified: yes/);
  assert.match(b.stdout, /^verified: nothing to prove \(no confirmed outputs listed; 0 of [\d,]+ confirmed sats proven; trusted: checkpoint 0\)$/m);
  const j = await cli(['balance', WATCH_ADDRESS, '--verify', '--json'], spent);
  assert.equal(j.code, 0, j.stderr);
  const out = JSON.parse(j.stdout);
  // The documented fields stay; the counts say nothing was proven.
  assert.equal(out.verified, true);
  assert.equal(out.verification.status, 'verified');
  assert.deepEqual(out.verification.counts, { verified: 0, unconfirmed: 0, unanchored: 0, failed: 0 });
  assert.equal(out.verification.sats.proven, 0);
  assert.ok(out.verification.sats.claimed > 0);
  assert.equal(out.verification.sats.claimed, out.result.confirmed);
  // With the outputs listed, the same balance is proven: "yes", and the sats add up.
  const ok = await cli(['balance', WATCH_ADDRESS, '--verify', '--json'], await liar());
  const okOut = JSON.parse(ok.stdout);
  assert.ok(okOut.verification.counts.verified > 0);
  assert.equal(okOut.verification.sats.proven, okOut.verification.sats.claimed);
  const okText = await cli(['balance', WATCH_ADDRESS, '--verify'], await liar());
  assert.match(okText.stdout, /^verified: yes \(\d+ verified; ([\d,]+) of \1 confirmed sats proven; trusted: checkpoint 0\)$/m);
});

test('a lying server is reported with exit status 6 naming what was false', async () => {
  const bad = await liar({ wrongMerkle: true });
  const h = await cli(['history', WATCH_ADDRESS, '--verify'], bad);
  assert.equal(h.code, 6);
  assert.match(h.stderr, /the server lied: the merkle branch for [0-9a-f]{64} does not lead to the merkle root of block [0-9a-f]{64} at \d+ \(its header chained to checkpoint 0\)/);
  const u = await cli(['balance', WATCH_ADDRESS, '--verify'], await liar({ inflateUtxos: 1 }));
  assert.equal(u.code, 6);
  assert.match(u.stderr, /not the \d+ the server claims/);
  const d = await cli(['doctor', await liar({ genesis: '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f' })]);
  assert.equal(d.code, 6);
  assert.match(d.stdout, /FAIL {2}genesis hash/);
  const drop = await cli(['doctor', await liar({ dropAfter: 0 })]);
  assert.equal(drop.code, 3);
});

test('compare and peers --probe over loopback servers', async () => {
  const a = await liar();
  const b = await liar();
  const stale = await liar({ tipHeight: 20 });
  const c = await cli(['compare', 'tip', '--servers', `${a},${b},${stale}`, '--quorum', '3']);
  assert.equal(c.code, 6);
  assert.match(c.stderr, /quorum not met: 2 of 3/);
  const ok = await cli(['compare', 'balance', WATCH_ADDRESS, '--servers', `${a},${b},${stale}`, '--json']);
  assert.equal(ok.code, 0);
  assert.equal(JSON.parse(ok.stdout).agreeing, 2);
  const p = await cli(['peers', '--servers', `${a},${stale},${local}`, '--json']);
  assert.equal(p.code, 0, p.stderr);
  const rep = JSON.parse(p.stdout);
  assert.equal(rep.summary.reachable, 3);
  assert.ok(rep.servers.some((s: { lag?: number }) => s.lag! > 0));
  const cached = fs.readFileSync(path.join(p.home, '.cache', 'electrum-cli', 'servers.txt'), 'utf8');
  assert.ok(cached.includes(a));
});
