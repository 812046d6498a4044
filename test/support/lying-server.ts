/**
 * A programmable Electrum server over a small synthetic regtest chain (real regtest genesis,
 * mined headers, real merkle trees and raw transactions), for diagnostics tests. Every way a
 * server can lie or fail is one option: a wrong merkle branch, a wrong genesis, a stale tip,
 * a tip with bad PoW, a wrong raw tx, a padded balance, delays past a deadline, dropped
 * connections, refused or capped batches, TLS with a given certificate. Listens on
 * 127.0.0.1 port 0.
 */
import type net from 'node:net';
import { lineConn, startLoopback } from './electrum-loopback.js';
import { createHash } from 'node:crypto';
import { serializeTx } from '../../sim/chaingen.js';
import { REGTEST_GENESIS_HEX } from '../../sim/genesis.js';
import { merkleBranch, merkleRoot } from '../../src/bitcoin/merkle.js';
import { REGTEST_BITS, mineHeaderBytes } from '../../sim/header.js';
import { hashToDisplay, sha256d } from '../../src/bitcoin/hex.js';
import { scriptHash } from '../../src/bitcoin/scripthash.js';
import { scriptToAddress } from '../../src/bitcoin/address.js';
import { cmpVersion } from '../../src/protocol/version.js';

/** The script all payment outputs of the synthetic chain pay. */
export const WATCH_SCRIPT = Buffer.concat([Buffer.from([0x00, 0x14]), createHash('sha256').update('lying-watch').digest().subarray(0, 20)]);
export const WATCH_SCRIPTHASH = scriptHash(WATCH_SCRIPT);
export const WATCH_ADDRESS = scriptToAddress(WATCH_SCRIPT, 'regtest')!;
/** A script nobody pays (empty history everywhere). */
export const EMPTY_SCRIPTHASH = scriptHash(Buffer.from('6a04deadbeef', 'hex'));

export interface SynthBlock {
  height: number;
  header: Buffer;
  hash: string;
  txids: string[];
  raws: string[];
}

export interface SynthChain {
  blocks: SynthBlock[];
  /** Payments to WATCH_SCRIPT: txid, vout, value, height. */
  utxos: { tx_hash: string; tx_pos: number; height: number; value: number }[];
}

const chainCache = new Map<string, SynthChain>();

/**
 * The synthetic chain: `height` blocks over regtest genesis, each with a coinbase and two
 * payments to WATCH_SCRIPT (blocks 1..`paidUpTo`). `badPowAt` mines that block's header to
 * FAIL its target. Deterministic and cached per option set.
 */
export function synthChain(opts: { height?: number; badPowAt?: number; time?: number } = {}): SynthChain {
  const height = opts.height ?? 30;
  const key = JSON.stringify([height, opts.badPowAt, opts.time]);
  const hit = chainCache.get(key);
  if (hit) return hit;
  const g = Buffer.from(REGTEST_GENESIS_HEX, 'hex');
  const gHeader = g.subarray(0, 80);
  const gRaw = g.subarray(81).toString('hex');
  const blocks: SynthBlock[] = [{ height: 0, header: Buffer.from(gHeader), hash: hashToDisplay(sha256d(gHeader)), txids: [hashToDisplay(sha256d(g.subarray(81)))], raws: [gRaw] }];
  const utxos: SynthChain['utxos'] = [];
  const t0 = opts.time ?? 1_700_000_000;
  for (let h = 1; h <= height; h++) {
    const heightPush = Buffer.alloc(4);
    heightPush.writeUInt32LE(h);
    const coinbase = serializeTx(
      [{ txid: '00'.repeat(32), vout: 0xffffffff, script: Buffer.concat([Buffer.from([4]), heightPush]), witness: [], sequence: 0xffffffff }],
      [{ script: Buffer.from('51', 'hex'), value: 50_0000_0000 }],
    );
    const raws = [coinbase.toString('hex')];
    for (let j = 0; j < 2; j++) {
      const fake = createHash('sha256').update(`prev ${h} ${j}`).digest('hex');
      const value = 10_000 * h + j;
      raws.push(serializeTx([{ txid: fake, vout: j, script: Buffer.from('51', 'hex'), witness: [] }], [
        { script: WATCH_SCRIPT, value },
        { script: Buffer.from('51', 'hex'), value: 1000 },
      ]).toString('hex'));
    }
    const txids = raws.map((r) => hashToDisplay(sha256d(Buffer.from(r, 'hex'))));
    txids.slice(1).forEach((txid, j) => utxos.push({ tx_hash: txid, tx_pos: 0, height: h, value: 10_000 * h + j }));
    const f = Buffer.alloc(80);
    f.writeInt32LE(0x20000000, 0);
    Buffer.from(blocks[h - 1]!.hash, 'hex').reverse().copy(f, 4);
    Buffer.from(merkleRoot(txids), 'hex').reverse().copy(f, 36);
    f.writeUInt32LE(t0 + h * 600, 68);
    f.writeUInt32LE(REGTEST_BITS, 72);
    const header = mineHeaderBytes(f, { failPow: opts.badPowAt === h });
    blocks.push({ height: h, header, hash: hashToDisplay(sha256d(header)), txids, raws });
  }
  const chain = { blocks, utxos };
  chainCache.set(key, chain);
  return chain;
}

