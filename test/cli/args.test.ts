import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { UsageError } from '../../src/errors.js';
import { COMMANDS, findMethod } from '../../src/methods/registry.js';
import { attributeName, parseInvocation, parseUint, readRawTx, TARGET_PARAM, wireParams, type Target } from '../../src/cli/args.js';
import { parseCallParam } from '../../src/cli/commands/call.js';

const P2PKH = 'n4KeA3QBmLxmoaA5ypJfzkhWvr5CfvXgbU';
const P2PKH_SH = '5ebb4986af5329935d233e008a174e55e6661a26f496e290f2e676c7104518c9';
const P2SH = '2My9iQZU95kMRy1ZjTmvdnXGn4KmUUmc2aW';
const P2SH_SH = '14335d79d8eaaca9a003a9f4a9c1922b03845cb6c3b5bd4992ee7d20fa71cf26';
const ctx = { network: 'regtest' as const, cwd: '.', readStdin: async () => '' };
const spec = (name: string) => COMMANDS.get(name)!.spec;

test('target: addresses of every standard type, script hashes and --script', async () => {
  const inv = await parseInvocation(spec('balance'), [[P2PKH, P2SH, P2PKH_SH.toUpperCase()]], {}, ctx);
  assert.equal(inv.fanout?.param, TARGET_PARAM);
  const t = inv.fanout!.items.map((i) => i.value as Target);
  assert.deepEqual(t.map((x) => x.scripthash), [P2PKH_SH, P2SH_SH, P2PKH_SH]);
  assert.deepEqual(t.map((x) => x.address), [P2PKH, P2SH, undefined]);
  assert.deepEqual(inv.fanout!.items.map((i) => i.key), [P2PKH, P2SH, P2PKH_SH.toUpperCase()]);
  // Segwit v0 and taproot (BIP173/BIP350 test vectors on mainnet).
  const seg = await parseInvocation(spec('balance'), [['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4']], {}, { ...ctx, network: 'mainnet' });
  assert.equal((seg.values[TARGET_PARAM] as Target).scripthash, '9623df75239b5daa7f5f03042d325b51498c4bb7059c7748b17049bf96f73888');
  const tr = await parseInvocation(spec('balance'), [['bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0']], {}, { ...ctx, network: 'mainnet' });
  assert.match((tr.values[TARGET_PARAM] as Target).scripthash, /^[0-9a-f]{64}$/);
  const p2wsh = await parseInvocation(spec('balance'), [['bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3']], {}, { ...ctx, network: 'mainnet' });
  assert.ok((p2wsh.values[TARGET_PARAM] as Target).address);
  const script = await parseInvocation(spec('balance'), [[]], {}, { ...ctx, script: '76a914fa272d2ec02865551562b687d7a7818ebbac6f7788ac' });
  const st = script.values[TARGET_PARAM] as Target;
  assert.equal(st.scripthash, P2PKH_SH);
  assert.equal(st.address, P2PKH, 'a standard script also yields its address (for 1.0 servers)');
});

test('target: a mainnet address on regtest, junk, and nothing at all are usage errors', async () => {
  await assert.rejects(parseInvocation(spec('balance'), [['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4']], {}, ctx), UsageError);
  await assert.rejects(parseInvocation(spec('balance'), [['nothex']], {}, ctx), UsageError);
  await assert.rejects(parseInvocation(spec('balance'), [[]], {}, ctx), /missing ADDR/);
});

test('uint, txid, choices and options', async () => {
  const h = await parseInvocation(spec('header'), ['5'], { cpHeight: '100', decode: true }, ctx);
  assert.deepEqual(h.values, { height: 5, cp_height: 100 });
  assert.deepEqual(h.flags, { decode: true });
  await assert.rejects(parseInvocation(spec('header'), ['-1'], {}, ctx), /non-negative integer/);
  await assert.rejects(parseInvocation(spec('header'), ['1.5'], {}, ctx), UsageError);
  await assert.rejects(parseInvocation(spec('tx'), [['abc']], {}, ctx), /transaction id/);
  const fee = await parseInvocation(spec('estimatefee'), ['2', 'economical'], {}, ctx);
  assert.deepEqual(fee.values, { number: 2, mode: 'ECONOMICAL' });
  await assert.rejects(parseInvocation(spec('estimatefee'), ['2', 'fast'], {}, ctx), /CONSERVATIVE, ECONOMICAL/);
  assert.equal(parseUint('007', 'N'), 7);
  assert.equal(attributeName('--cp-height <height>'), 'cpHeight');
  assert.equal(attributeName('--no-color'), 'color');
});

