/**
 * The one reference model of expected answers: what a regtest node says (getblock verbosity
 * 2, getrawmempool true), indexed by script hash independently of the server's own index.
 * Both the e2e suite (against `serve --local`) and the back half's tests (test-node.ts
 * expectedFromNode) compare against it.
 */
import { scriptHash } from '../../src/bitcoin/scripthash.js';
import { sortMempool16 } from '../../src/bitcoin/status.js';

/** History entry, balance and UTXO shapes of the protocol. */
export interface RefEntry { tx_hash: string; height: number; fee?: number }
export interface RefUtxo { tx_hash: string; tx_pos: number; height: number; value: number }

interface Out { sh: string; value: number; height: number; order: number; vout: number }

const sats = (btc: number) => Math.round(btc * 1e8);
/** OP_RETURN outputs are unspendable: ElectrumX (and this server) give them no history. */
const unspendable = (scriptHex: string) => scriptHex.startsWith('6a');

/** What the model reads a node through (a NodeHandle or a test node). */
export interface RpcNode {
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
}

/**
 * What the node says, indexed by script hash: every block from 1 (the genesis coinbase is
 * unspendable and indexed by no server) and the whole mempool, read once. Unspendable
 * (OP_RETURN) outputs get no history, as in ElectrumX.
 */
export class NodeReference {
  /** Block hashes by height, and each block's txids in order. */
  readonly hashes: string[] = [];
  readonly blockTxids: string[][] = [];
  readonly headers: string[] = [];
  /** Per script hash: confirmed txs (chain order key), mempool txs. */
  private readonly confirmed = new Map<string, Map<string, { height: number; order: number }>>();
  private readonly mem = new Map<string, Set<string>>();
  /** Every output ever seen: "txid:vout" -> its script hash and value. */
  private readonly outs = new Map<string, Out>();
  private readonly spentConfirmed = new Set<string>();
  private readonly spentMempool = new Set<string>();
  /** Mempool txs: fee (sats), whether an input is unconfirmed, vsize, outputs. */
  readonly mempool = new Map<string, { fee: number; parentInMempool: boolean; vsize: number; outs: Out[]; ins: string[] }>();

  static async read(node: RpcNode): Promise<NodeReference> {
    const r = new NodeReference();
    const tip = await node.rpc<number>('getblockcount');
    let order = 0;
    for (let h = 0; h <= tip; h++) {
      const hash = await node.rpc<string>('getblockhash', [h]);
      r.hashes.push(hash);
      r.headers.push(await node.rpc<string>('getblockheader', [hash, false]));
      const block = await node.rpc<{ tx: any[] }>('getblock', [hash, 2]);
      r.blockTxids.push(block.tx.map((t) => t.txid));
      if (h === 0) continue;
      for (const tx of block.tx) {
        order++;
        for (const i of tx.vin) {
          if (i.coinbase !== undefined) continue;
          const o = r.outs.get(`${i.txid}:${i.vout}`)!;
          r.spentConfirmed.add(`${i.txid}:${i.vout}`);
          r.touch(r.confirmed, o.sh, tx.txid, { height: h, order });
        }
        for (const v of tx.vout) {
          if (unspendable(v.scriptPubKey.hex)) continue;
          const sh = scriptHash(v.scriptPubKey.hex);
          r.outs.set(`${tx.txid}:${v.n}`, { sh, value: sats(v.value), height: h, order, vout: v.n });
          r.touch(r.confirmed, sh, tx.txid, { height: h, order });
        }
      }
    }
    const pool = await node.rpc<Record<string, { vsize: number; fees: { base: number } }>>('getrawmempool', [true]);
    const txs = new Map<string, any>();
    for (const txid of Object.keys(pool)) txs.set(txid, await node.rpc('getrawtransaction', [txid, true]));
    // Outputs first, so inputs spending other mempool txs find them whatever the order.
    for (const [txid, tx] of txs) {
      const outs: Out[] = tx.vout.filter((v: any) => !unspendable(v.scriptPubKey.hex)).map((v: any) => ({ sh: scriptHash(v.scriptPubKey.hex), value: sats(v.value), height: 0, order: 0, vout: v.n }));
      for (const o of outs) r.outs.set(`${txid}:${o.vout}`, o);
      r.mempool.set(txid, { fee: sats(pool[txid]!.fees.base), vsize: pool[txid]!.vsize, parentInMempool: false, outs, ins: [] });
    }
    for (const [txid, tx] of txs) {
      const m = r.mempool.get(txid)!;
      for (const o of m.outs) r.touchMem(o.sh, txid);
      for (const i of tx.vin) {
        const key = `${i.txid}:${i.vout}`;
        m.ins.push(key);
        if (txs.has(i.txid)) m.parentInMempool = true;
        r.spentMempool.add(key);
        r.touchMem(r.outs.get(key)!.sh, txid);
      }
    }
    return r;
  }

