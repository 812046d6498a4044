/**
 * The simulated node without its HTTP face: chain, mempool, wallets, mining and persistence.
 * Every state change goes through here so the mempool follows the chain (removal on connect,
 * resurrection on reorg) and the datadir stays replayable.
 */
import { Transaction } from 'bitcoinjs-lib';
import { Block, assembleBlock, merkleRoot, parseBlock, scriptNumPush, subsidy, witnessCommitment, witnessRoot } from './block.js';
import { BlockEntry, Chain, ChainChange, Coin } from './chain.js';
import { RPC, RpcError, feeFor } from './errors.js';
import { REGTEST_BITS, mineHeader } from './header.js';
import { LIMITS, Mempool, MempoolEntry, Policy, dustThreshold } from './mempool.js';
import { SimState, Store, readLines } from './persist.js';
import { addressScript } from './script.js';
import { Tx, isCoinbase, outpointKey, parseTx } from './tx.js';
import { AddressType, NewOutput, SpendCoin, Wallet } from './wallet.js';

/** Options of a simulated node's state. */
export interface NodeOptions {
  /** Directory to persist into (omit for a memory-only node). */
  datadir?: string;
  /** Seed for wallet keys (default 'electrum-cli-sim'). Persisted on first start. */
  seed?: string;
  /** Relay policy in sat/kvB (default 1000 / 1000, i.e. 1 sat/vB). */
  policy?: Partial<Policy>;
  /** Wallet fee rate in sat/vB when the caller gives none (default 2). */
  walletFeeRate?: number;
  /** Raw block hex lines to import on first start (e.g. a chaingen file's contents). */
  preloadBlocks?: Iterable<string>;
  /** A file of raw block hex lines to import on first start, streamed (chains of any size). */
  preloadFile?: string;
  /** Core's -persistmempool (default true): load mempool.dat on start, write it on a clean stop. */
  persistMempool?: boolean;
  /** Core's -txospenderindex: gettxspendingprevout also finds confirmed spends. */
  txospenderindex?: boolean;
}

/** Chain and mempool events in Core's notification order (the ZMQ publisher listens). */
export interface NodeEvents {
  blockConnected(hash: string, txs: Tx[]): void;
  blockDisconnected(hash: string, txs: Tx[]): void;
  /** A tx entered the mempool; mempoolSeq is Core's mempool sequence after the change. */
  txAdded(tx: Tx, mempoolSeq: number): void;
  /** A tx left the mempool for another reason than confirmation (replaced, conflicted, reorg). */
  txRemoved(txid: string, mempoolSeq: number): void;
}

/**
 * A wallet-visible coin. `fromMe`: its tx spends a wallet coin (Core's CachedTxIsFromMe).
 * `ancestors`/`descendants`: what Core's wallet reads from the mempool for an unconfirmed coin
 * (getTransactionAncestry: its tx's ancestor count, the largest descendant count among the roots
 * of its ancestry); 0 when confirmed.
 */
export interface WalletCoin extends SpendCoin {
  confirmations: number; coinbase: boolean; trusted: boolean; fromMe: boolean; ancestors: number; descendants: number;
}

/**
 * Core's coin eligibility filters (wallet/spend.cpp AutomaticCoinSelection) with the default
 * -spendzeroconfchange=1, -walletrejectlongchains=1 and the mempool's ancestor/descendant limits
 * of 25: confirmed coins first, then unconfirmed change with ever longer mempool chains, never a
 * coin whose chain would exceed the limits.
 */
const ELIGIBILITY_FILTERS: { confMine: number; confTheirs: number; maxAncestors: number; maxDescendants: number }[] = (() => {
  const a = LIMITS.ancestorCount;
  const d = LIMITS.descendantCount;
  return [
    { confMine: 1, confTheirs: 6, maxAncestors: 0, maxDescendants: 0 },
    { confMine: 1, confTheirs: 1, maxAncestors: 0, maxDescendants: 0 },
    { confMine: 0, confTheirs: 1, maxAncestors: 2, maxDescendants: 2 },
    { confMine: 0, confTheirs: 1, maxAncestors: Math.min(4, Math.floor(a / 3)), maxDescendants: Math.min(4, Math.floor(d / 3)) },
    { confMine: 0, confTheirs: 1, maxAncestors: Math.floor(a / 2), maxDescendants: Math.floor(d / 2) },
    { confMine: 0, confTheirs: 1, maxAncestors: a - 1, maxDescendants: d - 1 },
  ];
})();

