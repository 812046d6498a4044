/**
 * The block tree, active chain, UTXO set, txindex and undo data of the simulated node.
 * No I/O: the node persists raw blocks through the onBlockStored hook.
 */
import { Block, COINBASE_MATURITY, parseBlock, subsidy } from './block.js';
import { REGTEST_GENESIS_HASH, REGTEST_GENESIS_HEX } from './genesis.js';
import { Header, blockWork } from './header.js';
import { Tx, outpointKey } from './tx.js';
import { checkBlock, checkBlockContext } from './validate.js';

/** An unspent (or, in undo data, spent) output. */
export interface Coin { value: number; script: Buffer; height: number; coinbase: boolean }

/** One block in the tree. */
export interface BlockEntry {
  hash: string;
  height: number;
  header: Header;
  headerBytes: Buffer;
  raw: Buffer;
  seq: number;
  prev?: BlockEntry;
  chainwork: bigint;
  txids: string[];
  size: number;
  strippedSize: number;
  weight: number;
  /** Set when the block itself failed validation or was invalidated by invalidateblock. */
  failed?: string;
  /** Spent coins per non-coinbase tx, in input order; set once the block has been connected. */
  undo?: Coin[][];
}

/** Result of a chain update: blocks that left and joined the active chain, in the order applied. */
export interface ChainChange { disconnected: { entry: BlockEntry; txs: Tx[] }[]; connected: { entry: BlockEntry; txs: Tx[] }[] }

/** UTXO changes of a validated block, applied by connect. */
export interface StagedBlock { created: Map<string, Coin>; spentKeys: string[]; undo: Coin[][]; fees: number }

/** Outputs that can never be spent are not added to the UTXO set (Core's IsUnspendable). */
function unspendable(script: Buffer): boolean {
  return (script.length > 0 && script[0] === 0x6a) || script.length > 10_000;
}

/** The simulated chain state. */
export class Chain {
  readonly blocks = new Map<string, BlockEntry>();
  readonly order: BlockEntry[] = [];
  readonly active: BlockEntry[] = [];
  readonly utxo = new Map<string, Coin>();
  readonly txIndex = new Map<string, { entry: BlockEntry; pos: number }>();
  private seq = 0;

  constructor() {
    const g = parseBlock(REGTEST_GENESIS_HEX);
    const entry = this.makeEntry(g, undefined);
    this.blocks.set(entry.hash, entry);
    this.order.push(entry);
    this.active.push(entry);
    entry.undo = [];
    // Like Core, the genesis coinbase is not in the UTXO set, but it is in the txindex.
    this.txIndex.set(g.txs[0].txid, { entry, pos: 0 });
  }

  get tip(): BlockEntry { return this.active[this.active.length - 1]; }
  get height(): number { return this.active.length - 1; }
  get genesisHash(): string { return REGTEST_GENESIS_HASH; }

  /** True when the entry is on the active chain. */
  inActive(e: BlockEntry): boolean { return this.active[e.height] === e; }

  /** Median time past of the active block at height (BIP113 time for locktime and BIP68 checks). */
  mtpAt(height: number): number { return this.medianTimePast(this.active[Math.max(0, Math.min(height, this.height))]); }

