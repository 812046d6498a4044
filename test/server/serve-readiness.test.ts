/**
 * `serve` before a long sync: ports checked first, what the index will need printed from the
 * node's transaction count, an ETA from transactions, and a bitcoind that is really gone
 * reported in one line with exit status 7 (the built binary, as a user runs it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { serve } from '../../src/server/serve.js';
import { estimateIndexBytes, formatBytes, INDEX_BYTES_PER_TX, needsLines } from '../../src/server/readiness.js';
import { etaSeconds, formatProgress, type SyncProgress } from '../../src/server/sync-progress.js';
import { startNode } from '../support/bitcoind.js';
import { startServe } from '../support/serve-in-process.js';
import { runCli } from '../support/run-cli.js';

async function deadPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

test('ETA comes from transactions remaining, not blocks', () => {
  // Early blocks are tiny: 90% of the blocks done can be 10% of the transactions.
  const p: SyncProgress = { height: 900, target: 1000, txs: 100_000, indexedTxs: 100_000, blocksPerSec: 90, txPerSec: 10_000, done: false };
  assert.equal(etaSeconds(p, 1_000_000), 90);
  assert.equal(formatProgress(p, 1_000_000), 'height 900/1000, tx 100,000/1,000,000 (10.0%), 90 blocks/s, 10,000 tx/s, ETA 2m');
  assert.equal(etaSeconds(p, null), null);
  assert.equal(formatProgress(p, null), 'height 900/1000 (90.0%), 90 blocks/s, 10,000 tx/s, ETA ?');
  // New blocks arrived during the sync: never a negative ETA or over 100%.
  assert.equal(etaSeconds({ ...p, indexedTxs: 1_000_050 }, 1_000_000), 0);
  assert.match(formatProgress({ ...p, indexedTxs: 1_000_050 }, 1_000_000), /tx 1,000,050\/1,000,050 \(100\.0%\)/);
  assert.equal(formatProgress({ ...p, done: true }, 1_000_000).endsWith(', done'), true);
});

test('index size estimate: one constant per tx, the disk free beside it, a warning when short', () => {
  assert.equal(estimateIndexBytes(1_000_000), 1_000_000 * INDEX_BYTES_PER_TX);
  assert.equal(formatBytes(650_000_000), '650 MB');
  assert.equal(formatBytes(1_234_000_000_000), '1.2 TB');
  assert.equal(formatBytes(512), '512 B');
  assert.deepEqual(needsLines(1_200_000_000, 0, 'idx', 2e12), [
    `bitcoind's chain has 1,200,000,000 transactions; the index will need about ${formatBytes(1.2e9 * INDEX_BYTES_PER_TX)} in idx (${INDEX_BYTES_PER_TX} B/tx), 2.0 TB free there`,
  ]);
  const short = needsLines(1_200_000_000, 600_000_000, 'idx', 1e11);
  assert.match(short[0]!, /\(600,000,000 not indexed yet\)/);
  assert.match(short[1]!, /^warning: the index may need .* more than the 100 GB free in idx$/);
  assert.match(needsLines(null, 0, 'idx', null)[0]!, /no index size estimate/);
});

test('serve prints the node\'s tx count and the index size before syncing, then tx-based progress', { timeout: 120_000 }, async () => {
  const node = await startNode();
  let srv: Awaited<ReturnType<typeof startServe>> | undefined;
  try {
    await node.mine(101);
    await node.send(await node.newAddress(), 1);
    await node.mine(1);
    let txs = 0;
    for (let h = 0; h <= 102; h++) txs += (await node.rpc('getblock', [await node.rpc('getblockhash', [h]), 1])).nTx;
    srv = await startServe(node);
    const need = srv.logs.findIndex((l) => l.startsWith("bitcoind's chain has"));
    assert.ok(need >= 0, srv.logs.join('\n'));
    assert.match(srv.logs[need]!, new RegExp(`^bitcoind's chain has ${txs} transactions; the index will need about ${formatBytes(txs * INDEX_BYTES_PER_TX)} in .* \\(${INDEX_BYTES_PER_TX} B/tx\\)`));
    const firstSync = srv.logs.findIndex((l) => l.startsWith('sync '));
    assert.ok(firstSync > need, 'the estimate comes before the sync');
    assert.match(srv.logs.filter((l) => l.startsWith('sync ')).at(-1)!, new RegExp(`^sync height 102/102, tx ${txs}/${txs} \\(100\\.0%\\), .* tx/s, done$`));
  } finally {
    await srv?.stop();
    await node.cleanup();
  }
});

test('a listening port in use fails at once (exit 2), before bitcoind is even asked', { timeout: 30_000 }, async () => {
  const busy = net.createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const port = (busy.address() as net.AddressInfo).port;
  const db = fs.mkdtempSync(path.join(os.tmpdir(), 'ecli-ready-'));
  const logs: string[] = [];
  try {
    // The bitcoind URL points nowhere: without the probe, serve would wait for it first.
    const t0 = Date.now();
    await assert.rejects(
      serve({ local: true, network: 'regtest', bitcoind: `http://127.0.0.1:${await deadPort()}`, rpcUser: 'u', rpcPassword: 'p', db, tcp: `127.0.0.1:${port}`, zmq: false },
        { log: (l) => logs.push(l), isTTY: false, handleSignals: false }),
      (e: any) => {
        assert.equal(e.exitCode, 2);
        assert.equal(e.message, `cannot listen: listen EADDRINUSE: address already in use 127.0.0.1:${port}`);
        return true;
      },
    );
    assert.ok(Date.now() - t0 < 5000);
    assert.ok(!logs.some((l) => /bitcoind/.test(l)), logs.join('\n'));
  } finally {
    busy.close();
    fs.rmSync(db, { recursive: true, force: true });
  }
});

test('a bitcoind that is really gone: one line on stderr, exit status 7, after --bitcoind-wait', { timeout: 60_000 }, async () => {
  const port = await deadPort();
  const db = fs.mkdtempSync(path.join(os.tmpdir(), 'ecli-ready-'));
  try {
    const r = await runCli(['serve', '--local', '--network', 'regtest', '--bitcoind', `http://127.0.0.1:${port}`, '--rpc-user', 'u', '--rpc-password', 'p',
      '--db', db, '--tcp', '127.0.0.1:0', '--no-zmq', '--bitcoind-wait', '1'], { timeoutMs: 30_000 });
    assert.equal(r.code, 7, r.stderr);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    const err = lines.findIndex((l) => l.startsWith('electrum-cli: '));
    assert.equal(lines[err], `electrum-cli: cannot reach bitcoind at 127.0.0.1:${port} for 1 s (connection refused); giving up`);
    assert.ok(lines.slice(err + 1).every((l) => l.startsWith('hint: ')), r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  } finally {
    fs.rmSync(db, { recursive: true, force: true });
  }
});
