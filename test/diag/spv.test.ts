import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '../../src/protocol/connection.js';
import { parseServer } from '../../src/protocol/server-address.js';
import { HeaderAnchor, checkHeaderRun, type HeaderFetcher } from '../../src/diag/spv.js';
import { FileHeaderStore } from '../../src/diag/cache.js';
import { TxProver, connectionFetcher, summarizeProofs } from '../../src/diag/proofs.js';
import { builtinCheckpoints } from '../../src/diag/checkpoints.js';
import { VerificationError } from '../../src/errors.js';
import { startLyingServer, synthChain, WATCH_SCRIPTHASH, type LyingOptions } from '../support/lying-server.js';
import { assertLoopbackOnly } from '../support/loopback-guard.js';

assertLoopbackOnly();
const closers: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of closers) await c();
});

async function setup(opts: LyingOptions = {}, network: 'regtest' | 'testnet' = 'regtest', checkpoints = builtinCheckpoints('regtest'), fetcher?: HeaderFetcher) {
  const srv = await startLyingServer(opts);
  closers.push(() => srv.close());
  const conn = await Connection.open({ server: parseServer(srv.spec), requestTimeoutMs: 5000 });
  closers.push(() => conn.close());
  const anchor = new HeaderAnchor({ network, checkpoints, fetcher: fetcher ?? connectionFetcher(conn) });
  return { srv, conn, anchor, prover: new TxProver(conn, anchor) };
}

/** Header ranges refused, as a server that will not give headers 0..H does (nothing can be anchored). */
const refusing: HeaderFetcher = { fetch: async () => { throw new Error('headers refused'); } };

test('an honest server: every payment proves against headers chained to genesis', async () => {
  const { anchor, prover, srv } = await setup();
  const a = await anchor.header(25);
  assert.equal(a.status, 'anchored');
  const u = srv.chain.utxos[10]!;
  const p = await prover.proveOutput(u.tx_hash, u.height, u.tx_pos, u.value, WATCH_SCRIPTHASH);
  assert.equal(p.status, 'verified', p.reason);
  assert.equal(p.anchor, 'checkpoint 0');
  const mem = await prover.prove(u.tx_hash, 0);
  assert.equal(mem.status, 'unconfirmed');
  const s = summarizeProofs([p], 'genesis');
  assert.equal(s.verified, true);
  assert.equal(s.verification.status, 'verified');
  assert.equal(s.error, undefined);
  // A mempool entry has no proof: not verified, but nothing false either.
  const m = summarizeProofs([p, mem], 'genesis');
  assert.equal(m.verified, false);
  assert.equal(m.verification.status, 'unconfirmed');
  assert.equal(m.error, undefined);
  assert.equal(summarizeProofs([], 'genesis').verified, true);
});

test('a wrong merkle branch is a failed proof naming the transaction', async () => {
  const { prover, srv } = await setup({ wrongMerkle: true });
  const u = srv.chain.utxos[3]!;
  const p = await prover.prove(u.tx_hash, u.height);
  assert.equal(p.status, 'failed');
  assert.match(p.reason!, new RegExp(`the merkle branch for ${u.tx_hash} does not lead to the merkle root of block [0-9a-f]{64} at ${u.height} \\(its header chained to checkpoint 0\\)`));
  const s = summarizeProofs([p], 'genesis');
  assert.ok(s.error instanceof VerificationError);
  assert.equal(s.error.exitCode, 6);
  assert.equal(s.verified, false);
  assert.equal(s.verification.status, 'failed');
});

test('unanchored: a branch that contradicts the server\'s own header is still a lie', async () => {
  const { prover, srv } = await setup({ wrongMerkle: true }, 'regtest', builtinCheckpoints('regtest'), refusing);
  const u = srv.chain.utxos[3]!;
  const p = await prover.prove(u.tx_hash, u.height);
  assert.equal(p.status, 'failed');
  assert.equal(p.reason, `the merkle branch for ${u.tx_hash} does not lead to the merkle root of the server's own header at ${u.height}`);
  assert.equal(p.anchor, undefined);
  const s = summarizeProofs([p], 'genesis');
  assert.equal(s.verified, false);
  assert.equal(s.error?.exitCode, 6);
  assert.ok(srv.requests.some((r) => r.method === 'blockchain.block.header'), 'the server\'s own header was fetched');
});

