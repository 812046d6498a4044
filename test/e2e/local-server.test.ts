/**
 * The client e2e suite against our own server (issue 2): the BUILT binary's `serve --local`
 * over a regtest node (the simulator, or a real bitcoind when BITCOIND/BITCOIN_CLI are set),
 * queried by the BUILT client with every registry subcommand at protocol 1.6, 1.4, 1.2 and
 * 1.0, over TCP, TLS and WebSocket. Every answer is checked against what the node itself says
 * (test/support/local-server.ts NodeReference), never against the server's own index.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Transaction } from 'bitcoinjs-lib';
import { startNode, NodeRpcError, type NodeHandle } from '../support/bitcoind.js';
import { runCli, type RunResult } from '../support/run-cli.js';
import { pool, startLocalServe, streamCli, type LocalServe } from '../support/local-server.js';
import { NodeReference, sortUtxos, type RefUtxo } from '../support/reference.js';
import { scriptToAddress } from '../../src/bitcoin/address.js';
import { addressToScriptHash } from '../../src/bitcoin/scripthash.js';
import { statusHash } from '../../src/bitcoin/status.js';
import { deserializedHeader } from '../../src/bitcoin/header.js';
import { merkleBranch, merkleRoot, verifyCheckpointProof } from '../../src/bitcoin/merkle.js';
import { NETWORKS } from '../../src/bitcoin/networks.js';
import { cmpVersion } from '../../src/protocol/version.js';
import { DEFAULT_BANNER, SERVER_SOFTWARE } from '../../src/server/serve.js';
import { compressHistogram } from '../../src/server/mempool.js';

const VERSIONS = ['1.6', '1.4', '1.2', '1.0'] as const;
const CONCURRENCY = 8;

/** P2WSH(OP_TRUE): spendable by anyone with no signature, standard for a real bitcoind too. */
const OP_TRUE = Buffer.from([0x51]);
const P2WSH_SCRIPT = Buffer.concat([Buffer.from([0x00, 0x20]), createHash('sha256').update(OP_TRUE).digest()]);
const P2WSH = scriptToAddress(P2WSH_SCRIPT, 'regtest')!;

let node: NodeHandle;
let srv: LocalServe;
let ref: NodeReference;
/** The addresses of every type, by name. */
const addr: Record<'p2pkh' | 'p2sh' | 'p2wpkh' | 'p2wsh' | 'p2tr', string> = { p2pkh: '', p2sh: '', p2wpkh: '', p2wsh: P2WSH, p2tr: '' };
/** Confirmed P2WSH outpoints kept for the broadcast tests. */
const spare: { txid: string; vout: number; value: number }[] = [];
const tx: Record<string, string> = {};
let spendHeight = 0;

const sats = (btc: number) => Math.round(btc * 1e8);
const at = (v: string, min: string) => cmpVersion(v, min) >= 0;

/** A P2WSH(OP_TRUE) spend of `ins` paying `outs` (script, sats), RBF-signalling. */
function spend(ins: { txid: string; vout: number }[], outs: [Buffer, number][]): { hex: string; txid: string } {
  const t = new Transaction();
  t.version = 2;
  for (const i of ins) t.addInput(Buffer.from(i.txid, 'hex').reverse(), i.vout, 0xfffffffd);
  for (const [script, value] of outs) t.addOutput(script, BigInt(value));
  ins.forEach((_, n) => t.setWitness(n, [OP_TRUE]));
  return { hex: t.toHex(), txid: t.getId() };
}

async function outputScript(address: string): Promise<Buffer> {
  const info = await node.rpc<{ scriptPubKey: string }>('getaddressinfo', [address]);
  return Buffer.from(info.scriptPubKey, 'hex');
}

/** The P2WSH output of a wallet payment. */
async function p2wshOut(txid: string): Promise<{ txid: string; vout: number; value: number }> {
  const t = await node.rpc<{ vout: { n: number; value: number; scriptPubKey: { hex: string } }[] }>('getrawtransaction', [txid, true]);
  const o = t.vout.find((v) => v.scriptPubKey.hex === P2WSH_SCRIPT.toString('hex'))!;
  return { txid, vout: o.n, value: sats(o.value) };
}

