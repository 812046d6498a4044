/**
 * Context-free and header-context block checks, as Core's CheckBlock/ContextualCheckBlock do them.
 * Used by submitblock and by tests as a self-check that every block the simulator builds would be
 * accepted by a real bitcoind. The merkle and witness checks are cross-checked with bitcoinjs-lib's
 * independent implementation so a bug in our own builder cannot hide behind a matching bug here.
 */
import { Block as BjsBlock } from 'bitcoinjs-lib';
import { Block, findCommitmentOutput, merkleRoot, parseBlock, scriptNumPush, witnessCommitment, witnessRoot } from './block.js';
import { REGTEST_BITS, checkPow } from './header.js';
import { isCoinbase, outpointKey } from './tx.js';

const MAX_BLOCK_WEIGHT = 4_000_000;
const MAX_MONEY = 21_000_000 * 1e8;

/** Context the header checks need: the parent's height and median time past. */
export interface BlockContext { height: number; prevHash: string; medianTimePast: number; now?: number }

/** Returns Core's reject reason for a block that fails context-free checks, or null. */
export function checkBlock(b: Block): string | null {
  if (b.header.bits !== REGTEST_BITS) return 'bad-diffbits';
  if (!checkPow(b.headerBytes, b.header.bits)) return 'high-hash';
  const { root, mutated } = merkleRoot(b.txs.map((t) => t.txid));
  if (root !== b.header.merkleRoot) return 'bad-txnmrklroot';
  if (mutated) return 'bad-txns-duplicate';
  if (b.txs.length === 0 || b.strippedSize * 4 > MAX_BLOCK_WEIGHT) return 'bad-blk-length';
  if (!isCoinbase(b.txs[0])) return 'bad-cb-missing';
  for (let i = 1; i < b.txs.length; i++) if (isCoinbase(b.txs[i])) return 'bad-cb-multiple';
  for (const tx of b.txs) {
    const r = checkTransaction(tx);
    if (r) return r;
  }
  const cb = b.txs[0];
  const cbLen = cb.vin[0].script.length;
  if (cbLen < 2 || cbLen > 100) return 'bad-cb-length';
  // Witness commitment (BIP141): required when any tx has witness data, must match when present.
  const idx = findCommitmentOutput(cb);
  if (idx >= 0) {
    const wit = cb.vin[0].witness;
    if (wit.length !== 1 || wit[0].length !== 32) return 'bad-witness-nonce-size';
    const expected = witnessCommitment(witnessRoot(b.txs), wit[0]);
    if (!cb.vout[idx].script.subarray(6, 38).equals(expected)) return 'bad-witness-merkle-match';
  } else if (b.txs.some((t) => t.hasWitness)) {
    return 'unexpected-witness';
  }
  if (b.weight > MAX_BLOCK_WEIGHT) return 'bad-blk-weight';
  return null;
}

/** Core's CheckTransaction reasons that apply inside blocks. */
export function checkTransaction(tx: Block['txs'][number]): string | null {
  if (tx.vin.length === 0) return 'bad-txns-vin-empty';
  if (tx.vout.length === 0) return 'bad-txns-vout-empty';
  let total = 0;
  for (const o of tx.vout) {
    if (o.value > MAX_MONEY) return 'bad-txns-vout-toolarge';
    total += o.value;
    if (total > MAX_MONEY) return 'bad-txns-txouttotal-toolarge';
  }
  const seen = new Set<string>();
  for (const i of tx.vin) {
    const k = outpointKey(i.txid, i.vout);
    if (seen.has(k)) return 'bad-txns-inputs-duplicate';
    seen.add(k);
  }
  if (!isCoinbase(tx)) {
    for (const i of tx.vin) if (i.txid === '0'.repeat(64) && i.vout === 0xffffffff) return 'bad-txns-prevout-null';
  }
  return null;
}

/** Header-context checks: parent linkage, BIP34 height, timestamps. Returns a reason or null. */
export function checkBlockContext(b: Block, ctx: BlockContext): string | null {
  if (b.header.prev !== ctx.prevHash) return 'prev-blk-not-found';
  if (b.header.time <= ctx.medianTimePast) return 'time-too-old';
  if (ctx.now !== undefined && b.header.time > ctx.now + 2 * 60 * 60) return 'time-too-new';
  if (b.header.version < 4) return `bad-version(0x${(b.header.version >>> 0).toString(16).padStart(8, '0')})`;
  const expect = scriptNumPush(ctx.height);
  const sig = b.txs[0].vin[0].script;
  if (sig.length < expect.length || !sig.subarray(0, expect.length).equals(expect)) return 'bad-cb-height';
  return null;
}

/**
 * Full self-check of a raw block the simulator produced: our checks plus bitcoinjs-lib's
 * independent PoW, merkle and witness-commitment verification. Returns a reason or null.
 */
export function selfCheckBlock(raw: Buffer | string, ctx?: BlockContext): string | null {
  let b: Block;
  try { b = parseBlock(raw); } catch { return 'block-decode-failed'; }
  const r = checkBlock(b) ?? (ctx ? checkBlockContext(b, ctx) : null);
  if (r) return r;
  const bj = BjsBlock.fromBuffer(b.raw);
  if (bj.getId() !== b.hash) return 'bitcoinjs-hash-mismatch';
  if (!bj.checkProofOfWork()) return 'bitcoinjs-high-hash';
  if (!bj.checkTxRoots()) return 'bitcoinjs-bad-roots';
  return null;
}
