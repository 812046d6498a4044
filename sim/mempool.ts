/** The simulated mempool: acceptance policy (subset of Core's), parent/child links, full-RBF, removal. */
import { COINBASE_MATURITY } from './block.js';
import type { Coin } from './chain.js';
import { RPC, RpcError, feeFor, feeRateString, formatMoney } from './errors.js';
import { checkMinimalPushes, isPushOnly, scriptType } from './script.js';
import { Tx, isCoinbase, outpointKey } from './tx.js';
import { checkTransaction } from './validate.js';

/** Relay policy in sat/kvB. */
export interface Policy { minRelayFeeRate: number; incrementalRelayFeeRate: number }

/** Core 30's package limits (-limitancestorcount/-size, -limitdescendantcount/-size; sizes in vB). */
export const LIMITS = { ancestorCount: 25, ancestorSize: 101_000, descendantCount: 25, descendantSize: 101_000 } as const;
/** Core's CPFP carve-out: one more small child is allowed past the descendant limit. */
const EXTRA_DESCENDANT_TX_SIZE_LIMIT = 10_000;
const LOCKTIME_THRESHOLD = 500_000_000;
const SEQUENCE_FINAL = 0xffffffff;
const MAX_STANDARD_SCRIPTSIG_SIZE = 1650;

/** One mempool transaction. */
export interface MempoolEntry {
  tx: Tx;
  fee: number;
  time: number;
  height: number;
  seq: number;
  parents: Set<string>;
  children: Set<string>;
}

/** What acceptance needs from the chain: UTXOs, height and median time past by height. */
export interface ChainView { utxo: Map<string, Coin>; height: number; mtpAt(height: number): number }

/** Options for one acceptance attempt. */
export interface AcceptOptions {
  /** Skip fee minimums and RBF fee rules (reorg re-adds, package members judged together). */
  bypassFees?: boolean;
}

/** A validated transaction ready to be added. */
export interface AcceptPlan { tx: Tx; fee: number; parents: Set<string>; replaced: string[] }

const MAX_REPLACEMENTS = 100;

/** Core's dust threshold at the default dust relay fee (3000 sat/kvB). */
export function dustThreshold(script: Buffer): number {
  const t = scriptType(script);
  if (t === 'nulldata') return 0;
  const outSize = 8 + (script.length < 0xfd ? 1 : 3) + script.length;
  const witness = t.startsWith('witness_') || t === 'anchor';
  return (outSize + (witness ? 67 : 148)) * 3;
}

/** Core's IsFinalTx at the next block's height and the tip's median time past. */
export function isFinalTx(tx: Tx, blockHeight: number, blockTime: number): boolean {
  if (tx.locktime === 0) return true;
  if (tx.locktime < (tx.locktime < LOCKTIME_THRESHOLD ? blockHeight : blockTime)) return true;
  return tx.vin.every((i) => i.sequence === SEQUENCE_FINAL);
}

/** BIP68 relative lock-times (Core's CheckSequenceLocksAtTip) for version 2+ txs. */
function sequenceLocksOk(tx: Tx, prevouts: (Coin & { mempool: boolean })[], chain: ChainView): boolean {
  if (tx.version < 2) return true;
  const nextHeight = chain.height + 1;
  let minHeight = -1;
  let minTime = -1;
  tx.vin.forEach((i, n) => {
    if (i.sequence & 0x80000000) return;
    const coinHeight = prevouts[n].mempool ? nextHeight : prevouts[n].height;
    if (i.sequence & 0x00400000) {
      const coinTime = chain.mtpAt(Math.max(coinHeight - 1, 0));
      minTime = Math.max(minTime, coinTime + (i.sequence & 0xffff) * 512 - 1);
    } else {
      minHeight = Math.max(minHeight, coinHeight + (i.sequence & 0xffff) - 1);
    }
  });
  return minHeight < nextHeight && minTime < chain.mtpAt(chain.height);
}

/**
 * The scripts an input's spend executes besides its scriptPubKey: the scriptSig, a P2SH redeem
 * script, a P2WSH witness script or a tapscript leaf.
 */
function executedScripts(input: { script: Buffer; witness: Buffer[] }, prevScript: Buffer): Buffer[] {
  const out = [input.script];
  let program = prevScript;
  if (scriptType(prevScript) === 'scripthash') {
    const redeem = lastPush(input.script);
    if (redeem) { out.push(redeem); program = redeem; }
  }
  const t = scriptType(program);
  const w = input.witness;
  if (t === 'witness_v0_scripthash' && w.length > 0) out.push(w[w.length - 1]);
  if (t === 'witness_v1_taproot') {
    const stack = w.length >= 2 && w[w.length - 1][0] === 0x50 ? w.slice(0, -1) : w;
    if (stack.length >= 2 && (stack[stack.length - 1][0] & 0xfe) === 0xc0) out.push(stack[stack.length - 2]);
  }
  return out;
}

