/**
 * Output that fits where it goes, and the habits people bring (issue 10 items 12-19), with the
 * built binary against a scripted server replaying a recorded ElectrumX 1.6 session: piped
 * tables as tab-separated rows, --jq and --fields, units, network shorthands, other tools'
 * command names, help topics, environment variables, ping and once-per-session notes.
 * The terminal side (widths, pager, progress) is test/e2e/tty-output.test.ts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exchanges, listTranscripts } from '../support/transcripts.js';
import { startScriptedServer, type ScriptedServer } from '../support/scripted-server.js';
import { runCli, tempHome } from '../support/run-cli.js';

const P2PKH = 'n4KeA3QBmLxmoaA5ypJfzkhWvr5CfvXgbU';
const P2SH = '2My9iQZU95kMRy1ZjTmvdnXGn4KmUUmc2aW';
const SH_P2PKH = '5ebb4986af5329935d233e008a174e55e6661a26f496e290f2e676c7104518c9';
const ZERO = '0'.repeat(64);

describe('output: pipes, --jq/--fields, units, names, help, environment', { concurrency: 8 }, () => {
  const t = listTranscripts().find((x) => x.name === 'electrumx-1.6')!;
  const ex = exchanges(t);
  const recorded = (method: string, params?: unknown[]) => {
    const e = ex.find((x) => x.method === method && (params === undefined || JSON.stringify(x.params) === JSON.stringify(params)) && x.reply.result !== undefined);
    assert.ok(e, `no recorded ${method}`);
    return e;
  };
  const history = recorded('blockchain.scripthash.get_history', [SH_P2PKH]).reply.result as { tx_hash: string; height: number; fee?: number }[];
  const balance = recorded('blockchain.scripthash.get_balance', [SH_P2PKH]).reply.result as { confirmed: number; unconfirmed: number };
  let server: ScriptedServer;
  const cli = (args: string[], env?: Record<string, string>, home?: string) =>
    runCli(['--network', 'regtest', ...args], { server: server.spec, ...(env ? { env } : {}), ...(home ? { home } : {}) });
  before(async () => {
    server = await startScriptedServer({ transcript: t.name });
  });
  after(() => server.close());

  it('piped history: one tab-separated row per entry, whole txids, no header, no box', async () => {
    const r = await cli(['history', P2PKH]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, history.map((h) => `${h.height}\t${h.tx_hash}\t${h.fee ?? ''}\n`).join(''));
  });

  it('several arguments piped: a leading argument column, and ARG<TAB>error<TAB>message for one that failed', async () => {
    const tx = recorded('blockchain.transaction.get', undefined);
    const txid = tx.params[0] as string;
    const r = await cli(['tx', txid, ZERO]);
    assert.equal(r.code, 4, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 2, r.stdout);
    assert.equal(lines[0], `${txid}\t${tx.reply.result as string}`);
    assert.match(lines[1]!, new RegExp(`^${ZERO}\terror\t[^\t]*No such mempool or blockchain transaction[^\t]*$`));
    const b = await cli(['balance', P2PKH, P2SH]);
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stdout, new RegExp(`^${P2PKH}\tconfirmed\t${balance.confirmed}\n${P2PKH}\tunconfirmed\t${balance.unconfirmed}\n${P2SH}\tconfirmed\t\\d+\n${P2SH}\tunconfirmed\t-?\\d+\n$`));
  });

  it('merkle: the branch is one line per hash', async () => {
    const m = recorded('blockchain.transaction.get_merkle');
    const res = m.reply.result as { block_height: number; pos: number; merkle: string[] };
    const r = await cli(['merkle', m.params[0] as string, String(m.params[1])]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, [`height\t${res.block_height}`, `pos\t${res.pos}`, ...res.merkle.map((h) => `branch\t${h}`)].join('\n') + '\n');
  });

  it('--sats and --btc choose the unit of amounts; JSON keeps sats; both together are exit 2', async () => {
    const btc = await cli(['balance', P2PKH, '--btc']);
    assert.equal(btc.stdout, `confirmed\t${(balance.confirmed / 1e8).toFixed(8)}\nunconfirmed\t${(balance.unconfirmed / 1e8).toFixed(8)}\n`);
    const sats = await cli(['balance', P2PKH, '--sats']);
    assert.equal(sats.stdout, `confirmed\t${balance.confirmed}\nunconfirmed\t${balance.unconfirmed}\n`);
    const json = await cli(['balance', P2PKH, '--btc', '--json']);
    assert.deepEqual(JSON.parse(json.stdout), balance);
    const both = await cli(['balance', P2PKH, '--btc', '--sats']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--sats and --btc/);
  });

  it('--jq implies --json and prints what jq prints (strings raw); per argument for several', async () => {
    const r = await cli(['history', P2PKH, '--jq', '.[] | select(.height > 105) | .tx_hash']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, history.filter((h) => h.height > 105).map((h) => `${h.tx_hash}\n`).join(''));
    const n = await cli(['balance', P2PKH, P2SH, '--jq', `.["${P2PKH}"].result.confirmed`]);
    assert.equal(n.stdout, `${balance.confirmed}\n`);
  });

  it('a bad --jq expression is exit 2 before anything is sent; a failing one is exit 2 too', async () => {
    // A port nobody listens on: reaching the network would be exit 3.
    const r = await runCli(['--regtest', 'history', P2PKH, '--jq', '.[] |||'], { server: '127.0.0.1:1:t' });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(JSON.parse(r.stderr).error.message, /^bad --jq expression: syntax error/);
    const f = await cli(['balance', P2PKH, '--jq', '.[0]']);
    assert.equal(f.code, 2, f.stderr);
    assert.match(JSON.parse(f.stderr).error.message, /^--jq failed: Cannot index object with number/);
  });

  it('--jq and --fields apply to each event of a stream (tip --follow)', async () => {
    const tip = recorded('blockchain.headers.subscribe', []).reply.result as { height: number };
    const r = await runCli(['--regtest', 'tip', '--follow', '--jq', '.height'], { server: server.spec, interruptAfterLines: 1 });
    assert.equal(r.stdout.split('\n')[0], String(tip.height));
    const f = await runCli(['--regtest', 'tip', '--follow', '--fields', 'type,height'], { server: server.spec, interruptAfterLines: 1 });
    assert.deepEqual(JSON.parse(f.stdout.split('\n')[0]!), { type: 'tip', height: tip.height });
  });

  it('--fields keeps the named keys of each object, of each list item, per argument; an unknown one is exit 2', async () => {
    const r = await cli(['history', P2PKH, '--fields', 'tx_hash']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), history.map((h) => ({ tx_hash: h.tx_hash })));
    const k = await cli(['balance', P2PKH, P2SH, '--fields', 'confirmed']);
    const doc = JSON.parse(k.stdout);
    assert.deepEqual(Object.keys(doc), [P2PKH, P2SH]);
    assert.deepEqual(doc[P2PKH], { result: { confirmed: balance.confirmed } });
    const both = await cli(['history', P2PKH, '--fields', 'height', '--jq', '.[0]']);
    assert.equal(both.stdout, `{"height":${history[0]!.height}}\n`);
    const bad = await cli(['balance', P2PKH, '--fields', 'confirmd']);
    assert.equal(bad.code, 2);
    const e = JSON.parse(bad.stderr).error;
    assert.equal(e.message, '--fields: no field "confirmd" in the result');
    assert.equal(e.hint, 'the fields are: confirmed, unconfirmed');
  });

  it('--regtest, --testnet, --testnet4, --signet stand for -n NAME; two different ones are exit 2', async () => {
    const r = await runCli(['--regtest', 'balance', P2PKH, '--json'], { server: server.spec });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), balance);
    const clash = await runCli(['--regtest', '--testnet', 'balance', P2PKH], { server: server.spec });
    assert.equal(clash.code, 2);
    assert.match(clash.stderr, /conflicting networks: --testnet, --regtest/);
    const same = await runCli(['-n', 'regtest', '--regtest', 'ping'], { server: server.spec });
    assert.equal(same.code, 0, same.stderr);
    const wrong = await runCli(['--signet', 'ping'], { server: server.spec });
    assert.equal(wrong.code, 6, 'a regtest server is not signet');
  });

  it("Electrum's and bitcoin-cli's names: aliases answer, the others hint at ours", async () => {
    const alias = await cli(['getaddressbalance', P2PKH, '--json']);
    assert.equal(alias.code, 0, alias.stderr);
    assert.deepEqual(JSON.parse(alias.stdout), balance);
    const h = await cli(['getaddresshistory', P2PKH, '--json']);
    assert.deepEqual(JSON.parse(h.stdout), history);
    const count = await cli(['getblockcount']);
    assert.match(count.stdout, /^\d+\n$/);
    for (const [name, ours] of [['getservers', 'peers'], ['getfeerate', 'estimatefee'], ['notify', 'subscribe']]) {
      const r = await cli([name!]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, new RegExp(`^electrum-cli: unknown command '${name}'\nhint: did you mean \`electrum-cli ${ours}\`\\? .+\n$`));
    }
  });

  it('ping says ok and the round trip; --json keeps null', async () => {
    const r = await cli(['ping']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ok, \d+(\.\d)? ms\n$/);
    assert.equal((await cli(['ping', '--json'])).stdout, 'null\n');
  });

  it('the relayfee and height notes show once per session, and every time under --debug', async () => {
    const home = tempHome();
    const first = await cli(['relayfee'], undefined, home);
    assert.match(first.stderr, /protocol 1\.6 removed blockchain\.relayfee/);
    const again = await cli(['relayfee'], undefined, home);
    assert.equal(again.code, 0);
    assert.equal(again.stderr, '');
    assert.equal(again.stdout, first.stdout);
    const debug = await cli(['relayfee', '--debug'], undefined, home);
    assert.match(debug.stderr, /protocol 1\.6 removed blockchain\.relayfee/);
    const height = await cli(['height'], undefined, home);
    assert.match(height.stderr, /numblocks/, 'each note has its own once');
  });

  it('ELECTRUM_JSON, ELECTRUM_DEBUG, ELECTRUM_TIMEOUT and ELECTRUM_PIN are read; flags win', async () => {
    const j = await cli(['balance', P2PKH], { ELECTRUM_JSON: '1' });
    assert.deepEqual(JSON.parse(j.stdout), balance);
    const off = await cli(['balance', P2PKH], { ELECTRUM_JSON: '0' });
    assert.match(off.stdout, /^confirmed\t/);
    const d = await cli(['ping'], { ELECTRUM_DEBUG: '1' });
    assert.match(d.stderr, /^> .*server\.version/m, 'wire trace');
    const t = await cli(['ping'], { ELECTRUM_TIMEOUT: 'soon' });
    assert.equal(t.code, 2);
    assert.match(t.stderr, /ELECTRUM_TIMEOUT must be a positive number/);
    const tf = await cli(['ping', '--timeout', '5'], { ELECTRUM_TIMEOUT: 'soon' });
    assert.equal(tf.code, 0, '--timeout beats ELECTRUM_TIMEOUT');
    const p = await cli(['ping'], { ELECTRUM_PIN: 'sha256:nothex' });
    assert.equal(p.code, 2);
    assert.match(p.stderr, /invalid --pin/);
    const je = await cli(['tx', ZERO], { ELECTRUM_JSON: 'yes' });
    assert.equal(je.code, 4);
    assert.equal(JSON.parse(je.stderr).error.exit, 4, 'errors in JSON too');
  });

  it('help: subcommands list the global options; environment and exit-codes are topics', async () => {
    const h = await runCli(['balance', '--help']);
    assert.equal(h.code, 0);
    assert.match(h.stdout, /Global Options:[\s\S]*--server <server>[\s\S]*--jq <expression>/);
    const env = await runCli(['help', 'environment']);
    assert.equal(env.code, 0, env.stderr);
    for (const v of ['ELECTRUM_TIMEOUT', 'ELECTRUM_PIN', 'ELECTRUM_JSON', 'ELECTRUM_DEBUG', 'ELECTRUM_SERVER', 'NO_COLOR', 'PAGER']) assert.match(env.stdout, new RegExp(`^  ${v}$`, 'm'));
    const codes = await runCli(['help', 'exit-codes']);
    assert.match(codes.stdout, /^  130  interrupted/m);
    assert.match(codes.stdout, /^    6  a verification/m);
    const sub = await runCli(['help', 'config', 'set']);
    assert.match(sub.stdout, /^Usage: electrum-cli config set/m);
    const nosuch = await runCli(['help', 'nosuch']);
    assert.equal(nosuch.code, 2);
    assert.match(nosuch.stderr, /unknown command 'nosuch'/);
  });
});
