/**
 * LocalBackend: the query facade, the `Backend` of src/server/api.ts over the user's own
 * bitcoind. It answers from the index (headers, proofs, block txids), the script-hash view
 * (script-view.ts), the mempool view (mempool.ts) and bitcoind (transactions, fees,
 * broadcasts) and does no I/O of its own beyond Daemon calls. Its parameters arrive bound and
 * checked by bind.ts (hashes lowercase hex, integers non-negative); what is left to check here
 * is against the chain. Failures are RpcErrors with named codes (errors.ts).
 *
 * Keeping it at the tip is the follow loop's job (follow.ts), which emits `events`; opening and
 * wiring the parts is the composition root's (serve.ts, openBackend).
 */
import { EventEmitter } from 'node:events';
import { sortMempool16 } from '../bitcoin/status.js';
import { merkleBranchAndRootBuf } from '../bitcoin/merkle.js';
import { scriptToAddress } from '../bitcoin/address.js';
import { NETWORKS, type NetworkName } from '../bitcoin/networks.js';
import {
  type Backend, type BackendEvents, type Balance, type HeaderProof, type HistoryEntry, type MempoolEntry,
  type MempoolInfo, type OutpointStatus, type RecentTx, type Tip, type Utxo,
} from './api.js';
import { fromDisplay, isUnspendable, toDisplay } from './blockparse.js';
import type { Daemon } from './daemon.js';
import { BitcoindError, daemonError, RPC, RpcError, TxRejected } from './errors.js';
import type { Indexer } from './indexer.js';
import type { Mempool } from './mempool.js';
import { CHECKPOINT_SPAN, checkpointBranch } from './checkpoint.js';
import { ScriptView, type ScriptCacheLimits } from './script-view.js';
import type { Store } from './store/db.js';

/** ElectrumX's default: about (MAX_SEND - 100) / 99 entries (docs/protocol.md §8). */
export const DEFAULT_HISTORY_LIMIT = Math.floor((8_100_000 - 100) / 99);

/** The Backend over a local bitcoind and the embedded index. */
export class LocalBackend implements Backend {
  readonly network: NetworkName;
  readonly genesisHash: string;
  readonly events = new EventEmitter<BackendEvents>();
  /** History, status, balance and UTXO queries with their per-script-hash cache. */
  readonly view: ScriptView;
  /** Cached complete checkpoint subtrees (see checkpoint.ts), dropped from a reorg's height. */
  private readonly cpCache = new Map<number, Buffer>();
  /** Makes the follow loop poll now (set by follow.ts): after a broadcast, the mempool. */
  wake: (what?: 'tip' | 'mempool') => void = () => {};
  /** estimatesmartfee answers for the current tip (ElectrumX caches per tip as well). */
  private feeCache = new Map<string, Promise<number>>();
  private feeCacheTip = '';

  constructor(
    readonly daemon: Daemon,
    readonly store: Store,
    readonly indexer: Indexer,
    readonly mempoolView: Mempool,
    opts: { network: NetworkName; historyLimit?: number; cacheLimits?: ScriptCacheLimits },
  ) {
    this.network = opts.network;
    this.genesisHash = NETWORKS[opts.network].genesisHash;
    this.view = new ScriptView(store, indexer, mempoolView, opts.historyLimit ?? DEFAULT_HISTORY_LIMIT, opts.cacheLimits);
  }

  tip(): Tip {
    const h = this.indexer.height;
    return { height: h, hash: toDisplay(this.indexer.blockHashAt(h)), hex: this.indexer.headerAt(h)!.toString('hex') };
  }

  header(height: number): string | undefined {
    return this.indexer.headerAt(height)?.toString('hex');
  }

  headers(start: number, count: number): string[] {
    const out: string[] = [];
    for (let h = start; h < start + count && h <= this.indexer.height; h++) out.push(this.indexer.headerAt(h)!.toString('hex'));
    return out;
  }

  /** The handler checked height <= cpHeight <= tip (handlers/blockchain.ts checkpointProof). */
  headerProof(height: number, cpHeight: number): HeaderProof {
    const { branch, root } = checkpointBranch((h) => this.indexer.blockHashAt(h), height, cpHeight, this.cpCache);
    return { branch: branch.map(toDisplay), root: toDisplay(root) };
  }