export interface LyingOptions {
  chain?: SynthChain;
  /** Serve only blocks up to this height (a stale tip). */
  tipHeight?: number;
  /** genesis_hash in server.features (default the regtest genesis). */
  genesis?: string;
  software?: string;
  protocolMin?: string;
  protocolMax?: string;
  /** Corrupt every merkle branch (flip the first entry; an empty branch gets one). */
  wrongMerkle?: boolean;
  /** transaction.get returns another transaction's hex. */
  wrongTx?: boolean;
  /** listunspent values inflated by this many sats. */
  inflateUtxos?: number;
  /**
   * listunspent leaves out the watched address's outputs, as ElectrumX does once a mempool
   * transaction spends them, while get_balance still counts them as confirmed.
   */
  spentInMempool?: boolean;
  /** Added to get_balance's confirmed amount. */
  balanceDelta?: number;
  /** Delay before every reply (ms). */
  delayMs?: number;
  /** Close each connection after this many requests (0: as soon as it connects). */
  dropAfter?: number;
  /** Answer every batch with one error (id null), as servers without batch support do. */
  refuseBatch?: boolean;
  /** Batches with more items get error 4 for each item (Fulcrum's max_batch). */
  maxBatch?: number;
  peers?: [string, string, string[]][];
  /** block.headers at 1.6 answers the pre-1.6 hex form (a compliance bug). */
  hexHeadersAt16?: boolean;
  /** Answer a repeated server.version (non-compliant at >= 1.4). */
  allowVersionRepeat?: boolean;
  /** Fee estimate (BTC/kvB). */
  fee?: number;
  tls?: { key: string; cert: string };
}

export interface LyingServer {
  port: number;
  spec: string;
  requests: { method: string; params: unknown[] }[];
  connections: number;
  chain: SynthChain;
  close(): Promise<void>;
}

type Reply = { result: unknown } | { error: { code: number; message: string } };

