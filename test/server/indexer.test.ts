import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { openBackend } from '../../src/server/serve.js';
import { dumpStore, makeTraffic, startTestNode, tempDir } from '../support/test-node.js';

/** Runs the sync child; kills it with SIGKILL `killAfterMs` after it starts syncing (null: let it finish). */
function runChild(url: string, cookie: string, dbDir: string, killAfterMs: number | null): Promise<'killed' | 'synced'> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/sync-child.ts', url, cookie, dbDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (killAfterMs !== null && out.includes('open') && !timer) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.on('error', reject);
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      if (sig === 'SIGKILL') resolve('killed');
      else if (code === 0 && out.includes('synced')) resolve('synced');
      else reject(new Error(`sync child exited with ${code ?? sig}: ${out}`));
    });
  });
}

test('kill -9 at 20 seeded random moments during initial sync leaves an index equal to a fresh sync', { timeout: 150_000 }, async () => {
  const seed = Number(process.env.KILL_SEED ?? 20261123);
  let s = seed;
  const rnd = (): number => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  const node = await startTestNode({ rest: true });
  const dirs = [tempDir('kill'), tempDir('clean')];
  try {
    await node.mine(101);
    await makeTraffic(node, 60, 11);
    // How long one clean sync takes in a child, to spread the kills over it.
    const t0 = Date.now();
    assert.equal(await runChild(node.rpcUrl, node.cookiePath, dirs[1]!, null), 'synced');
    const span = Math.max(200, Date.now() - t0 - 600);
    let kills = 0;
    for (let i = 0; i < 20; i++) {
      const r = await runChild(node.rpcUrl, node.cookiePath, dirs[0]!, Math.floor(rnd() * span * 0.5));
      if (r === 'killed') kills++;
    }
    assert.equal(await runChild(node.rpcUrl, node.cookiePath, dirs[0]!, null), 'synced');
    const a = await openBackend({ network: 'regtest', bitcoindUrl: node.rpcUrl, rpcCookie: node.cookiePath, dbDir: dirs[0]!, zmq: false, log: () => {}, pollMs: 3_600_000, mempoolPollMs: 3_600_000 });
    const b = await openBackend({ network: 'regtest', bitcoindUrl: node.rpcUrl, rpcCookie: node.cookiePath, dbDir: dirs[1]!, zmq: false, log: () => {}, pollMs: 3_600_000, mempoolPollMs: 3_600_000 });
    await a.sync;
    await b.sync;
    assert.deepEqual(dumpStore(a.backend.store), dumpStore(b.backend.store), `seed ${seed}`);
    assert.ok(kills >= 1, `seed ${seed}: no child was killed mid-sync`);
    await a.close();
    await b.close();
  } catch (e) {
    console.error(`kill -9 test failed with KILL_SEED=${seed}`);
    throw e;
  } finally {
    await node.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
});
