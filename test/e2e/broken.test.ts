/**
 * Lying and broken servers, and usage errors: each case gives its exit status and a
 * one-line message saying what failed (docs/architecture.md §7). No stack traces without --debug.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createHash } from 'node:crypto';
import { startScriptedServer, type Fault, type ScriptedServer } from '../support/scripted-server.js';
import { selfSignedCert } from '../support/certs.js';
import { runCli } from '../support/run-cli.js';

const P2PKH = 'n4KeA3QBmLxmoaA5ypJfzkhWvr5CfvXgbU';
const TXID = 'b27fade03a843e675b3844161cb254d2a1c855166490c14a0777b7b0d80d54bb';
const OTHER_TX_HEX_OF = '209054f423b9a5649698217eed7b85cef4137b6b08b97674af56a3441a09a822';

async function withFault(method: string, fault: Fault, args: string[]) {
  const s = await startScriptedServer({ transcript: 'electrumx-1.6', faults: { [method]: fault } });
  try {
    return await runCli(['--network', 'regtest', ...args], { server: s.spec });
  } finally {
    await s.close();
  }
}

/** The recorded get_merkle branch of TXID at height 103 (position 1). */
const MERKLE_103 = [
  'ebe7300f7c658b447977cd18161513df8bd6ec428b1f9bf824acf9e47afe3c17',
  '4864492f560e430f030da9c1fab69cd8a92b28e207e150c2dcee8d8d8b47a75e',
  '1c65e6651b9c5b456fca9e32e72d6b860b79fac944ab1d011e966e2bf9cccd68',
];

/** The merkle root (display hex) a branch leads to (docs/protocol.md §6.3). */
function rootOf(txid: string, pos: number, branch: string[]): string {
  const rev = (hex: string) => Buffer.from(hex, 'hex').reverse();
  const d = (b: Buffer) => createHash('sha256').update(createHash('sha256').update(b).digest()).digest();
  let h = rev(txid);
  for (const e of branch) {
    h = pos & 1 ? d(Buffer.concat([rev(e), h])) : d(Buffer.concat([h, rev(e)]));
    pos >>= 1;
  }
  return Buffer.from(h).reverse().toString('hex');
}

/** A regtest-shaped 80-byte header with the given merkle root (display hex). */
function headerWithRoot(root: string): string {
  return '00000020' + '11'.repeat(32) + Buffer.from(root, 'hex').reverse().toString('hex') + '8a98046bffff7f2004000000';
}

function oneLine(stderr: string, re: RegExp) {
  const lines = stderr.trimEnd().split('\n');
  assert.match(lines[0]!, re);
  assert.ok(lines.length <= 2, `one line plus an optional hint, got:\n${stderr}`);
  assert.ok(!/\n\s+at /.test(stderr), 'no stack trace');
}