/** Core's message when only coins on too long unconfirmed chains could fund a payment. */
export const LONG_CHAIN_ERROR = 'Unconfirmed UTXOs are available, but spending them creates a chain of transactions that will be rejected by the mempool';

const DEFAULT_SEED = 'electrum-cli-sim';

/** The simulated bitcoind state machine. */
export class SimNode {
  chain = new Chain();
  mempool: Mempool;
  readonly wallets = new Map<string, Wallet>();
  readonly walletStates = new Map<string, Wallet>();
  readonly policy: Policy;
  readonly seed: string;
  readonly walletFeeRate: number;
  /** -txospenderindex (see NodeOptions). */
  readonly txoSpenderIndex: boolean;
  mockTime = 0;
  readonly startedAt = Date.now();
  /** Receives chain and mempool events (set by the HTTP face when ZMQ is on). */
  events?: NodeEvents;
  /** What getzmqnotifications reports. */
  zmqNotifications: { type: string; address: string; hwm: number }[] = [];
  /** Core's mempool sequence: +1 on every addition and removal (confirmations included). */
  mempoolSequence = 1;
  /** >0 while a chain change re-adds txs (their events are derived from a before/after diff). */
  private quiet = 0;
  private store?: Store;
  readonly persistMempool: boolean;
  private ibdLatched = false;
  /** Wallets loaded at start-up (createwallet/loadwallet/unloadwallet load_on_startup). */
  private loadOnStartup = new Set<string>();

  constructor(opts: NodeOptions = {}) {
    this.policy = { minRelayFeeRate: 1000, incrementalRelayFeeRate: 1000, ...opts.policy };
    this.mempool = new Mempool(this.policy);
    this.walletFeeRate = opts.walletFeeRate ?? 2;
    this.persistMempool = opts.persistMempool ?? true;
    this.txoSpenderIndex = opts.txospenderindex ?? false;
    let seed = opts.seed ?? DEFAULT_SEED;
    if (opts.datadir) {
      this.store = new Store(opts.datadir);
      const st = this.store.readState();
      if (st) seed = st.seed;
      this.seed = seed;
      this.load(st, opts.preloadFile ? readLines(opts.preloadFile) : opts.preloadBlocks);
    } else {
      this.seed = seed;
      const preload = opts.preloadFile ? readLines(opts.preloadFile) : opts.preloadBlocks;
      if (preload) this.importBlocks(preload, false);
    }
  }

  /**
   * Core's IsInitialBlockDownload: true while the tip is more than -maxtipage (24 h) old, latched
   * to false for the rest of the process once it is not (regtest's minimum chain work is 0).
   */
  initialBlockDownload(): boolean {
    if (this.ibdLatched) return false;
    if (this.chain.tip.header.time < this.now() - 24 * 3600) return true;
    this.ibdLatched = true;
    return false;
  }

  /** Current time in seconds (setmocktime aware). */
  now(): number { return this.mockTime || Math.floor(Date.now() / 1000); }

  // ---------------------------------------------------------------- persistence

  private load(st: SimState | undefined, preload: Iterable<string> | undefined): void {
    const store = this.store!;
    if (!store.hasBlocks() && preload) {
      this.importBlocks(preload, true);
    } else {
      this.importBlocks(store.readBlocks(), false);
    }
    if (st) {
      for (const h of st.invalidated) { const e = this.chain.blocks.get(h); if (e) e.failed = 'invalidated'; }
      if (st.invalidated.length) this.chain.activateBest();
      for (const ws of st.wallets) this.walletStates.set(ws.name, Wallet.fromState(this.seed, ws));
      // Like Core's settings.json "wallet" list: only wallets marked load_on_startup come back.
      for (const n of st.loadOnStartup ?? []) { const w = this.walletStates.get(n); if (w) this.wallets.set(n, w); }
      this.loadOnStartup = new Set(st.loadOnStartup ?? []);
    }
    // Core's LoadMempool: each saved tx goes through normal acceptance (fees and limits included).
    if (this.persistMempool) {
      const now = this.now();
      for (const m of store.readMempool()) {
        try { this.acceptTx(parseTx(m.hex), { time: m.time || now }); } catch { /* dropped like Core would */ }
      }
    }
    for (const w of this.wallets.values()) this.walletLoaded(w);
    this.saveState();
  }

