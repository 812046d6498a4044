/**
 * The seam between the server's front (listeners, sessions, dispatch, limits) and its back
 * (bitcoind client, index store, mempool). Handlers only ever see a `Backend`, so they can be
 * tested with a fake and the back can change store or sync strategy without touching them.
 *
 * Hashes cross this seam as display-order lowercase hex, exactly as they go on the wire.
 * Every query answers from one consistent snapshot of chain and mempool (docs/protocol.md §11).
 */
import type { EventEmitter } from 'node:events';
import type { ResultOf } from '../methods/call.js';
import type { getBalance, getHistory, getMempool, getMerkle, listUnspent } from '../methods/blockchain.js';
import type { feeHistogram, mempoolGetInfo } from '../methods/mempool.js';

// The result shapes the server answers are the ones the client's validators prove: both come
// from the method records (src/methods/), so the two halves cannot drift apart.

/** One get_history entry; `fee` is present for mempool entries only (base fee, satoshis). */
export type HistoryEntry = ResultOf<typeof getHistory>[number];

/** One get_mempool entry; height 0 when every input is confirmed, -1 when an input spends a mempool output. */
export type MempoolEntry = Omit<ResultOf<typeof getMempool>[number], 'height'> & { height: 0 | -1 };

export type Utxo = ResultOf<typeof listUnspent>[number];

export type MerkleProof = ResultOf<typeof getMerkle>;

export type FeeHistogram = ResultOf<typeof feeHistogram>;

export interface Tip {
  height: number;
  /** Display-order block hash. */
  hash: string;
  /** The 80-byte header, hex. */
  hex: string;
}

export type Balance = ResultOf<typeof getBalance>;

export interface HeaderProof {
  branch: string[];
  root: string;
}

/**
 * Where an output stands (protocol 1.7 draft, ElectrumX's keys): its funding height (0 / -1
 * in the mempool) and, once spent, the spender and its height. {} for an output that never
 * existed (unknown tx or index out of range).
 */
export interface OutpointStatus {
  funder_height?: number;
  spender_txhash?: string;
  spender_height?: number;
}

/** One of the most recent mempool transactions (mempool.recent). */
export interface RecentTx {
  txid: string;
  fee: number;
  vsize: number;
}

export type MempoolInfo = ResultOf<typeof mempoolGetInfo>;

/** Events a Backend emits. */
export interface BackendEvents {
  /** The tip changed (new block or reorg). Emitted before `touched` for the same update. */
  tip: [Tip];
  /** Script hashes (display hex) whose status may have changed: new block, reorg, or mempool. */
  touched: [Set<string>];
}

export interface Backend {
  readonly network: string;
  readonly genesisHash: string;
  /** Subscribe to `tip` and `touched` (see BackendEvents). */
  readonly events: EventEmitter<BackendEvents>;

  tip(): Tip;
  /** Header hex at height, or undefined when above the tip. */
  header(height: number): string | undefined;
  /** Up to `count` consecutive headers from `start`, clipped at the tip. */
  headers(start: number, count: number): string[];
  /** Checkpoint proof of the header at `height` against the tree of heights 0..cpHeight (§6.4). */
  headerProof(height: number, cpHeight: number): HeaderProof;

  /** Confirmed entries in chain order, then mempool entries in 1.6 order (with fee). */
  history(scripthash: string): Promise<HistoryEntry[]>;
  mempool(scripthash: string): Promise<MempoolEntry[]>;
  balance(scripthash: string): Promise<Balance>;
  listunspent(scripthash: string): Promise<Utxo[]>;
  /**
   * Optional: what `history` returns, already encoded as JSON text, so a backend that caches
   * a big history encodes it once rather than per request. Same errors as `history`.
   */
  historyJson?(scripthash: string): Promise<string>;
  /** Optional: what `listunspent` returns, as JSON text (see historyJson). */
  listunspentJson?(scripthash: string): Promise<string>;
  /** Status hash of docs/protocol.md §4, or null for no history. */
  status(scripthash: string): Promise<string | null>;

  /** Raw hex, or bitcoind's verbose object. Unknown txid: RpcError(DAEMON_ERROR, daemon message) (errors.ts). */
  transaction(txid: string, verbose: boolean): Promise<unknown>;
  merkle(txid: string, height: number): Promise<MerkleProof>;
  idFromPos(height: number, pos: number, merkle: boolean): Promise<string | { tx_hash: string; merkle: string[] }>;
  /** Address paid by output `index` of `txid`, or null (1.0 `blockchain.utxo.get_address`). */
  utxoAddress(txid: string, index: number): Promise<string | null>;

  /** Returns the txid; rejection: TxRejected (errors.ts, BAD_REQUEST). Never retried. */
  broadcast(rawTx: string): Promise<string>;
  broadcastPackage(rawTxs: string[], verbose: boolean): Promise<unknown>;

  /** BTC/kvB, or -1 when bitcoind has no estimate. */
  estimateFee(blocks: number, mode?: string): Promise<number>;
  relayFee(): Promise<number>;
  /** bitcoind's getnetworkinfo `version` (e.g. 290100) and `subversion` ("/Satoshi:29.1.0/"). */
  networkInfo(): Promise<{ version: number; subversion: string }>;
  mempoolInfo(): Promise<MempoolInfo>;
  /** [[fee_rate sat/vB, vsize], ...], fee_rate strictly decreasing. */
  feeHistogram(): Promise<FeeHistogram>;

  // ---- protocol 1.7 draft ----
  /** The status of output `vout` of `txid`, from one snapshot of index and mempool. */
  outpointStatus(txid: string, vout: number): Promise<OutpointStatus>;
  /** bitcoind's testmempoolaccept, in ElectrumX's shape ({txid, wtxid, allowed?, reason?}). */
  testMempoolAccept(rawTxs: string[]): Promise<{ txid: string; wtxid: string; allowed?: boolean; reason?: string }[]>;
  /** The last `count` transactions to enter the mempool, newest first. */
  recentMempool(count: number): RecentTx[];
}
