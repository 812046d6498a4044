/**
 * The initial sync and the follow loop against a bitcoind that closes connections: at random
 * (the simulator's seeded drops), because they idled past -rpcservertimeout while the indexer
 * was busy, or because bitcoind restarted or went away for good.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { DaemonError } from '../../src/errors.js';
import { openBackend } from '../../src/server/serve.js';
import { dumpStore, makeTraffic, startTestNode, tempDir, type TestNode } from '../support/test-node.js';

const quiet = { zmq: false, log: () => {}, pollMs: 3_600_000, mempoolPollMs: 3_600_000 } as const;

/** A clean sync of the node into a fresh directory, as the reference index. */
async function cleanDump(node: TestNode, dir: string): Promise<string[]> {
  const b = await openBackend({ ...quiet, network: 'regtest', bitcoindUrl: node.rpcUrl, rpcCookie: node.cookiePath, dbDir: dir });
  try {
    await b.sync;
    return dumpStore(b.backend.store);
  } finally {
    await b.close();
  }
}

async function waitFor(what: string, pred: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('initial sync and follow loop under seeded idle and busy connection drops end equal to a clean sync', { timeout: 180_000 }, async () => {
  const seed = process.env.DROP_SEED ?? 'sync-drops-1';
  // Drops need the simulator: a real bitcoind cannot be told to misbehave.
  const node = await startTestNode({ forceSim: true });
  const dirs = [tempDir('drops'), tempDir('clean')];
  try {
    await node.mine(101);
    await makeTraffic(node, 30, 3);
    const sim = node.handle.sim!;
    sim.setDrops({ seed, request: 0.04, beforeResponse: 0.04, midResponse: 0.04, idle: 0.1, idleWithinMs: 50 });
    const logs: string[] = [];
    const a = await openBackend({
      network: 'regtest', bitcoindUrl: node.rpcUrl, rpcCookie: node.cookiePath, dbDir: dirs[0]!, zmq: false,
      log: (l) => logs.push(l), maxChunkBlocks: 3, pollMs: 20, mempoolPollMs: 20,
    });
    try {
      await a.sync;
      const afterSync = { ...sim.dropStats };
      // Following: new blocks and mempool traffic while connections keep dropping (the
      // driver's own calls are exempt).
      await makeTraffic(node, 10, 4);
      const tip = await node.rpc<string>('getbestblockhash');
      await waitFor('the follow loop to reach the tip', () => a.backend.tip().hash === tip);
      const s = sim.dropStats;
      assert.ok(afterSync.request + afterSync.beforeResponse + afterSync.midResponse > 0, `no busy drop during the sync: ${JSON.stringify(afterSync)}`);
      assert.ok(s.request > 0 && s.beforeResponse > 0 && s.midResponse > 0 && s.idle > 0, `seed ${seed}: ${JSON.stringify(s)}`);
      assert.ok(s.request + s.beforeResponse + s.midResponse > afterSync.request + afterSync.beforeResponse + afterSync.midResponse, 'no busy drop while following');
      sim.setDrops(undefined);
      assert.deepEqual(dumpStore(a.backend.store), await cleanDump(node, dirs[1]!), `seed ${seed}`);
    } finally {
      await a.close();
    }
  } catch (e) {
    console.error(`drop test failed with DROP_SEED=${seed}`);
    throw e;
  } finally {
    await node.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
});

test('a sync pausing longer than -rpcservertimeout between requests (a long commit) still completes', { timeout: 120_000 }, async () => {
  // Works against a real bitcoind too: it gets -rpcservertimeout=1.
  const node = await startTestNode({ rpcServerTimeout: 1 });
  const dirs = [tempDir('pause'), tempDir('clean')];
  try {
    await node.mine(101);
    await makeTraffic(node, 12, 5);
    let pauses = 0;
    const a = await openBackend({
      ...quiet, network: 'regtest', bitcoindUrl: node.rpcUrl, rpcCookie: node.cookiePath, dbDir: dirs[0]!, maxChunkBlocks: 5,
      // Progress is reported right after a commit, with the next group's requests in flight:
      // blocking there is what a 60 s LMDB commit does to the event loop.
      onProgress: (p) => {
        if (!p.done && pauses < 3) {
          pauses++;
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1600);
        }
      },
    });
    try {
      await a.sync;
      assert.equal(pauses, 3);
      assert.deepEqual(dumpStore(a.backend.store), await cleanDump(node, dirs[1]!));
    } finally {
      await a.close();
    }
  } finally {
    await node.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
});

test('bitcoind restarting mid-sync is waited for; gone for good, the sync fails with one line (exit 7) after giveUpMs', { timeout: 120_000 }, async () => {
  const node = await startTestNode();
  const dirs = [tempDir('restart'), tempDir('clean'), tempDir('gone')];
  try {
    await node.mine(101);
    await makeTraffic(node, 8, 6);
    let restarted = false;
    const logs: string[] = [];
    const a = await openBackend({
      ...quiet, log: (l) => logs.push(l), network: 'regtest', bitcoindUrl: node.rpcUrl, rpcCookie: node.cookiePath, dbDir: dirs[0]!,
      maxChunkBlocks: 4, giveUpMs: 60_000,
      onProgress: (p) => {
        if (!p.done && !restarted) {
          restarted = true;
          void node.handle.stop().then(() => new Promise((r) => setTimeout(r, 700))).then(() => node.handle.start());
        }
      },
    });
    try {
      await a.sync;
      assert.ok(restarted);
      assert.ok(logs.some((l) => /cannot reach bitcoind .*retrying in/.test(l)), logs.join('\n'));
      assert.deepEqual(dumpStore(a.backend.store), await cleanDump(node, dirs[1]!));
    } finally {
      await a.close();
    }

    let stopped = false;
    const g = await openBackend({
      ...quiet, network: 'regtest', bitcoindUrl: node.rpcUrl, rpcCookie: node.cookiePath, dbDir: dirs[2]!, maxChunkBlocks: 4, giveUpMs: 800,
      onProgress: (p) => {
        if (!p.done && !stopped) {
          stopped = true;
          void node.handle.stop();
        }
      },
    });
    try {
      await assert.rejects(g.sync, (e: unknown) => {
        assert.ok(e instanceof DaemonError && e.exitCode === 7, String(e));
        assert.match(e.message, /^cannot reach bitcoind at 127\.0\.0\.1:\d+ for 0\.8 s \(connection refused\); giving up$/);
        return true;
      });
    } finally {
      await g.close();
    }
  } finally {
    await node.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
});
