// Colours: no-color.org's NO_COLOR (only a non-empty value turns colour off), FORCE_COLOR and
// CLICOLOR_FORCE, and --no-color over everything. A pipe gets tab-separated rows without colour
// whatever they say (issue 10 item 13); colour applies on a terminal.
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

test('piped: tab-separated rows without colour, whatever FORCE_COLOR, CLICOLOR_FORCE or NO_COLOR say (tables do not come back into a pipe)', async () => {
  const plain = await balance({});
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal(plain.stdout, 'confirmed\t91000000\nunconfirmed\t0\n');
  for (const [env, extra] of [[{ FORCE_COLOR: '1' }, []], [{ FORCE_COLOR: '' }, []], [{ CLICOLOR_FORCE: '1' }, []], [{ FORCE_COLOR: '1', NO_COLOR: '1' }, []], [{ FORCE_COLOR: '1' }, ['--no-color']], [{ FORCE_COLOR: '0' }, []]] as const) {
    const r = await balance(env, [...extra]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, plain.stdout, JSON.stringify(env));
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
