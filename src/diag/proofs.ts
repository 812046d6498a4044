/**
 * SPV proofs of transactions (docs/protocol.md §6.3) against anchored headers, and what a
 * verification reports. Talks to the server only through a narrow Rpc seam.
 */
import { ProtocolError, ServerError, VerificationError } from '../errors.js';
import { verifyMerkleBranch } from '../bitcoin/merkle.js';
import { parseRawTx } from '../bitcoin/tx.js';
import { scriptHash } from '../bitcoin/scripthash.js';
import { HEADER_SIZE, RETARGET_INTERVAL, serializeHeader, splitHeaders } from '../bitcoin/header.js';
import { hashToDisplay } from '../bitcoin/hex.js';
import { cmpVersion } from '../protocol/version.js';
import { call } from '../methods/call.js';
import { blockHeader, blockHeaders, getMerkle, txGet } from '../methods/blockchain.js';
import { blockGetChunk, blockGetHeader } from '../methods/legacy.js';
import { headersOf } from '../methods/normalise.js';
import { headerHash, type AnchorResult, type HeaderAnchor, type HeaderFetcher } from './spv.js';

/** What the verifier needs from a connection. */
export interface Rpc {
  request(method: string, params?: unknown[]): Promise<unknown>;
  readonly version?: string;
}

/** How far one transaction was proven, best first. */
export type ProofStatus = 'verified' | 'unconfirmed' | 'unanchored' | 'failed';

/** The outcome for one transaction. */
export interface ProofItem {
  txid: string;
  height: number;
  /**
   * verified: the merkle branch leads to the root of an anchored header and the raw tx hashes to txid;
   * unconfirmed: a mempool transaction (no proof exists);
   * unanchored: the branch leads to the root of the server's own header, but that header could
   *   not be chained to a trusted block (the server is consistent with itself; nothing more);
   * failed: the server said something false (reason names it), anchored or not.
   */
  status: ProofStatus;
  reason?: string;
  /** The block hash of the header the branch was checked against. */
  block?: string;
  /** The trusted point the header was chained to (anchored headers only). */
  anchor?: string;
}

/** How many proofs ended in each status. */
export type ProofCounts = Record<ProofStatus, number>;

/** The `verification` member of --verify output: the details behind `verified`. */
export interface Verification {
  /** The worst status among the proofs (failed > unanchored > unconfirmed > verified); verified when there is nothing to prove. */
  status: ProofStatus;
  checkpoints: string;
  proofs: ProofItem[];
  /** Proofs per status: `counts.verified` 0 means nothing was proven (`verified` is then vacuous). */
  counts: ProofCounts;
  /** balance only: confirmed satoshis proven against the chain, and what the server claims. */
  sats?: { proven: number; claimed: number };
  notes: string[];
}

/** What --verify prints: {"result": ..., "verified": bool, "verification": {...}} (true only when every proof is anchored and valid). */
export interface VerifiedOutput {
  result: unknown;
  verified: boolean;
  verification: Verification;
}

/** Fetches raw headers over the connection: block.headers from 1.2, get_chunk before. */
export function connectionFetcher(rpc: Rpc): HeaderFetcher {
  return {
    async fetch(start, count) {
      const v = rpc.version ?? '1.4';
      if (cmpVersion(v, '1.2') >= 0) {
        const hexes = headersOf(await call(rpc, blockHeaders, [start, count]));
        if (hexes) return hexes.map((h) => Buffer.from(h, 'hex'));
        throw new VerificationError('the server answered blockchain.block.headers without headers');
      }
      const index = Math.floor(start / RETARGET_INTERVAL);
      const all = splitHeaders(await call(rpc, blockGetChunk, [index]));
      return all.slice(start - index * RETARGET_INTERVAL, start - index * RETARGET_INTERVAL + count);
    },
  };
}