  /** Forgets cached checkpoint subtrees at and above a reorged height. */
  invalidateFrom(height: number): void {
    for (const k of this.cpCache.keys()) if ((k + 1) * CHECKPOINT_SPAN > height) this.cpCache.delete(k);
  }

  // Script hashes arrive as bind.ts checked them: 64 lowercase hex digits.

  async history(scripthash: string): Promise<HistoryEntry[]> {
    return this.view.history(scripthash, fromDisplay(scripthash));
  }

  /** The get_history reply as JSON text (see Backend.historyJson). */
  async historyJson(scripthash: string): Promise<string> {
    return this.view.historyJson(scripthash, fromDisplay(scripthash));
  }

  async mempool(scripthash: string): Promise<MempoolEntry[]> {
    return sortMempool16(this.mempoolView.entries(scripthash));
  }

  async status(scripthash: string): Promise<string | null> {
    return this.view.status(scripthash, fromDisplay(scripthash));
  }

  async balance(scripthash: string): Promise<Balance> {
    return this.view.balance(scripthash, fromDisplay(scripthash));
  }

  async listunspent(scripthash: string): Promise<Utxo[]> {
    return this.view.listunspent(scripthash, fromDisplay(scripthash));
  }

  /** The listunspent reply as JSON text (see Backend.listunspentJson). */
  async listunspentJson(scripthash: string): Promise<string> {
    return this.view.listunspentJson(scripthash, fromDisplay(scripthash));
  }

  /** Display hash of the block holding an indexed txid, or undefined. */
  private blockOf(txid: string): string | undefined {
    const n = this.indexer.txnumOf(fromDisplay(txid));
    return n === undefined ? undefined : toDisplay(this.indexer.blockHashAt(this.indexer.heightOf(n)));
  }

  async transaction(id: string, verbose: boolean): Promise<unknown> {
    const block = this.blockOf(id);
    let r: unknown;
    try {
      r = await this.daemon.call('getrawtransaction', block ? [id, verbose, block] : [id, verbose]);
    } catch (e) {
      throw daemonError(e);
    }
    // Passing the block hash (so no -txindex is needed) makes bitcoind add in_active_chain,
    // which ElectrumX (plain getrawtransaction) never sends.
    if (block && verbose && typeof r === 'object' && r !== null) delete (r as Record<string, unknown>).in_active_chain;
    return r;
  }

  private blockTxids(height: number): Buffer[] {
    if (height > this.indexer.height) throw new RpcError(RPC.BAD_REQUEST, `height ${height} out of range`);
    return this.indexer.blockTxids(height);
  }

  async merkle(txid: string, height: number): Promise<{ block_height: number; merkle: string[]; pos: number }> {
    const txids = this.blockTxids(height);
    const want = fromDisplay(txid);
    const pos = txids.findIndex((t) => t.equals(want));
    if (pos < 0) throw new RpcError(RPC.BAD_REQUEST, `tx ${txid} not in block at height ${height}`);
    return { block_height: height, merkle: merkleBranchAndRootBuf(txids, pos).branch.map(toDisplay), pos };
  }

  async idFromPos(height: number, pos: number, merkle: boolean): Promise<string | { tx_hash: string; merkle: string[] }> {
    const txids = this.blockTxids(height);
    if (pos >= txids.length) throw new RpcError(RPC.BAD_REQUEST, `no tx at position ${pos} in block at height ${height}`);
    const tx_hash = toDisplay(txids[pos]!);
    if (!merkle) return tx_hash;
    return { tx_hash, merkle: merkleBranchAndRootBuf(txids, pos).branch.map(toDisplay) };
  }

  async utxoAddress(txid: string, index: number): Promise<string | null> {
    // Not an error but null, as ElectrumX 1.4 answers (and the handler's params are checked).
    if (!/^[0-9a-fA-F]{64}$/.test(txid) || !Number.isInteger(index) || index < 0) return null;
    // The index keeps script hashes, not scripts: the output's script comes from bitcoind
    // (with the block hash from the index, so no -txindex is needed for confirmed txs).
    const id = txid.toLowerCase();
    const block = this.blockOf(id);
    let tx: { vout?: { n: number; scriptPubKey?: { hex?: string } }[] };
    try {
      tx = await this.daemon.call('getrawtransaction', block ? [id, true, block] : [id, true]);
    } catch (e) {
      // ElectrumX 1.4: a tx bitcoind does not know is a daemon error (code 2), not null.
      throw daemonError(e);
    }
    const script = tx.vout?.find((v) => v.n === index)?.scriptPubKey?.hex;
    return script === undefined ? null : scriptToAddress(script, this.network);
  }