  /** Stores many blocks, then activates the best chain once (fast preload/replay). */
  importBlocks(hexes: Iterable<string>, persist: boolean): void {
    let accepted: string[] = [];
    let pending = 0;
    for (const hex of hexes) {
      // Persist in slices: a whole big chain would not fit in one string.
      if (persist && this.store && pending > 64 << 20) { this.store.appendBlocks(accepted); accepted = []; pending = 0; }
      let b: Block;
      try { b = parseBlock(hex.trim()); } catch { continue; }
      const r = this.chain.store(b, undefined);
      if (typeof r === 'string') continue;
      if (persist) { accepted.push(hex.trim()); pending += hex.length; }
      // Fast path for a linear chain: connect now with the parsed block instead of re-parsing later.
      if (r.prev === this.chain.tip && this.chain.bestCandidateIsExtension(r)) {
        const c = this.chain.connect(r, b);
        if (typeof c === 'string') r.failed = c;
      }
    }
    if (persist && this.store) this.store.appendBlocks(accepted);
    this.chain.activateBest();
  }

  /** Writes the JSON state (seed, invalidations, wallets). */
  saveState(): void {
    if (!this.store) return;
    // A wallet's confirmed txs need no keeping: the chain has them (a reorg returns them to the mempool).
    for (const w of this.walletStates.values()) {
      for (const txid of w.txs.keys()) {
        const loc = this.chain.txIndex.get(txid);
        if (loc && this.chain.inActive(loc.entry) && !this.mempool.entries.has(txid)) w.txs.delete(txid);
      }
    }
    const invalidated = this.chain.order.filter((e) => e.failed === 'invalidated').map((e) => e.hash);
    this.store.writeState({
      seed: this.seed, invalidated,
      wallets: [...this.walletStates.values()].map((w) => w.state()),
      loadOnStartup: [...this.loadOnStartup],
    });
  }

  /**
   * Writes mempool.dat (Core's DumpMempool: on a clean shutdown with -persistmempool, and
   * savemempool). Returns its path, or undefined for a memory-only node.
   */
  dumpMempool(): string | undefined {
    if (!this.store) return undefined;
    this.store.writeMempool(this.mempool.ordered().map((e) => ({ hex: e.tx.raw.toString('hex'), time: e.time })));
    return this.store.mempoolFile;
  }

  /** What a clean shutdown persists beyond the block file and state: the mempool, if -persistmempool. */
  shutdown(): void {
    if (this.persistMempool) this.dumpMempool();
  }

  // ---------------------------------------------------------------- blocks

  /** Processes a block like submitblock: null when it became the tip, else Core's reason string. */
  submitBlock(raw: Buffer): string | null {
    let b: Block;
    try { b = parseBlock(raw); } catch { throw new RpcError(RPC.DESERIALIZATION_ERROR, 'Block decode failed'); }
    if (b.txs.length === 0 || !isCoinbase(b.txs[0])) {
      throw new RpcError(RPC.DESERIALIZATION_ERROR, 'Block does not start with a coinbase');
    }
    const r = this.chain.store(b, this.now());
    if (typeof r === 'string') return r;
    this.store?.appendBlock(b.raw.toString('hex'));
    const change = this.chain.activateBest();
    this.applyChange(change);
    const failed = change.failures.get(r.hash);
    if (failed) return failed;
    return this.chain.inActive(r) ? null : 'inconclusive';
  }

  /** Brings the mempool in line with a chain change (and reports both to `events`). */
  private applyChange(change: ChainChange): void {
    const before = this.events ? new Set(this.mempool.entries.keys()) : undefined;
    this.quiet++;
    try {
      if (change.disconnected.length === 0) {
        for (const c of change.connected) this.mempool.removeForBlock(c.txs);
      } else {
        this.rebuildMempool(change);
      }
    } finally {
      this.quiet--;
    }
    if (!before) return;
    const ev = this.events!;
    for (const d of change.disconnected) ev.blockDisconnected(d.entry.hash, d.txs);
    const confirmed = new Set<string>();
    for (const c of change.connected) {
      ev.blockConnected(c.entry.hash, c.txs);
      for (const tx of c.txs) confirmed.add(tx.txid);
    }
    for (const t of before) {
      if (this.mempool.entries.has(t)) continue;
      this.mempoolSequence++;
      if (!confirmed.has(t)) ev.txRemoved(t, this.mempoolSequence);
    }
    for (const [t, e] of this.mempool.entries) if (!before.has(t)) ev.txAdded(e.tx, ++this.mempoolSequence);
  }

