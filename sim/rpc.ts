/** bitcoind JSON-RPC method handlers over a SimNode (no I/O; the HTTP layer calls dispatch). */
import { BlockEntry } from './chain.js';
import { RPC, RpcError, amountToSats, btc, feeFor } from './errors.js';
import { bitsToTarget, difficulty } from './header.js';
import { SimNode, parseRawTx } from './node.js';
import { Params, positional } from './params.js';
import { scriptAddress, scriptPubKeyJson, scriptType } from './script.js';
import { parseBlock } from './block.js';
import { Tx, isCoinbase, outpointKey } from './tx.js';
import { blockJson, chainworkHex, headerJson, txJson } from './views.js';
import { ADDRESS_TYPES, AddressType, Wallet } from './wallet.js';

/** What a handler gets: the node, params, and the wallet name from /wallet/<name> if any. */
export interface RpcContext { node: SimNode; walletName?: string; requestStop: () => void }
type Handler = (ctx: RpcContext, p: Params) => unknown;

interface MethodDef { names: string[]; run: Handler; wallet?: boolean }

const NOT_FOUND_TX = 'No such mempool or blockchain transaction. Use gettransaction for wallet transactions.';

function blockByHash(node: SimNode, hash: string): BlockEntry {
  const e = node.chain.blocks.get(hash);
  if (!e) throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, 'Block not found');
  return e;
}

function verbosityArg(p: Params, i: number, dflt: number): number {
  if (!p.has(i)) return dflt;
  const v = p.raw(i);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return p.int(i, 'verbosity');
}

function walletOf(ctx: RpcContext): Wallet {
  const { node, walletName } = ctx;
  if (walletName !== undefined) {
    const w = node.wallets.get(walletName);
    if (!w) throw new RpcError(RPC.WALLET_NOT_FOUND, 'Requested wallet does not exist or is not loaded');
    return w;
  }
  if (node.wallets.size === 1) return [...node.wallets.values()][0];
  if (node.wallets.size === 0) {
    throw new RpcError(RPC.WALLET_NOT_FOUND, 'No wallet is loaded. Load a wallet using loadwallet or create a new one with createwallet. (Note: A default wallet is no longer automatically created)');
  }
  throw new RpcError(RPC.WALLET_NOT_SPECIFIED, 'Wallet file not specified (must request wallet RPC through /wallet/<filename> uri-path).');
}

/** BIP125 signaling of a mempool tx or any unconfirmed ancestor. */
function signalsRbf(node: SimNode, txid: string): boolean {
  const ids = [txid, ...node.mempool.ancestors(txid)];
  return ids.some((id) => node.mempool.entries.get(id)!.tx.vin.some((i) => i.sequence < 0xfffffffe));
}

/** Core's mempool entry JSON. */
export function mempoolEntryJson(node: SimNode, txid: string): Record<string, unknown> {
  const m = node.mempool;
  const e = m.entries.get(txid);
  if (!e) throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, 'Transaction not in mempool');
  const anc = m.totals(m.ancestors(txid));
  const desc = m.totals(m.descendants(txid));
  return {
    vsize: e.tx.vsize, weight: e.tx.weight, time: e.time, height: e.height,
    descendantcount: desc.count + 1, descendantsize: desc.vsize + e.tx.vsize,
    ancestorcount: anc.count + 1, ancestorsize: anc.vsize + e.tx.vsize,
    wtxid: e.tx.wtxid,
    fees: { base: btc(e.fee), modified: btc(e.fee), ancestor: btc(anc.fee + e.fee), descendant: btc(desc.fee + e.fee) },
    depends: [...e.parents].sort(),
    spentby: [...e.children].sort(),
    'bip125-replaceable': signalsRbf(node, txid),
    unbroadcast: false,
  };
}

/** Core's getmempoolinfo. */
export function mempoolInfo(node: SimNode): Record<string, unknown> {
  let bytes = 0; let fee = 0; let usage = 0;
  for (const e of node.mempool.entries.values()) { bytes += e.tx.vsize; fee += e.fee; usage += e.tx.size * 2 + 500; }
  const p = node.policy;
  return {
    loaded: true, size: node.mempool.entries.size, bytes, usage, total_fee: btc(fee), maxmempool: 300_000_000,
    mempoolminfee: btc(p.minRelayFeeRate), minrelaytxfee: btc(p.minRelayFeeRate),
    incrementalrelayfee: btc(p.incrementalRelayFeeRate), unbroadcastcount: 0, fullrbf: true,
    permitbaremultisig: true, maxdatacarriersize: 100000,
  };
}

/** Core's getblockchaininfo. */
export function blockchainInfo(node: SimNode): Record<string, unknown> {
  const c = node.chain;
  const tip = c.tip;
  return {
    chain: 'regtest', blocks: c.height, headers: c.height, bestblockhash: tip.hash,
    bits: tip.header.bits.toString(16).padStart(8, '0'), target: bitsToTarget(tip.header.bits).toString(16).padStart(64, '0'),
    difficulty: difficulty(tip.header.bits), time: tip.header.time, mediantime: c.medianTimePast(tip),
    verificationprogress: 1, initialblockdownload: node.initialBlockDownload(), chainwork: chainworkHex(tip),
    size_on_disk: c.active.reduce((s, e) => s + e.size, 0), pruned: false, warnings: [],
  };
}