const cli = (args: readonly string[], opts: { server?: string; home?: string; version?: string; human?: boolean } = {}) =>
  runCli(['--network', 'regtest', ...(opts.human ? [] : ['--json']), ...(opts.version && opts.version !== '1.6' ? ['--protocol', opts.version] : []), ...args], {
    server: opts.server ?? `${srv.tcp}:t`,
    timeoutMs: 30_000,
    ...(opts.home ? { home: opts.home } : {}),
  });

function json(r: RunResult): any {
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
  assert.equal(r.stderr.includes('warning'), false, r.stderr);
  return JSON.parse(r.stdout);
}

/** Polls `history` over every address until the server shows what the node shows. */
async function waitSynced(): Promise<void> {
  const want = keyed(Object.values(addr), (a) => ref.historyOf(addressToScriptHash(a, 'regtest')));
  let last: unknown;
  for (let i = 0; i < 60; i++) {
    const r = await cli(['history', ...Object.values(addr)]);
    if (r.code === 0) {
      last = JSON.parse(r.stdout);
      if (JSON.stringify(last) === JSON.stringify(want)) return;
    } else last = r.stderr;
    await new Promise((res) => setTimeout(res, 250));
  }
  assert.deepEqual(last, want, 'the server never caught up with the node');
}

function keyed<T>(args: readonly string[], f: (a: string) => T): Record<string, { result: T }> {
  return Object.fromEntries(args.map((a) => [a, { result: f(a) }]));
}

const shOf = (a: string) => addressToScriptHash(a, 'regtest');

before(async () => {
  node = await startNode();
  await node.mine(110);
  addr.p2pkh = await node.newAddress('legacy');
  addr.p2sh = await node.newAddress('p2sh-segwit');
  addr.p2wpkh = await node.newAddress('bech32');
  addr.p2tr = await node.newAddress('bech32m');
  // Block F: every type funded, and several P2WSH coins to spend by hand.
  for (const a of [addr.p2pkh, addr.p2sh, addr.p2wpkh, addr.p2tr]) await node.send(a, 1);
  const coins = [];
  for (const btc of [1, 2, 0.5, 0.7, 0.8, 0.9]) coins.push(await p2wshOut(await node.send(P2WSH, btc)));
  await node.mine(1);
  // Block S: a confirmed spend of a P2WSH coin, and one more wallet payment.
  const s1 = spend([coins[0]!], [[await outputScript(addr.p2pkh), sats(0.3)], [P2WSH_SCRIPT, sats(1) - sats(0.3) - 2000]]);
  tx.spend = await node.rpc('sendrawtransaction', [s1.hex]);
  tx.walletToTr = await node.send(addr.p2tr, 0.2);
  await node.mine(1);
  spendHeight = await node.rpc<number>('getblockcount');
  spare.push(coins[3]!, coins[4]!, coins[5]!, { txid: tx.spend, vout: 1, value: sats(1) - sats(0.3) - 2000 });
  // Mempool: a parent (height 0) and its child (-1), a wallet payment, an RBF replacement.
  const m1 = spend([coins[1]!], [[P2WSH_SCRIPT, sats(2) - 2000]]);
  tx.m1 = await node.rpc('sendrawtransaction', [m1.hex]);
  const m2 = spend([{ txid: tx.m1, vout: 0 }], [[await outputScript(addr.p2wpkh), sats(0.5)], [P2WSH_SCRIPT, sats(2) - 4000 - sats(0.5)]]);
  tx.m2 = await node.rpc('sendrawtransaction', [m2.hex]);
  tx.walletToSh = await node.send(addr.p2sh, 0.25);
  const r1 = spend([coins[2]!], [[await outputScript(addr.p2tr), sats(0.5) - 2000]]);
  tx.replaced = await node.rpc('sendrawtransaction', [r1.hex]);
  const r2 = spend([coins[2]!], [[await outputScript(addr.p2pkh), sats(0.5) - 20_000]]);
  tx.replacement = await node.rpc('sendrawtransaction', [r2.hex]);
  assert.notEqual(tx.replaced, tx.replacement);
  ref = await NodeReference.read(node);
  assert.equal(ref.mempool.has(tx.replaced), false, 'the node kept the replaced tx');
  assert.equal(ref.mempoolOf(shOf(P2WSH)).some((e) => e.height === -1), true);
  srv = await startLocalServe(node);
  await waitSynced();
});