describe('broken and lying servers', { concurrency: 6 }, () => {
  it('malformed JSON -> 5', async () => {
    const r = await withFault('blockchain.scripthash.get_balance', { kind: 'malformed' }, ['balance', P2PKH]);
    assert.equal(r.code, 5);
    oneLine(r.stderr, /not valid JSON/);
  });
  it('a reply with the wrong id -> 5', async () => {
    const r = await withFault('blockchain.scripthash.get_balance', { kind: 'wrong-id' }, ['balance', P2PKH]);
    assert.equal(r.code, 5);
    oneLine(r.stderr, /unknown id/);
  });
  it('a missing field -> 5, naming it', async () => {
    const r = await withFault('blockchain.scripthash.get_balance', { kind: 'missing-field', field: 'unconfirmed' }, ['balance', P2PKH]);
    assert.equal(r.code, 5);
    oneLine(r.stderr, /missing field "unconfirmed"/);
  });
  it('a line over --max-line -> 5 with a hint', async () => {
    const r = await withFault('server.banner', { kind: 'oversized', bytes: 50_000 }, ['--max-line', '20000', 'banner']);
    assert.equal(r.code, 5);
    oneLine(r.stderr, /longer than 20000 bytes/);
    assert.match(r.stderr, /hint: .*--max-line/);
  });
  it('the server closing mid-reply -> 3', async () => {
    const r = await withFault('blockchain.scripthash.get_history', { kind: 'close-mid-reply' }, ['history', P2PKH]);
    assert.equal(r.code, 3);
    oneLine(r.stderr, /closed the connection in the middle of a reply/);
  });
  it('no reply within --timeout -> 3', async () => {
    const r = await withFault('server.banner', { kind: 'no-reply' }, ['--timeout', '0.5', 'banner']);
    assert.equal(r.code, 3);
    oneLine(r.stderr, /no reply from 127\.0\.0\.1:\d+ within 0\.5 s/);
  });
  it('a transaction that is not the requested one -> 5', async () => {
    const s0 = await startScriptedServer({ transcript: 'electrumx-1.6' });
    const other = await runCli(['--network', 'regtest', '--json', 'tx', OTHER_TX_HEX_OF], { server: s0.spec });
    await s0.close();
    const r = await withFault('blockchain.transaction.get', { kind: 'result', result: JSON.parse(other.stdout) }, ['tx', TXID]);
    assert.equal(r.code, 5);
    oneLine(r.stderr, new RegExp(`txid is ${OTHER_TX_HEX_OF}, not the requested ${TXID}`));
  });
  it('a history in the wrong order -> 5', async () => {
    const bad = [{ tx_hash: 'aa'.repeat(32), height: 110 }, { tx_hash: 'bb'.repeat(32), height: 102 }];
    const r = await withFault('blockchain.scripthash.get_history', { kind: 'result', result: bad }, ['history', P2PKH]);
    assert.equal(r.code, 5);
    oneLine(r.stderr, /invalid reply/);
  });
  it('a negative balance type lie (string) -> 5 under --json as one JSON line', async () => {
    const r = await withFault('blockchain.scripthash.get_balance', { kind: 'result', result: { confirmed: '7', unconfirmed: 0 } }, ['--json', 'balance', P2PKH]);
    assert.equal(r.code, 5);
    assert.equal(r.stdout, '');
    const e = JSON.parse(r.stderr) as { error: { exit: number; message: string } };
    assert.equal(e.error.exit, 5);
    assert.match(e.error.message, /result\.confirmed: expected an integer/);
  });
  it('a broadcast answered with something else than the txid -> 5', async () => {
    const s0 = await startScriptedServer({ transcript: 'electrumx-1.6' });
    const raw = (await runCli(['--network', 'regtest', '--json', 'tx', TXID], { server: s0.spec })).stdout;
    await s0.close();
    const r = await withFault('blockchain.transaction.broadcast', { kind: 'result', result: '<html>upgrade</html>' }, ['broadcast', '--yes', JSON.parse(raw) as string]);
    assert.equal(r.code, 5);
    oneLine(r.stderr, new RegExp(`instead of the txid ${TXID}`));
  });
  it('a server on another chain -> 6', async () => {
    const s = await startScriptedServer({ transcript: 'electrumx-1.6' });
    const r = await runCli(['--network', 'mainnet', 'balance', '5ebb4986af5329935d233e008a174e55e6661a26f496e290f2e676c7104518c9'], { server: s.spec });
    await s.close();
    assert.equal(r.code, 6);
    oneLine(r.stderr, /another chain/);
  });
  it('merkle --verify against a header whose root does not match -> 6, wrapped JSON', async () => {
    const s = await startScriptedServer({
      transcript: 'electrumx-1.6',
      // The header at 103 is not in the recording: a header with some other merkle root. The
      // headers 0..103 are not recorded either, so nothing can be anchored: the branch still
      // contradicts the server's own header, which is a lie.
      extra: [{ method: 'blockchain.block.header', params: [103], result: headerWithRoot('22'.repeat(32)) }],
    });
    const r = await runCli(['--network', 'regtest', '--json', 'merkle', TXID, '103', '--verify'], { server: s.spec });
    await s.close();
    assert.equal(r.code, 6, r.stderr);
    const out = JSON.parse(r.stdout) as { result: { block_height: number }; verified: boolean; verification: { status: string; proofs: { status: string; reason: string }[] } };
    assert.equal(out.verified, false);
    assert.equal(out.result.block_height, 103);
    assert.equal(out.verification.status, 'failed');
    assert.equal(out.verification.proofs[0]!.status, 'failed');
    const e = JSON.parse(r.stderr) as { error: { exit: number; message: string } };
    assert.equal(e.error.exit, 6);
    assert.match(e.error.message, new RegExp(`the merkle branch for ${TXID} does not lead to the merkle root of the server's own header at 103`));
  });
  it('merkle --verify against the server\'s own matching header, unanchored -> 0, never "verified"', async () => {
    const s = await startScriptedServer({
      transcript: 'electrumx-1.6',
      extra: [{ method: 'blockchain.block.header', params: [103], result: headerWithRoot(rootOf(TXID, 1, MERKLE_103)) }],
    });
    const j = await runCli(['--network', 'regtest', '--json', 'merkle', TXID, '103', '--verify'], { server: s.spec });
    const h = await runCli(['--network', 'regtest', 'merkle', TXID, '103', '--verify'], { server: s.spec });
    await s.close();
    assert.equal(j.code, 0, j.stderr);
    const out = JSON.parse(j.stdout) as { verified: boolean; verification: { status: string; notes: string[] } };
    assert.equal(out.verified, false);
    assert.equal(out.verification.status, 'unanchored');
    assert.match(out.verification.notes.join(' '), /unanchored/);
    assert.equal(h.code, 0, h.stderr);
    assert.match(h.stdout, /verified: no, unanchored/);
    assert.doesNotMatch(h.stdout, /verified: yes/);
  });
});

