/**
 * Helpers for the back half's integration tests: a regtest node through
 * test/support/bitcoind.ts `startNode()` (the simulator by default, a real bitcoind when
 * BITCOIND and BITCOIN_CLI are set), an independent computation of every script hash's
 * history/UTXOs from `getblock <hash> 2`, and whole-index dumps.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Store } from '../../src/server/store/db.js';
import { startNode, type NodeHandle, type StartNodeOptions } from '../support/bitcoind.js';

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
export async function startTestNode(opts: Pick<StartNodeOptions, 'rest' | 'zmq' | 'process' | 'preloadFile' | 'forceSim' | 'rpcServerTimeout' | 'drops'> = {}): Promise<TestNode> {
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

const sats = (btc: number): number => Math.round(btc * 1e8);
const shOfHex = (hex: string): string => Buffer.from(createHash('sha256').update(Buffer.from(hex, 'hex')).digest()).reverse().toString('hex');

/** Walks the active chain with getblock verbosity 2 and derives histories and UTXOs. */
export async function expectedFromNode(node: TestNode): Promise<Expected> {
  const tip = await node.rpc<number>('getblockcount');
  const outs = new Map<string, { sh: string; value: number; height: number; txid: string; n: number }>();
  const history = new Map<string, { tx_hash: string; height: number }[]>();
  const blocks: Expected['blocks'] = [];
  for (let h = 0; h <= tip; h++) {
    const hash = await node.rpc<string>('getblockhash', [h]);
    const b = await node.rpc<{ tx: { txid: string; vin: { coinbase?: string; txid?: string; vout?: number }[]; vout: { value: number; n: number; scriptPubKey: { hex: string } }[] }[] }>('getblock', [hash, 2]);
    blocks.push({ hash, txids: b.tx.map((t) => t.txid) });
    if (h === 0) continue;
    for (const tx of b.tx) {
      const touched = new Set<string>();
      for (const i of tx.vin) {
        if (i.coinbase !== undefined) continue;
        const k = `${i.txid}:${i.vout}`;
        const o = outs.get(k);
        if (!o) continue; // an unspendable (OP_RETURN) output cannot be spent
        outs.delete(k);
        touched.add(o.sh);
      }
      for (const o of tx.vout) {
        if (o.scriptPubKey.hex.startsWith('6a')) continue;
        const sh = shOfHex(o.scriptPubKey.hex);
        outs.set(`${tx.txid}:${o.n}`, { sh, value: sats(o.value), height: h, txid: tx.txid, n: o.n });
        touched.add(sh);
      }
      for (const sh of touched) {
        const l = history.get(sh) ?? [];
        l.push({ tx_hash: tx.txid, height: h });
        history.set(sh, l);
      }
    }
  }
  const utxos = new Map<string, { tx_hash: string; tx_pos: number; height: number; value: number }[]>();
  for (const o of outs.values()) {
    const l = utxos.get(o.sh) ?? [];
    l.push({ tx_hash: o.txid, tx_pos: o.n, height: o.height, value: o.value });
    utxos.set(o.sh, l);
  }
  return { tipHeight: tip, history, utxos, blocks };
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