/** Starts the server. */
export async function startLyingServer(opts: LyingOptions = {}): Promise<LyingServer> {
  const chain = opts.chain ?? synthChain();
  const tip = Math.min(opts.tipHeight ?? chain.blocks.length - 1, chain.blocks.length - 1);
  const blocks = chain.blocks.slice(0, tip + 1);
  const pmin = opts.protocolMin ?? '1.4';
  const pmax = opts.protocolMax ?? '1.6';
  const software = opts.software ?? 'LyingX 0.1';
  const utxos = chain.utxos.filter((u) => u.height <= tip);
  const txIndex = new Map<string, { height: number; pos: number; raw: string }>();
  for (const b of blocks) b.txids.forEach((t, pos) => txIndex.set(t, { height: b.height, pos, raw: b.raws[pos]! }));
  const state: LyingServer = { port: 0, spec: '', requests: [], connections: 0, chain, close: async () => {} };

  const branchOf = (height: number, pos: number): string[] => {
    const br = merkleBranch(blocks[height]!.txids, pos);
    if (!opts.wrongMerkle) return br;
    if (br.length === 0) return ['11'.repeat(32)];
    return [br[0]!.replace(/^./, (c) => (c === '0' ? '1' : '0')), ...br.slice(1)];
  };

  function answer(session: { version?: string }, method: string, params: unknown[]): Reply {
    const v = session.version ?? pmin;
    const ok = (result: unknown): Reply => ({ result });
    const err = (code: number, message: string): Reply => ({ error: { code, message } });
    const p0 = params[0];
    switch (method) {
      case 'server.version': {
        if (session.version && cmpVersion(session.version, '1.4') >= 0 && !opts.allowVersionRepeat) return err(1, 'server.version already sent');
        const req = params[1];
        const [cmin, cmax] = Array.isArray(req) ? (req as string[]) : [String(req ?? '1.4'), String(req ?? '1.4')];
        const chosen = cmpVersion(cmax!, pmax) < 0 ? cmax! : pmax;
        const lo = cmpVersion(cmin!, pmin) > 0 ? cmin! : pmin;
        if (cmpVersion(chosen, lo) < 0) return err(1, `unsupported protocol version: ${JSON.stringify(req)}`);
        session.version = chosen;
        return ok([software, chosen]);
      }
      case 'server.features':
        return ok({
          hosts: { '127.0.0.1': { tcp_port: opts.tls ? null : state.port, ssl_port: opts.tls ? state.port : null } },
          genesis_hash: opts.genesis ?? chain.blocks[0]!.hash,
          hash_function: 'sha256',
          server_version: software,
          protocol_min: pmin,
          protocol_max: pmax,
          pruning: null,
        });
      case 'server.banner':
        return ok('lying server');
      case 'server.donation_address':
        return ok('');
      case 'server.ping':
        return ok(null);
      case 'server.peers.subscribe':
        return ok(opts.peers ?? []);
      case 'server.add_peer':
        return ok(false);
      case 'blockchain.headers.subscribe':
        return ok({ hex: blocks[tip]!.header.toString('hex'), height: tip });
      case 'blockchain.block.header': {
        const h = Number(p0);
        if (!(h >= 0 && h <= tip)) return err(1, `height ${String(p0)} out of range`);
        return ok(blocks[h]!.header.toString('hex'));
      }
      case 'blockchain.block.headers': {
        const start = Number(p0);
        const count = Math.min(Number(params[1]), 2016);
        const hs = blocks.slice(start, start + count).map((b) => b.header.toString('hex'));
        if (cmpVersion(v, '1.6') >= 0 && !opts.hexHeadersAt16) return ok({ count: hs.length, max: 2016, headers: hs });
        return ok({ count: hs.length, max: 2016, hex: hs.join('') });
      }
      case 'blockchain.estimatefee':
        return ok(opts.fee ?? 0.00012);
      case 'blockchain.relayfee':
        return cmpVersion(v, '1.6') >= 0 ? err(-32601, `unknown method "${method}"`) : ok(0.00001);
      case 'mempool.get_info':
        return cmpVersion(v, '1.6') < 0 ? err(-32601, `unknown method "${method}"`) : ok({ mempoolminfee: 0.00001, minrelaytxfee: 0.00001, incrementalrelayfee: 0.00001 });
      case 'mempool.get_fee_histogram':
        return ok([[12.5, 40000], [2, 90000]]);
      case 'blockchain.transaction.get': {
        const t = txIndex.get(String(p0));
        if (!t) return err(2, "daemon error: DaemonError({'code': -5, 'message': 'No such mempool or blockchain transaction.'})");
        const raw = opts.wrongTx ? blocks[1]!.raws[0]! : t.raw;
        if (params[1] === true) return ok({ txid: p0, hash: p0, hex: raw, blockhash: blocks[t.height]!.hash, confirmations: tip - t.height + 1 });
        return ok(raw);
      }
      case 'blockchain.transaction.get_merkle': {
        const t = txIndex.get(String(p0));
        if (!t || t.height !== Number(params[1])) return err(1, `tx ${String(p0)} not in block at height ${String(params[1])}`);
        return ok({ block_height: t.height, merkle: branchOf(t.height, t.pos), pos: t.pos });
      }
      case 'blockchain.transaction.id_from_pos': {
        const h = Number(p0);
        const pos = Number(params[1]);
        const b = blocks[h];
        if (!b || pos >= b.txids.length) return err(1, `no tx at position ${pos} in block at height ${h}`);
        return params[2] === true ? ok({ tx_hash: b.txids[pos], merkle: branchOf(h, pos) }) : ok(b.txids[pos]);
      }
      case 'blockchain.transaction.broadcast':
      case 'blockchain.transaction.broadcast_package':
        return err(1, 'the transaction was rejected by network rules.\n\nTX decode failed');
      case 'blockchain.scripthash.get_balance': {
        const mine = p0 === WATCH_SCRIPTHASH ? utxos : [];
        return ok({ confirmed: mine.reduce((s, u) => s + u.value, 0) + (p0 === WATCH_SCRIPTHASH ? opts.balanceDelta ?? 0 : 0), unconfirmed: 0 });
      }
      case 'blockchain.scripthash.get_history':
        return ok((p0 === WATCH_SCRIPTHASH ? utxos : []).map((u) => ({ tx_hash: u.tx_hash, height: u.height })));
      case 'blockchain.scripthash.listunspent':
        return ok((p0 === WATCH_SCRIPTHASH && !opts.spentInMempool ? utxos : []).map((u) => ({ ...u, value: u.value + (opts.inflateUtxos ?? 0) })));
      case 'blockchain.scripthash.get_mempool':
        return ok([]);
      case 'blockchain.scripthash.subscribe': {
        if (p0 !== WATCH_SCRIPTHASH || utxos.length === 0) return ok(null);
        const s = utxos.map((u) => `${u.tx_hash}:${u.height}:`).join('');
        return ok(createHash('sha256').update(s).digest('hex'));
      }
      case 'blockchain.scripthash.unsubscribe':
        return ok(false);
      default:
        return err(-32601, `unknown method "${method}"`);
    }
  }

  const onSocket = (socket: net.Socket) => {
    state.connections++;
    if (opts.dropAfter === 0) {
      socket.destroy();
      return;
    }
    const session: { version?: string; count: number } = { count: 0 };
    const conn = lineConn(socket, (_c, text) => line(text), { trim: true });
    const send = (text: string) => {
      if (opts.delayMs) setTimeout(() => conn.send(text), opts.delayMs);
      else conn.send(text);
    };
    const line = (text: string) => {
      let msg: unknown;
      try {
        msg = JSON.parse(text);
      } catch {
        return send(JSON.stringify({ jsonrpc: '2.0', error: { code: -32700, message: 'invalid JSON' }, id: null }));
      }
      const items = (Array.isArray(msg) ? msg : [msg]) as { id?: unknown; method: string; params?: unknown[] }[];
      for (const it of items) state.requests.push({ method: it.method, params: it.params ?? [] });
      session.count += items.length;
      if (opts.dropAfter !== undefined && session.count > opts.dropAfter) {
        socket.destroy();
        return;
      }
      if (Array.isArray(msg)) {
        if (opts.refuseBatch) return send(JSON.stringify({ jsonrpc: '2.0', error: { code: -32600, message: 'batches are not supported' }, id: null }));
        const over = opts.maxBatch !== undefined && items.length > opts.maxBatch;
        const replies = items.map((it) => ({
          jsonrpc: '2.0',
          ...(over ? { error: { code: 4, message: 'Batch limit exceeded' } } : answer(session, it.method, it.params ?? [])),
          id: it.id,
        }));
        return send(JSON.stringify(replies));
      }
      const it = items[0]!;
      send(JSON.stringify({ jsonrpc: '2.0', ...answer(session, it.method, it.params ?? []), id: it.id ?? null }));
    };
  };
  const core = await startLoopback({ tls: opts.tls && { key: opts.tls.key, cert: opts.tls.cert }, onSocket });
  state.port = core.port;
  state.spec = `127.0.0.1:${state.port}:${opts.tls ? 's' : 't'}`;
  state.close = core.close;
  return state;
}