  /** After a reorg: disconnected txs (oldest block first) return, then the old mempool is re-checked. */
  private rebuildMempool(change: ChainChange): void {
    const old = this.mempool.ordered();
    this.mempool = new Mempool(this.policy);
    const now = this.now();
    const back = [...change.disconnected].reverse();
    for (const d of back) {
      for (const tx of d.txs.slice(1)) {
        try { this.acceptTx(tx, { bypassFees: true, time: now }); } catch { /* conflicts with the new chain */ }
      }
    }
    for (const e of old) {
      try { this.acceptTx(e.tx, { bypassFees: true, time: e.time }); } catch { /* now invalid */ }
    }
  }

  /** Builds and mines (but does not submit) a block on the tip paying to payout with txs in order. */
  buildBlock(payout: Buffer, txs: Tx[]): Buffer {
    const prev = this.chain.tip;
    const height = prev.height + 1;
    const staged = this.chain.validateTxs([placeholderCoinbase(), ...txs], height);
    if (typeof staged === 'string') throw new RpcError(RPC.VERIFY_ERROR, `TestBlockValidity failed: ${staged}`);
    const cb = new Transaction();
    cb.version = 2;
    // Core's coinbase: BIP34 height then OP_0; witness reserved value of 32 zero bytes.
    cb.addInput(Buffer.alloc(32), 0xffffffff, 0xffffffff, Buffer.concat([scriptNumPush(height), Buffer.from([0x00])]));
    cb.setWitness(0, [Buffer.alloc(32)]);
    cb.addOutput(payout, BigInt(subsidy(height) + staged.fees));
    const commit = witnessCommitment(witnessRoot([placeholderCoinbase(), ...txs]), Buffer.alloc(32));
    cb.addOutput(Buffer.concat([Buffer.from('6a24aa21a9ed', 'hex'), commit]), 0n);
    const coinbase = parseTx(Buffer.from(cb.toBuffer()));
    const all = [coinbase, ...txs];
    const now = this.now();
    const mtp = this.chain.medianTimePast(prev);
    // Increasing timestamps when mining fast, but never drifting more than an hour ahead.
    let t = Math.max(now, prev.header.time + 1);
    if (t > now + 3600) t = now;
    t = Math.max(t, mtp + 1);
    const mined = mineHeader({
      version: 0x20000000, prev: prev.hash, merkleRoot: merkleRoot(all.map((x) => x.txid)).root,
      time: t, bits: REGTEST_BITS, nonce: 0,
    });
    return assembleBlock(mined.header, all);
  }

  /** Builds, mines and submits a block; returns the new tip. */
  mineBlock(payout: Buffer, txs: Tx[]): BlockEntry {
    const r = this.submitBlock(this.buildBlock(payout, txs));
    if (r !== null) throw new RpcError(RPC.MISC_ERROR, `simulator built an invalid block: ${r}`);
    return this.chain.tip;
  }

  /** Mines n blocks with the mempool's txs (first block takes them all, in dependency order). */
  generate(n: number, payout: Buffer): string[] {
    const hashes: string[] = [];
    for (let i = 0; i < n; i++) {
      const txs = this.blockTemplateTxs();
      hashes.push(this.mineBlock(payout, txs).hash);
    }
    return hashes;
  }

  /** Mempool txs that fit in a block, parents before children. */
  blockTemplateTxs(): Tx[] {
    const out: Tx[] = [];
    let weight = 4000;
    for (const e of this.mempool.ordered()) {
      if (weight + e.tx.weight > 3_996_000) break;
      weight += e.tx.weight;
      out.push(e.tx);
    }
    return out;
  }