after(async () => {
  const code = await srv?.stop();
  await node?.cleanup();
  if (!srv) return; // before() failed and says why
  // Ctrl-C is how a server is stopped: a graceful shutdown and exit 0 (as ElectrumX, Fulcrum).
  assert.equal(code, 0, srv?.log());
  assert.match(srv.log(), /shutting down\nstopped\n?$/);
});

/** One client invocation and what to check about it. */
interface Case {
  name: string;
  args: string[];
  /** Without --json: the terminal rendering. */
  human?: boolean;
  check(r: RunResult): void | Promise<void>;
}

/** Exit 2: the command's method does not exist at this version. */
const notAtVersion = (r: RunResult) => {
  assert.equal(r.code, 2, r.stderr + r.stdout);
  assert.match(r.stderr, /needs .*protocol/);
  assert.equal(r.stdout, '');
};

/** Exit 4: a parameter the version lacks was sent anyway (with a warning) and the server refused it. */
const paramRefused = (param: string) => (r: RunResult) => {
  assert.equal(r.code, 4, r.stderr + r.stdout);
  assert.match(r.stderr, new RegExp(`warning: .*parameter ${param} does not exist at protocol`));
  assert.match(r.stderr, /-32602/);
};

function casesAt(v: string): Case[] {
  const all = Object.values(addr);
  const tip = ref.tipHeight;
  const cases: Case[] = [];
  const add = (name: string, args: string[], check: Case['check'], human = false) => cases.push({ name, args, check, human });
  const ifAt = (min: string, name: string, args: string[], check: Case['check']) => add(name, args, at(v, min) ? check : notAtVersion);

  add('version', ['version'], (r) => assert.deepEqual(json(r), [SERVER_SOFTWARE, v]));
  add('banner', ['banner'], (r) => assert.equal(json(r), DEFAULT_BANNER.replace('$SERVER_SUBVERSION', SERVER_SOFTWARE)));
  add('donation-address', ['donation-address'], (r) => assert.equal(json(r), ''));
  ifAt('1.1', 'features', ['features'], (r) => {
    const f = json(r);
    assert.equal(f.genesis_hash, NETWORKS.regtest.genesisHash);
    assert.equal(f.genesis_hash, ref.hashes[0]);
    assert.equal(f.server_version, SERVER_SOFTWARE);
    assert.deepEqual([f.protocol_min, f.protocol_max, f.hash_function, f.pruning], ['1.0', '1.6', 'sha256', null]);
    const port = (hp: string) => Number(hp.split(':').pop());
    assert.deepEqual(f.hosts['127.0.0.1'], { tcp_port: port(srv.tcp), ssl_port: port(srv.tls), ws_port: port(srv.ws) });
  });
  add('peers', ['peers'], (r) => assert.deepEqual(json(r), []));
  ifAt('1.1', 'add-peer', ['add-peer', '{"hosts":{}}'], (r) => assert.equal(json(r), false));
  ifAt('1.2', 'ping', ['ping'], (r) => assert.equal(json(r), null));

  // Several addresses in one command: one batch, output keyed by argument.
  add('balance (batch)', ['balance', ...all], (r) => assert.deepEqual(json(r), keyed(all, (a) => ref.balanceOf(shOf(a)))));
  add('history (batch)', ['history', ...all], (r) => assert.deepEqual(json(r), keyed(all, (a) => ref.historyOf(shOf(a)))));
  add('mempool (batch)', ['mempool', ...all], (r) => assert.deepEqual(json(r), keyed(all, (a) => ref.mempoolOf(shOf(a)))));
  add('utxos (batch)', ['utxos', ...all], (r) => {
    const got = json(r) as Record<string, { result: RefUtxo[] }>;
    for (const a of all) {
      const want = ref.utxosOf(shOf(a));
      const res = got[a]!.result;
      assert.deepEqual(res.slice(0, want.confirmed.length), want.confirmed, `${a} confirmed UTXOs`);
      assert.deepEqual(sortUtxos(res.slice(want.confirmed.length)), want.mempool, `${a} mempool UTXOs`);
    }
  });
  add('history (one address)', ['history', P2WSH], (r) => {
    const h = json(r);
    assert.deepEqual(h, ref.historyOf(shOf(P2WSH)));
    assert.deepEqual(new Set(h.map((e: { height: number }) => e.height).filter((x: number) => x <= 0)), new Set([0, -1]));
    assert.equal(h.some((e: { tx_hash: string }) => e.tx_hash === tx.replaced), false);
    assert.equal(h.some((e: { tx_hash: string }) => e.tx_hash === tx.replacement), true);
  });
  add('balance --script', ['balance', '--script', P2WSH_SCRIPT.toString('hex')], (r) => assert.deepEqual(json(r), ref.balanceOf(shOf(P2WSH))));
  if (at(v, '1.1')) add('balance SCRIPTHASH', ['balance', shOf(addr.p2tr)], (r) => assert.deepEqual(json(r), ref.balanceOf(shOf(addr.p2tr))));
  else {
    add('balance SCRIPTHASH (1.0 needs the address)', ['balance', shOf(addr.p2tr)], (r) => {
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /takes an address/);
    });
  }
  ifAt('1.4.2', 'unsubscribe', ['unsubscribe', P2WSH], (r) => assert.equal(json(r), false));
  add('proof', ['proof', P2WSH], v === '1.0' ? (r) => assert.equal(r.code, 4, r.stderr) : notAtVersion);

  // Headers.
  const h = spendHeight;
  add('header', ['header', String(h)], (r) => assert.deepEqual(json(r), at(v, '1.3') ? ref.headers[h] : deserializedHeader(ref.headers[h]!, h)));
  const cp = tip;
  const cpRoot = merkleRoot(ref.hashes.slice(0, cp + 1));
  if (at(v, '1.4')) {
    add('header --cp-height', ['header', String(h), '--cp-height', String(cp)], (r) => {
      const p = json(r);
      assert.equal(p.header, ref.headers[h]);
      assert.equal(p.root, cpRoot);
      assert.deepEqual(verifyCheckpointProof(p.header, h, cp, p.branch, cpRoot), { ok: true });
    });
    add('headers --cp-height', ['headers', '100', '13', '--cp-height', String(cp)], (r) => {
      const p = json(r);
      const want = ref.headers.slice(100, 113);
      assert.equal(p.count, want.length);
      assert.equal(p.max, 2016);
      if (at(v, '1.6')) assert.deepEqual(p.headers, want);
      else assert.equal(p.hex, want.join(''));
      assert.equal(p.root, cpRoot);
      assert.deepEqual(verifyCheckpointProof(want.at(-1)!, 112, cp, p.branch, cpRoot), { ok: true });
    });
  } else {
    // 1.0-1.3 send blockchain.block.get_header, which has no proof to give: never answer without it.
    add('header --cp-height (no proof before 1.4)', ['header', String(h), '--cp-height', String(cp)], (r) => {
      assert.equal(r.code, 2, r.stderr + r.stdout);
      assert.match(r.stderr, /takes no cp_height/);
    });
    add('headers --cp-height (no proof before 1.4)', ['headers', '100', '13', '--cp-height', String(cp)], at(v, '1.2') ? paramRefused('cp_height') : notAtVersion);
  }
  ifAt('1.2', 'headers (clipped at the tip)', ['headers', String(tip - 2), '10'], (r) => {
    const p = json(r);
    const want = ref.headers.slice(tip - 2);
    assert.deepEqual(p, at(v, '1.6') ? { count: 3, max: 2016, headers: want } : { count: 3, max: 2016, hex: want.join('') });
  });
  add('chunk', ['chunk', '0'], cmpVersion(v, '1.3') <= 0 ? (r) => assert.equal(json(r), ref.headers.join('')) : notAtVersion);
  add('tip', ['tip'], (r) => {
    const t = json(r);
    assert.deepEqual(t, at(v, '1.4') ? { hex: ref.headers[tip], height: tip } : deserializedHeader(ref.headers[tip]!, tip));
  });
  add('height', ['height'], (r) => {
    assert.equal(json(r), tip);
    if (v !== '1.0') assert.match(r.stderr, /read from blockchain\.headers\.subscribe/);
  });

  // Fees and mempool.
  add('estimatefee', ['estimatefee', '2'], async (r) => {
    const e = await node.rpc<{ feerate?: number }>('estimatesmartfee', [2]);
    assert.equal(json(r), e.feerate ?? -1);
  });
  add('estimatefee MODE', ['estimatefee', '6', 'ECONOMICAL'], at(v, '1.6') ? async (r) => {
    const e = await node.rpc<{ feerate?: number }>('estimatesmartfee', [6, 'ECONOMICAL']);
    assert.equal(json(r), e.feerate ?? -1);
  } : async (r) => {
    // Below 1.6 the client warns and sends it; serve --local takes a mode at every version, as ElectrumX does.
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /parameter mode does not exist at protocol/);
    const e = await node.rpc<{ feerate?: number }>('estimatesmartfee', [6, 'ECONOMICAL']);
    assert.equal(JSON.parse(r.stdout), e.feerate ?? -1);
  });
  add('relayfee', ['relayfee'], async (r) => {
    if (at(v, '1.6')) {
      assert.equal(json(r), (await node.rpc<{ minrelaytxfee: number }>('getmempoolinfo')).minrelaytxfee);
      assert.match(r.stderr, /protocol 1\.6 removed blockchain\.relayfee/);
    } else assert.equal(json(r), (await node.rpc<{ relayfee: number }>('getnetworkinfo')).relayfee);
  });
  ifAt('1.2', 'fee-histogram', ['fee-histogram'], (r) => {
    // ElectrumX's binning over bitcoind's own view of the mempool.
    const byRate = new Map<number, number>();
    for (const m of ref.mempool.values()) {
      const rate = Math.floor(10 * (m.fee / m.vsize)) / 10;
      byRate.set(rate, (byRate.get(rate) ?? 0) + m.vsize);
    }
    assert.deepEqual(json(r), compressHistogram(byRate));
  });
  ifAt('1.6', 'mempool-info', ['mempool-info'], async (r) => {
    const i = await node.rpc<Record<string, number>>('getmempoolinfo');
    const got = json(r);
    for (const k of ['mempoolminfee', 'minrelaytxfee', 'incrementalrelayfee']) assert.equal(got[k], i[k], k);
  });

  // Transactions.
  for (const [label, txid] of [['confirmed', tx.spend!], ['mempool', tx.m2!]] as const) {
    add(`tx (${label})`, ['tx', txid], async (r) => assert.equal(json(r), await node.rpc('getrawtransaction', [txid, false])));
  }
  add('tx (batch, one unknown)', ['tx', tx.spend!, tx.replaced!], async (r) => {
    assert.equal(r.code, 4, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out[tx.spend!].result, await node.rpc('getrawtransaction', [tx.spend!, false]));
    assert.equal(out[tx.replaced!].error.code, 2);
    assert.match(out[tx.replaced!].error.message, /No such mempool or blockchain transaction/);
  });
  add('tx --verbose', ['tx', tx.spend!, '--verbose'], !at(v, '1.2') ? paramRefused('verbose') : async (r) => {
    const got = json(r);
    const want = await node.rpc('getrawtransaction', [tx.spend!, true]);
    for (const k of ['txid', 'hash', 'hex', 'size', 'vsize', 'weight', 'version', 'locktime', 'blockhash', 'confirmations', 'vin', 'vout']) {
      assert.deepEqual(got[k], want[k], k);
    }
  });
  add('tx --decode', ['tx', tx.m2!, '--decode'], async (r) => {
    const got = json(r);
    const want = await node.rpc<{ vout: { n: number; value: number; scriptPubKey: { address?: string; hex: string } }[] }>('getrawtransaction', [tx.m2!, true]);
    assert.equal(got.decoded.txid, tx.m2);
    assert.deepEqual(
      got.decoded.outputs.map((o: { n: number; value: number; address: string; script: string }) => [o.n, o.value, o.address, o.script]),
      want.vout.map((o) => [o.n, sats(o.value), o.scriptPubKey.address, o.scriptPubKey.hex]),
    );
  });
  const block = ref.blockTxids[h]!;
  const pos = block.indexOf(tx.spend!);
  add('merkle --verify', ['merkle', tx.spend!, String(h), '--verify'], (r) => {
    const m = json(r);
    assert.deepEqual(m.result, { block_height: h, merkle: merkleBranch(block, pos), pos });
    assert.equal(m.verified, true);
  });
  add('merkle (wrong height)', ['merkle', tx.spend!, String(h - 1)], (r) => {
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /not in block at height/);
  });
  ifAt('1.4', 'tx-from-pos', ['tx-from-pos', String(h), String(pos)], (r) => assert.equal(json(r), tx.spend));
  ifAt('1.4', 'tx-from-pos --merkle', ['tx-from-pos', String(h), String(pos), '--merkle'], (r) =>
    assert.deepEqual(json(r), { tx_hash: tx.spend, merkle: merkleBranch(block, pos) }),
  );
  add('utxo-address', ['utxo-address', tx.spend!, '0'], v === '1.0' ? (r) => assert.equal(json(r), addr.p2pkh) : notAtVersion);

  // The human view (no --json; piped here, so tab-separated rows) of what the version answers in its own shape.
  const tipHash = ref.hashes[tip]!;
  add('tip (terminal)', ['tip'], (r) => {
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.includes(tipHash) && r.stdout.includes(String(tip)), r.stdout);
  }, true);
  add('header (terminal)', ['header', String(h)], (r) => {
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.includes(ref.hashes[h]!), r.stdout);
  }, true);
  add('balance (terminal)', ['balance', addr.p2tr], (r) => {
    assert.equal(r.code, 0, r.stderr);
    const b = ref.balanceOf(shOf(addr.p2tr));
    assert.equal(r.stdout, `confirmed\t${b.confirmed}\nunconfirmed\t${b.unconfirmed}\n`);
  }, true);
  add('balance --btc (terminal)', ['balance', addr.p2tr, '--btc'], (r) => {
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.startsWith(`confirmed\t${(ref.balanceOf(shOf(addr.p2tr)).confirmed / 1e8).toFixed(8)}\n`), r.stdout);
  }, true);

  // call: raw methods, validated when known.
  if (at(v, '1.1')) {
    add('call get_balance', ['call', 'blockchain.scripthash.get_balance', shOf(addr.p2sh)], (r) => assert.deepEqual(json(r), ref.balanceOf(shOf(addr.p2sh))));
  }
  add('call blockchain.numblocks.subscribe', ['call', 'blockchain.numblocks.subscribe'], (r) => {
    if (v === '1.0') assert.equal(json(r), tip);
    else {
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, /-32601|unknown method/);
    }
  });
  return cases;
}

