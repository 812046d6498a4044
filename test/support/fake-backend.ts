/**
 * An in-memory Backend for the server's front-half tests: a chain of real 80-byte headers
 * (sha256d-linked), a few script hashes with confirmed history, UTXOs and mempool entries,
 * and the `tip`/`touched` events the real backend emits. Mutators change the state and emit.
 */
import { EventEmitter } from 'node:events';
import { createHash } from 'node:crypto';
import {
  type Backend, type BackendEvents, type Balance, type HeaderProof, type HistoryEntry, type MempoolEntry,
  type MempoolInfo, type OutpointStatus, type RecentTx, type Tip, type Utxo,
} from '../../src/server/api.js';
import { RPC, RpcError } from '../../src/server/errors.js';
import { statusHash, sortMempool16 } from '../../src/bitcoin/status.js';
import { merkleBranch, merkleRoot } from '../../src/bitcoin/merkle.js';
import { NETWORKS } from '../../src/bitcoin/networks.js';

const sha256d = (b: Buffer) => createHash('sha256').update(createHash('sha256').update(b).digest()).digest();
/** A deterministic display-order hash from a label. */
export const fakeHash = (label: string) => sha256d(Buffer.from(label)).reverse().toString('hex');

/** An 80-byte header on top of `prevHash` (display hex). */
export function makeHeader(prevHash: string, height: number): string {
  const b = Buffer.alloc(80);
  b.writeInt32LE(0x20000000, 0);
  Buffer.from(prevHash, 'hex').reverse().copy(b, 4);
  Buffer.from(fakeHash(`merkle ${height}`), 'hex').reverse().copy(b, 36);
  b.writeUInt32LE(1_600_000_000 + height * 600, 68);
  b.writeUInt32LE(0x207fffff, 72);
  b.writeUInt32LE(height, 76);
  return b.toString('hex');
}

const hashOf = (hex: string) => sha256d(Buffer.from(hex, 'hex')).reverse().toString('hex');

interface Conf {
  tx_hash: string;
  height: number;
}

export class FakeBackend implements Backend {
  readonly network = 'regtest';
  readonly genesisHash = NETWORKS.regtest.genesisHash;
  readonly events = new EventEmitter<BackendEvents>();
  readonly headerList: string[] = [];
  readonly confirmed = new Map<string, Conf[]>();
  readonly mempoolBySh = new Map<string, MempoolEntry[]>();
  readonly utxos = new Map<string, Utxo[]>();
  readonly txs = new Map<string, string>();
  readonly addresses = new Map<string, string>();
  /** How many times status() ran (fan-out efficiency). */
  statusCalls = 0;
  /** Confirmed histories this long fail with 10001 (ElectrumX's count). */
  historyLimit = 1000;
  /** Artificial latency of status(), ms. */
  statusDelay = 0;
  /** 1.7 outpoint statuses by "txid:vout" (absent: {}); set with setOutpoint. */
  readonly outpoints = new Map<string, OutpointStatus>();
  /** mempool.recent answers, newest first. */
  recent: RecentTx[] = [];

  constructor(height = 10) {
    this.headerList.push(makeHeader('00'.repeat(32), 0));
    for (let h = 1; h <= height; h++) this.headerList.push(makeHeader(hashOf(this.headerList[h - 1]!), h));
  }

  tip(): Tip {
    const height = this.headerList.length - 1;
    const hex = this.headerList[height]!;
    return { height, hash: hashOf(hex), hex };
  }
  header(height: number): string | undefined {
    return this.headerList[height];
  }
  headers(start: number, count: number): string[] {
    return this.headerList.slice(start, start + count);
  }
  headerProof(height: number, cpHeight: number): HeaderProof {
    const hashes = this.headerList.slice(0, cpHeight + 1).map(hashOf);
    return { branch: merkleBranch(hashes, height), root: merkleRoot(hashes) };
  }

  async history(sh: string): Promise<HistoryEntry[]> {
    const conf = this.confirmed.get(sh) ?? [];
    const mem = sortMempool16(this.mempoolBySh.get(sh) ?? []);
    if (conf.length >= this.historyLimit) throw new RpcError(RPC.HISTORY_TOO_LARGE, 'history too large');
    return [...conf.map((c) => ({ tx_hash: c.tx_hash, height: c.height })), ...mem.map((m) => ({ ...m }))];
  }
  async mempool(sh: string): Promise<MempoolEntry[]> {
    return sortMempool16(this.mempoolBySh.get(sh) ?? []);
  }
  async balance(sh: string): Promise<Balance> {
    const u = this.utxos.get(sh) ?? [];
    return {
      confirmed: u.filter((x) => x.height > 0).reduce((a, x) => a + x.value, 0),
      unconfirmed: u.filter((x) => x.height <= 0).reduce((a, x) => a + x.value, 0),
    };
  }
  async listunspent(sh: string): Promise<Utxo[]> {
    return this.utxos.get(sh) ?? [];
  }
  async status(sh: string): Promise<string | null> {
    this.statusCalls++;
    if (this.statusDelay) await new Promise((r) => setTimeout(r, this.statusDelay));
    return statusHash(await this.history(sh));
  }