/** getrawmempool result. */
export function rawMempool(node: SimNode, verbose: boolean): unknown {
  const ids = node.mempool.ordered().map((e) => e.tx.txid);
  if (!verbose) return ids;
  const o: Record<string, unknown> = {};
  for (const id of ids) o[id] = mempoolEntryJson(node, id);
  return o;
}

function txInBlockJson(node: SimNode, e: BlockEntry, tx: Tx, pos: number, verbosity: number): Record<string, unknown> {
  const prevouts = verbosity >= 2 && pos > 0 && e.undo ? e.undo[pos - 1] : undefined;
  const o = txJson(tx, { prevouts, withPrevout: verbosity >= 2 });
  const active = node.chain.inActive(e);
  o.blockhash = e.hash;
  o.confirmations = active ? node.chain.height - e.height + 1 : 0;
  // Core's TxToJSON gives time/blocktime only for a block on the active chain.
  if (active) {
    o.time = e.header.time;
    o.blocktime = e.header.time;
  }
  return o;
}

function getRawTransaction(ctx: RpcContext, p: Params): unknown {
  const { node } = ctx;
  const txid = p.hash(0, 'parameter 1');
  const verbosity = verbosityArg(p, 1, 0);
  if (p.has(2)) {
    const bh = p.hash(2, 'parameter 3');
    const e = node.chain.blocks.get(bh);
    if (!e) throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, 'Block hash not found');
    const pos = e.txids.indexOf(txid);
    if (pos < 0) throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, 'No such transaction found in the provided block. Use gettransaction for wallet transactions.');
    const tx = parseBlock(e.raw).txs[pos];
    if (verbosity === 0) return tx.raw.toString('hex');
    return { in_active_chain: node.chain.inActive(e), ...txInBlockJson(node, e, tx, pos, verbosity) };
  }
  if (txid === node.chain.active[0].txids[0]) {
    throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, 'The genesis block coinbase is not considered an ordinary transaction and cannot be retrieved');
  }
  const me = node.mempool.entries.get(txid);
  if (me) return verbosity === 0 ? me.tx.raw.toString('hex') : txJson(me.tx);
  const loc = node.chain.txIndex.get(txid);
  if (!loc) throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, NOT_FOUND_TX);
  const tx = parseBlock(loc.entry.raw).txs[loc.pos];
  if (verbosity === 0) return tx.raw.toString('hex');
  return txInBlockJson(node, loc.entry, tx, loc.pos, verbosity);
}

function estimateSmartFee(ctx: RpcContext, p: Params): unknown {
  const { node } = ctx;
  const target = p.int(0, 'conf_target');
  if (target < 1 || target > 1008) throw new RpcError(RPC.INVALID_PARAMETER, 'Invalid conf_target, must be between 1 and 1008');
  const blocks = Math.max(2, target);
  // Deterministic stand-in for Core's estimator: median feerate of txs in the last 20 blocks.
  const rates: number[] = [];
  const c = node.chain;
  for (let h = c.height; h > Math.max(0, c.height - 20); h--) {
    const e = c.active[h];
    if (!e.undo || e.txids.length < 2) continue;
    const txs = parseBlock(e.raw).txs;
    txs.slice(1).forEach((tx, i) => {
      const inSum = e.undo![i].reduce((s, x) => s + x.value, 0);
      const fee = inSum - tx.vout.reduce((s, o) => s + o.value, 0);
      rates.push((fee * 1000) / tx.vsize);
    });
  }
  if (rates.length < 4) return { errors: ['Insufficient data or no feerate found'], blocks };
  rates.sort((a, b) => a - b);
  const median = Math.max(rates[Math.floor(rates.length / 2)], node.policy.minRelayFeeRate);
  return { feerate: btc(Math.ceil(median)), blocks };
}

function rejectParts(err: unknown): { reason: string; details: string } {
  const msg = err instanceof RpcError ? err.message : String(err);
  if (msg === 'bad-txns-inputs-missingorspent') return { reason: 'missing-inputs', details: msg };
  if (msg.startsWith('Fee exceeds maximum')) return { reason: 'max-fee-exceeded', details: msg };
  const comma = msg.indexOf(', ');
  return { reason: comma > 0 ? msg.slice(0, comma) : msg, details: msg };
}

/** A load_on_startup argument: true, false, or (absent/null) leave the setting alone. */
function startupArg(p: Params, i: number): boolean | undefined {
  return p.has(i) ? p.optBool(i, false) : undefined;
}

function maxFeeRateArg(p: Params, i: number): number {
  if (!p.has(i)) return 10_000_000;
  return amountToSats(p.raw(i));
}

