/**
 * The negotiated version decides the wire method (scripthash from 1.1, address methods only
 * on 1.0, fallbacks for relayfee/height), --method forces one, and electrs' differences
 * (docs/protocol.md §10) come out as clear errors.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startScriptedServer, type ScriptedServerOptions } from '../support/scripted-server.js';
import { runCli } from '../support/run-cli.js';

const P2PKH = 'n4KeA3QBmLxmoaA5ypJfzkhWvr5CfvXgbU';
const SH = '5ebb4986af5329935d233e008a174e55e6661a26f496e290f2e676c7104518c9';

async function run(opts: ScriptedServerOptions, args: string[]) {
  const s = await startScriptedServer(opts);
  try {
    const r = await runCli(['--network', 'regtest', ...args], { server: s.spec });
    return { ...r, requests: s.requests };
  } finally {
    await s.close();
  }
}

describe('version-based method selection', { concurrency: 6 }, () => {
  const legacy: ScriptedServerOptions = { transcript: 'electrumx-1.4', profile: 'legacy-1.0', addresses: { [P2PKH]: SH } };
  it('protocol 1.0: balance uses blockchain.address.get_balance', async () => {
    const r = await run(legacy, ['--json', 'balance', P2PKH]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { confirmed: 90000000, unconfirmed: 0 }, 'the recorded scripthash balance');
    assert.ok(r.requests.some((q) => q.method === 'blockchain.address.get_balance' && q.params[0] === P2PKH));
    assert.ok(!r.requests.some((q) => q.method.startsWith('blockchain.scripthash.')));
  });
  it('protocol 1.0: version shows the software string and 1.0; height uses numblocks', async () => {
    const v = await run(legacy, ['--json', 'version']);
    assert.equal(v.stdout, '["ElectrumX 1.0.17","1.0"]\n');
    const h = await run(legacy, ['--json', 'height']);
    assert.equal(h.code, 0, h.stderr);
    assert.ok(h.requests.some((q) => q.method === 'blockchain.numblocks.subscribe'));
    assert.match(h.stdout, /^\d+\n$/);
  });
  it('protocol 1.0: a script hash cannot feed an address method -> 2', async () => {
    const r = await run(legacy, ['balance', SH]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /takes an address/);
  });
  it('protocol 1.6: balance uses the scripthash method; height falls back to the tip with a note', async () => {
    const b = await run({ transcript: 'electrumx-1.6' }, ['--json', 'balance', P2PKH]);
    assert.ok(b.requests.some((q) => q.method === 'blockchain.scripthash.get_balance' && q.params[0] === SH));
    const h = await run({ transcript: 'electrumx-1.6' }, ['--json', 'height']);
    assert.equal(h.code, 0);
    assert.match(h.stderr, /numblocks\.subscribe exists only in protocol 1\.0/);
    assert.ok(!h.requests.some((q) => q.method === 'blockchain.numblocks.subscribe'));
  });
  it('--method forces a wire method even outside the negotiated version', async () => {
    const r = await run({ transcript: 'electrumx-1.6' }, ['--method', 'blockchain.address.get_balance', 'balance', P2PKH]);
    assert.ok(r.requests.some((q) => q.method === 'blockchain.address.get_balance' && q.params[0] === P2PKH));
    assert.equal(r.code, 4, 'the recorded server does not know it');
  });
  it('--protocol narrows the offered range; a reply outside it is refused -> 5', async () => {
    const r = await run({ transcript: 'electrumx-1.6' }, ['--protocol', '1.4', 'ping']);
    assert.ok(r.requests.some((q) => q.method === 'server.version' && JSON.stringify(q.params[1]) === '["1.4","1.4"]'));
    assert.equal(r.code, 5);
    assert.match(r.stderr, /outside the offered range 1\.4/);
  });
  it('--protocol outside 1.0-1.6 (and not the 1.7 draft) is a usage error before anything is sent -> 2', async () => {
    for (const v of ['1.8', '0.9-1.4', '1.4-2.0']) {
      const r = await run({ transcript: 'electrumx-1.6' }, ['--protocol', v, 'ping']);
      assert.equal(r.code, 2, `${v}: ${r.stderr}`);
      assert.match(r.stderr, /invalid --protocol/);
      assert.deepEqual(r.requests, []);
    }
  });
  it('a command whose methods the version lacks -> 2 with a hint', async () => {
    const r = await run({ transcript: 'electrumx-1.4' }, ['mempool-info']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /mempool\.get_info \(protocol 1\.6\+\); the server speaks 1\.4/);
    assert.match(r.stderr, /hint: .*--method mempool\.get_info/);
  });
});

describe('electrs profile', { concurrency: 6 }, () => {
  const electrs: ScriptedServerOptions = { transcript: 'electrumx-1.4', profile: 'electrs' };
  it('negotiates 1.4 and answers in 1.4 shapes', async () => {
    const v = await run(electrs, ['--json', 'version']);
    assert.equal(v.stdout, '["electrs/0.11.1","1.4"]\n');
    const f = await run(electrs, ['--json', 'relayfee']);
    assert.equal(f.code, 0, f.stderr);
    assert.ok(f.requests.some((q) => q.method === 'blockchain.relayfee'), 'relayfee kept at 1.4');
    const d = await run(electrs, ['--json', 'donation-address']);
    assert.equal(d.stdout, 'null\n');
  });
  it('estimatefee MODE -> -32602 (exit 4) with a hint naming electrs', async () => {
    const r = await run(electrs, ['estimatefee', '2', 'ECONOMICAL']);
    assert.equal(r.code, 4);
    assert.match(r.stderr, /server error -32602/);
    assert.match(r.stderr, /hint: .*electrs/);
    assert.match(r.stderr, /warning: .*mode does not exist at protocol 1\.4/);
  });
  it("features: electrs's hosts without a host name is accepted and noted", async () => {
    const r = await run(electrs, ['--json', 'features']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { hosts: unknown }).hosts, { tcp_port: 50001 });
    assert.match(r.stderr, /server\.features: hosts lists ports without a host name \(as electrs sends it\)/);
    const t = await run(electrs, ['features']);
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /tcp_port/);
  });
  it('no get_mempool -> -32601 (exit 4)', async () => {
    const r = await run(electrs, ['--json', 'mempool', P2PKH]);
    assert.equal(r.code, 4);
    assert.equal((JSON.parse(r.stderr) as { error: { code: number } }).error.code, -32601);
  });
  it('"cannot estimate fee" and -32603 read as -1 with a note', async () => {
    for (const fault of [{ kind: 'error', code: 2, message: 'cannot estimate fee' }, { kind: 'error', code: -32603, message: 'bitcoind request timed out' }] as const) {
      const r = await run({ ...electrs, faults: { 'blockchain.estimatefee': fault } }, ['--json', 'estimatefee', '6']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '-1\n');
      assert.match(r.stderr, /could not estimate a fee .*reported as -1/);
    }
  });
});
