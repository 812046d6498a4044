/**
 * SPV proofs of transactions (PROTOCOL.md §6.3) against anchored headers, and what a
 * verification reports. Talks to the server only through a narrow Rpc seam.
 */
import { ServerError, VerificationError } from '../errors.js';
import { verifyMerkleBranch } from '../bitcoin/merkle.js';
import { parseRawTx } from '../bitcoin/tx.js';
import { scriptHash } from '../bitcoin/scripthash.js';
import { splitHeaders } from '../bitcoin/header.js';
import { cmpVersion } from '../protocol/version.js';
import type { AnchorResult, HeaderAnchor, HeaderFetcher } from './spv.js';

/** What the verifier needs from a connection. */
export interface Rpc {
  request(method: string, params?: unknown[]): Promise<unknown>;
  readonly version?: string;
}

/** The outcome for one transaction. */
export interface ProofItem {
  txid: string;
  height: number;
  /**
   * verified: merkle proof checks against an anchored header and the raw tx hashes to txid;
   * unanchored: the header could not be chained to a checkpoint (nothing proven);
   * unconfirmed: a mempool transaction (no proof exists);
   * failed: the server said something false (reason names it).
   */
  status: 'verified' | 'unanchored' | 'unconfirmed' | 'failed';
  reason?: string;
  /** The block hash of the anchored header. */
  block?: string;
  /** The trusted point the header was chained to. */
  anchor?: string;
}

/** The `verified` member of --verify output. */
export interface VerifyReport {
  /** True when every confirmed transaction verified (and none failed). */
  verified: boolean;
  checkpoints: string;
  proofs: ProofItem[];
  notes: string[];
}

/** Fetches raw headers over the connection: block.headers from 1.2, get_chunk before. */
export function connectionFetcher(rpc: Rpc): HeaderFetcher {
  return {
    async fetch(start, count) {
      const v = rpc.version ?? '1.4';
      if (cmpVersion(v, '1.2') >= 0) {
        const r = (await rpc.request('blockchain.block.headers', [start, count])) as { count?: unknown; hex?: unknown; headers?: unknown };
        if (Array.isArray(r?.headers)) return r.headers.map((h) => Buffer.from(String(h), 'hex'));
        if (typeof r?.hex === 'string') return splitHeaders(r.hex);
        throw new VerificationError('the server answered blockchain.block.headers without headers');
      }
      const index = Math.floor(start / 2016);
      const hex = await rpc.request('blockchain.block.get_chunk', [index]);
      const all = splitHeaders(String(hex));
      return all.slice(start - index * 2016, start - index * 2016 + count);
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

/** Proves transactions over one connection, anchoring headers with `anchor`. */
export class TxProver {
  constructor(
    private readonly rpc: Rpc,
    private readonly anchor: HeaderAnchor,
  ) {}

  /** Proves that `txid` is in the block at `height` (merkle proof + raw tx hash). */
  async prove(txid: string, height: number, raw?: string): Promise<ProofItem & { tx?: ReturnType<typeof parseRawTx> }> {
    if (height <= 0) return { txid, height, status: 'unconfirmed', reason: 'in the mempool: no proof exists until it confirms' };
    let merkle: { block_height?: unknown; merkle?: unknown; pos?: unknown };
    try {
      merkle = (await this.rpc.request('blockchain.transaction.get_merkle', [txid, height])) as typeof merkle;
    } catch (err) {
      if (err instanceof ServerError) return { txid, height, status: 'failed', reason: `the server gave no merkle proof for a transaction it says is at height ${height}: ${err.rpcMessage}` };
      throw err;
    }
    const pos = merkle?.pos;
    const branch = merkle?.merkle;
    if (typeof pos !== 'number' || !Array.isArray(branch)) return { txid, height, status: 'failed', reason: 'the merkle proof is malformed' };
    if (merkle.block_height !== undefined && merkle.block_height !== height) {
      return { txid, height, status: 'failed', reason: `the merkle proof is for height ${String(merkle.block_height)}, not ${height}` };
    }
    const a: AnchorResult = await this.anchor.header(height);
    if (a.status === 'unanchored') return { txid, height, status: 'unanchored', reason: a.reason };
    const proof = verifyMerkleBranch(txid, pos, branch as string[], a.merkleRoot);
    const base = { txid, height, block: a.hash, anchor: a.anchor.source };
    if (!proof.ok) return { ...base, status: 'failed', reason: `false merkle proof for ${txid} at height ${height}: ${proof.reason}` };
    let rawTx: unknown = raw;
    if (rawTx === undefined) {
      try {
        rawTx = await this.rpc.request('blockchain.transaction.get', [txid]);
      } catch (err) {
        if (err instanceof ServerError) return { ...base, status: 'failed', reason: `the server would not return transaction ${txid}: ${err.rpcMessage}` };
        throw err;
      }
    }
    const t = checkRawTx(rawTx, txid);
    if (!t.ok) return { ...base, status: 'failed', reason: t.reason };
    return { ...base, status: 'verified', tx: t.tx };
  }

  /** Proves that output `vout` of a confirmed tx pays `scripthash` the claimed `value`. */
  async proveOutput(txid: string, height: number, vout: number, value: number, scripthash: string): Promise<ProofItem> {
    const p = await this.prove(txid, height);
    const { tx, ...item } = p;
    if (p.status !== 'verified' || !tx) return item;
    const out = tx.outputs[vout];
    if (!out) return { ...item, status: 'failed', reason: `transaction ${txid} has no output ${vout}` };
    if (scriptHash(out.script) !== scripthash) return { ...item, status: 'failed', reason: `output ${txid}:${vout} pays another script, not this address` };
    if (out.value !== value) return { ...item, status: 'failed', reason: `output ${txid}:${vout} is worth ${out.value} sats, not the ${value} the server claims` };
    return item;
  }
}

/** Builds the report and the error to throw (exit 6) when something was false. */
export function summarizeProofs(proofs: ProofItem[], checkpoints: string, notes: string[] = []): { report: VerifyReport; error?: VerificationError } {
  const failed = proofs.filter((p) => p.status === 'failed');
  const unanchored = proofs.filter((p) => p.status === 'unanchored');
  const report: VerifyReport = { verified: failed.length === 0 && unanchored.length === 0, checkpoints, proofs, notes: [...notes] };
  if (unanchored.length > 0) {
    report.notes.push(`${unanchored.length} transaction(s) unanchored: their headers could not be chained to a trusted block, so nothing about them is proven`);
  }
  if (failed.length > 0) {
    return {
      report,
      error: new VerificationError(`the server lied: ${failed[0]!.reason}${failed.length > 1 ? ` (and ${failed.length - 1} more false answer(s))` : ''}`, {
        hint: 'do not trust this server; compare with others (electrum-cli compare)',
      }),
    };
  }
  return { report };
}
