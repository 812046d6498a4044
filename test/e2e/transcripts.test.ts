/**
 * The built binary against a scripted server replaying each recorded session (ElectrumX and
 * Fulcrum, protocol 1.4 and 1.6): every subcommand with --json prints exactly the recorded
 * result (same JSON, same key order), and recorded errors exit 4 with their code.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exchanges, listTranscripts, type Exchange, type Transcript } from '../support/transcripts.js';
import { startScriptedServer, type ScriptedServer } from '../support/scripted-server.js';
import { runCli } from '../support/run-cli.js';
import { readServerMessage } from '../../src/errors.js';

const P2PKH = 'n4KeA3QBmLxmoaA5ypJfzkhWvr5CfvXgbU';
const P2SH = '2My9iQZU95kMRy1ZjTmvdnXGn4KmUUmc2aW';
const ADDRESS_OF: Record<string, string> = {
  '5ebb4986af5329935d233e008a174e55e6661a26f496e290f2e676c7104518c9': P2PKH,
  '14335d79d8eaaca9a003a9f4a9c1922b03845cb6c3b5bd4992ee7d20fa71cf26': P2SH,
};

interface Case {
  args: string[];
  /** The recorded request whose reply the output must equal. */
  method: string;
  params: unknown[];
  /** Transform of the recorded result into what the command prints. */
  pick?: (r: unknown) => unknown;
}

function cases(t: Transcript, ex: Exchange[]): Case[] {
  const v16 = t.version === '1.6';
  const shs = [...new Set(ex.filter((e) => e.method === 'blockchain.scripthash.get_balance').map((e) => e.params[0] as string))].filter(
    (s) => /^[0-9a-f]{64}$/.test(s),
  );
  const txs = ex.filter((e) => e.method === 'blockchain.transaction.get' && e.params.length === 1 && e.reply.result !== undefined);
  const merkle = ex.find((e) => e.method === 'blockchain.transaction.get_merkle')!;
  const out: Case[] = [
    { args: ['banner'], method: 'server.banner', params: [] },
    { args: ['donation-address'], method: 'server.donation_address', params: [] },
    { args: ['features'], method: 'server.features', params: [] },
    { args: ['peers'], method: 'server.peers.subscribe', params: [] },
    { args: ['ping'], method: 'server.ping', params: [] },
    { args: ['tip'], method: 'blockchain.headers.subscribe', params: [] },
    { args: ['height'], method: 'blockchain.headers.subscribe', params: [], pick: (r) => (r as { height: number }).height },
    { args: ['fee-histogram'], method: 'mempool.get_fee_histogram', params: [] },
    { args: v16 ? ['mempool-info'] : ['mempool-info', '--method', 'mempool.get_info'], method: 'mempool.get_info', params: [] },
    v16
      ? { args: ['relayfee'], method: 'mempool.get_info', params: [], pick: (r) => (r as { minrelaytxfee: number }).minrelaytxfee }
      : { args: ['relayfee'], method: 'blockchain.relayfee', params: [] },
    { args: ['header', '5'], method: 'blockchain.block.header', params: [5] },
    { args: ['header', '5', '--cp-height', '100'], method: 'blockchain.block.header', params: [5, 100] },
    { args: ['header', '10000000'], method: 'blockchain.block.header', params: [10000000] },
    { args: ['headers', '90', '5'], method: 'blockchain.block.headers', params: [90, 5] },
    { args: ['headers', '90', '5', '--cp-height', '100'], method: 'blockchain.block.headers', params: [90, 5, 100] },
    { args: ['estimatefee', '2'], method: 'blockchain.estimatefee', params: [2] },
    { args: ['estimatefee', '2', 'CONSERVATIVE'], method: 'blockchain.estimatefee', params: [2, 'CONSERVATIVE'] },
    { args: ['merkle', merkle.params[0] as string, String(merkle.params[1])], method: merkle.method, params: merkle.params },
    { args: ['tx-from-pos', '103', '1'], method: 'blockchain.transaction.id_from_pos', params: [103, 1] },
    { args: ['tx-from-pos', '103', '1', '--merkle'], method: 'blockchain.transaction.id_from_pos', params: [103, 1, true] },
    { args: ['tx', '--verbose', txs[0]!.params[0] as string], method: 'blockchain.transaction.get', params: [txs[0]!.params[0], true] },
    { args: ['tx', '0'.repeat(64)], method: 'blockchain.transaction.get', params: ['0'.repeat(64)] },
    { args: ['call', 'no.such.method'], method: 'no.such.method', params: [] },
    { args: ['call', 'server.version', 'again', '"1.4"'], method: 'server.version', params: ['again', '1.4'] },
    { args: ['call', 'blockchain.transaction.broadcast', '00'], method: 'blockchain.transaction.broadcast', params: ['00'] },
    { args: ['call', 'blockchain.scripthash.get_balance', 'nothex'], method: 'blockchain.scripthash.get_balance', params: ['nothex'] },
    { args: v16 ? ['unsubscribe', shs[0]!] : ['unsubscribe', shs[0]!, '--method', 'blockchain.scripthash.unsubscribe'], method: 'blockchain.scripthash.unsubscribe', params: [shs[0]] },
  ];
  for (const e of txs) out.push({ args: ['tx', e.params[0] as string], method: e.method, params: e.params });
  for (const sh of shs) {
    const arg = ADDRESS_OF[sh] ?? sh;
    out.push({ args: ['balance', arg], method: 'blockchain.scripthash.get_balance', params: [sh] });
    out.push({ args: ['history', arg], method: 'blockchain.scripthash.get_history', params: [sh] });
    out.push({ args: ['mempool', arg], method: 'blockchain.scripthash.get_mempool', params: [sh] });
    out.push({ args: ['utxos', arg], method: 'blockchain.scripthash.listunspent', params: [sh] });
  }
  const broadcast = ex.find((e) => e.method === 'blockchain.transaction.broadcast' && e.params[0] !== '00');
  if (broadcast) out.push({ args: ['broadcast', '--yes', broadcast.params[0] as string], method: broadcast.method, params: broadcast.params });
  return out;
}