  /** Median of the last 11 block times ending at e (BIP113). */
  medianTimePast(e: BlockEntry): number {
    const times: number[] = [];
    for (let p: BlockEntry | undefined = e; p && times.length < 11; p = p.prev) times.push(p.header.time);
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)];
  }

  private makeEntry(b: Block, prev: BlockEntry | undefined): BlockEntry {
    return {
      hash: b.hash, height: prev ? prev.height + 1 : 0, header: b.header, headerBytes: b.headerBytes, raw: b.raw,
      seq: this.seq++, prev, chainwork: (prev ? prev.chainwork : 0n) + blockWork(b.header.bits),
      txids: b.txs.map((t) => t.txid), size: b.size, strippedSize: b.strippedSize, weight: b.weight,
    };
  }

  /** True when e or an ancestor is marked failed. */
  isInvalid(e: BlockEntry): boolean {
    for (let p: BlockEntry | undefined = e; p; p = p.prev) if (p.failed) return true;
    return false;
  }

  /**
   * Stores a new block after context-free and header checks (no activation).
   * Returns the entry, or a Core reject reason string.
   */
  store(b: Block, now: number | undefined): BlockEntry | string {
    const known = this.blocks.get(b.hash);
    if (known) return this.isInvalid(known) ? 'duplicate-invalid' : 'duplicate';
    const prev = this.blocks.get(b.header.prev);
    if (!prev) return 'prev-blk-not-found';
    const reason = checkBlock(b) ?? checkBlockContext(b, {
      height: prev.height + 1, prevHash: prev.hash, medianTimePast: this.medianTimePast(prev), now,
    });
    if (reason) return reason;
    if (this.isInvalid(prev)) return 'bad-prevblk';
    const entry = this.makeEntry(b, prev);
    this.blocks.set(entry.hash, entry);
    this.order.push(entry);
    return entry;
  }

  /** The most-work valid block; ties go to the block seen first (Core's sequence id). */
  bestCandidate(): BlockEntry {
    const valid = new Map<BlockEntry, boolean>();
    let best = this.active[0];
    for (const e of this.order) {
      const ok = !e.failed && (e.prev ? valid.get(e.prev) === true : true);
      valid.set(e, ok);
      if (ok && (e.chainwork > best.chainwork || (e.chainwork === best.chainwork && e.seq < best.seq))) best = e;
    }
    return best;
  }

  /** True when e extends the tip and no other block has as much work (so connecting e is what activation would do). */
  bestCandidateIsExtension(e: BlockEntry): boolean {
    if (e.prev !== this.tip || e.chainwork <= this.tip.chainwork) return false;
    // Only the tip's children can compete; a sibling seen earlier would win a tie.
    for (let i = this.order.length - 1; i >= 0 && this.order[i].height >= e.height; i--) {
      const o = this.order[i];
      if (o !== e && o.height === e.height && o.seq < e.seq) return false;
    }
    return true;
  }

  /** Switches the active chain to the best valid candidate, marking blocks that fail to connect. */
  activateBest(): ChainChange & { failures: Map<string, string> } {
    const change: ChainChange = { disconnected: [], connected: [] };
    const failures = new Map<string, string>();
    for (;;) {
      const best = this.bestCandidate();
      if (best === this.tip) break;
      const path: BlockEntry[] = [];
      let fork: BlockEntry | undefined = best;
      while (fork && !this.inActive(fork)) { path.push(fork); fork = fork.prev; }
      if (!fork) throw new Error('block tree has no common ancestor with the active chain');
      while (this.tip !== fork) change.disconnected.push(this.disconnectTip());
      path.reverse();
      for (const e of path) {
        const r = this.connect(e);
        if (typeof r === 'string') { e.failed = r; failures.set(e.hash, r); break; }
        change.connected.push({ entry: e, txs: r });
      }
    }
    return { ...change, failures };
  }

  /**
   * Validates block txs against the current UTXO set as if mined at height (no state change).
   * Returns the staged changes, or Core's reject reason.
   */
  validateTxs(txs: Tx[], height: number): StagedBlock | string {
    const created = new Map<string, Coin>();
    const spentKeys: string[] = [];
    const spentSet = new Set<string>();
    const undo: Coin[][] = [];
    let fees = 0;
    for (let i = 0; i < txs.length; i++) {
      const tx = txs[i];
      if (i > 0) {
        let inSum = 0;
        const spent: Coin[] = [];
        for (const input of tx.vin) {
          const k = outpointKey(input.txid, input.vout);
          let coin = created.get(k);
          if (coin) created.delete(k);
          else if (!spentSet.has(k)) {
            coin = this.utxo.get(k);
            if (coin) { spentSet.add(k); spentKeys.push(k); }
          }
          if (!coin) return 'bad-txns-inputs-missingorspent';
          if (coin.coinbase && height - coin.height < COINBASE_MATURITY) return 'bad-txns-premature-spend-of-coinbase';
          inSum += coin.value;
          spent.push(coin);
        }
        const outSum = tx.vout.reduce((s, o) => s + o.value, 0);
        if (outSum > inSum) return 'bad-txns-in-belowout';
        fees += inSum - outSum;
        undo.push(spent);
      }
      for (let n = 0; n < tx.vout.length; n++) {
        const k = outpointKey(tx.txid, n);
        if ((this.utxo.has(k) && !spentSet.has(k)) || created.has(k)) return 'bad-txns-BIP30';
        const o = tx.vout[n];
        if (!unspendable(o.script)) created.set(k, { value: o.value, script: o.script, height, coinbase: i === 0 });
      }
    }
    if (txs.length > 0) {
      const cbOut = txs[0].vout.reduce((s, o) => s + o.value, 0);
      if (cbOut > subsidy(height) + fees) return 'bad-cb-amount';
    }
    return { created, spentKeys, undo, fees };
  }

  /** Connects e on top of the tip; returns its txs, or a reject reason leaving state unchanged. */
  connect(e: BlockEntry, parsed?: Block): Tx[] | string {
    if (e.prev !== this.tip) throw new Error('connect: not on tip');
    const b = parsed ?? parseBlock(e.raw);
    const staged = this.validateTxs(b.txs, e.height);
    if (typeof staged === 'string') return staged;
    for (const k of staged.spentKeys) this.utxo.delete(k);
    for (const [k, c] of staged.created) this.utxo.set(k, c);
    b.txs.forEach((t, pos) => this.txIndex.set(t.txid, { entry: e, pos }));
    e.undo = staged.undo;
    this.active.push(e);
    return b.txs;
  }

  /** Disconnects the tip, restoring spent coins from its undo data. */
  disconnectTip(): { entry: BlockEntry; txs: Tx[] } {
    const e = this.tip;
    if (e.height === 0) throw new Error('cannot disconnect genesis');
    const b = parseBlock(e.raw);
    const undo = e.undo ?? [];
    for (let i = b.txs.length - 1; i >= 0; i--) {
      const tx = b.txs[i];
      for (let n = 0; n < tx.vout.length; n++) this.utxo.delete(outpointKey(tx.txid, n));
      // Core's txindex keeps entries of disconnected blocks (TxIndex has no CustomRewind): a tx that
      // only a stale block holds is still found, with that block's hash and 0 confirmations.
      if (i > 0) {
        const spent = undo[i - 1];
        tx.vin.forEach((input, j) => this.utxo.set(outpointKey(input.txid, input.vout), spent[j]));
      }
    }
    this.active.pop();
    return { entry: e, txs: b.txs };
  }

  /** Marks a block failed (invalidateblock) and reorganizes away from it. */
  invalidate(e: BlockEntry): ChainChange {
    e.failed = 'invalidated';
    // Leave the chain first so the block and its descendants are disconnected even if no better tip exists.
    const change: ChainChange = { disconnected: [], connected: [] };
    if (this.inActive(e)) while (this.tip.height >= e.height) change.disconnected.push(this.disconnectTip());
    const more = this.activateBest();
    return { disconnected: [...change.disconnected, ...more.disconnected], connected: more.connected };
  }

  /** Clears failure marks on e, its ancestors and descendants (reconsiderblock), then reorganizes. */
  reconsider(e: BlockEntry): ChainChange {
    for (const x of this.order) {
      if (!x.failed) continue;
      let related = false;
      for (let p: BlockEntry | undefined = x; p; p = p.prev) if (p === e) { related = true; break; }
      if (!related) for (let p: BlockEntry | undefined = e; p; p = p.prev) if (p === x) { related = true; break; }
      if (related) delete x.failed;
    }
    return this.activateBest();
  }
}
