/**
 * The 1.7 draft end to end: `serve --local --experimental-protocol 1.7` (over the simulator
 * with -txospenderindex, or bitcoind 31+ when BITCOIND is set) and the client under an
 * explicit --protocol 1.7. The address subcommands keep their 1.6 --json shapes.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startNode, type NodeHandle } from '../support/bitcoind.js';
import { startServe, type RunningServe } from '../support/serve-in-process.js';
import { runCli } from '../support/run-cli.js';
import { streamCli } from '../support/local-server.js';
import { addressToScriptHash } from '../../src/bitcoin/scripthash.js';

let node: NodeHandle;
let draft: RunningServe;
let plain: RunningServe;
let paid = '';
let txid = '';
let root: { txid: string; vout: number };

before(async () => {
  node = await startNode({ txospenderindex: true });
  paid = await node.newAddress('bech32');
  await node.mine(101);
  txid = await node.send(paid, 1.5);
  const tx = await node.rpc<{ vin: { txid: string; vout: number }[] }>('getrawtransaction', [txid, true]);
  root = tx.vin[0]!;
  await node.mine(1);
  draft = await startServe(node, { extra: { experimentalProtocol: '1.7' } });
  plain = await startServe(node);
});

after(async () => {
  await draft.stop();
  await plain.stop();
  await node.cleanup();
});

const cli = (args: string[], srv: RunningServe) => runCli(['--network', 'regtest', ...args], { server: `127.0.0.1:${srv.port}:t`, timeoutMs: 30_000 });
const json = (r: { stdout: string }) => JSON.parse(r.stdout) as unknown;

test('--protocol 1.7 negotiates the draft only where the server enables it', async () => {
  const v = await cli(['--json', '--protocol', '1.7', 'version'], draft);
  assert.equal(v.code, 0, v.stderr);
  assert.deepEqual(json(v), ['electrum-cli 0.1.0', '1.7']);
  const d = await cli(['--json', 'version'], draft);
  assert.deepEqual(json(d), ['electrum-cli 0.1.0', '1.6'], 'never offered by default');
  const p = await cli(['--json', '--protocol', '1.7', 'version'], plain);
  assert.notEqual(p.code, 0);
  assert.match(p.stderr, /unsupported protocol version|no protocol version/);
  const bad = await cli(['--protocol', '1.8', 'version'], plain);
  assert.equal(bad.code, 2);
});

test('address subcommands use the scriptpubkey methods at 1.7, with the 1.6 --json shapes', async () => {
  for (const cmd of ['history', 'utxos', 'balance', 'mempool']) {
    const a = await cli(['--json', '--protocol', '1.7', cmd, paid], draft);
    const b = await cli(['--json', cmd, paid], draft);
    assert.equal(a.code, 0, `${cmd}: ${a.stderr}`);
    assert.deepEqual(json(a), json(b), cmd);
  }
  const h = json(await cli(['--json', '--protocol', '1.7', 'history', paid], draft)) as { tx_hash: string }[];
  assert.deepEqual(h.map((e) => e.tx_hash), [txid]);
  // A bare script hash cannot become a script: a clear usage error.
  const sh = addressToScriptHash(paid, 'regtest');
  const r = await cli(['--protocol', '1.7', 'history', sh], draft);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /blockchain\.scriptpubkey\.get_history takes an output script, and "[0-9a-f]{20}" is a script hash/);
  assert.match(r.stderr, /give the address or --script HEX/);
});

test('outpoint-status, testmempoolaccept and mempool-recent', async () => {
  const s = await cli(['--json', '--protocol', '1.7', 'outpoint-status', root.txid, String(root.vout)], draft);
  assert.equal(s.code, 0, s.stderr);
  const conf = (await node.rpc<{ confirmations: number }>('getrawtransaction', [root.txid, true])).confirmations;
  const tip = await node.rpc<number>('getblockcount');
  assert.deepEqual(json(s), { funder_height: tip - conf + 1, spender_txhash: txid, spender_height: 102 });
  const none = await cli(['--json', '--protocol', '1.7', 'outpoint-status', txid, '99'], draft);
  assert.deepEqual(json(none), {});
  const at16 = await cli(['--protocol', '1.6', 'outpoint-status', txid, '0'], draft);
  assert.notEqual(at16.code, 0);
  const raw = await node.rpc<string>('getrawtransaction', [txid, false]);
  const t = await cli(['--json', '--protocol', '1.7', 'testmempoolaccept', raw], draft);
  assert.equal(t.code, 0, t.stderr);
  const [item] = json(t) as { txid: string; allowed: boolean; reason?: string }[];
  assert.equal(item!.txid, txid);
  assert.equal(item!.allowed, false, 'already confirmed');
  const fresh = await node.send(await node.newAddress(), 0.1);
  for (let i = 0; ; i++) {
    const m = await cli(['--json', '--protocol', '1.7', 'mempool-recent'], draft);
    assert.equal(m.code, 0, m.stderr);
    const list = json(m) as { txid: string }[];
    if (list[0]?.txid === fresh) break;
    assert.ok(i < 40, 'the server never listed the new mempool tx');
    await new Promise((res) => setTimeout(res, 250));
  }
});

test('subscribe and outpoint-watch stream at 1.7: a payment arriving, then confirming; Ctrl-C exits 130', { timeout: 60_000 }, async () => {
  const fresh = await node.newAddress('bech32');
  const server = `127.0.0.1:${draft.port}:t`;
  const watch = streamCli(['--network', 'regtest', '--json', '--protocol', '1.7', 'subscribe', fresh], { server });
  const first = JSON.parse(await watch.waitFor(() => true));
  assert.deepEqual([first.type, first.status, first.history], ['status', null, []]);
  const pay = await node.send(fresh, 0.2);
  const seen = JSON.parse(await watch.waitFor((l) => l.includes(pay), 1));
  assert.deepEqual(seen.added.map((e: { tx_hash: string }) => e.tx_hash), [pay]);
  const tx = await node.rpc<{ vout: { n: number; scriptPubKey: { address?: string } }[] }>('getrawtransaction', [pay, true]);
  const n = tx.vout.find((o) => o.scriptPubKey.address === fresh)!.n;
  const op = streamCli(['--network', 'regtest', '--json', '--protocol', '1.7', 'outpoint-watch', pay, String(n)], { server });
  const o1 = JSON.parse(await op.waitFor(() => true));
  assert.deepEqual(o1, { type: 'outpoint', tx_hash: pay, txout_idx: n, status: { funder_height: 0 } });
  const mark = watch.lines.length;
  const [hash] = await node.mine(1);
  const height = (await node.rpc<{ height: number }>('getblockheader', [hash])).height;
  const conf = JSON.parse(await watch.waitFor((l) => l.includes('"confirmed":[{'), mark));
  assert.deepEqual(conf.confirmed, [{ tx_hash: pay, height }]);
  assert.equal(conf.scripthash, addressToScriptHash(fresh, 'regtest'));
  const o2 = JSON.parse(await op.waitFor(() => true, 1));
  assert.deepEqual(o2.status, { funder_height: height });
  for (const s of [watch, op]) {
    s.interrupt();
    const r = await s.done;
    assert.equal(r.code, 130, r.stderr);
  }
});