  async broadcast(rawTx: string): Promise<string> {
    // Never retried: the first attempt may have reached the network already.
    try {
      const txid = await this.daemon.call<string>('sendrawtransaction', [rawTx]);
      this.wake('mempool');
      return txid;
    } catch (e) {
      if (e instanceof BitcoindError) throw new TxRejected(e.rpcMessage, rawTx);
      throw daemonError(e);
    }
  }

  async broadcastPackage(rawTxs: string[], verbose: boolean): Promise<unknown> {
    let r: { package_msg?: string; 'tx-results'?: Record<string, { txid?: string; error?: string }> };
    try {
      r = await this.daemon.call('submitpackage', [rawTxs]);
    } catch (e) {
      if (e instanceof BitcoindError) throw new TxRejected(e.rpcMessage);
      throw daemonError(e);
    }
    this.wake('mempool');
    if (verbose) return r;
    const errors = Object.values(r['tx-results'] ?? {}).filter((x) => x.error).map((x) => ({ txid: x.txid ?? '', error: x.error! }));
    return errors.length > 0 ? { success: r.package_msg === 'success', errors } : { success: r.package_msg === 'success' };
  }

  async estimateFee(blocks: number, mode?: string): Promise<number> {
    const target = feeTargetBucket(blocks);
    const tip = this.indexer.height >= 0 ? toDisplay(this.indexer.tipHash) : '';
    if (tip !== this.feeCacheTip) {
      this.feeCache.clear();
      this.feeCacheTip = tip;
    }
    const key = `${target}/${mode ?? ''}`;
    let p = this.feeCache.get(key);
    if (!p) {
      p = this.daemon.call<{ feerate?: number }>('estimatesmartfee', mode ? [target, mode] : [target])
        .then((r) => (typeof r.feerate === 'number' ? r.feerate : -1));
      this.feeCache.set(key, p);
      // Errors are not cached: the next request asks bitcoind again.
      p.catch(() => this.feeCache.get(key) === p && this.feeCache.delete(key));
    }
    try {
      return await p;
    } catch (e) {
      throw daemonError(e);
    }
  }

  async relayFee(): Promise<number> {
    try {
      return (await this.daemon.call<{ relayfee: number }>('getnetworkinfo')).relayfee;
    } catch (e) {
      throw daemonError(e);
    }
  }

  async networkInfo(): Promise<{ version: number; subversion: string }> {
    try {
      const r = await this.daemon.call<{ version: number; subversion: string }>('getnetworkinfo');
      return { version: r.version, subversion: r.subversion };
    } catch (e) {
      throw daemonError(e);
    }
  }

  async mempoolInfo(): Promise<MempoolInfo> {
    try {
      const r = await this.daemon.call<MempoolInfo>('getmempoolinfo');
      return { mempoolminfee: r.mempoolminfee, minrelaytxfee: r.minrelaytxfee, incrementalrelayfee: r.incrementalrelayfee };
    } catch (e) {
      throw daemonError(e);
    }
  }

  async feeHistogram(): Promise<[number, number][]> {
    return this.mempoolView.histogram();
  }

  /**
   * Protocol 1.7 outpoint status (ElectrumX's semantics and keys). The funder and an
   * unspent output come from the index; the confirmed spender of a spent one from bitcoind's
   * gettxspendingprevout (which needs -txospenderindex, Core 31+), checked against the index;
   * the mempool part from the mempool view. Read again if a block lands meanwhile, so the
   * answer is one snapshot (docs/protocol.md §11).
   */
  async outpointStatus(id: string, vout: number): Promise<OutpointStatus> {
    const raw = fromDisplay(id);
    for (let attempt = 0; ; attempt++) {
      const gen = this.indexer.generation;
      const conf = await this.confirmedOutpoint(id, raw, vout);
      if (this.indexer.generation !== gen && attempt < 3) continue;
      // The mempool part in the same tick as the index check above.
      const out: OutpointStatus = { ...conf };
      const funder = this.mempoolView.txs.get(id);
      if (funder) {
        if (vout >= funder.outs.length) return {};
        out.funder_height = this.mempoolView.heightOf(funder);
      }
      if (out.spender_height === undefined) {
        const s = this.mempoolView.spender(id, vout);
        const st = s === undefined ? undefined : this.mempoolView.txs.get(s);
        if (st) {
          out.spender_txhash = s;
          out.spender_height = this.mempoolView.heightOf(st);
        }
      }
      if (out.funder_height === undefined) return {};
      return out;
    }
  }