/** The data of a push-only script's last push. */
function lastPush(script: Buffer): Buffer | undefined {
  let last: Buffer | undefined;
  let i = 0;
  while (i < script.length) {
    const op = script[i++];
    let len = 0;
    if (op >= 1 && op <= 0x4b) len = op;
    else if (op === 0x4c) { len = script[i]; i += 1; }
    else if (op === 0x4d) { len = script.readUInt16LE(i); i += 2; }
    else if (op === 0x4e) { len = script.readUInt32LE(i); i += 4; }
    else { last = op === 0 ? Buffer.alloc(0) : op >= 0x51 && op <= 0x60 ? Buffer.from([op - 0x50]) : undefined; continue; }
    last = script.subarray(i, i + len);
    i += len;
  }
  return last;
}

/** The mempool; all methods are synchronous and do no I/O. */
export class Mempool {
  readonly entries = new Map<string, MempoolEntry>();
  /** outpoint key -> txid of the mempool tx spending it. */
  readonly spentBy = new Map<string, string>();
  private seq = 0;

  constructor(readonly policy: Policy) {}

  /** A copy that can be mutated for dry runs (testmempoolaccept, packages). */
  clone(): Mempool {
    const m = new Mempool(this.policy);
    for (const [k, e] of this.entries) m.entries.set(k, { ...e, parents: new Set(e.parents), children: new Set(e.children) });
    for (const [k, v] of this.spentBy) m.spentBy.set(k, v);
    m.seq = this.seq;
    return m;
  }

  /** Entries in acceptance order (parents before children). */
  ordered(): MempoolEntry[] {
    return [...this.entries.values()].sort((a, b) => a.seq - b.seq);
  }

  /** Looks up a spendable output in the mempool or the UTXO set. */
  coin(chain: ChainView, txid: string, vout: number): (Coin & { mempool: boolean }) | undefined {
    const e = this.entries.get(txid);
    if (e) {
      const o = e.tx.vout[vout];
      return o ? { value: o.value, script: o.script, height: -1, coinbase: false, mempool: true } : undefined;
    }
    const c = this.entriesCoin(chain, txid, vout);
    return c ? { ...c, mempool: false } : undefined;
  }

  private entriesCoin(chain: ChainView, txid: string, vout: number): Coin | undefined {
    return chain.utxo.get(outpointKey(txid, vout));
  }

  /** Validates tx against chain + mempool; throws RpcError with Core's code and reason. */
  check(tx: Tx, chain: ChainView, opts: AcceptOptions): AcceptPlan {
    const reject = (reason: string) => new RpcError(RPC.VERIFY_REJECTED, reason);
    const bad = checkTransaction(tx);
    if (bad) throw reject(bad);
    if (isCoinbase(tx)) throw reject('coinbase');
    if (tx.version < 1 || tx.version > 3) throw reject('version');
    if (tx.baseSize < 65) throw reject('tx-size-small');
    if (tx.weight > 400_000) throw reject('tx-size');
    // IsStandardTx (policy/policy.cpp), in Core's order.
    for (const i of tx.vin) {
      if (i.script.length > MAX_STANDARD_SCRIPTSIG_SIZE) throw reject('scriptsig-size');
      if (!isPushOnly(i.script)) throw reject('scriptsig-not-pushonly');
    }
    for (const o of tx.vout) {
      const t = scriptType(o.script);
      if (t === 'nonstandard') throw reject('scriptpubkey');
      if (o.value < dustThreshold(o.script)) throw reject('dust');
    }
    if (!isFinalTx(tx, chain.height + 1, chain.mtpAt(chain.height))) throw reject('non-final');
    if (this.entries.has(tx.txid)) {
      throw reject(this.entries.get(tx.txid)!.tx.wtxid === tx.wtxid ? 'txn-already-in-mempool' : 'txn-same-nonwitness-data-in-mempool');
    }
    const direct = new Set<string>();
    for (const i of tx.vin) {
      const by = this.spentBy.get(outpointKey(i.txid, i.vout));
      if (by) direct.add(by);
    }
    const parents = new Set<string>();
    const prevouts: (Coin & { mempool: boolean })[] = [];
    let inSum = 0;
    const spendHeight = chain.height + 1;
    for (const i of tx.vin) {
      const c = this.coin(chain, i.txid, i.vout);
      if (!c) {
        for (let n = 0; n < tx.vout.length; n++) {
          if (chain.utxo.has(outpointKey(tx.txid, n))) throw new RpcError(RPC.VERIFY_REJECTED, 'txn-already-known');
        }
        throw new RpcError(RPC.VERIFY_ERROR, 'bad-txns-inputs-missingorspent');
      }
      if (c.mempool) parents.add(i.txid);
      prevouts.push(c);
      if (c.coinbase && spendHeight - c.height < COINBASE_MATURITY) {
        throw reject(`bad-txns-premature-spend-of-coinbase, tried to spend coinbase at depth ${spendHeight - c.height}`);
      }
      inSum += c.value;
    }
    if (!sequenceLocksOk(tx, prevouts, chain)) throw reject('non-BIP68-final');
    const outSum = tx.vout.reduce((s, o) => s + o.value, 0);
    if (outSum > inSum) {
      throw reject(`bad-txns-in-belowout, value in (${formatMoney(inSum)}) < value out (${formatMoney(outSum)})`);
    }
    const fee = inSum - outSum;
    if (!opts.bypassFees) {
      const min = feeFor(this.policy.minRelayFeeRate, tx.vsize);
      if (fee < min) throw reject(`min relay fee not met, ${fee} < ${min}`);
    }
    let replaced: string[] = [];
    if (direct.size > 0) replaced = this.checkReplacement(tx, fee, direct, parents, opts);
    if (!opts.bypassFees) this.checkLimits(tx, parents, new Set(replaced));
    // PolicyScriptChecks: the one standard script flag the simulator evaluates is MINIMALDATA.
    tx.vin.forEach((input, n) => {
      for (const s of executedScripts(input, prevouts[n].script)) {
        if (!checkMinimalPushes(s)) {
          throw reject(`mempool-script-verify-flag-failed (Data push larger than necessary), input ${n} of ${tx.txid} (wtxid ${tx.wtxid}), spending ${input.txid}:${input.vout}`);
        }
      }
    });
    return { tx, fee, parents, replaced };
  }

