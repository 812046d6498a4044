// Colours: no-color.org's NO_COLOR (only a non-empty value turns colour off), FORCE_COLOR and
// CLICOLOR_FORCE (colour even into a pipe), and --no-color over everything.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, tempHome } from '../support/run-cli.js';
import { Pty, tmuxMissing } from '../support/pty.js';
import { startScriptedServer, type ScriptedServer } from '../support/scripted-server.js';

const ADDR = 'n4KeA3QBmLxmoaA5ypJfzkhWvr5CfvXgbU';
// eslint-disable-next-line no-control-regex
const ESC = /\u001b\[/;
let s: ScriptedServer;
before(async () => (s = await startScriptedServer({ transcript: 'electrumx-1.6' })));
after(() => s.close());

const balance = (env: Record<string, string>, extra: string[] = []) => runCli(['--network', 'regtest', ...extra, 'balance', ADDR], { server: s.spec, env });

test('piped: no colour by default; FORCE_COLOR or CLICOLOR_FORCE bring it; --no-color and FORCE_COLOR=0 keep it off', async () => {
  const plain = await balance({});
  assert.equal(plain.code, 0, plain.stderr);
  assert.doesNotMatch(plain.stdout, ESC);
  for (const env of [{ FORCE_COLOR: '1' }, { FORCE_COLOR: '' }, { CLICOLOR_FORCE: '1' }, { FORCE_COLOR: '1', NO_COLOR: '1' }] as Record<string, string>[]) {
    const r = await balance(env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, ESC, JSON.stringify(env));
    // Same text under the colour codes.
    // eslint-disable-next-line no-control-regex
    assert.equal(r.stdout.replace(/\u001b\[\d+m/g, ''), plain.stdout);
  }
  for (const [env, extra] of [[{ FORCE_COLOR: '1' }, ['--no-color']], [{ FORCE_COLOR: '0' }, []], [{ CLICOLOR_FORCE: '0' }, []]] as const) {
    const r = await balance(env, [...extra]);
    assert.doesNotMatch(r.stdout, ESC, JSON.stringify(env));
  }
});

test('on a terminal: an empty NO_COLOR keeps colours (no-color.org), a non-empty one turns them off', async (t) => {
  const why = tmuxMissing();
  if (why) return t.skip(why);
  const run = async (env: Record<string, string>) => {
    const home = tempHome();
    const p = new Pty(['--network', 'regtest', '--server', s.spec, 'balance', ADDR], { HOME: home, XDG_CONFIG_HOME: `${home}/.config`, ...env });
    try {
      assert.equal(await p.exitStatus(), 0, p.screen());
      return p.screen(true);
    } finally {
      p.kill();
    }
  };
  const empty = await run({ NO_COLOR: '' });
  assert.match(empty, /confirmed/);
  assert.match(empty, ESC, 'NO_COLOR= (empty) does not turn colour off');
  const set = await run({ NO_COLOR: '1' });
  assert.match(set, /confirmed/);
  assert.doesNotMatch(set, ESC);
});