async function runCases(cases: Case[], opts: { version?: string; server?: string } = {}): Promise<void> {
  const failures: string[] = [];
  await pool(
    cases.map((c) => async () => {
      const r = await cli(c.args, { ...opts, human: c.human === true });
      try {
        await c.check(r);
      } catch (e) {
        failures.push(`${c.name} (${c.args.join(' ')}): ${(e as Error).message}\n  stdout: ${r.stdout.slice(0, 400)}\n  stderr: ${r.stderr.slice(0, 400)}`);
      }
    }),
    CONCURRENCY,
  );
  assert.deepEqual(failures, [], failures.join('\n\n'));
}

for (const v of VERSIONS) {
  test(`every subcommand at protocol ${v} matches the node`, { timeout: 60_000 }, async () => {
    await runCases(casesAt(v), { version: v });
  });

  test(`subscribe at protocol ${v}: the first status is the status of the node's history`, { timeout: 30_000 }, async () => {
    const r = await runCli(['--network', 'regtest', '--json', ...(v === '1.6' ? [] : ['--protocol', v]), 'subscribe', P2WSH, addr.p2pkh], {
      server: `${srv.tcp}:t`,
      interruptAfterLines: 2,
    });
    assert.equal(r.code, 130, r.stderr);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    for (const a of [P2WSH, addr.p2pkh]) {
      const e = events.find((x) => x.arg === a);
      assert.equal(e.type, 'status');
      assert.equal(e.status, statusHash(ref.historyOf(shOf(a))), a);
    }
  });
}