  private async confirmedOutpoint(id: string, raw: Buffer, vout: number): Promise<OutpointStatus> {
    const n = this.indexer.txnumOf(raw);
    if (n === undefined) return {};
    const height = this.indexer.heightOf(n);
    if (this.indexer.unspentOutput(raw, vout)) return { funder_height: height };
    // Spent, unspendable, or no such output: the tx says which (fetched by block, no -txindex).
    const block = toDisplay(this.indexer.blockHashAt(height));
    let tx: { vout?: { scriptPubKey?: { hex?: string } }[] };
    try {
      tx = await this.daemon.call('getrawtransaction', [id, true, block]);
    } catch (e) {
      throw daemonError(e);
    }
    const o = tx.vout?.[vout];
    if (!o) return {};
    if (o.scriptPubKey?.hex === undefined || isUnspendable(Buffer.from(o.scriptPubKey.hex, 'hex'))) return { funder_height: height };
    let r: { spendingtxid?: string; blockhash?: string }[];
    try {
      r = await this.daemon.call('gettxspendingprevout', [[{ txid: id, vout }], { mempool_only: false }]);
    } catch (e) {
      if (e instanceof BitcoindError && /txospenderindex/.test(e.rpcMessage)) {
        throw new RpcError(RPC.DAEMON_ERROR, `daemon error: ${e.rpcMessage} (the spender of a confirmed output comes from bitcoind 31+ run with -txospenderindex)`);
      }
      throw daemonError(e);
    }
    const spender = r[0]?.spendingtxid;
    const sn = spender && r[0]?.blockhash ? this.indexer.txnumOf(fromDisplay(spender)) : undefined;
    // A spender bitcoind has and the index not yet (or no longer) has is not shown: the index decides.
    if (sn === undefined) return { funder_height: height };
    return { funder_height: height, spender_txhash: spender, spender_height: this.indexer.heightOf(sn) };
  }

  async testMempoolAccept(rawTxs: string[]): Promise<{ txid: string; wtxid: string; allowed?: boolean; reason?: string }[]> {
    let r: Record<string, unknown>[];
    try {
      r = await this.daemon.call('testmempoolaccept', [rawTxs]);
    } catch (e) {
      throw daemonError(e);
    }
    // ElectrumX's shape: txid, wtxid, allowed when boolean, reason from the first of Core's texts.
    return r.map((x) => {
      const item: { txid: string; wtxid: string; allowed?: boolean; reason?: string } = { txid: String(x.txid), wtxid: String(x.wtxid) };
      if (typeof x.allowed === 'boolean') item.allowed = x.allowed;
      const reason = x['package-error'] || x['reject-details'] || x['reject-reason'];
      if (typeof reason === 'string' && reason) item.reason = reason;
      return item;
    });
  }

  recentMempool(count: number): RecentTx[] {
    return this.mempoolView.recent(count);
  }

  /** A synchronous lookup of confirmed outputs, for the mempool. */
  confirmedOutput = (txid: Buffer, vout: number): { sh: Buffer; value: number } | undefined => this.indexer.unspentOutput(txid, vout);
}

/**
 * ElectrumX's bucketing of estimatefee targets (coins.py bucket_estimatefee_block_target),
 * so cached answers are shared: 0 and 1 are 1, up to 12 exact, 25 kept, up to 48 rounded
 * down to even, up to 1008 down to a multiple of 24, capped at 1008.
 */
export function feeTargetBucket(blocks: number): number {
  if (blocks <= 1) return 1;
  if (blocks <= 12 || blocks === 25) return blocks;
  if (blocks <= 48) return blocks - (blocks % 2);
  if (blocks <= 1008) return blocks - (blocks % 24);
  return 1008;
}