  async transaction(txid: string, verbose: boolean): Promise<unknown> {
    const raw = this.txs.get(txid);
    if (!raw) throw new RpcError(RPC.DAEMON_ERROR, "daemon error: DaemonError({'code': -5, 'message': 'No such mempool or blockchain transaction.'})");
    return verbose ? { txid, hex: raw, confirmations: 1 } : raw;
  }
  async merkle(txid: string, height: number): Promise<{ block_height: number; merkle: string[]; pos: number }> {
    if (!this.txs.has(txid)) throw new RpcError(RPC.BAD_REQUEST, `tx ${txid} not in block at height ${height}`);
    return { block_height: height, merkle: [fakeHash('sibling')], pos: 1 };
  }
  async idFromPos(height: number, pos: number, merkle: boolean): Promise<string | { tx_hash: string; merkle: string[] }> {
    if (pos > 0) throw new RpcError(RPC.BAD_REQUEST, `no tx at position ${pos} in block at height ${height}`);
    const txHash = fakeHash(`coinbase ${height}`);
    return merkle ? { tx_hash: txHash, merkle: [] } : txHash;
  }
  async utxoAddress(txid: string, index: number): Promise<string | null> {
    return this.addresses.get(`${txid}:${index}`) ?? null;
  }
  async broadcast(rawTx: string): Promise<string> {
    if (rawTx.startsWith('00')) throw new RpcError(RPC.BAD_REQUEST, 'bad-txns-inputs-missingorspent');
    return hashOf(rawTx);
  }
  async broadcastPackage(rawTxs: string[], verbose: boolean): Promise<unknown> {
    return verbose ? { package_msg: 'success', 'tx-results': {} } : { success: true, count: rawTxs.length };
  }
  async estimateFee(blocks: number, mode?: string): Promise<number> {
    if (blocks > 1000) return -1;
    return mode === 'ECONOMICAL' ? 0.0001 : 0.0002;
  }
  async relayFee(): Promise<number> {
    return 0.00001;
  }
  async outpointStatus(txid: string, vout: number): Promise<OutpointStatus> {
    return { ...(this.outpoints.get(`${txid}:${vout}`) ?? {}) };
  }
  /** Changes an outpoint's status and emits `touched` (with no script hash) like a mempool poll. */
  setOutpoint(txid: string, vout: number, status: OutpointStatus): void {
    this.outpoints.set(`${txid}:${vout}`, status);
    this.events.emit('touched', new Set());
  }
  async testMempoolAccept(rawTxs: string[]): Promise<{ txid: string; wtxid: string; allowed?: boolean; reason?: string }[]> {
    return rawTxs.map((t) => (t.startsWith('00') ? { txid: hashOf(t), wtxid: hashOf(t), allowed: false, reason: 'missing-inputs' } : { txid: hashOf(t), wtxid: hashOf(t), allowed: true }));
  }
  recentMempool(count: number): RecentTx[] {
    return this.recent.slice(0, count);
  }
  async networkInfo(): Promise<{ version: number; subversion: string }> {
    return { version: 290100, subversion: '/Satoshi:29.1.0/' };
  }
  async mempoolInfo(): Promise<MempoolInfo> {
    return { mempoolminfee: 0.00001, minrelaytxfee: 0.00001, incrementalrelayfee: 0.00001 };
  }
  async feeHistogram(): Promise<[number, number][]> {
    return [[12, 1000], [5, 30000]];
  }

  // ---- mutators (tests) ----

  /** Adds a confirmed tx paying `value` to `sh` at `height` (no events). */
  fund(sh: string, txid: string, height: number, value: number, pos = 0): void {
    const list = this.confirmed.get(sh) ?? [];
    list.push({ tx_hash: txid, height });
    list.sort((a, b) => a.height - b.height);
    this.confirmed.set(sh, list);
    const u = this.utxos.get(sh) ?? [];
    u.push({ tx_hash: txid, tx_pos: pos, height, value });
    this.utxos.set(sh, u);
    this.txs.set(txid, `02000000${txid}`);
  }

  /** A mempool tx paying `value` to each of `shs`; emits `touched`. */
  addMempool(shs: string[], txid: string, fee = 200, value = 1000, height: 0 | -1 = 0): void {
    for (const sh of shs) {
      const list = this.mempoolBySh.get(sh) ?? [];
      list.push({ tx_hash: txid, height, fee });
      this.mempoolBySh.set(sh, list);
      const u = this.utxos.get(sh) ?? [];
      u.push({ tx_hash: txid, tx_pos: 0, height: 0, value });
      this.utxos.set(sh, u);
    }
    this.txs.set(txid, `02000000${txid}`);
    this.events.emit('touched', new Set(shs));
  }

  /** Mines a block confirming every mempool tx; emits `tip`, then `touched`. */
  mine(): Tip {
    const height = this.headerList.length;
    this.headerList.push(makeHeader(hashOf(this.headerList[height - 1]!), height));
    const touched = new Set<string>();
    for (const [sh, list] of this.mempoolBySh) {
      for (const m of list) {
        const conf = this.confirmed.get(sh) ?? [];
        conf.push({ tx_hash: m.tx_hash, height });
        this.confirmed.set(sh, conf);
      }
      for (const u of this.utxos.get(sh) ?? []) if (u.height === 0) u.height = height;
      touched.add(sh);
    }
    this.mempoolBySh.clear();
    const tip = this.tip();
    this.events.emit('tip', tip);
    if (touched.size > 0) this.events.emit('touched', touched);
    return tip;
  }
}