test('unanchored: a branch that matches the server\'s own header is unanchored, never verified', async () => {
  const { prover, srv } = await setup({}, 'regtest', builtinCheckpoints('regtest'), refusing);
  const u = srv.chain.utxos[4]!;
  const p = await prover.prove(u.tx_hash, u.height);
  assert.equal(p.status, 'unanchored');
  assert.equal(p.block, srv.chain.blocks[u.height]!.hash);
  assert.match(p.reason!, /headers refused.*agrees only with the server's own header/);
  const s = summarizeProofs([p], 'genesis');
  assert.equal(s.verified, false);
  assert.equal(s.verification.status, 'unanchored');
  assert.equal(s.error, undefined);
  assert.match(s.verification.notes.join('\n'), /1 transaction\(s\) unanchored/);
  // Self-authenticating parts are still checked: an inflated output value is a lie unanchored too.
  const o = await prover.proveOutput(u.tx_hash, u.height, u.tx_pos, u.value + 1, WATCH_SCRIPTHASH);
  assert.equal(o.status, 'failed');
  assert.match(o.reason!, /not the \d+ the server claims/);
});

test('unanchored: a raw transaction that does not hash to its txid fails', async () => {
  const { prover, srv } = await setup({ wrongTx: true }, 'regtest', builtinCheckpoints('regtest'), refusing);
  const u = srv.chain.utxos[6]!;
  const p = await prover.prove(u.tx_hash, u.height);
  assert.equal(p.status, 'failed');
  assert.match(p.reason!, /hashes to/);
});

test('a raw transaction that does not hash to its txid fails', async () => {
  const { prover, srv } = await setup({ wrongTx: true });
  const u = srv.chain.utxos[5]!;
  const p = await prover.prove(u.tx_hash, u.height);
  assert.equal(p.status, 'failed');
  assert.match(p.reason!, /hashes to/);
});

test('an inflated UTXO value is caught against the funding transaction', async () => {
  const { prover, srv } = await setup();
  const u = srv.chain.utxos[2]!;
  const p = await prover.proveOutput(u.tx_hash, u.height, u.tx_pos, u.value + 1, WATCH_SCRIPTHASH);
  assert.equal(p.status, 'failed');
  assert.match(p.reason!, /not the \d+ the server claims/);
});

test('a header chain that does not reach the checkpoint is a lie; an unreachable checkpoint is unanchored', async () => {
  const { anchor } = await setup({}, 'regtest', [{ height: 3, hash: 'ab'.repeat(32), source: 'user' }]);
  await assert.rejects(anchor.header(10), /--checkpoint 3 says/);
  const far = await setup({}, 'regtest', [{ height: 500, hash: 'ab'.repeat(32), source: 'user' }]);
  const r = await far.anchor.header(10);
  assert.equal(r.status, 'unanchored');
});

test('outside regtest a header with bad PoW is refused', async () => {
  const chain = synthChain({ height: 12, badPowAt: 7 });
  const g = chain.blocks[0]!;
  const { anchor } = await setup({ chain }, 'testnet', [{ height: 0, hash: g.hash, source: 'user' }]);
  await assert.rejects(anchor.header(10), /height 7 whose proof of work does not meet its own bits/);
});

test('header runs: linkage break and mainnet bits rules', () => {
  const chain = synthChain();
  const hs = chain.blocks.slice(0, 5).map((b) => b.header);
  checkHeaderRun(hs, 0, 'regtest');
  assert.throws(() => checkHeaderRun([hs[0]!, hs[2]!], 0, 'regtest'), /height 1 does not link/);
});

test('verified headers are cached on disk and reused without the server', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecli-spv-'));
  const cps = builtinCheckpoints('regtest');
  const { conn } = await setup();
  const store = new FileHeaderStore(dir, 'regtest', cps);
  const a1 = new HeaderAnchor({ network: 'regtest', checkpoints: cps, fetcher: connectionFetcher(conn), store, cacheBelow: 15 });
  assert.equal((await a1.header(20)).status, 'anchored');
  a1.flush();
  const store2 = new FileHeaderStore(dir, 'regtest', cps);
  assert.ok(store2.get(15));
  assert.equal(store2.get(16), undefined);
  const offline = new HeaderAnchor({ network: 'regtest', checkpoints: cps, fetcher: { fetch: async () => { throw new Error('offline'); } }, store: store2 });
  const r = await offline.header(12);
  assert.equal(r.status, 'anchored');
});