function testMempoolAccept(ctx: RpcContext, p: Params): unknown {
  const { node } = ctx;
  const raws = p.arr(0, 'rawtxs');
  const maxRate = maxFeeRateArg(p, 1);
  const txs = raws.map((r) => parseRawTx(r));
  const pool = node.mempool.clone();
  return txs.map((tx) => {
    const base = { txid: tx.txid, wtxid: tx.wtxid };
    try {
      if (pool.entries.has(tx.txid)) throw new RpcError(RPC.VERIFY_REJECTED, 'txn-already-in-mempool');
      for (let n = 0; n < tx.vout.length; n++) {
        if (node.chain.utxo.has(outpointKey(tx.txid, n))) throw new RpcError(RPC.VERIFY_REJECTED, 'txn-already-known');
      }
      const plan = pool.check(tx, node.chain, {});
      if (maxRate && plan.fee > feeFor(maxRate, tx.vsize)) throw new RpcError(RPC.VERIFY_ERROR, 'Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)');
      pool.add(plan, node.now(), node.chain.height);
      return {
        ...base, allowed: true, vsize: tx.vsize,
        fees: { base: btc(plan.fee), 'effective-feerate': btc(Math.floor((plan.fee * 1000) / tx.vsize)), 'effective-includes': [tx.wtxid] },
      };
    } catch (err) {
      if (!(err instanceof RpcError)) throw err;
      const r = rejectParts(err);
      return { ...base, allowed: false, 'reject-reason': r.reason, 'reject-details': r.details };
    }
  });
}

function submitPackage(ctx: RpcContext, p: Params): unknown {
  const { node } = ctx;
  const raws = p.arr(0, 'package');
  if (raws.length < 1 || raws.length > 25) throw new RpcError(RPC.INVALID_PARAMETER, 'Array must contain between 1 and 25 transactions.');
  const maxRate = maxFeeRateArg(p, 1);
  const txs = raws.map((r) => parseRawTx(r));
  const child = txs[txs.length - 1];
  const spent = new Set(child.vin.map((i) => i.txid));
  if (txs.slice(0, -1).some((t) => !spent.has(t.txid))) {
    throw new RpcError(RPC.INVALID_PARAMETER, 'package topology disallowed. not child-with-parents or parents depend on each other.');
  }
  const pool = node.mempool.clone();
  const results: Record<string, Record<string, unknown>> = {};
  const plans: { tx: Tx; fee: number }[] = [];
  const replaced: string[] = [];
  let failed: string | undefined;
  for (const tx of txs) {
    if (pool.entries.has(tx.txid)) {
      const e = pool.entries.get(tx.txid)!;
      results[tx.wtxid] = { txid: tx.txid, vsize: tx.vsize, fees: { base: btc(e.fee) } };
      continue;
    }
    try {
      const plan = pool.check(tx, node.chain, { bypassFees: true });
      pool.add(plan, node.now(), node.chain.height);
      plans.push({ tx, fee: plan.fee });
      replaced.push(...plan.replaced);
    } catch (err) {
      if (!(err instanceof RpcError)) throw err;
      failed = failed ?? tx.wtxid;
      results[tx.wtxid] = { txid: tx.txid, error: err.message };
    }
  }
  if (!failed) {
    const totalFee = plans.reduce((s, x) => s + x.fee, 0);
    const totalSize = plans.reduce((s, x) => s + x.tx.vsize, 0);
    const pkgOk = totalSize === 0 || totalFee >= feeFor(node.policy.minRelayFeeRate, totalSize);
    for (const x of plans) {
      const own = x.fee >= feeFor(node.policy.minRelayFeeRate, x.tx.vsize);
      if (!own && !pkgOk) {
        failed = failed ?? x.tx.wtxid;
        results[x.tx.wtxid] = { txid: x.tx.txid, error: `min relay fee not met, ${x.fee} < ${feeFor(node.policy.minRelayFeeRate, x.tx.vsize)}` };
      }
      if (maxRate && x.fee > feeFor(maxRate, x.tx.vsize)) {
        throw new RpcError(RPC.VERIFY_ERROR, 'Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)');
      }
    }
    if (!failed) {
      const pkgRate = totalSize ? Math.floor((totalFee * 1000) / totalSize) : 0;
      const includes = plans.map((x) => x.tx.wtxid);
      for (const x of plans) {
        node.acceptTx(x.tx, { bypassFees: true });
        const own = x.fee >= feeFor(node.policy.minRelayFeeRate, x.tx.vsize);
        results[x.tx.wtxid] = {
          txid: x.tx.txid, vsize: x.tx.vsize,
          fees: own
            ? { base: btc(x.fee), 'effective-feerate': btc(Math.floor((x.fee * 1000) / x.tx.vsize)), 'effective-includes': [x.tx.wtxid] }
            : { base: btc(x.fee), 'effective-feerate': btc(pkgRate), 'effective-includes': includes },
        };
      }
    }
  }
  if (failed) {
    for (const tx of txs) if (!results[tx.wtxid]) results[tx.wtxid] = { txid: tx.txid, error: 'package-not-validated' };
    for (const tx of txs) if (results[tx.wtxid].vsize !== undefined && !node.mempool.entries.has(tx.txid)) {
      results[tx.wtxid] = { txid: tx.txid, error: 'package-not-validated' };
    }
  }
  return {
    package_msg: failed ? 'transaction failed' : 'success',
    'tx-results': results,
    'replaced-transactions': failed ? [] : [...new Set(replaced)],
  };
}