describe('connection failures', { concurrency: 4 }, () => {
  it('refused -> 3', async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise((r) => srv.close(r));
    const r = await runCli(['ping'], { server: `127.0.0.1:${port}:t` });
    assert.equal(r.code, 3);
    oneLine(r.stderr, /refused|127\.0\.0\.1/);
  });
  it('a TLS port reached over plain TCP -> 3 or 5, with a hint to use :s', async () => {
    const cert = await selfSignedCert();
    const s = await startScriptedServer({ transcript: 'electrumx-1.6', tls: cert });
    const r = await runCli(['--timeout', '3', 'ping'], { server: `127.0.0.1:${s.port}:t` });
    await s.close();
    assert.ok(r.code === 3 || r.code === 5, r.stderr);
    assert.match(r.stderr, /hint: .*:s/);
  });
});

describe('usage errors -> 2', { concurrency: 6 }, () => {
  let s: ScriptedServer;
  before(async () => (s = await startScriptedServer({ transcript: 'electrumx-1.6' })));
  after(() => s.close());
  const cases: [string, string[], RegExp][] = [
    ['unknown subcommand', ['bogus'], /unknown command 'bogus'/],
    ['unknown option', ['balance', P2PKH, '--frobnicate'], /unknown option '--frobnicate'/],
    ['missing argument', ['header'], /missing required argument/],
    ['bad address for the network', ['balance', 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'], /not a valid address for regtest/],
    ['not a number', ['header', 'five'], /non-negative integer/],
    ['a method that does not serve the command', ['--method', 'server.ping', 'balance', P2PKH], /does not serve balance/],
    ['bad network', ['--network', 'moon', 'ping'], /unknown network/],
    ['RAWTX that is not a transaction', ['broadcast', '--yes', '00'], /not a valid transaction/],
    ['no command', [], /no command given/],
    // Not the whole help and "no command given": one line naming the problem, and the near miss.
    ['help for an unknown command', ['help', 'nosuch'], /^electrum-cli: unknown command 'nosuch'\nhint: electrum-cli --help lists the commands\n$/],
    ['help for a misspelt command', ['help', 'balanc'], /^electrum-cli: unknown command 'balanc'\nhint: did you mean balance\?/],
  ];
  for (const [name, args, re] of cases) {
    it(name, async () => {
      const r = await runCli(['--network', 'regtest', ...args], { server: s.spec });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, re);
      assert.equal(r.stdout, '');
    });
  }
  it('under --json a usage error is one JSON line on stderr', async () => {
    const r = await runCli(['--json', 'bogus'], { server: s.spec });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal((JSON.parse(r.stderr) as { error: { exit: number } }).error.exit, 2);
  });
  it('help COMMAND shows that command\'s help (aliases too), exit 0', async () => {
    const h = await runCli(['help', 'listunspent']);
    assert.equal(h.code, 0, h.stderr);
    assert.match(h.stdout, /^Usage: electrum-cli utxos\|listunspent/);
  });
  it('--help and --version exit 0', async () => {
    const h = await runCli(['balance', '--help']);
    assert.equal(h.code, 0);
    assert.match(h.stdout, /blockchain\.scripthash\.get_balance \(protocol 1\.1–1\.6\)/);
    const v = await runCli(['--version']);
    assert.equal(v.code, 0);
    assert.match(v.stdout, /^\d+\.\d+\.\d+\n$/);
  });
});
