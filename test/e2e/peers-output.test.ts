// peers --output: the healthy servers go to a file; a file that cannot be written is the
// user's argument (exit 2), never an internal error.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../support/run-cli.js';
import { startLyingServer, type LyingServer } from '../support/lying-server.js';

const servers: LyingServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

test('peers --servers X --output FILE writes the list; an unwritable FILE exits 2', async () => {
  const s = await startLyingServer();
  servers.push(s);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'electrum-cli-peers-'));
  const file = path.join(dir, 'servers.txt');
  const ok = await runCli(['--network', 'regtest', 'peers', '--servers', s.spec, '--output', file, '--json']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.ok(fs.readFileSync(file, 'utf8').includes(s.spec));
  const bad = await runCli(['--network', 'regtest', 'peers', '--servers', s.spec, '--output', path.join(dir, 'missing', 'servers.txt'), '--json']);
  assert.equal(bad.code, 2, bad.stderr);
  assert.equal(bad.stdout, '');
  const err = JSON.parse(bad.stderr.trim()) as { error: { exit: number; message: string } };
  assert.match(err.error.message, /cannot write --output/);
});