function generateBlock(ctx: RpcContext, p: Params): unknown {
  const { node } = ctx;
  const out = p.str(0, 'output');
  let payout: Buffer;
  try { payout = SimNode.scriptFor(out); } catch { throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, 'Error: Invalid address or descriptor'); }
  const items = p.arr(1, 'transactions');
  const submit = p.optBool(2, true);
  const txs = items.map((it) => {
    if (typeof it === 'string' && it.length === 64 && /^[0-9a-fA-F]+$/.test(it)) {
      const e = node.mempool.entries.get(it.toLowerCase());
      if (!e) throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, `Transaction ${it} not in mempool.`);
      return e.tx;
    }
    try { return parseRawTx(it); } catch {
      throw new RpcError(RPC.DESERIALIZATION_ERROR, `Transaction decode failed for ${String(it)}. Make sure the tx has at least one input.`);
    }
  });
  const raw = node.buildBlock(payout, txs);
  const hash = parseBlock(raw).hash;
  if (!submit) return { hash, hex: raw.toString('hex') };
  const r = node.submitBlock(raw);
  if (r !== null) throw new RpcError(RPC.VERIFY_ERROR, `TestBlockValidity failed: ${r}`);
  return { hash };
}

function chainTips(ctx: RpcContext): unknown {
  const c = ctx.node.chain;
  const hasChild = new Set<BlockEntry>();
  for (const e of c.order) if (e.prev) hasChild.add(e.prev);
  const tips = c.order.filter((e) => !hasChild.has(e) || e === c.tip);
  return tips.sort((a, b) => b.height - a.height).map((e) => {
    let fork: BlockEntry | undefined = e;
    while (fork && !c.inActive(fork)) fork = fork.prev;
    const status = c.inActive(e) ? 'active' : c.isInvalid(e) ? 'invalid' : 'valid-fork';
    return { height: e.height, hash: e.hash, branchlen: e.height - (fork ? fork.height : 0), status };
  });
}

function getTxOut(ctx: RpcContext, p: Params): unknown {
  const { node } = ctx;
  const txid = p.hash(0, 'txid');
  const n = p.int(1, 'n');
  const includeMempool = p.optBool(2, true);
  const k = outpointKey(txid, n);
  const tip = node.chain.tip;
  if (includeMempool) {
    if (node.mempool.spentBy.has(k)) return null;
    const e = node.mempool.entries.get(txid);
    if (e) {
      const o = e.tx.vout[n];
      if (!o) return null;
      return { bestblock: tip.hash, confirmations: 0, value: btc(o.value), scriptPubKey: scriptPubKeyJson(o.script), coinbase: false };
    }
  }
  const c = node.chain.utxo.get(k);
  if (!c) return null;
  return { bestblock: tip.hash, confirmations: node.chain.height - c.height + 1, value: btc(c.value), scriptPubKey: scriptPubKeyJson(c.script), coinbase: c.coinbase };
}

// ------------------------------------------------------------------ wallet handlers

function addressTypeArg(p: Params, i: number): AddressType {
  const t = p.optStr(i, 'bech32');
  if (!(ADDRESS_TYPES as string[]).includes(t)) throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, `Unknown address type '${t}'`);
  return t as AddressType;
}

function feeRateArg(p: Params, i: number): number | undefined {
  if (!p.has(i)) return undefined;
  const v = Number(p.raw(i));
  if (!Number.isFinite(v) || v <= 0) throw new RpcError(RPC.TYPE_ERROR, 'Invalid amount');
  return v;
}

function sendToAddress(ctx: RpcContext, p: Params): unknown {
  const w = walletOf(ctx);
  const script = SimNode.scriptFor(p.str(0, 'address'));
  const amount = amountToSats(p.raw(1));
  if (amount <= 0) throw new RpcError(RPC.TYPE_ERROR, 'Invalid amount for send');
  const subtract = p.optBool(4, false);
  const txid = ctx.node.walletSend(w, [{ script, value: amount }], { feeRate: feeRateArg(p, 9), subtractFrom: subtract ? [0] : [] });
  return p.optBool(10, false) ? { txid, fee_reason: 'Fallback fee' } : txid;
}

function sendMany(ctx: RpcContext, p: Params): unknown {
  const w = walletOf(ctx);
  const amounts = p.obj(1, 'amounts');
  const subtractAddrs = p.has(4) ? (p.arr(4, 'subtractfeefrom') as string[]) : [];
  const outs = Object.entries(amounts).map(([addr, v]) => {
    const value = amountToSats(v);
    if (value <= 0) throw new RpcError(RPC.TYPE_ERROR, 'Invalid amount for send');
    return { script: SimNode.scriptFor(addr), value, addr };
  });
  if (outs.length === 0) throw new RpcError(RPC.INVALID_PARAMETER, 'Must have at least one output');
  const sub = outs.map((o, i) => (subtractAddrs.includes(o.addr) ? i : -1)).filter((i) => i >= 0);
  const txid = ctx.node.walletSend(w, outs.map(({ script, value }) => ({ script, value })), { feeRate: feeRateArg(p, 8), subtractFrom: sub });
  return p.optBool(9, false) ? { txid, fee_reason: 'Fallback fee' } : txid;
}

function balances(ctx: RpcContext, w: Wallet): { trusted: number; pending: number; immature: number } {
  let trusted = 0; let pending = 0; let immature = 0;
  for (const c of ctx.node.walletCoins(w)) {
    if (c.coinbase && c.confirmations < 101) immature += c.value;
    else if (c.confirmations >= 1 || c.trusted) trusted += c.value;
    else pending += c.value;
  }
  return { trusted, pending, immature };
}