test('TLS: the first use pins the certificate (a notice), later uses trust the pin', { timeout: 30_000 }, async () => {
  const first = await cli(['features'], { server: `${srv.tls}:s` });
  assert.equal(json(first).genesis_hash, NETWORKS.regtest.genesisHash);
  assert.match(first.stderr, /pinned the self-signed certificate of .* on first use \(sha256 [0-9a-f]{64}\)/);
  const again = await cli(['history', ...Object.values(addr)], { server: `${srv.tls}:s`, home: first.home });
  assert.deepEqual(json(again), keyed(Object.values(addr), (a) => ref.historyOf(shOf(a))));
  assert.doesNotMatch(again.stderr, /pinned/);
});

test('WebSocket: the same answers over ws://', { timeout: 30_000 }, async () => {
  await runCases(
    casesAt('1.6').filter((c) => /batch|tip|header|merkle|tx-from-pos|features/.test(c.name)),
    { server: `ws://${srv.ws}` },
  );
});

test('broadcast: a new tx is accepted once; the node refuses it again after it confirmed (exit 4, its reason)', { timeout: 30_000 }, async () => {
  const t = spend([spare[0]!], [[P2WSH_SCRIPT, spare[0]!.value - 3000]]);
  const r = await cli(['broadcast', '--yes', t.hex]);
  assert.equal(json(r), t.txid);
  assert.ok((await node.rpc<string[]>('getrawmempool')).includes(t.txid));
  // Sending the same tx while it is in the mempool is harmless: bitcoind answers its txid again.
  assert.equal(json(await cli(['broadcast', '--yes', t.hex])), t.txid);
  await node.mine(1);
  let reason = '';
  try {
    await node.rpc('sendrawtransaction', [t.hex]);
  } catch (e) {
    reason = (e as NodeRpcError).message;
  }
  assert.notEqual(reason, '');
  const again = await cli(['broadcast', '--yes', t.hex]);
  assert.equal(again.code, 4, again.stderr);
  assert.equal(again.stdout, '');
  assert.ok(again.stderr.includes(reason), again.stderr);
  // Protocol 1.0 reports the rejection as the result text; the client still exits 4.
  const old = await cli(['broadcast', '--yes', t.hex], { version: '1.0' });
  assert.equal(old.code, 4, old.stderr);
  assert.ok(old.stderr.includes(reason), old.stderr);
  // ...and an accepted one as its txid.
  const t10 = spend([spare[3]!], [[P2WSH_SCRIPT, spare[3]!.value - 3000]]);
  assert.equal(json(await cli(['broadcast', '--yes', t10.hex], { version: '1.0' })), t10.txid);
  assert.ok((await node.rpc<string[]>('getrawmempool')).includes(t10.txid));
});