  /**
   * Core 30's ancestor/descendant limits (CalculateAncestorsAndCheckLimits) with the CPFP carve-out.
   * Txs being replaced do not count.
   */
  private checkLimits(tx: Tx, parents: Set<string>, replaced: Set<string>): void {
    const ancestors = new Set<string>();
    for (const p of parents) {
      if (replaced.has(p)) continue;
      ancestors.add(p);
      for (const a of this.ancestors(p)) if (!replaced.has(a)) ancestors.add(a);
    }
    const problem = (limits: { ancestorCount: number; ancestorSize: number; descendantCount: number; descendantSize: number }): string | undefined => {
      if (parents.size + 1 > limits.ancestorCount) return `too many unconfirmed parents [limit: ${limits.ancestorCount}]`;
      let ancestorSize = tx.vsize;
      for (const a of ancestors) {
        const d = [...this.descendants(a, true)].filter((x) => !replaced.has(x));
        const t = this.totals(d);
        ancestorSize += this.entries.get(a)!.tx.vsize;
        if (t.vsize + tx.vsize > limits.descendantSize) return `exceeds descendant size limit for tx ${a} [limit: ${limits.descendantSize}]`;
        if (t.count + 1 > limits.descendantCount) return `too many descendants for tx ${a} [limit: ${limits.descendantCount}]`;
        if (ancestorSize > limits.ancestorSize) return `exceeds ancestor size limit [limit: ${limits.ancestorSize}]`;
      }
      if (ancestors.size + 1 > limits.ancestorCount) return `too many unconfirmed ancestors [limit: ${limits.ancestorCount}]`;
      return undefined;
    };
    const err = problem(LIMITS);
    if (!err) return;
    // A small tx with a single unconfirmed ancestor may exceed the descendant limit by one.
    const carveOut = tx.vsize <= EXTRA_DESCENDANT_TX_SIZE_LIMIT && tx.version !== 3 && problem({
      ancestorCount: 2, ancestorSize: LIMITS.ancestorSize,
      descendantCount: LIMITS.descendantCount + 1, descendantSize: LIMITS.descendantSize + EXTRA_DESCENDANT_TX_SIZE_LIMIT,
    }) === undefined;
    if (!carveOut) throw new RpcError(RPC.VERIFY_REJECTED, `too-long-mempool-chain, ${err}`);
  }

