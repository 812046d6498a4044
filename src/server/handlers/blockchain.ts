/** `blockchain.*` handlers of the current protocol (docs/protocol.md §5.1, §5.3, §6). */
import { RawJson, RpcError, type Handler, type HandlerTable, type HandlerContext } from './context.js';
import { TxRejected } from '../errors.js';
import { RPC } from '../../protocol/jsonrpc.js';
import { cmpVersion } from '../../protocol/version.js';
import { deserializedHeader, RETARGET_INTERVAL } from '../../bitcoin/header.js';

/** Headers per call, as all three reference servers cap it: one retarget interval. */
export const MAX_CHUNK = RETARGET_INTERVAL;

/** The header hex at `height`; error 1 above the tip (ElectrumX's wording). */
export function headerAt(c: HandlerContext, height: number): string {
  const hex = c.backend.header(height);
  if (hex === undefined) throw new RpcError(RPC.BAD_REQUEST, `height ${height} out of range`);
  return hex;
}

/** A checkpoint proof for `height`; needs height <= cp_height <= tip (docs/protocol.md §5.3). */
function checkpointProof(c: HandlerContext, height: number, cpHeight: number): { branch: string[]; root: string } {
  const tip = c.backend.tip().height;
  if (!(height <= cpHeight && cpHeight <= tip)) {
    throw new RpcError(RPC.BAD_REQUEST, `require header height ${height} <= cp_height ${cpHeight} <= chain height ${tip}`);
  }
  const { branch, root } = c.backend.headerProof(height, cpHeight);
  return { branch, root };
}

/**
 * Which shape headers.subscribe uses at this version: raw from 1.4; below, the `raw` flag
 * when given (ElectrumX 1.4 took it at 1.0 and 1.1 as well), else raw at 1.3 only.
 */
export function headerShape(version: string, raw: unknown): 'raw' | 'deserialized' {
  if (cmpVersion(version, '1.4') >= 0) return 'raw';
  if (typeof raw === 'boolean') return raw ? 'raw' : 'deserialized';
  return cmpVersion(version, '1.3') >= 0 ? 'raw' : 'deserialized';
}

/** A tip in the given shape: {hex, height} or the 1.0-1.3 deserialized form. */
export function shapeHeader(shape: 'raw' | 'deserialized', hex: string, height: number): unknown {
  return shape === 'raw' ? { hex, height } : deserializedHeader(hex, height);
}

const broadcast: Handler = async (c, p) => {
  try {
    return await c.backend.broadcast(p.raw_tx);
  } catch (e) {
    if (!(e instanceof RpcError) || e.code !== RPC.BAD_REQUEST) throw e;
    // 1.0 clients compare the result with their txid, so the rejection is the result.
    if (cmpVersion(c.version, '1.1') < 0) return e.message;
    // A bare reason (another Backend) gets the rejection text, built in one place.
    throw e instanceof TxRejected ? e : new TxRejected(e.message, p.raw_tx);
  }
};

export const blockchainHandlers = {
  'blockchain.scripthash.get_balance': (c, p) => c.backend.balance(p.scripthash),
  'blockchain.scripthash.get_history': async (c, p) => (c.backend.historyJson ? new RawJson(await c.backend.historyJson(p.scripthash)) : c.backend.history(p.scripthash)),
  'blockchain.scripthash.get_mempool': (c, p) => c.backend.mempool(p.scripthash),
  'blockchain.scripthash.listunspent': async (c, p) => (c.backend.listunspentJson ? new RawJson(await c.backend.listunspentJson(p.scripthash)) : c.backend.listunspent(p.scripthash)),
  'blockchain.scripthash.subscribe': (c, p) => c.session.subscribeScripthash(p.scripthash),
  'blockchain.scripthash.unsubscribe': (c, p) => c.session.unsubscribeScripthash(p.scripthash),

  'blockchain.block.header': (c, p) => {
    const header = headerAt(c, p.height);
    const cp = (p.cp_height ?? 0) as number;
    return cp === 0 ? header : { header, ...checkpointProof(c, p.height, cp) };
  },
  'blockchain.block.headers': (c, p) => {
    const headers = c.backend.headers(p.start_height, Math.min(p.count, MAX_CHUNK));
    const result: Record<string, unknown> = { count: headers.length, max: MAX_CHUNK };
    if (cmpVersion(c.version, '1.6') >= 0) result.headers = headers;
    else result.hex = headers.join('');
    const cp = (p.cp_height ?? 0) as number;
    if (headers.length > 0 && cp > 0) Object.assign(result, checkpointProof(c, p.start_height + headers.length - 1, cp));
    return result;
  },
  'blockchain.headers.subscribe': (c, p) => {
    const shape = headerShape(c.version, p.raw);
    c.session.subscribeHeaders(shape);
    const tip = c.backend.tip();
    return shapeHeader(shape, tip.hex, tip.height);
  },

  'blockchain.estimatefee': (c, p) => c.backend.estimateFee(p.number, p.mode),
  'blockchain.relayfee': (c) => c.backend.relayFee(),

  'blockchain.transaction.get': (c, p) => c.backend.transaction(p.tx_hash, p.verbose === true),
  'blockchain.transaction.broadcast': broadcast,
  'blockchain.transaction.broadcast_package': (c, p) => c.backend.broadcastPackage(p.raw_txs, p.verbose === true),
  'blockchain.transaction.get_merkle': (c, p) => c.backend.merkle(p.tx_hash, p.height),
  'blockchain.transaction.id_from_pos': (c, p) => c.backend.idFromPos(p.height, p.tx_pos, p.merkle === true),
} satisfies Partial<HandlerTable>;