/** Checks that raw tx hex hashes to `txid`; returns the parsed tx or a reason. */
export function checkRawTx(raw: unknown, txid: string): { ok: true; tx: ReturnType<typeof parseRawTx> } | { ok: false; reason: string } {
  if (typeof raw !== 'string') return { ok: false, reason: 'the server returned no raw transaction' };
  let tx;
  try {
    tx = parseRawTx(raw);
  } catch (err) {
    return { ok: false, reason: `the raw transaction does not parse (${(err as Error).message})` };
  }
  if (tx.txid !== txid.toLowerCase()) return { ok: false, reason: `the raw transaction hashes to ${tx.txid}, not ${txid}` };
  return { ok: true, tx };
}

/** A merkle proof as get_merkle returns it (unchecked). */
export interface MerkleReply {
  block_height?: unknown;
  merkle?: unknown;
  pos?: unknown;
}

/** Proves transactions over one connection, anchoring headers with `anchor`. */
export class TxProver {
  constructor(
    private readonly rpc: Rpc,
    private readonly anchor: HeaderAnchor,
  ) {}

  /**
   * Proves that `txid` is in the block at `height` (merkle proof + raw tx hash). The branch is
   * always checked: against the anchored header when there is one, else against the header the
   * server itself gives for that height, so a branch that contradicts the server's own header
   * is a failure even when nothing can be anchored. `merkle` is a get_merkle reply already in
   * hand (the merkle command), `raw` the raw tx (the tx command).
   */
  async prove(txid: string, height: number, opts: { raw?: string; merkle?: MerkleReply } = {}): Promise<ProofItem & { tx?: ReturnType<typeof parseRawTx> }> {
    if (height <= 0) return { txid, height, status: 'unconfirmed', reason: 'in the mempool: no proof exists until it confirms' };
    let merkle = opts.merkle;
    if (merkle === undefined) {
      try {
        merkle = await call(this.rpc, getMerkle, [txid, height]);
      } catch (err) {
        if (err instanceof ProtocolError) return { txid, height, status: 'failed', reason: 'the merkle proof is malformed' };
        if (err instanceof ServerError) return { txid, height, status: 'failed', reason: `the server gave no merkle proof for a transaction it says is at height ${height}: ${err.rpcMessage}` };
        throw err;
      }
    }
    const pos = merkle?.pos;
    const branch = merkle?.merkle;
    if (typeof pos !== 'number' || !Array.isArray(branch)) return { txid, height, status: 'failed', reason: 'the merkle proof is malformed' };
    if (merkle.block_height !== undefined && merkle.block_height !== height) {
      return { txid, height, status: 'failed', reason: `the merkle proof is for height ${String(merkle.block_height)}, not ${height}` };
    }
    const a: AnchorResult = await this.anchor.header(height);
    let root: string;
    let base: ProofItem;
    let against: string;
    if (a.status === 'anchored') {
      root = a.merkleRoot;
      base = { txid, height, status: 'verified', block: a.hash, anchor: a.anchor.source };
      against = `the merkle root of block ${a.hash} at ${height} (its header chained to ${a.anchor.source})`;
    } else {
      const own = await this.serverHeader(height);
      if (typeof own === 'string') return { txid, height, status: 'unanchored', reason: `${a.reason}; ${own}, so the branch could not be checked at all` };
      root = hashToDisplay(own.subarray(36, 68));
      base = { txid, height, status: 'unanchored', block: headerHash(own), reason: `${a.reason}; the branch agrees only with the server's own header at ${height}, which is no proof` };
      against = `the merkle root of the server's own header at ${height}`;
    }
    const proof = verifyMerkleBranch(txid, pos, branch as string[], root);
    if (!proof.ok) {
      const reason = proof.reason === 'branch does not lead to the merkle root'
        ? `the merkle branch for ${txid} does not lead to ${against}`
        : `false merkle proof for ${txid} at height ${height}: ${proof.reason}`;
      return { ...base, status: 'failed', reason };
    }
    let rawTx: unknown = opts.raw;
    if (rawTx === undefined) {
      try {
        rawTx = await call(this.rpc, txGet, [txid]);
      } catch (err) {
        if (err instanceof ServerError) return { ...base, status: 'failed', reason: `the server would not return transaction ${txid}: ${err.rpcMessage}` };
        // Not a raw transaction at all: checkRawTx gives it the verdict of a missing one.
        if (!(err instanceof ProtocolError)) throw err;
      }
    }
    const t = checkRawTx(rawTx, txid);
    if (!t.ok) return { ...base, status: 'failed', reason: t.reason };
    return { ...base, tx: t.tx };
  }