function listUnspent(ctx: RpcContext, p: Params): unknown {
  const w = walletOf(ctx);
  const minconf = p.optInt(0, 1);
  const maxconf = p.optInt(1, 9999999);
  const addrs = p.has(2) ? new Set(p.arr(2, 'addresses') as string[]) : undefined;
  return ctx.node.walletCoins(w)
    .filter((c) => !(c.coinbase && c.confirmations < 101))
    .filter((c) => c.confirmations >= minconf && c.confirmations <= maxconf)
    .filter((c) => !addrs || addrs.has(scriptAddress(c.script) ?? ''))
    .map((c) => {
      const k = w.owns(c.script)!;
      return {
        txid: c.txid, vout: c.vout, address: k.address, label: k.label, scriptPubKey: c.script.toString('hex'),
        amount: btc(c.value), confirmations: c.confirmations, spendable: true, solvable: true,
        safe: c.confirmations > 0 || c.trusted,
      };
    });
}

function getTransaction(ctx: RpcContext, p: Params): unknown {
  const { node } = ctx;
  const w = walletOf(ctx);
  const txid = p.hash(0, 'txid');
  let tx: Tx | undefined;
  let prevouts: { value: number; script: Buffer }[] | undefined;
  let blockInfo: Record<string, unknown> = {};
  let confirmations = 0;
  let time = node.now();
  const me = node.mempool.entries.get(txid);
  if (me) { tx = me.tx; prevouts = node.mempoolPrevouts(tx); time = me.time; } else {
    const loc = node.chain.txIndex.get(txid);
    if (loc && !node.chain.inActive(loc.entry)) {
      // Only in a block that was reorganized away (the txindex keeps it): unconfirmed for the wallet.
      tx = parseBlock(loc.entry.raw).txs[loc.pos];
      prevouts = loc.pos > 0 ? loc.entry.undo?.[loc.pos - 1] : [];
    } else if (loc) {
      tx = parseBlock(loc.entry.raw).txs[loc.pos];
      prevouts = loc.pos > 0 ? loc.entry.undo?.[loc.pos - 1] : [];
      confirmations = node.chain.height - loc.entry.height + 1;
      time = loc.entry.header.time;
      blockInfo = { blockhash: loc.entry.hash, blockheight: loc.entry.height, blockindex: loc.pos, blocktime: loc.entry.header.time };
    }
  }
  const credit = tx ? tx.vout.reduce((s, o) => s + (w.owns(o.script) ? o.value : 0), 0) : 0;
  const debit = prevouts ? prevouts.reduce((s, c) => s + (w.owns(c.script) ? c.value : 0), 0) : 0;
  if (!tx || (credit === 0 && debit === 0)) throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, 'Invalid or non-wallet transaction id');
  const out: Record<string, unknown> = {};
  let fee = 0;
  if (debit > 0 && prevouts && !isCoinbase(tx)) fee = prevouts.reduce((s, c) => s + c.value, 0) - tx.vout.reduce((s, o) => s + o.value, 0);
  out.amount = btc(credit - debit + fee);
  if (debit > 0) out.fee = btc(-fee);
  out.confirmations = confirmations;
  if (isCoinbase(tx)) out.generated = true;
  if (confirmations === 0) out.trusted = debit > 0;
  Object.assign(out, blockInfo);
  Object.assign(out, {
    txid: tx.txid, wtxid: tx.wtxid, walletconflicts: [], time, timereceived: time,
    'bip125-replaceable': me ? (signalsRbf(node, txid) ? 'yes' : 'no') : 'no',
    details: tx.vout.flatMap((o, n) => {
      const k = w.owns(o.script);
      return k ? [{ address: k.address, category: isCoinbase(tx!) ? (confirmations >= 101 ? 'generate' : 'immature') : 'receive', amount: btc(o.value), label: k.label, vout: n }] : [];
    }),
    hex: tx.raw.toString('hex'),
  });
  return out;
}

/** Core's getchaintxstats: txcount counts every tx up to the block, the genesis coinbase too. */
function chainTxStats(c: RpcContext, p: Params): Record<string, unknown> {
  const chain = c.node.chain;
  let end = chain.tip;
  if (p.has(1)) {
    end = blockByHash(c.node, p.hash(1, 'blockhash'));
    if (!chain.inActive(end)) throw new RpcError(RPC.INVALID_PARAMETER, 'Block is not in main chain');
  }
  let count = Math.max(0, Math.min(30 * 24 * 6, end.height - 1));
  if (p.has(0)) {
    count = p.int(0, 'nblocks');
    if (count < 0 || (count > 0 && count >= end.height)) throw new RpcError(RPC.INVALID_PARAMETER, "Invalid block count: should be between 0 and the block's height - 1");
  }
  let txcount = 0;
  for (let h = 0; h <= end.height; h++) txcount += chain.active[h].txids.length;
  const out: Record<string, unknown> = {
    time: end.header.time, txcount, window_final_block_hash: end.hash, window_final_block_height: end.height, window_block_count: count,
  };
  if (count > 0) {
    const start = chain.active[end.height - count];
    let windowTx = 0;
    for (let h = start.height + 1; h <= end.height; h++) windowTx += chain.active[h].txids.length;
    const interval = end.header.time - start.header.time;
    out.window_tx_count = windowTx;
    out.window_interval = interval;
    if (interval > 0) out.txrate = windowTx / interval;
  }
  return out;
}

