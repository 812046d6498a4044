/**
 * openBackend's startup checks (docs/architecture.md §4): bitcoind warming up (-28) and in initial
 * block download are waited out; a pruned node that lacks blocks the index needs and a node
 * on another network are DaemonErrors (exit 7) with a clear message. The state that a
 * regtest node cannot be put into (IBD, pruning) comes from a scripted fake bitcoind; the
 * wrong-network case runs against the real test node (simulator or bitcoind).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DaemonError } from '../../src/errors.js';
import { NETWORKS } from '../../src/bitcoin/networks.js';
import { openBackend } from '../../src/server/serve.js';
import { Daemon } from '../../src/server/daemon.js';
import { startTestNode, tempDir } from '../support/test-node.js';

type Reply = { result: unknown } | { error: { code: number; message: string } };

/** A fake bitcoind answering each RPC from `answer` (user:pass auth, REST absent). */
async function fakeNode(answer: (method: string, params: unknown[]) => Reply): Promise<{ url: string; close(): void; calls: string[] }> {
  const calls: string[] = [];
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/rest/')) return void res.writeHead(404).end();
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const msg = JSON.parse(body);
      const one = (m: { id: number; method: string; params: unknown[] }) => {
        calls.push(m.method);
        return { id: m.id, result: null, error: null, ...answer(m.method, m.params) };
      };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(Array.isArray(msg) ? msg.map(one) : one(msg)));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://u:p@127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close(), calls };
}

const GENESIS = NETWORKS.regtest.genesisHash;
const chainInfo = (over: Record<string, unknown> = {}): Reply => ({
  result: { chain: 'regtest', blocks: 10, headers: 10, initialblockdownload: false, pruned: false, verificationprogress: 1, ...over },
});
const common = (method: string, params: unknown[]): Reply | undefined => {
  if (method === 'getblockhash' && params[0] === 0) return { result: GENESIS };
  if (method === 'getnetworkinfo') return { result: { version: 280000, relayfee: 0.00001 } };
  return undefined;
};

test('warm-up (-28) and initial block download are waited out, with a log line each', async () => {
  let n = 0;
  const fake = await fakeNode((method, params) => {
    if (method === 'getblockchaininfo') {
      n++;
      if (n <= 3) return { error: { code: -28, message: 'Loading block index…' } };
      if (n <= 5) return chainInfo({ initialblockdownload: true, blocks: 3 + n, headers: 10 });
      return chainInfo();
    }
    return common(method, params) ?? { error: { code: -32601, message: 'Method not found' } };
  });
  const logs: string[] = [];
  const d = new Daemon({ network: 'regtest', url: fake.url, log: (l) => logs.push(l), waitMs: 5 });
  try {
    await d.detect();
    assert.equal(n, 6);
    assert.ok(logs.some((l) => /warming up \(Loading block index…\); waiting/.test(l)), logs.join('\n'));
    assert.ok(logs.some((l) => /initial block download \(\d+\/10 blocks\); waiting/.test(l)), logs.join('\n'));
    assert.equal(d.version, 280000);
    assert.equal(d.rest, false);
  } finally {
    d.close();
    fake.close();
  }
});

test('a pruned node missing blocks the index needs: DaemonError exit 7 from the sync', async () => {
  const fake = await fakeNode((method, params) => {
    if (method === 'getblockchaininfo') return chainInfo({ pruned: true, pruneheight: 5 });
    if (method === 'getblockcount') return { result: 10 };
    if (method === 'getbestblockhash') return { result: 'ab'.repeat(32) };
    return common(method, params) ?? { error: { code: -32601, message: 'Method not found' } };
  });
  const dir = tempDir('pruned');
  try {
    const b = await openBackend({ network: 'regtest', bitcoindUrl: fake.url, dbDir: dir, zmq: false, log: () => {} });
    await assert.rejects(b.sync, (e: unknown) => e instanceof DaemonError && e.exitCode === 7
      && /is pruned: blocks below 5 are gone, but the index needs them from 0/.test(e.message));
    await b.close();
    // Pruned above what the index already has is fine.
    const d = new Daemon({ network: 'regtest', url: fake.url });
    await d.detect();
    assert.doesNotThrow(() => d.checkPruned(6));
    assert.throws(() => d.checkPruned(4), DaemonError);
    d.close();
  } finally {
    fake.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a regtest node served as --network testnet: DaemonError exit 7 naming both networks', { timeout: 60_000 }, async () => {
  const node = await startTestNode();
  const dir = tempDir('wrongnet');
  try {
    await assert.rejects(
      openBackend({ network: 'testnet', bitcoindUrl: node.rpcUrl, rpcCookie: node.cookiePath, dbDir: dir, zmq: false, log: () => {} }),
      (e: unknown) => e instanceof DaemonError && e.exitCode === 7 && /is on regtest, not testnet/.test(e.message) && /--network/.test(e.hint ?? ''),
    );
    assert.deepEqual(fs.readdirSync(dir), [], 'no index is created for the wrong network');
  } finally {
    await node.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('serve -n testnet given a regtest datadir: exit 7 naming the cookie it looked for, not "retrying" forever', { timeout: 60_000 }, async () => {
  const node = await startTestNode();
  const db = tempDir('cookie');
  const { runCli } = await import('../support/run-cli.js');
  try {
    // --bitcoind points at the node (as a wrong port would at another one): it refuses the request without a cookie.
    const r = await runCli(['-n', 'testnet', 'serve', '--local', '--datadir', node.datadir, '--bitcoind', node.rpcUrl, '--db', db, '--tcp', '127.0.0.1:0', '--no-zmq'], { timeoutMs: 30_000 });
    assert.equal(r.code, 7, r.stderr);
    assert.ok(r.stderr.includes(`there is no cookie at ${node.datadir}/testnet3/.cookie`), r.stderr);
    assert.doesNotMatch(r.stderr, /retrying/);
  } finally {
    await node.stop();
    fs.rmSync(db, { recursive: true, force: true });
  }
});