test('rawtx: hex, a file, or - for stdin; packages are one param, not a batch', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'electrum-cli-args-'));
  writeFileSync(join(dir, 'tx.hex'), '  0200AB\n');
  assert.equal(await readRawTx('0200ab', dir, async () => ''), '0200ab');
  assert.equal(await readRawTx('tx.hex', dir, async () => ''), '0200ab');
  assert.equal(await readRawTx('-', dir, async () => 'ffee\n'), 'ffee');
  await assert.rejects(readRawTx('missing.hex', dir, async () => ''), /neither hex nor a readable file/);
  await assert.rejects(readRawTx('-', dir, async () => 'zz'), /does not hold a raw transaction/);
  const pkg = await parseInvocation(spec('broadcast-package'), [['aa', 'bb']], {}, { ...ctx, readStdin: async () => Readable.from([]).read() });
  assert.deepEqual(pkg.values, { raw_txs: ['aa', 'bb'] });
  assert.equal(pkg.fanout, undefined);
});

test('json kind (add-peer) must parse', async () => {
  const ok = await parseInvocation(spec('add-peer'), ['{"hosts":{}}'], {}, ctx);
  assert.deepEqual(ok.values, { features: { hosts: {} } });
  await assert.rejects(parseInvocation(spec('add-peer'), ['{nope'], {}, ctx), /must be JSON/);
});

test('wire params follow the negotiated version', () => {
  const target: Target = { arg: P2PKH, scripthash: P2PKH_SH, address: P2PKH };
  assert.deepEqual(wireParams(findMethod('blockchain.scripthash.get_balance')!, '1.4', { [TARGET_PARAM]: target }).params, [P2PKH_SH]);
  assert.deepEqual(wireParams(findMethod('blockchain.address.get_balance')!, '1.0', { [TARGET_PARAM]: target }).params, [P2PKH]);
  assert.throws(
    () => wireParams(findMethod('blockchain.address.get_balance')!, '1.0', { [TARGET_PARAM]: { arg: P2PKH_SH, scripthash: P2PKH_SH } }),
    /takes an address/,
  );
  const get = findMethod('blockchain.transaction.get')!;
  const txid = 'ab'.repeat(32);
  assert.deepEqual(wireParams(get, '1.6', { tx_hash: txid }).params, [txid]);
  assert.deepEqual(wireParams(get, '1.6', { tx_hash: txid, verbose: true }).params, [txid, true], 'the 1.0-only height slot is skipped');
  const fee = findMethod('blockchain.estimatefee')!;
  assert.deepEqual(wireParams(fee, '1.6', { number: 2, mode: 'ECONOMICAL' }), { params: [2, 'ECONOMICAL'], outOfVersion: [], notParams: [] });
  assert.deepEqual(wireParams(fee, '1.4', { number: 2, mode: 'ECONOMICAL' }), { params: [2, 'ECONOMICAL'], outOfVersion: ['mode'], notParams: [] });
  const hdr = findMethod('blockchain.block.header')!;
  assert.deepEqual(wireParams(hdr, '1.4', { height: 5 }).params, [5], 'the default cp_height is not sent');
  const old = findMethod('blockchain.block.get_header')!;
  assert.deepEqual(wireParams(old, '1.2', { height: 5, cp_height: 9 }), { params: [5], outOfVersion: [], notParams: ['cp_height'] }, 'a proof 1.2 cannot give is named');
});

test('call params: JSON when they parse, else strings; long digit strings stay strings', () => {
  assert.equal(parseCallParam('5'), 5);
  assert.equal(parseCallParam('true'), true);
  assert.deepEqual(parseCallParam('["1.4","1.6"]'), ['1.4', '1.6']);
  assert.equal(parseCallParam('00'), '00');
  assert.equal(parseCallParam('nothex'), 'nothex');
  const digits = '1'.repeat(64);
  assert.equal(parseCallParam(digits), digits);
});
