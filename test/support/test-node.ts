/**
 * Helpers for the back half's integration tests: a regtest node through
 * test/support/bitcoind.ts `startNode()` (the simulator by default, a real bitcoind when
 * BITCOIND and BITCOIN_CLI are set), every script hash's expected confirmed history/UTXOs
 * (from the reference model, reference.ts), whole-index dumps and seeded traffic.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Store } from '../../src/server/store/db.js';
import { startNode, type NodeHandle, type StartNodeOptions } from './bitcoind.js';
import { NodeReference } from './reference.js';

/** The subset of a node handle these tests use; stop() also deletes the datadir. */
export interface TestNode {
  kind: 'sim' | 'bitcoind';
  rpcUrl: string;
  cookiePath: string;
  datadir: string;
  /** Where ZMQ is published (started with `zmq: true`). */
  zmqAddress?: string;
  /** The underlying handle (white-box simulator access through `handle.sim`, sim mode only). */
  handle: NodeHandle;
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  mine(n: number): Promise<string[]>;
  newAddress(): Promise<string>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a regtest node with a wallet (simulator, or bitcoind when BITCOIND is set). */
export async function startTestNode(opts: Pick<StartNodeOptions, 'rest' | 'zmq' | 'process' | 'preloadFile' | 'txospenderindex' | 'forceSim' | 'rpcServerTimeout' | 'drops'> = {}): Promise<TestNode> {
  const h = await startNode({ ...opts, rest: opts.rest ?? true });
  return {
    kind: h.kind,
    get rpcUrl() { return h.rpcUrl; },
    get cookiePath() { return h.cookiePath; },
    get zmqAddress() { return h.zmqAddress; },
    datadir: h.datadir,
    handle: h,
    rpc: <T,>(method: string, params: unknown[] = []): Promise<T> => h.rpc<T>(method, params),
    newAddress: () => h.newAddress('bech32'),
    mine: (n) => h.mine(n),
    restart: () => h.restart(),
    stop: () => h.cleanup(),
  };
}

/** A temp dir for an index. */
export function tempDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ecli-${tag}-`));
}

/** Expected per-script-hash state, computed from the node's blocks alone. */
export interface Expected {
  tipHeight: number;
  history: Map<string, { tx_hash: string; height: number }[]>;
  utxos: Map<string, { tx_hash: string; tx_pos: number; height: number; value: number }[]>;
  blocks: { hash: string; txids: string[] }[];
}

/**
 * Walks the active chain and derives confirmed histories and UTXOs, through the one reference
 * model (reference.ts: unspendable OP_RETURN outputs get no history).
 */
export async function expectedFromNode(node: TestNode): Promise<Expected> {
  const ref = await NodeReference.read(node);
  const history: Expected['history'] = new Map();
  const utxos: Expected['utxos'] = new Map();
  for (const sh of ref.confirmedScriptHashes()) {
    history.set(sh, ref.historyOf(sh).filter((e) => e.height > 0).map(({ tx_hash, height }) => ({ tx_hash, height })));
    const u = ref.confirmedUtxosOf(sh);
    if (u.length > 0) utxos.set(sh, u);
  }
  const blocks = ref.hashes.map((hash, h) => ({ hash, txids: ref.blockTxids[h]! }));
  return { tipHeight: ref.tipHeight, history, utxos, blocks };
}

/** Every row of a store as hex "key=value" lines (for whole-index equality). */
export function dumpStore(store: Store, skipTags: number[] = []): string[] {
  const out: string[] = [];
  for (const { key, value } of store.scan(Buffer.from([0]), Buffer.from([0xff]))) {
    if (skipTags.includes(key[0]!)) continue;
    out.push(`${key.toString('hex')}=${value.toString('hex')}`);
  }
  return out;
}

/** Builds some transaction traffic: sends to fresh addresses of several types. */
export async function makeTraffic(node: TestNode, rounds: number, seed = 1): Promise<void> {
  let s = seed;
  const rnd = (): number => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  const types = ['bech32', 'legacy', 'p2sh-segwit', 'bech32m'];
  const reuse: string[] = [];
  for (let r = 0; r < rounds; r++) {
    const n = 1 + Math.floor(rnd() * 4);
    for (let i = 0; i < n; i++) {
      const addr = reuse.length > 0 && rnd() < 0.4 ? reuse[Math.floor(rnd() * reuse.length)]! : await node.rpc<string>('getnewaddress', ['', types[Math.floor(rnd() * types.length)]]);
      reuse.push(addr);
      await node.rpc('sendtoaddress', [addr, Number((0.01 + rnd()).toFixed(8))]);
    }
    await node.mine(1);
  }
}
