// wallet scan end to end: the binary against serve --local over the regtest simulator, with
// derived addresses funded inside and past the gap limit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ecc from '@bitcoinerlab/secp256k1';
import { BIP32Factory } from 'bip32';
import bs58check from 'bs58check';
import * as bitcoin from 'bitcoinjs-lib';
import { startNode, type NodeHandle } from '../support/bitcoind.js';
import { runCli } from '../support/run-cli.js';
import { parseWalletSource, type WalletSource } from '../../src/wallet/source.js';
import { startServe, waitSynced, type RunningServe } from '../support/serve-in-process.js';

const SEED = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
const tpub = BIP32Factory(ecc).fromSeed(SEED, bitcoin.networks.testnet).derivePath("m/84'/1'/0'").neutered().toBase58();
const vpubBytes = Buffer.from(bs58check.decode(tpub));
vpubBytes.writeUInt32BE(0x045f1cf6, 0);
const VPUB = bs58check.encode(vpubBytes);

let node: NodeHandle;
let srv: RunningServe;
let wallet: WalletSource;
const FUNDED: [number, number, number][] = [
  [0, 0, 1],
  [0, 3, 0.5],
  [0, 22, 0.25],
  [1, 1, 0.1],
  [0, 45, 2], // 23 unused addresses after index 22: beyond a gap limit of 20
];

before(async () => {
  node = await startNode({ forceSim: !process.env.BITCOIND });
  await node.mine(101);
  wallet = await parseWalletSource(VPUB, 'regtest');
  for (const [chain, index, btc] of FUNDED) await node.send(wallet.derive(chain, index).address, btc);
  await node.mine(1);
  // One unconfirmed payment too.
  await node.send(wallet.derive(0, 3).address, 0.01);
  srv = await startServe(node);
  await waitSynced(node, srv.port);
});

after(async () => {
  await srv?.stop();
  await node?.cleanup();
});

const sats = (btc: number) => Math.round(btc * 1e8);

async function scan(args: string[]) {
  const end = Date.now() + 15_000;
  for (;;) {
    const r = await runCli(['--network', 'regtest', 'wallet', 'scan', ...args], { server: `127.0.0.1:${srv.port}:t`, timeoutMs: 30_000 });
    // The mempool payment may take a poll to show up.
    if (r.code !== 0 || !args.includes('--json') || JSON.parse(r.stdout).total.unconfirmed !== 0 || Date.now() > end) return r;
    await new Promise((res) => setTimeout(res, 300));
  }
}

test('vpub: finds the funded addresses within the gap limit, with totals and UTXOs', async () => {
  const r = await scan([VPUB, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout);
  assert.deepEqual(rep.addresses.map((a: any) => `${a.chain}/${a.index}`), ['0/0', '0/3', '0/22', '1/1']);
  assert.equal(rep.addresses[0].address, wallet.derive(0, 0).address);
  assert.equal(rep.total.confirmed, sats(1 + 0.5 + 0.25 + 0.1));
  assert.equal(rep.total.unconfirmed, sats(0.01));
  assert.equal(rep.total.utxo_count, 5);
  assert.equal(rep.addresses[1].tx_count, 2);
  assert.deepEqual(rep.next.map((n: any) => n.index), [23, 2]);
  assert.equal(r.stderr, '', 'no spinner or notices when piped');
});

test('a wider --gap-limit reaches the address past the gap; descriptors give the same wallet', async () => {
  const wide = JSON.parse((await scan([VPUB, '--json', '--gap-limit', '30'])).stdout);
  assert.deepEqual(wide.addresses.map((a: any) => `${a.chain}/${a.index}`), ['0/0', '0/3', '0/22', '0/45', '1/1']);
  assert.equal(wide.total.confirmed, sats(3.85));
  const d = await scan([`wpkh([00000000/84h/1h/0h]${tpub}/<0;1>/*)`, '--json']);
  assert.equal(d.code, 0, d.stderr);
  assert.equal(JSON.parse(d.stdout).total.confirmed, sats(1.85));
});

test('human output: rows with paths and totals (tab-separated when piped); bad keys are usage errors', async () => {
  const r = await scan([VPUB]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^receive\/22\tbcrt1\w+\t1\t25000000\t0$/m);
  assert.match(r.stdout, /^change\/1\t/m);
  assert.match(r.stdout, /^confirmed\t185000000$/m, 'totals in sats, one number per cell');
  assert.doesNotMatch(r.stdout, /│|\x1b\[/, 'no box drawing or colour when piped');
  const btc = await scan([VPUB, '--btc']);
  assert.match(btc.stdout, /^confirmed\t1\.85000000$/m);
  const bad = await runCli(['--network', 'regtest', 'wallet', 'scan', 'xpubnonsense'], { server: `127.0.0.1:${srv.port}:t` });
  assert.equal(bad.code, 2);
  const net = await runCli(['--network', 'mainnet', 'wallet', 'scan', VPUB], { server: `127.0.0.1:${srv.port}:t` });
  assert.equal(net.code, 2);
  assert.match(net.stderr, /test network key/);
});