/** Confirmed spends of one block ("txid:vout" -> spending txid), built once per block entry. */
const blockSpends = new WeakMap<BlockEntry, Map<string, string>>();

function spendsOf(e: BlockEntry): Map<string, string> {
  let m = blockSpends.get(e);
  if (!m) {
    m = new Map();
    for (const tx of parseBlock(e.raw).txs) if (!isCoinbase(tx)) for (const i of tx.vin) m.set(outpointKey(i.txid, i.vout), tx.txid);
    blockSpends.set(e, m);
  }
  return m;
}

/**
 * Core 31's gettxspendingprevout: the mempool first, then (with -txospenderindex) the
 * active chain, answering a confirmed spend with its `blockhash`; `mempool_only` defaults to
 * "true if the index is unavailable"; asking the index when it is off is an error.
 */
function getTxSpendingPrevout(ctx: RpcContext, p: Params): unknown {
  const { node } = ctx;
  const outs = p.arr(0, 'outputs');
  if (outs.length === 0) throw new RpcError(RPC.INVALID_PARAMETER, 'Invalid parameter, outputs are missing');
  const opts = p.has(1) ? p.obj(1, 'options') : {};
  const flag = (k: string, dflt: boolean): boolean => {
    const v = opts[k];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'boolean') throw new RpcError(RPC.TYPE_ERROR, `JSON value of type ${typeof v} for field ${k} is not of expected type bool`);
    return v;
  };
  const index = node.txoSpenderIndex;
  const mempoolOnly = flag('mempool_only', !index);
  const returnTx = flag('return_spending_tx', false);
  const wanted = outs.map((o) => {
    if (!o || typeof o !== 'object' || Array.isArray(o)) throw new RpcError(RPC.TYPE_ERROR, 'JSON value is not an object as expected');
    const r = o as Record<string, unknown>;
    for (const k of Object.keys(r)) if (k !== 'txid' && k !== 'vout') throw new RpcError(RPC.TYPE_ERROR, `Unexpected key ${k}`);
    if (r.txid === undefined) throw new RpcError(RPC.TYPE_ERROR, 'Missing txid');
    if (r.vout === undefined) throw new RpcError(RPC.TYPE_ERROR, 'Missing vout');
    if (typeof r.txid !== 'string') throw new RpcError(RPC.TYPE_ERROR, `JSON value of type ${typeof r.txid} for field txid is not of expected type string`);
    if (typeof r.vout !== 'number' || !Number.isInteger(r.vout)) throw new RpcError(RPC.TYPE_ERROR, `JSON value of type ${typeof r.vout} for field vout is not of expected type number`);
    const txid = new Params('gettxspendingprevout', [r.txid]).hash(0, 'txid');
    if (r.vout < 0) throw new RpcError(RPC.INVALID_PARAMETER, 'Invalid parameter, vout cannot be negative');
    return { txid, vout: r.vout };
  });
  return wanted.map(({ txid, vout }) => {
    const out: Record<string, unknown> = { txid, vout };
    const key = outpointKey(txid, vout);
    const inMempool = node.mempool.spentBy.get(key);
    if (inMempool) {
      out.spendingtxid = inMempool;
      if (returnTx) out.spendingtx = node.mempool.entries.get(inMempool)!.tx.raw.toString('hex');
      return out;
    }
    if (mempoolOnly) return out;
    if (!index) throw new RpcError(RPC.MISC_ERROR, 'Mempool lacks a relevant spend, and txospenderindex is unavailable.');
    // Only blocks from the funding tx's own can spend it.
    const from = node.chain.txIndex.get(txid)?.entry.height;
    if (from === undefined) return out;
    for (let h = from; h <= node.chain.height; h++) {
      const e = node.chain.active[h]!;
      const by = spendsOf(e).get(key);
      if (!by) continue;
      out.spendingtxid = by;
      out.blockhash = e.hash;
      if (returnTx) out.spendingtx = parseBlock(e.raw).txs.find((t) => t.txid === by)!.raw.toString('hex');
      break;
    }
    return out;
  });
}

