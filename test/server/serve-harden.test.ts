/**
 * `serve --local` facing bad input from the operator and the disk (issue 12): index
 * directories with a dot in their name, the TLS pin it logs, unusable options, disk errors.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startNode, type NodeHandle } from '../support/bitcoind.js';
import { startServe, waitSynced } from '../support/serve-in-process.js';
import { runCli } from '../support/run-cli.js';
import { assertLoopbackOnly } from '../support/loopback-guard.js';

assertLoopbackOnly();

let nodeP: Promise<NodeHandle> | undefined;
/** One node for the whole file (101 blocks). */
function node(): Promise<NodeHandle> {
  nodeP ??= startNode().then(async (n) => {
    await n.mine(101);
    return n;
  });
  return nodeP;
}
const temps: string[] = [];
function tempDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(d);
  return d;
}
after(async () => {
  if (nodeP) await (await nodeP).cleanup();
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
});

test('--db: a directory whose name has a dot is a directory (the store goes inside it)', { timeout: 60_000 }, async () => {
  const n = await node();
  for (const name of ['index.v2', '.electrum-cli']) {
    const db = path.join(tempDir('ecli-db.dots.'), name);
    const srv = await startServe(n, { db });
    try {
      await waitSynced(n, srv.port);
      assert.ok(fs.statSync(db).isDirectory(), `${name} is a directory`);
      assert.ok(fs.readdirSync(db).length > 0, `${name} holds the store`);
    } finally {
      await srv.stop();
    }
    // and it opens again
    const again = await startServe(n, { db });
    await again.stop();
  }
});

test('serve --tls logs the SHA-256 fingerprint in the form --pin accepts, and it pins', { timeout: 60_000 }, async () => {
  const n = await node();
  const db = tempDir('ecli-tls.pin.');
  for (const run of ['generated', 'loaded']) {
    const srv = await startServe(n, { db, extra: { tls: '127.0.0.1:0' } });
    try {
      const tlsPort = Number(srv.logs.map((l) => /^listening tls 127\.0\.0\.1:(\d+)$/.exec(l)?.[1]).find(Boolean));
      const pin = srv.logs.map((l) => /--pin (sha256:[0-9a-f]{64})\b/.exec(l)?.[1]).find(Boolean);
      assert.ok(pin, `${run}: no pin in ${srv.logs.join('\n')}`);
      const ok = await runCli(['--network', 'regtest', '--pin', pin!, '--json', 'version'], { server: `127.0.0.1:${tlsPort}:s` });
      assert.equal(ok.code, 0, `${run}: ${ok.stderr}`);
      const wrong = await runCli(['--network', 'regtest', '--pin', `sha256:${'0'.repeat(64)}`, 'version'], { server: `127.0.0.1:${tlsPort}:s` });
      assert.equal(wrong.code, 3, wrong.stderr);
    } finally {
      await srv.stop();
    }
  }
});