  /** The server's own header at `height` (block.header, get_header before 1.3), or why there is none. */
  private async serverHeader(height: number): Promise<Buffer | string> {
    const old = cmpVersion(this.rpc.version ?? '1.4', '1.3') < 0;
    let r: unknown;
    try {
      r = old ? await call(this.rpc, blockGetHeader, [height]) : await call(this.rpc, blockHeader, [height]);
    } catch (err) {
      if (err instanceof ServerError) return `the server would not give its own header at ${height} either (${err.rpcMessage})`;
      throw err;
    }
    let hex: string;
    try {
      hex = typeof r === 'string' ? r : serializeHeader(r as Parameters<typeof serializeHeader>[0]);
    } catch (err) {
      throw new ProtocolError(`the server's header at ${height} is malformed: ${(err as Error).message}`);
    }
    // AuxPoW chains send longer headers; the base header comes first.
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex) || hex.length < 2 * HEADER_SIZE) throw new ProtocolError(`the server's header at ${height} is not an 80-byte header`);
    return Buffer.from(hex.slice(0, 2 * HEADER_SIZE), 'hex');
  }

  /** Proves that output `vout` of a confirmed tx pays `scripthash` the claimed `value`. */
  async proveOutput(txid: string, height: number, vout: number, value: number, scripthash: string): Promise<ProofItem> {
    const p = await this.prove(txid, height);
    const { tx, ...item } = p;
    // The raw tx is authenticated by its txid, so a false output is a lie even unanchored.
    if (!tx || (p.status !== 'verified' && p.status !== 'unanchored')) return item;
    const out = tx.outputs[vout];
    if (!out) return { ...item, status: 'failed', reason: `transaction ${txid} has no output ${vout}` };
    if (scriptHash(out.script) !== scripthash) return { ...item, status: 'failed', reason: `output ${txid}:${vout} pays another script, not this address` };
    if (out.value !== value) return { ...item, status: 'failed', reason: `output ${txid}:${vout} is worth ${out.value} sats, not the ${value} the server claims` };
    return item;
  }
}

const RANK: Record<ProofStatus, number> = { verified: 0, unconfirmed: 1, unanchored: 2, failed: 3 };

/**
 * The output members and the error to throw (exit 6) when something was false. `verified` is
 * true only when every proof is anchored and valid (vacuously for nothing to prove).
 */
export function summarizeProofs(proofs: ProofItem[], checkpoints: string, notes: string[] = []): { verified: boolean; verification: Verification; error?: VerificationError } {
  let status: ProofStatus = 'verified';
  for (const p of proofs) if (RANK[p.status] > RANK[status]) status = p.status;
  const count = (s: ProofStatus) => proofs.filter((p) => p.status === s).length;
  const counts: ProofCounts = { verified: count('verified'), unconfirmed: count('unconfirmed'), unanchored: count('unanchored'), failed: count('failed') };
  const verification: Verification = { status, checkpoints, proofs, counts, notes: [...notes] };
  const unanchored = count('unanchored');
  if (unanchored > 0) {
    verification.notes.push(`${unanchored} transaction(s) unanchored: their headers could not be chained to a trusted block, so nothing about them is proven (their branches only agree with the server's own headers)`);
  }
  const unconfirmed = count('unconfirmed');
  if (unconfirmed > 0) verification.notes.push(`${unconfirmed} transaction(s) unconfirmed: in the mempool, no proof exists until they confirm`);
  const failed = proofs.filter((p) => p.status === 'failed');
  const out = { verified: status === 'verified', verification };
  if (failed.length > 0) {
    return {
      ...out,
      error: new VerificationError(`the server lied: ${failed[0]!.reason}${failed.length > 1 ? ` (and ${failed.length - 1} more false answer(s))` : ''}`, {
        hint: 'do not trust this server; compare with others (electrum-cli compare)',
      }),
    };
  }
  return out;
}