const M: Record<string, MethodDef> = {
  getblockchaininfo: { names: [], run: (c) => blockchainInfo(c.node) },
  getnetworkinfo: {
    names: [], run: (c) => ({
      version: 300000, subversion: '/Satoshi:30.0.0/', protocolversion: 70016, localservices: '0000000000000c09',
      localservicesnames: ['NETWORK', 'WITNESS', 'NETWORK_LIMITED', 'P2P_V2'], localrelay: true, timeoffset: 0,
      networkactive: true, connections: 0, connections_in: 0, connections_out: 0, networks: [],
      relayfee: btc(c.node.policy.minRelayFeeRate), incrementalfee: btc(c.node.policy.incrementalRelayFeeRate),
      localaddresses: [], warnings: [],
    }),
  },
  getblockcount: { names: [], run: (c) => c.node.chain.height },
  getbestblockhash: { names: [], run: (c) => c.node.chain.tip.hash },
  getdifficulty: { names: [], run: (c) => difficulty(c.node.chain.tip.header.bits) },
  getblockhash: {
    names: ['height'], run: (c, p) => {
      const h = p.int(0, 'height');
      if (h < 0 || h > c.node.chain.height) throw new RpcError(RPC.INVALID_PARAMETER, 'Block height out of range');
      return c.node.chain.active[h].hash;
    },
  },
  getblockheader: {
    names: ['blockhash', 'verbose'], run: (c, p) => {
      const e = blockByHash(c.node, p.hash(0, 'hash'));
      return p.optBool(1, true) ? headerJson(c.node.chain, e) : e.headerBytes.toString('hex');
    },
  },
  getblock: {
    names: ['blockhash', 'verbosity'], run: (c, p) => {
      const e = blockByHash(c.node, p.hash(0, 'blockhash'));
      const v = verbosityArg(p, 1, 1);
      if (v <= 0) return e.raw.toString('hex');
      return blockJson(c.node.chain, e, v >= 2 ? parseBlock(e.raw).txs : [], v);
    },
  },
  getchaintips: { names: [], run: (c) => chainTips(c) },
  getchaintxstats: { names: ['nblocks', 'blockhash'], run: chainTxStats },
  getrawtransaction: { names: ['txid', 'verbose', 'blockhash'], run: getRawTransaction },
  decoderawtransaction: { names: ['hexstring', 'iswitness'], run: (_c, p) => txJson(parseRawTx(p.raw(0)), { withHex: false }) },
  gettxout: { names: ['txid', 'n', 'include_mempool'], run: getTxOut },
  getrawmempool: {
    names: ['verbose', 'mempool_sequence'], run: (c, p) => {
      const verbose = p.optBool(0, false);
      if (p.optBool(1, false)) {
        if (verbose) throw new RpcError(RPC.INVALID_PARAMETER, 'Verbose results cannot contain mempool sequence values.');
        return { txids: rawMempool(c.node, false), mempool_sequence: c.node.mempoolSequence };
      }
      return rawMempool(c.node, verbose);
    },
  },
  getmempoolentry: { names: ['txid'], run: (c, p) => mempoolEntryJson(c.node, p.hash(0, 'txid')) },
  getmempoolinfo: { names: [], run: (c) => mempoolInfo(c.node) },
  // Core writes <datadir>/regtest/mempool.dat whatever -persistmempool says.
  savemempool: { names: [], run: (c) => ({ filename: c.node.dumpMempool() ?? 'mempool.dat' }) },
  estimatesmartfee: { names: ['conf_target', 'estimate_mode'], run: estimateSmartFee },
  sendrawtransaction: {
    names: ['hexstring', 'maxfeerate', 'maxburnamount'], run: (c, p) => c.node.sendRaw(p.str(0, 'hexstring'), maxFeeRateArg(p, 1)),
  },
  testmempoolaccept: { names: ['rawtxs', 'maxfeerate'], run: testMempoolAccept },
  gettxspendingprevout: { names: ['outputs', 'options'], run: getTxSpendingPrevout },
  submitpackage: { names: ['package', 'maxfeerate', 'maxburnamount'], run: submitPackage },
  submitblock: {
    names: ['hexdata', 'dummy'], run: (c, p) => {
      const hex = p.str(0, 'hexdata');
      if (!/^([0-9a-fA-F]{2})+$/.test(hex)) throw new RpcError(RPC.DESERIALIZATION_ERROR, 'Block decode failed');
      return c.node.submitBlock(Buffer.from(hex, 'hex'));
    },
  },
  invalidateblock: { names: ['blockhash'], run: (c, p) => { c.node.invalidate(p.hash(0, 'blockhash')); return null; } },
  reconsiderblock: { names: ['blockhash'], run: (c, p) => { c.node.reconsider(p.hash(0, 'blockhash')); return null; } },
  generatetoaddress: {
    names: ['nblocks', 'address', 'maxtries'], run: (c, p) => {
      const n = p.int(0, 'nblocks');
      let script: Buffer;
      try { script = SimNode.scriptFor(p.str(1, 'address')); } catch { throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, 'Error: Invalid address'); }
      return c.node.generate(n, script);
    },
  },
  generateblock: { names: ['output', 'transactions', 'submit'], run: generateBlock },
  setmocktime: { names: ['timestamp'], run: (c, p) => { c.node.mockTime = p.int(0, 'timestamp'); return null; } },
  stop: { names: ['wait'], run: (c) => { c.requestStop(); return 'Bitcoin Core stopping'; } },
  uptime: { names: [], run: (c) => Math.floor((Date.now() - c.node.startedAt) / 1000) },
  ping: { names: [], run: () => null },
  getconnectioncount: { names: [], run: () => 0 },
  getpeerinfo: { names: [], run: () => [] },
  getzmqnotifications: { names: [], run: (c) => c.node.zmqNotifications },
  getindexinfo: {
    names: ['index_name'], run: (c, p) => {
      const all: Record<string, unknown> = { txindex: { synced: true, best_block_height: c.node.chain.height } };
      if (c.node.txoSpenderIndex) all.txospenderindex = { synced: true, best_block_height: c.node.chain.height };
      if (p.has(0)) {
        const name = p.str(0, 'index_name');
        return Object.hasOwn(all, name) ? { [name]: all[name] } : {};
      }
      return all;
    },
  },
  getrpcinfo: { names: [], run: () => ({ active_commands: [], logpath: '' }) },
  // wallet
  createwallet: {
    names: ['wallet_name', 'disable_private_keys', 'blank', 'passphrase', 'avoid_reuse', 'descriptors', 'load_on_startup', 'external_signer'],
    run: (c, p) => ({ name: c.node.createWallet(p.str(0, 'wallet_name'), startupArg(p, 6)).name }),
  },
  loadwallet: { names: ['filename', 'load_on_startup'], run: (c, p) => ({ name: c.node.loadWallet(p.str(0, 'filename'), startupArg(p, 1)).name }) },
  unloadwallet: {
    names: ['wallet_name', 'load_on_startup'], run: (c, p) => {
      c.node.unloadWallet(p.has(0) ? p.str(0, 'wallet_name') : walletOf(c).name, startupArg(p, 1));
      return {};
    },
  },
  listwallets: { names: [], run: (c) => [...c.node.wallets.keys()] },
  getnewaddress: {
    names: ['label', 'address_type'], wallet: true,
    run: (c, p) => c.node.newAddress(walletOf(c), addressTypeArg(p, 1), p.optStr(0, '')),
  },
  getrawchangeaddress: { names: ['address_type'], wallet: true, run: (c, p) => c.node.newAddress(walletOf(c), addressTypeArg(p, 0)) },
  sendtoaddress: {
    names: ['address', 'amount', 'comment', 'comment_to', 'subtractfeefromamount', 'replaceable', 'conf_target', 'estimate_mode', 'avoid_reuse', 'fee_rate', 'verbose'],
    wallet: true, run: sendToAddress,
  },
  sendmany: {
    names: ['dummy', 'amounts', 'minconf', 'comment', 'subtractfeefrom', 'replaceable', 'conf_target', 'estimate_mode', 'fee_rate', 'verbose'],
    wallet: true, run: sendMany,
  },
  getbalance: { names: ['dummy', 'minconf', 'include_watchonly', 'avoid_reuse'], wallet: true, run: (c) => btc(balances(c, walletOf(c)).trusted) },
  getbalances: {
    names: [], wallet: true, run: (c) => {
      const b = balances(c, walletOf(c));
      return {
        mine: { trusted: btc(b.trusted), untrusted_pending: btc(b.pending), immature: btc(b.immature) },
        lastprocessedblock: { hash: c.node.chain.tip.hash, height: c.node.chain.height },
      };
    },
  },
  listunspent: { names: ['minconf', 'maxconf', 'addresses', 'include_unsafe', 'query_options'], wallet: true, run: listUnspent },
  bumpfee: {
    names: ['txid', 'options'], wallet: true, run: (c, p) => {
      const opts = p.has(1) ? p.obj(1, 'options') : {};
      const rate = opts.fee_rate !== undefined ? Number(opts.fee_rate) : undefined;
      const r = c.node.bumpFee(walletOf(c), p.hash(0, 'txid'), rate);
      return { txid: r.txid, origfee: btc(r.origfee), fee: btc(r.fee), errors: [] };
    },
  },
  gettransaction: { names: ['txid', 'include_watchonly', 'verbose'], wallet: true, run: getTransaction },
  getaddressinfo: {
    names: ['address'], wallet: true, run: (c, p) => {
      const addr = p.str(0, 'address');
      const script = SimNode.scriptFor(addr);
      const k = walletOf(c).owns(script);
      const type = scriptType(script);
      return {
        address: addr, scriptPubKey: script.toString('hex'), ismine: !!k, solvable: !!k, iswatchonly: false,
        isscript: type === 'scripthash' || type === 'witness_v0_scripthash', iswitness: type.startsWith('witness_'),
        ...(k ? { pubkey: Buffer.from(k.pair.publicKey).toString('hex') } : {}), labels: k ? [k.label] : [],
      };
    },
  },
  getwalletinfo: {
    names: [], wallet: true, run: (c) => {
      const w = walletOf(c);
      return {
        walletname: w.name, walletversion: 169900, format: 'sqlite', txcount: 0, keypoolsize: 1000,
        private_keys_enabled: true, avoid_reuse: false, scanning: false, descriptors: true, external_signer: false,
        blank: false, birthtime: 0, lastprocessedblock: { hash: c.node.chain.tip.hash, height: c.node.chain.height },
      };
    },
  },
};

/** Runs one method; throws RpcError (METHOD_NOT_FOUND for unknown names). */
export function dispatch(ctx: RpcContext, method: unknown, params: unknown): unknown {
  if (typeof method !== 'string') throw new RpcError(RPC.INVALID_REQUEST, 'Method must be a string');
  const def = Object.prototype.hasOwnProperty.call(M, method) ? M[method] : undefined;
  if (!def) throw new RpcError(RPC.METHOD_NOT_FOUND, 'Method not found');
  return def.run(ctx, new Params(method, positional(method, def.names, params)));
}

/** Names of all supported methods (for the README and tests). */
export const METHODS = Object.keys(M);