  /** Core 30's full-RBF rules (BIP125 rules 2-5 minus signaling). Returns all txids to evict. */
  private checkReplacement(tx: Tx, fee: number, direct: Set<string>, parents: Set<string>, opts: AcceptOptions): string[] {
    const reject = (reason: string) => new RpcError(RPC.VERIFY_REJECTED, reason);
    const all = new Set<string>();
    for (const c of direct) for (const d of this.descendants(c, true)) all.add(d);
    if (all.size > MAX_REPLACEMENTS) {
      throw reject(`too many potential replacements, rejecting replacement ${tx.txid}; too many potential replacements (${all.size} > ${MAX_REPLACEMENTS})`);
    }
    for (const p of parents) {
      if (all.has(p)) throw reject(`bad-txns-spends-conflicting-tx, ${tx.txid} spends conflicting transaction ${p}`);
    }
    const conflictParents = new Set<string>();
    for (const c of direct) for (const p of this.entries.get(c)!.parents) conflictParents.add(p);
    let idx = 0;
    for (const i of tx.vin) {
      if (parents.has(i.txid) && !conflictParents.has(i.txid)) {
        throw reject(`replacement-adds-unconfirmed, replacement ${tx.txid} adds unconfirmed input, idx ${idx}`);
      }
      idx++;
    }
    if (opts.bypassFees) return [...all];
    const newRate = (fee * 1000) / tx.vsize;
    for (const c of direct) {
      const e = this.entries.get(c)!;
      const oldRate = (e.fee * 1000) / e.tx.vsize;
      if (Math.floor(newRate) <= Math.floor(oldRate)) {
        throw reject(`insufficient fee, rejecting replacement ${tx.txid}; new feerate ${feeRateString(newRate)} <= old feerate ${feeRateString(oldRate)}`);
      }
    }
    let conflictFees = 0;
    for (const c of all) conflictFees += this.entries.get(c)!.fee;
    if (fee < conflictFees) {
      throw reject(`insufficient fee, rejecting replacement ${tx.txid}, less fees than conflicting txs; ${formatMoney(fee)} < ${formatMoney(conflictFees)}`);
    }
    const need = feeFor(this.policy.incrementalRelayFeeRate, tx.vsize);
    if (fee - conflictFees < need) {
      throw reject(`insufficient fee, rejecting replacement ${tx.txid}, not enough additional fees to relay; ${formatMoney(fee - conflictFees)} < ${formatMoney(need)}`);
    }
    return [...all];
  }

  /** Adds a checked tx, evicting what it replaces. Returns the new entry. */
  add(plan: AcceptPlan, now: number, height: number): MempoolEntry {
    for (const r of plan.replaced) this.removeOne(r);
    const tx = plan.tx;
    const parents = new Set([...plan.parents].filter((p) => this.entries.has(p)));
    const e: MempoolEntry = { tx, fee: plan.fee, time: now, height, seq: this.seq++, parents, children: new Set() };
    this.entries.set(tx.txid, e);
    for (const p of parents) this.entries.get(p)!.children.add(tx.txid);
    for (const i of tx.vin) this.spentBy.set(outpointKey(i.txid, i.vout), tx.txid);
    return e;
  }

  /** All in-mempool descendants of txid (including itself when self is true). */
  descendants(txid: string, self = false): Set<string> {
    const out = new Set<string>();
    const stack = [txid];
    while (stack.length) {
      const t = stack.pop()!;
      if (out.has(t)) continue;
      out.add(t);
      const e = this.entries.get(t);
      if (e) for (const c of e.children) stack.push(c);
    }
    if (!self) out.delete(txid);
    return out;
  }

  /** All in-mempool ancestors of txid (excluding itself). */
  ancestors(txid: string): Set<string> {
    const out = new Set<string>();
    const stack = [...(this.entries.get(txid)?.parents ?? [])];
    while (stack.length) {
      const t = stack.pop()!;
      if (out.has(t)) continue;
      out.add(t);
      const e = this.entries.get(t);
      if (e) for (const p of e.parents) stack.push(p);
    }
    return out;
  }

  /** Removes one entry, unlinking it from parents and children. */
  removeOne(txid: string): MempoolEntry | undefined {
    const e = this.entries.get(txid);
    if (!e) return undefined;
    this.entries.delete(txid);
    for (const i of e.tx.vin) {
      const k = outpointKey(i.txid, i.vout);
      if (this.spentBy.get(k) === txid) this.spentBy.delete(k);
    }
    for (const p of e.parents) this.entries.get(p)?.children.delete(txid);
    for (const c of e.children) this.entries.get(c)?.parents.delete(txid);
    return e;
  }

  /** Removes txid and all its descendants. */
  removeWithDescendants(txid: string): string[] {
    const all = [...this.descendants(txid, true)].filter((t) => this.entries.has(t));
    for (const t of all) this.removeOne(t);
    return all;
  }

  /** After a block connects: drop its txs and everything conflicting with them (with descendants). */
  removeForBlock(txs: Tx[]): void {
    for (const tx of txs) {
      this.removeOne(tx.txid);
      for (const i of tx.vin) {
        const by = this.spentBy.get(outpointKey(i.txid, i.vout));
        if (by && by !== tx.txid) this.removeWithDescendants(by);
      }
    }
  }

  /** Sum of fees and vsizes of a set of txids. */
  totals(txids: Iterable<string>): { fee: number; vsize: number; count: number } {
    let fee = 0; let vsize = 0; let count = 0;
    for (const t of txids) {
      const e = this.entries.get(t);
      if (e) { fee += e.fee; vsize += e.tx.vsize; count++; }
    }
    return { fee, vsize, count };
  }
}