  /** invalidateblock. */
  invalidate(hash: string): void {
    const e = this.chain.blocks.get(hash);
    if (!e) throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, 'Block not found');
    if (e.height === 0) throw new RpcError(RPC.MISC_ERROR, 'Cannot invalidate the genesis block');
    this.applyChange(this.chain.invalidate(e));
    this.saveState();
  }

  /** reconsiderblock. */
  reconsider(hash: string): void {
    const e = this.chain.blocks.get(hash);
    if (!e) throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, 'Block not found');
    const change = this.chain.reconsider(e);
    this.applyChange(change);
    this.saveState();
  }

  // ---------------------------------------------------------------- transactions

  /** Validates and adds a tx to the mempool; throws RpcError with Core's code/reason. */
  acceptTx(tx: Tx, opts: { bypassFees?: boolean; time?: number; maxFeeRate?: number } = {}): MempoolEntry {
    const plan = this.mempool.check(tx, this.chain, { bypassFees: opts.bypassFees });
    if (opts.maxFeeRate && plan.fee > feeFor(opts.maxFeeRate, tx.vsize)) {
      throw new RpcError(RPC.VERIFY_ERROR, 'Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)');
    }
    const e = this.mempool.add(plan, opts.time ?? this.now(), this.chain.height);
    if (this.noteWalletTx(tx)) this.saveState();
    if (this.quiet === 0) {
      for (const r of plan.replaced) {
        this.mempoolSequence++;
        this.events?.txRemoved(r, this.mempoolSequence);
      }
      this.mempoolSequence++;
      this.events?.txAdded(tx, this.mempoolSequence);
    }
    return e;
  }

  /** Records a mempool tx in every loaded wallet it pays or spends from; true when one is new. */
  private noteWalletTx(tx: Tx): boolean {
    if (this.wallets.size === 0) return false;
    let prevouts: Coin[] | undefined;
    let added = false;
    for (const w of this.wallets.values()) {
      if (w.txs.has(tx.txid)) continue;
      prevouts ??= this.mempoolPrevouts(tx) ?? [];
      if (tx.vout.some((o) => w.owns(o.script)) || prevouts.some((c) => w.owns(c.script))) {
        w.txs.set(tx.txid, tx.raw.toString('hex'));
        added = true;
      }
    }
    return added;
  }

  /**
   * Core's CWallet::postInitProcess when a wallet loads: its transactions that are neither
   * confirmed nor in the mempool are submitted again (normal acceptance; refusals are ignored),
   * and the mempool's transactions that concern it are recorded.
   */
  private walletLoaded(w: Wallet): void {
    for (const [txid, hex] of [...w.txs]) {
      if (this.mempool.entries.has(txid)) continue;
      const loc = this.chain.txIndex.get(txid);
      if (loc && this.chain.inActive(loc.entry)) continue;
      try { this.acceptTx(parseTx(hex)); } catch { /* conflicted, non-final or invalid now */ }
    }
    for (const e of this.mempool.ordered()) this.noteWalletTx(e.tx);
  }

  /** sendrawtransaction: returns the txid. maxFeeRate in sat/kvB (0 = no limit). */
  sendRaw(hex: string, maxFeeRate = 10_000_000): string {
    const tx = parseRawTx(hex);
    if (this.mempool.entries.has(tx.txid)) return tx.txid;
    for (let n = 0; n < tx.vout.length; n++) {
      if (this.chain.utxo.has(outpointKey(tx.txid, n))) {
        throw new RpcError(RPC.VERIFY_ALREADY_IN_CHAIN, 'Transaction outputs already in utxo set');
      }
    }
    this.acceptTx(tx, { maxFeeRate });
    return tx.txid;
  }

  /** Spent coins of a mempool tx's inputs (for fee/prevout views). */
  mempoolPrevouts(tx: Tx): Coin[] | undefined {
    const out: Coin[] = [];
    for (const i of tx.vin) {
      const e = this.mempool.entries.get(i.txid);
      if (e) { const o = e.tx.vout[i.vout]; out.push({ value: o.value, script: o.script, height: -1, coinbase: false }); continue; }
      const c = this.chain.utxo.get(outpointKey(i.txid, i.vout));
      if (!c) return undefined;
      out.push(c);
    }
    return out;
  }

  // ---------------------------------------------------------------- wallets

  /** load_on_startup: true adds the wallet to the start-up list, false removes it, undefined leaves it. */
  private markStartup(name: string, loadOnStartup: boolean | undefined): void {
    if (loadOnStartup === true) this.loadOnStartup.add(name);
    else if (loadOnStartup === false) this.loadOnStartup.delete(name);
  }

  /** createwallet. */
  createWallet(name: string, loadOnStartup?: boolean): Wallet {
    if (this.walletStates.has(name)) {
      throw new RpcError(RPC.WALLET_ERROR, `Wallet file verification failed. Failed to create database path '${name}'. Database already exists.`);
    }
    const w = new Wallet(name, this.seed);
    this.walletStates.set(name, w);
    this.wallets.set(name, w);
    this.markStartup(name, loadOnStartup);
    this.saveState();
    return w;
  }

  /** loadwallet. */
  loadWallet(name: string, loadOnStartup?: boolean): Wallet {
    if (this.wallets.has(name)) throw new RpcError(RPC.WALLET_ALREADY_LOADED, `Wallet "${name}" is already loaded.`);
    const w = this.walletStates.get(name);
    if (!w) {
      throw new RpcError(RPC.WALLET_NOT_FOUND, `Wallet file verification failed. Failed to load database path '${name}'. Path does not exist.`);
    }
    this.wallets.set(name, w);
    this.markStartup(name, loadOnStartup);
    this.walletLoaded(w);
    this.saveState();
    return w;
  }

  /** unloadwallet. */
  unloadWallet(name: string, loadOnStartup?: boolean): void {
    if (!this.wallets.delete(name)) throw new RpcError(RPC.WALLET_NOT_FOUND, 'Requested wallet does not exist or is not loaded');
    this.markStartup(name, loadOnStartup);
    this.saveState();
  }

  /** New address of a type, persisted. */
  newAddress(w: Wallet, type: AddressType, label = ''): string {
    const k = w.newKey(type, label);
    this.saveState();
    return k.address;
  }

  /** Wallet coins not spent by the mempool: confirmed UTXOs plus unconfirmed mempool outputs. */
  walletCoins(w: Wallet): WalletCoin[] {
    const out: WalletCoin[] = [];
    const tipH = this.chain.height;
    for (const [k, c] of this.chain.utxo) {
      if (!w.owns(c.script) || this.mempool.spentBy.has(k)) continue;
      const sep = k.indexOf(':');
      const txid = k.slice(0, sep);
      const loc = c.coinbase ? undefined : this.chain.txIndex.get(txid);
      const fromMe = !!loc && loc.pos > 0 && (loc.entry.undo?.[loc.pos - 1] ?? []).some((p) => w.owns(p.script) !== undefined);
      out.push({
        txid, vout: Number(k.slice(sep + 1)), value: c.value, script: c.script,
        confirmations: tipH - c.height + 1, coinbase: c.coinbase, trusted: true, fromMe, ancestors: 0, descendants: 0,
      });
    }
    // Core's CachedTxIsTrusted: every input spends a wallet coin whose tx is confirmed or trusted itself.
    const trustedTx = new Map<string, boolean>();
    for (const e of this.mempool.ordered()) {
      let fromMe = false;
      const trusted = e.tx.vin.every((i) => {
        const pe = this.mempool.entries.get(i.txid);
        const s = pe ? pe.tx.vout[i.vout]?.script : this.chain.utxo.get(outpointKey(i.txid, i.vout))?.script;
        const mine = s !== undefined && w.owns(s) !== undefined;
        if (mine) fromMe = true;
        return mine && (!pe || trustedTx.get(i.txid) === true);
      }) && fromMe;
      if (!fromMe) fromMe = e.tx.vin.some((i) => {
        const pe = this.mempool.entries.get(i.txid);
        const s = pe ? pe.tx.vout[i.vout]?.script : this.chain.utxo.get(outpointKey(i.txid, i.vout))?.script;
        return s !== undefined && w.owns(s) !== undefined;
      });
      trustedTx.set(e.tx.txid, trusted);
      let ancestry: { ancestors: number; descendants: number } | undefined;
      e.tx.vout.forEach((o, n) => {
        if (!w.owns(o.script) || this.mempool.spentBy.has(outpointKey(e.tx.txid, n))) return;
        ancestry ??= this.ancestry(e.tx.txid);
        out.push({ txid: e.tx.txid, vout: n, value: o.value, script: o.script, confirmations: 0, coinbase: false, trusted, fromMe, ...ancestry });
      });
    }
    return out;
  }

  /** Core's CTxMemPool::GetTransactionAncestry: ancestor count (with itself), largest descendant count of a root. */
  private ancestry(txid: string): { ancestors: number; descendants: number } {
    const anc = this.mempool.ancestors(txid);
    let descendants = 0;
    for (const r of [txid, ...anc]) {
      if ((this.mempool.entries.get(r)?.parents.size ?? 0) > 0) continue;
      descendants = Math.max(descendants, this.mempool.descendants(r, true).size);
    }
    return { ancestors: anc.size + 1, descendants };
  }

  /** Coins the wallet may spend now (Core's AvailableCoins, safe only): mature confirmed ones and trusted unconfirmed ones. */
  spendable(w: Wallet): WalletCoin[] {
    const coins = this.walletCoins(w).filter((c) => (c.coinbase ? c.confirmations >= 101 : c.confirmations >= 1 || c.trusted));
    return coins.sort((a, b) => (Number(b.confirmations > 0) - Number(a.confirmations > 0)) || (b.value - a.value)
      || (a.txid < b.txid ? -1 : a.txid > b.txid ? 1 : a.vout - b.vout));
  }

  /**
   * Picks coins for `need` satoshis: the first of Core's eligibility filters whose coins can pay,
   * largest first within it (Core then runs BnB/knapsack/SRD; tests must not depend on which coins).
   * Throws Core's errors when no filter can pay.
   */
  private selectCoins(avail: WalletCoin[], need: number): WalletCoin[] {
    for (const f of ELIGIBILITY_FILTERS) {
      const picked: WalletCoin[] = [];
      let sum = 0;
      for (const c of avail) {
        if (sum >= need) break;
        if (c.confirmations < (c.fromMe ? f.confMine : f.confTheirs) || c.ancestors > f.maxAncestors || c.descendants > f.maxDescendants) continue;
        picked.push(c);
        sum += c.value;
      }
      if (sum >= need) return picked;
    }
    // Core adds up the coins no filter admits; those on chains at the mempool limits may give the special message.
    // (Core compares `1 + long-chain total`, an operator-precedence quirk of spend.cpp, with the target: mirrored here.)
    const discarded = avail.filter((c) => c.ancestors > LIMITS.ancestorCount - 1 || c.descendants > LIMITS.descendantCount - 1);
    const longChain = discarded.reduce((s, c) => s + c.value, 0);
    if (discarded.length && 1 + longChain > need) throw new RpcError(RPC.WALLET_INSUFFICIENT_FUNDS, LONG_CHAIN_ERROR);
    throw new RpcError(RPC.WALLET_INSUFFICIENT_FUNDS, 'Insufficient funds');
  }

  /**
   * Funds, signs and broadcasts a payment from w. feeRate in sat/vB. subtractFrom lists output
   * indices that pay the fee. Returns the txid.
   */
  walletSend(w: Wallet, outputs: NewOutput[], opts: { feeRate?: number; subtractFrom?: number[] } = {}): string {
    const rate = opts.feeRate ?? this.walletFeeRate;
    const sub = opts.subtractFrom ?? [];
    const target = outputs.reduce((s, o) => s + o.value, 0);
    const avail = this.spendable(w);
    const changeScript = w.newKey('bech32').script;
    this.saveState();
    let fee = Math.ceil(rate * 150);
    for (let round = 0; round < 20; round++) {
      const need = sub.length ? target : target + fee;
      if (avail.reduce((s, c) => s + c.value, 0) < need) throw new RpcError(RPC.WALLET_INSUFFICIENT_FUNDS, 'Insufficient funds');
      const picked = this.selectCoins(avail, need);
      const sum = picked.reduce((s, c) => s + c.value, 0);
      const outs = outputs.map((o) => ({ ...o }));
      if (sub.length) {
        const share = Math.ceil(fee / sub.length);
        for (const i of sub) {
          outs[i].value -= share;
          if (outs[i].value < dustThreshold(outs[i].script)) {
            throw new RpcError(RPC.WALLET_ERROR, 'The transaction amount is too small to pay the fee');
          }
        }
      }
      const change = sum - outs.reduce((s, o) => s + o.value, 0) - fee;
      if (change >= dustThreshold(changeScript) + 100) outs.push({ script: changeScript, value: change });
      const raw = w.sign(picked, outs, this.chain.height);
      const tx = parseTx(raw);
      const actualFee = sum - tx.vout.reduce((s, o) => s + o.value, 0);
      const needFee = Math.ceil(rate * tx.vsize);
      if (actualFee >= needFee) {
        try { return this.sendRaw(raw.toString('hex'), 0); } catch (e) {
          // -walletrejectlongchains: Core's wallet checks the mempool's chain limits before committing.
          if (e instanceof RpcError && e.message.startsWith('too-long-mempool-chain, ')) {
            throw new RpcError(RPC.WALLET_INSUFFICIENT_FUNDS, e.message.slice('too-long-mempool-chain, '.length));
          }
          throw e;
        }
      }
      fee = needFee;
    }
    throw new RpcError(RPC.WALLET_ERROR, 'Fee estimation failed');
  }

  /** bumpfee: replaces a wallet tx paying more from its change output. */
  bumpFee(w: Wallet, txid: string, feeRate?: number): { txid: string; origfee: number; fee: number } {
    const e = this.mempool.entries.get(txid);
    if (!e) throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, 'Invalid or non-wallet transaction id');
    if (e.children.size) throw new RpcError(RPC.INVALID_PARAMETER, 'Transaction has descendants in the wallet or mempool, cannot bump it');
    const prevouts = this.mempoolPrevouts(e.tx);
    if (!prevouts || prevouts.some((c) => !w.owns(c.script))) {
      throw new RpcError(RPC.WALLET_ERROR, 'Transaction contains inputs that don\'t belong to this wallet');
    }
    const changeIdx = e.tx.vout.findIndex((o) => w.owns(o.script));
    if (changeIdx < 0) throw new RpcError(RPC.WALLET_ERROR, 'Transaction does not have a change output');
    const coins: SpendCoin[] = e.tx.vin.map((i, n) => ({ txid: i.txid, vout: i.vout, value: prevouts[n].value, script: prevouts[n].script }));
    const oldRate = e.fee / e.tx.vsize;
    const rate = feeRate ?? oldRate + Math.max(1, this.policy.incrementalRelayFeeRate / 1000);
    let fee = Math.max(Math.ceil(rate * e.tx.vsize), e.fee + feeFor(this.policy.incrementalRelayFeeRate, e.tx.vsize));
    for (let round = 0; round < 5; round++) {
      const outs = e.tx.vout.map((o) => ({ script: o.script, value: o.value }));
      outs[changeIdx].value -= fee - e.fee;
      if (outs[changeIdx].value < dustThreshold(outs[changeIdx].script)) {
        throw new RpcError(RPC.WALLET_ERROR, 'Change output is too small to bump the fee');
      }
      const raw = w.sign(coins, outs, e.tx.locktime);
      const tx = parseTx(raw);
      const need = Math.max(Math.ceil(rate * tx.vsize), e.fee + feeFor(this.policy.incrementalRelayFeeRate, tx.vsize));
      if (fee >= need) {
        const id = this.sendRaw(raw.toString('hex'), 0);
        return { txid: id, origfee: e.fee, fee };
      }
      fee = need;
    }
    throw new RpcError(RPC.WALLET_ERROR, 'Fee estimation failed');
  }

  /** Output script for an address argument, with Core's error. */
  static scriptFor(addr: unknown): Buffer {
    if (typeof addr !== 'string') throw new RpcError(RPC.TYPE_ERROR, 'JSON value of type ' + typeName(addr) + ' is not of expected type string');
    try { return addressScript(addr); } catch {
      throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, 'Invalid address');
    }
  }
}

/** Type name as Core's UniValue reports it. */
export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v;
}

/** Parses a raw tx argument with Core's decode error. */
export function parseRawTx(hex: unknown): Tx {
  if (typeof hex !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(hex)) {
    throw new RpcError(RPC.DESERIALIZATION_ERROR, 'TX decode failed. Make sure the tx has at least one input.');
  }
  try { return parseTx(hex); } catch {
    throw new RpcError(RPC.DESERIALIZATION_ERROR, 'TX decode failed. Make sure the tx has at least one input.');
  }
}

/** A stand-in coinbase for staging: only its position matters to validateTxs and the witness root. */
function placeholderCoinbase(): Tx {
  return parseTx('01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff020000ffffffff0000000000');
}