test('broadcast-package: a parent and its child (1.6 only)', { timeout: 30_000 }, async () => {
  const parent = spend([spare[1]!], [[P2WSH_SCRIPT, spare[1]!.value - 200]]);
  const child = spend([{ txid: parent.txid, vout: 0 }], [[P2WSH_SCRIPT, spare[1]!.value - 200 - 5000]]);
  notAtVersion(await cli(['broadcast-package', '--yes', parent.hex, child.hex], { version: '1.4' }));
  const r = await cli(['broadcast-package', '--yes', parent.hex, child.hex]);
  assert.deepEqual(json(r), { success: true });
  const mem = await node.rpc<string[]>('getrawmempool');
  assert.ok(mem.includes(parent.txid) && mem.includes(child.txid));
});

test('a child at -1 turns 0 when only its parent confirms, and back after a reorg; history and notifications follow', { timeout: 60_000 }, async () => {
  // Another anyone-can-spend script: P2WSH(OP_7 OP_DROP OP_TRUE), its own script hash. The 7 is
  // OP_7, not a one-byte push: Core's MINIMALDATA policy rejects `01 07` as non-minimal.
  const ws = Buffer.from([0x57, 0x75, 0x51]);
  const script = Buffer.concat([Buffer.from([0x00, 0x20]), createHash('sha256').update(ws).digest()]);
  const x = scriptToAddress(script, 'regtest')!;
  const parent = spend([spare[2]!], [[script, spare[2]!.value - 1000]]);
  const t = new Transaction();
  t.version = 2;
  t.addInput(Buffer.from(parent.txid, 'hex').reverse(), 0, 0xfffffffd);
  t.addOutput(script, BigInt(spare[2]!.value - 3000));
  t.setWitness(0, [ws]);
  const child = { hex: t.toHex(), txid: t.getId() };
  await node.rpc('sendrawtransaction', [parent.hex]);
  await node.rpc('sendrawtransaction', [child.hex]);
  const s = streamCli(['--network', 'regtest', '--json', 'subscribe', x], { server: `${srv.tcp}:t` });
  const want = async () => (await NodeReference.read(node)).historyOf(shOf(x));
  const before = await want();
  assert.deepEqual(before.map((e) => e.height), [0, -1]);
  const first = JSON.parse(await s.waitFor((l) => l.includes(child.txid)));
  assert.equal(first.status, statusHash(before));
  // A block with the parent only: the child's height flips from -1 to 0.
  const { hash } = await node.rpc<{ hash: string }>('generateblock', [await node.newAddress(), [parent.txid]]);
  const after = await want();
  assert.deepEqual(after.map((e) => e.height), [(await node.rpc<{ height: number }>('getblockheader', [hash])).height, 0]);
  const n = s.lines.length;
  const flipped = JSON.parse(await s.waitFor((l) => l.includes(statusHash(after)!), n > 0 ? 1 : 0));
  assert.deepEqual(flipped.confirmed.map((e: { tx_hash: string }) => e.tx_hash), [parent.txid]);
  assert.deepEqual(json(await cli(['history', x])), after);
  // The block is reorged out: both back in the mempool, as the node says.
  await node.invalidate(hash);
  const back = await want();
  assert.deepEqual(back.map((e) => e.height), [0, -1]);
  const reorged = JSON.parse(await s.waitFor((l) => l.includes(`"status":"${statusHash(back)}"`), 2));
  assert.deepEqual(reorged.unconfirmed.map((e: { tx_hash: string }) => e.tx_hash), [parent.txid]);
  assert.deepEqual(json(await cli(['history', x])), back);
  await node.reconsider(hash);
  const again = JSON.parse(await s.waitFor((l) => l.includes(`"status":"${statusHash(after)}"`), s.lines.length));
  assert.equal(again.type, 'status');
  assert.deepEqual(json(await cli(['history', x])), await want());
  s.interrupt();
  assert.equal((await s.done).code, 130);
});

