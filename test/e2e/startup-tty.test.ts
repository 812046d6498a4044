// On a terminal, the spinner library (ora, ~100 ms to load) is imported only when a spinner is
// really shown: after 150 ms of waiting. A quick command never loads it; a slow connection
// shows "connecting to ..." and then loads it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempHome } from '../support/run-cli.js';
import { Pty, tmuxMissing } from '../support/pty.js';
import { startScriptedServer, type ScriptedServer } from '../support/scripted-server.js';

const ADDR = 'n4KeA3QBmLxmoaA5ypJfzkhWvr5CfvXgbU';
const PRELOAD = fileURLToPath(new URL('../support/import-log.mjs', import.meta.url));
let fast: ScriptedServer;
let slow: ScriptedServer;
before(async () => {
  fast = await startScriptedServer({ transcript: 'electrumx-1.6' });
  slow = await startScriptedServer({ transcript: 'electrumx-1.6', faults: { 'server.version': { kind: 'delay', ms: 1500 } } });
});
after(async () => {
  await fast.close();
  await slow.close();
});

/** Runs `balance ADDR` against `server` in a terminal; the screen seen while it ran, and the modules it loaded. */
async function onTerminal(server: ScriptedServer, watch?: RegExp): Promise<{ status: number; seen: string; loaded: string[] }> {
  const home = tempHome();
  const log = join(home, 'imports.log');
  const p = new Pty(['--network', 'regtest', '--server', server.spec, 'balance', ADDR], {
    HOME: home, XDG_CONFIG_HOME: join(home, '.config'), NODE_OPTIONS: `--import=${PRELOAD}`, ELECTRUM_TEST_IMPORT_LOG: log,
  });
  try {
    const seen = watch ? await p.waitFor(watch) : '';
    const status = await p.exitStatus();
    return { status, seen: seen || p.screen(), loaded: existsSync(log) ? readFileSync(log, 'utf8').split('\n') : [] };
  } finally {
    p.kill();
  }
}

test('a quick command on a terminal never imports ora', async (t) => {
  const why = tmuxMissing();
  if (why) return t.skip(why);
  // A loaded machine can make even a loopback connection take 150 ms (then the spinner is
  // due): one quick run out of three is the claim.
  const runs: string[][] = [];
  for (let i = 0; i < 3; i++) {
    const r = await onTerminal(fast);
    assert.equal(r.status, 0, r.seen);
    assert.ok(r.loaded.some((u) => u.includes('/dist/')), 'the import log works');
    const ora = r.loaded.filter((u) => /\/node_modules\/ora\//.test(u));
    if (ora.length === 0) return;
    runs.push(ora);
  }
  assert.fail(`ora was imported by every run: ${JSON.stringify(runs.map((r) => r[0]))}`);
});

test('a slow connection on a terminal shows the spinner (and only then loads ora)', async (t) => {
  const why = tmuxMissing();
  if (why) return t.skip(why);
  const r = await onTerminal(slow, /connecting to 127\.0\.0\.1:\d+:t…/);
  assert.equal(r.status, 0, r.seen);
  assert.ok(r.loaded.some((u) => /\/node_modules\/ora\//.test(u)));
});
