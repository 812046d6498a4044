/**
 * The terminal side of issue 10 items 12, 13 and 20, in a real pseudo-terminal (tmux) of a
 * chosen size: tables fit the width (hashes shortened in the middle, --wide whole), merkle
 * branches one row each, output taller than the screen goes through $PAGER (--no-pager
 * opts out), and --verify shows n/N with an estimate while it works.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exchanges, listTranscripts } from '../support/transcripts.js';
import { startScriptedServer, type ScriptedServer } from '../support/scripted-server.js';
import { tempHome } from '../support/run-cli.js';
import { Pty, homeEnv, q, tmuxMissing } from '../support/pty.js';

const P2PKH = 'n4KeA3QBmLxmoaA5ypJfzkhWvr5CfvXgbU';
const SH_P2PKH = '5ebb4986af5329935d233e008a174e55e6661a26f496e290f2e676c7104518c9';
const skip = tmuxMissing();

describe('terminal output', { skip, concurrency: 4 }, () => {
  const t = listTranscripts().find((x) => x.name === 'electrumx-1.6')!;
  const ex = exchanges(t);
  const history = ex.find((e) => e.method === 'blockchain.scripthash.get_history' && e.params[0] === SH_P2PKH)!.reply.result as { tx_hash: string; height: number }[];
  const merkle = ex.find((e) => e.method === 'blockchain.transaction.get_merkle')!;
  let server: ScriptedServer;
  let slow: ScriptedServer;
  const ptys: Pty[] = [];
  const run = (args: string[], size: { width: number; height: number }, env: Record<string, string> = {}, srv = server) => {
    const p = new Pty(['--regtest', '--server', srv.spec, ...args], { ...homeEnv(tempHome()), ...env }, size);
    ptys.push(p);
    return p;
  };
  before(async () => {
    server = await startScriptedServer({ transcript: t.name });
    slow = await startScriptedServer({ transcript: t.name, faults: { 'blockchain.transaction.get_merkle': { kind: 'delay', ms: 400 } } });
  });
  after(async () => {
    for (const p of ptys) p.kill();
    await server.close();
    await slow.close();
  });

  it('at 80 columns history fits: txids shortened in the middle, no wrapped rows', async () => {
    const p = run(['history', P2PKH], { width: 80, height: 40 });
    assert.equal(await p.exitStatus(), 0);
    const lines = p.screen().split('\n').filter((l) => l.trim() !== '');
    assert.equal(lines.length, history.length + 4, p.screen());
    for (const l of lines) assert.match(l, /^[┌│├└].*[┐│┤┘]$/, `a whole table line, not a wrapped one: ${l}`);
    const h = history[0]!.tx_hash;
    assert.ok(p.screen().includes(`${h.slice(0, 8)}…${h.slice(-8)}`), p.screen());
    assert.ok(!p.screen().includes(h));
  });

  it('--wide (and --no-trunc) keep txids whole, even if the terminal wraps them', async () => {
    for (const flag of ['--wide', '--no-trunc']) {
      const p = run(['history', P2PKH, flag], { width: 80, height: 40 });
      assert.equal(await p.exitStatus(), 0);
      for (const e of history) assert.ok(p.joined().includes(e.tx_hash), `${flag}: ${p.joined()}`);
    }
  });

  it('merkle: one row per branch hash, within the width', async () => {
    const branch = (merkle.reply.result as { merkle: string[] }).merkle;
    const p = run(['merkle', merkle.params[0] as string, String(merkle.params[1])], { width: 80, height: 40 });
    assert.equal(await p.exitStatus(), 0);
    const s = p.screen();
    for (const [i, h] of branch.entries()) assert.match(s, new RegExp(`^│ ${i === 0 ? 'branch' : '      '} │ ${h} │$`, 'm'));
  });

  it('output taller than the screen goes through $PAGER; --no-pager and short output do not', async () => {
    const dir = tempHome();
    const paged = join(dir, 'paged.txt');
    const p = run(['history', P2PKH], { width: 100, height: 10 }, { PAGER: `cat > ${q(paged)}`, NO_COLOR: '1' });
    assert.equal(await p.exitStatus(), 0);
    const text = readFileSync(paged, 'utf8');
    assert.match(text, /^┌/);
    assert.equal(text.split('\n').length - 1, history.length + 4);
    assert.ok(!p.screen().includes('┌'), 'the table went to the pager, not the screen');

    const unpaged = join(dir, 'unpaged.txt');
    const n = run(['history', P2PKH, '--no-pager'], { width: 100, height: 10 }, { PAGER: `cat > ${q(unpaged)}` });
    assert.equal(await n.exitStatus(), 0);
    assert.equal(existsSync(unpaged), false);
    const short = join(dir, 'short.txt');
    const s = run(['balance', P2PKH], { width: 100, height: 10 }, { PAGER: `cat > ${q(short)}` });
    assert.equal(await s.exitStatus(), 0);
    assert.equal(existsSync(short), false, 'fits the screen: no pager');
    assert.match(s.screen(), /│ confirmed/);
  });

  it('history --verify shows n/N and an estimate on the terminal while it proves', async () => {
    const p = run(['history', P2PKH, '--verify', '--no-pager'], { width: 120, height: 40 }, {}, slow);
    const s = await p.waitFor(new RegExp(`verifying [1-9]\\d*/${history.length} \\(\\d+%\\), about \\d+ s left`), 20_000);
    assert.ok(s);
    await p.exitStatus(30_000);
  });
});