test('subscribe --json streams a payment arriving, then confirming (1.6 and 1.0); Ctrl-C exits 130', { timeout: 60_000 }, async () => {
  const fresh = await node.newAddress('bech32');
  const streams = ['1.6', '1.0'].map((v) =>
    streamCli(['--network', 'regtest', '--json', '--protocol', v, 'subscribe', fresh], { server: `${srv.tcp}:t` }),
  );
  for (const s of streams) {
    const first = JSON.parse(await s.waitFor(() => true));
    assert.deepEqual([first.type, first.status, first.history], ['status', null, []]);
  }
  const txid = await node.send(fresh, 0.1);
  const fee = (await NodeReference.read(node)).mempool.get(txid)!.fee;
  const marks: number[] = [];
  for (const s of streams) {
    const seen = JSON.parse(await s.waitFor((l) => l.includes(txid), 1));
    assert.deepEqual(seen.added, [{ tx_hash: txid, height: 0, fee }]);
    assert.equal(seen.status, statusHash([{ tx_hash: txid, height: 0 }]));
    marks.push(s.lines.length);
  }
  const [hash] = await node.mine(1);
  const height = (await node.rpc<{ height: number }>('getblockheader', [hash])).height;
  for (const [i, s] of streams.entries()) {
    const conf = JSON.parse(await s.waitFor((l) => l.includes('"confirmed":[{'), marks[i]));
    assert.deepEqual(conf.confirmed, [{ tx_hash: txid, height }]);
    assert.equal(conf.status, statusHash([{ tx_hash: txid, height }]));
    if (i === 1) assert.equal(conf.address, fresh);
    else assert.equal(conf.scripthash, shOf(fresh));
    s.interrupt();
    const r = await s.done;
    assert.equal(r.code, 130, r.stderr);
  }
});