for (const t of listTranscripts()) {
  describe(`replaying ${t.name}`, { concurrency: 8 }, () => {
    let server: ScriptedServer;
    const ex = exchanges(t);
    const recorded = (method: string, params: unknown[]) => {
      const e = ex.find((x) => x.method === method && JSON.stringify(x.params) === JSON.stringify(params));
      assert.ok(e, `${t.name} has no ${method} ${JSON.stringify(params)}`);
      return e.reply;
    };
    before(async () => {
      server = await startScriptedServer({ transcript: t.name });
    });
    after(() => server.close());

    it('version shows the negotiation result without a second server.version', async () => {
      const r = await runCli(['--network', 'regtest', '--json', 'version'], { server: server.spec });
      assert.equal(r.code, 0, r.stderr);
      const reply = recorded('server.version', (ex[0]!.params as unknown[]));
      assert.equal(r.stdout, `${JSON.stringify(reply.result)}\n`);
    });

    for (const c of cases(t, ex)) {
      it(`${c.args.join(' ')} --json`, async () => {
        const reply = recorded(c.method, c.params);
        const r = await runCli(['--network', 'regtest', '--json', ...c.args], { server: server.spec });
        if (reply.error) {
          assert.equal(r.code, 4, `${r.stdout}${r.stderr}`);
          assert.equal(r.stdout, '', 'stdout stays empty on error');
          const err = JSON.parse(r.stderr) as { error: { exit: number; code: number; message: string } };
          assert.equal(err.error.exit, 4);
          assert.equal(err.error.code, reply.error.code);
          // The server's words, read (a Python repr becomes its message: errors.ts readServerMessage).
          assert.ok(err.error.message.includes(readServerMessage(reply.error.message).text.trim().split('\n')[0]!.slice(0, 40)), err.error.message);
          assert.doesNotMatch(err.error.message, /DaemonError\(/);
          return;
        }
        assert.equal(r.code, 0, r.stderr);
        const expected = c.pick ? c.pick(reply.result) : reply.result;
        // Same JSON, same key order as the server sent.
        assert.equal(r.stdout, `${JSON.stringify(expected)}\n`);
      });
    }

    it("a bitcoind error passed on as a Python repr reads as bitcoind's message, with a hint", async () => {
      const r = await runCli(['--network', 'regtest', 'tx', '0'.repeat(64)], { server: server.spec });
      assert.equal(r.code, 4, r.stderr);
      assert.equal(
        r.stderr,
        'electrum-cli: blockchain.transaction.get: server error 2: No such mempool or blockchain transaction. Use gettransaction for wallet transactions. (bitcoind error -5)\n' +
          "hint: the server's bitcoind does not have it: check the txid and the network (-n); a transaction only in your wallet, or evicted from the mempool, is not visible to servers\n",
      );
    });

    it('several addresses go out as ONE batch and come back keyed by argument', async () => {
      const before = server.lines.length;
      const r = await runCli(['--network', 'regtest', '--json', 'balance', P2PKH, P2SH], { server: server.spec });
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as Record<string, { result: unknown }>;
      assert.deepEqual(Object.keys(out), [P2PKH, P2SH]);
      assert.deepEqual(out[P2PKH]!.result, recorded('blockchain.scripthash.get_balance', ['5ebb4986af5329935d233e008a174e55e6661a26f496e290f2e676c7104518c9']).result);
      const batches = server.lines.slice(before).filter((l) => l.startsWith('[') && l.includes('get_balance'));
      assert.ok(batches.some((l) => (JSON.parse(l) as unknown[]).length === 2), 'one batch line with both requests');
    });

    it('table output is sane: human units, no colour codes when piped', async () => {
      const r = await runCli(['--network', 'regtest', 'utxos', P2PKH], { server: server.spec });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!r.stdout.includes('\u001b['), 'no colour when stdout is a pipe');
      assert.match(r.stdout, /│ height\s+│ txid\s+│ vout │ value/);
      assert.match(r.stdout, /\d+ \(\d+ confirmations?\)/);
      assert.match(r.stdout, /0\.\d{8} BTC \([\d,]+ sats\)/);
    });
  });
}
