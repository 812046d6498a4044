/**
 * Start-up cost: heavy modules load only in the commands that need them. A resolve hook and
 * a wrapper of CommonJS's loader list every package the built binary imports or requires;
 * `--version` imports none, and
 * `balance ADDR` (address -> script hash included), with --json or piped, never touches
 * bitcoinjs-lib, ora, inquirer, ws or socks. cli-table3 is bundled (scripts/build.mjs), so no
 * hook sees it: test/format/box.test.ts checks that only a boxed table loads it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startScriptedServer, type ScriptedServer } from '../support/scripted-server.js';
import { runCli } from '../support/run-cli.js';

const HEAVY = ['bitcoinjs-lib', 'ora', '@inquirer/prompts', 'ws', 'socks'];

function hookEnv(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'electrum-cli-hooks-'));
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(hooks, `export async function resolve(spec, ctx, next) {
  if (!/^(\\.|\\/|file:|data:)/.test(spec)) process.stderr.write('[import] ' + spec + '\\n');
  return next(spec, ctx);
}\n`);
  const reg = join(dir, 'register.mjs');
  // ES modules through the resolve hook; CommonJS requires (the binary and its bundle are
  // CommonJS, and so are ws and socks) through Module._load, which no ESM hook sees.
  writeFileSync(reg, `import Module, { register } from 'node:module';
register(${JSON.stringify(pathToFileURL(hooks).href)});
const load = Module._load;
Module._load = function (request, ...rest) {
  if (!/^(\\.|\\/)/.test(request)) process.stderr.write('[import] ' + request + '\\n');
  return load.call(this, request, ...rest);
};
`);
  return { NODE_OPTIONS: `--import=${JSON.stringify(reg)}` };
}

const imported = (stderr: string) => [...stderr.matchAll(/^\[import\] (.+)$/gm)].map((m) => m[1]!);

describe('lazy loading', () => {
  let s: ScriptedServer;
  before(async () => (s = await startScriptedServer({ transcript: 'electrumx-1.6' })));
  after(() => s.close());

  it('--version imports no package at all', async () => {
    const r = await runCli(['--version'], { env: hookEnv() });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(imported(r.stderr).filter((m) => !m.startsWith('node:')), []);
  });

  it('balance ADDR --json imports none of the heavy modules', async () => {
    const r = await runCli(['--network', 'regtest', '--json', 'balance', 'n4KeA3QBmLxmoaA5ypJfzkhWvr5CfvXgbU'], { server: s.spec, env: hookEnv() });
    assert.equal(r.code, 0, r.stderr);
    const mods = imported(r.stderr);
    // Small packages are bundled into dist/; the hook still sees the built-ins the client uses.
    assert.ok(mods.includes('node:net'), `the hook sees imports: ${mods.join(', ')}`);
    for (const h of HEAVY) assert.ok(!mods.some((m) => m === h || m.startsWith(`${h}/`)), `${h} was imported`);
  });

  it('balance ADDR piped (tab-separated rows) imports none of the heavy modules', async () => {
    const r = await runCli(['--network', 'regtest', 'balance', 'n4KeA3QBmLxmoaA5ypJfzkhWvr5CfvXgbU'], { server: s.spec, env: hookEnv() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^confirmed\t\d+\nunconfirmed\t\d+\n$/);
    const mods = imported(r.stderr);
    assert.ok(mods.includes('node:net'), `the hook sees imports: ${mods.join(', ')}`);
    for (const h of [...HEAVY, 'cli-table3', '@colors/colors']) assert.ok(!mods.some((m) => m === h || m.startsWith(`${h}/`)), `${h} was imported`);
  });
});