test('tip --follow --json sees a new block (1.6 raw, 1.0 deserialized); Ctrl-C exits 130', { timeout: 60_000 }, async () => {
  const streams = ['1.6', '1.0'].map((v) => streamCli(['--network', 'regtest', '--json', '--protocol', v, 'tip', '--follow'], { server: `${srv.tcp}:t` }));
  const tipHex = await node.rpc<string>('getblockheader', [await node.rpc('getbestblockhash'), false]);
  const height = await node.rpc<number>('getblockcount');
  const [raw, old] = streams as [ReturnType<typeof streamCli>, ReturnType<typeof streamCli>];
  assert.deepEqual(JSON.parse(await raw.waitFor(() => true)), { type: 'tip', hex: tipHex, height });
  assert.deepEqual(JSON.parse(await old.waitFor(() => true)), { type: 'tip', ...deserializedHeader(tipHex, height) });
  const [hash] = await node.mine(1);
  const hex = await node.rpc<string>('getblockheader', [hash, false]);
  assert.deepEqual(JSON.parse(await raw.waitFor(() => true, 1)), { type: 'tip', hex, height: height + 1 });
  assert.deepEqual(JSON.parse(await old.waitFor(() => true, 1)), { type: 'tip', ...deserializedHeader(hex, height + 1) });
  for (const s of streams) {
    s.interrupt();
    const r = await s.done;
    assert.equal(r.code, 130, r.stderr);
  }
});