  private touch(map: Map<string, Map<string, { height: number; order: number }>>, sh: string, txid: string, at: { height: number; order: number }): void {
    let m = map.get(sh);
    if (!m) map.set(sh, (m = new Map()));
    if (!m.has(txid)) m.set(txid, at);
  }

  private touchMem(sh: string, txid: string): void {
    let s = this.mem.get(sh);
    if (!s) this.mem.set(sh, (s = new Set()));
    s.add(txid);
  }

  get tipHeight(): number {
    return this.hashes.length - 1;
  }

  /** get_mempool: height 0 / -1 with the base fee, in the 1.6 order. */
  mempoolOf(sh: string): RefEntry[] {
    const ids = [...(this.mem.get(sh) ?? [])];
    return sortMempool16(ids.map((t) => ({ tx_hash: t, height: this.mempool.get(t)!.parentInMempool ? -1 : 0, fee: this.mempool.get(t)!.fee })));
  }

  /** get_history: confirmed in chain order (no fee), then the mempool part. */
  historyOf(sh: string): RefEntry[] {
    const conf = [...(this.confirmed.get(sh) ?? new Map()).entries()]
      .sort((a, b) => a[1].order - b[1].order)
      .map(([tx_hash, at]) => ({ tx_hash, height: at.height }));
    return [...conf, ...this.mempoolOf(sh)];
  }

  /** get_balance: confirmed UTXOs (also those spent in the mempool), and the net mempool change. */
  balanceOf(sh: string): { confirmed: number; unconfirmed: number } {
    let confirmed = 0;
    for (const [k, o] of this.outs) if (o.sh === sh && o.height > 0 && !this.spentConfirmed.has(k)) confirmed += o.value;
    let unconfirmed = 0;
    for (const m of this.mempool.values()) {
      for (const o of m.outs) if (o.sh === sh) unconfirmed += o.value;
      for (const k of m.ins) if (this.outs.get(k)!.sh === sh) unconfirmed -= this.outs.get(k)!.value;
    }
    return { confirmed, unconfirmed };
  }

  /** Confirmed unspent outputs in chain order, the mempool ignored (what the index holds). */
  confirmedUtxosOf(sh: string): RefUtxo[] {
    const out: (RefUtxo & { order: number })[] = [];
    for (const [k, o] of this.outs) {
      if (o.sh !== sh || o.height === 0 || this.spentConfirmed.has(k)) continue;
      out.push({ tx_hash: k.slice(0, 64), tx_pos: o.vout, height: o.height, value: o.value, order: o.order });
    }
    out.sort((a, b) => a.order - b.order || a.tx_pos - b.tx_pos);
    return out.map(({ order: _o, ...u }) => u);
  }

  /** Script hashes with confirmed history, in the order the chain first touched them. */
  confirmedScriptHashes(): string[] {
    return [...this.confirmed.keys()];
  }

  /** listunspent: confirmed (chain order) unless spent in the mempool, then mempool outputs (sorted here). */
  utxosOf(sh: string): { confirmed: RefUtxo[]; mempool: RefUtxo[] } {
    const confirmed: (RefUtxo & { order: number })[] = [];
    const mempool: RefUtxo[] = [];
    for (const [k, o] of this.outs) {
      if (o.sh !== sh || this.spentConfirmed.has(k) || this.spentMempool.has(k)) continue;
      const tx_hash = k.slice(0, 64);
      if (o.height > 0) confirmed.push({ tx_hash, tx_pos: o.vout, height: o.height, value: o.value, order: o.order });
      else mempool.push({ tx_hash, tx_pos: o.vout, height: 0, value: o.value });
    }
    confirmed.sort((a, b) => a.order - b.order || a.tx_pos - b.tx_pos);
    return { confirmed: confirmed.map(({ order: _o, ...u }) => u), mempool: sortUtxos(mempool) };
  }
}

/** A stable order for UTXOs whose order the protocol leaves open. */
export function sortUtxos<T extends RefUtxo>(u: readonly T[]): T[] {
  return [...u].sort((a, b) => (a.tx_hash < b.tx_hash ? -1 : a.tx_hash > b.tx_hash ? 1 : a.tx_pos - b.tx_pos));
}
