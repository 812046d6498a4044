/**
 * Handlers of the removed methods (docs/protocol.md §5.2) for sessions that negotiate 1.0-1.3:
 * address methods answer through the address's script hash, headers come deserialized.
 */
import { RpcError, type Handler, type HandlerTable, type HandlerContext } from './context.js';
import { MAX_CHUNK, headerAt } from './blockchain.js';
import { RPC } from '../../protocol/jsonrpc.js';
import { addressToScriptHash } from '../../bitcoin/scripthash.js';
import { deserializedHeader } from '../../bitcoin/header.js';

/** The script hash an address pays to; error 1 quoting it otherwise (ElectrumX's wording). */
function addressScripthash(c: HandlerContext, address: string): string {
  try {
    return addressToScriptHash(address, c.network);
  } catch {
    throw new RpcError(RPC.BAD_REQUEST, `${address} is not a valid address`);
  }
}

export const legacyHandlers = {
  'blockchain.address.get_balance': (c, p) => c.backend.balance(addressScripthash(c, p.address)),
  'blockchain.address.get_history': (c, p) => c.backend.history(addressScripthash(c, p.address)),
  'blockchain.address.get_mempool': (c, p) => c.backend.mempool(addressScripthash(c, p.address)),
  'blockchain.address.listunspent': (c, p) => c.backend.listunspent(addressScripthash(c, p.address)),
  'blockchain.address.subscribe': (c, p) => c.session.subscribeScripthash(addressScripthash(c, p.address), p.address),
  // Never specified and never implemented by the servers of that era.
  'blockchain.address.get_proof': (c, p) => {
    addressScripthash(c, p.address);
    throw new RpcError(RPC.BAD_REQUEST, 'blockchain.address.get_proof is not supported');
  },
  'blockchain.numblocks.subscribe': (c) => {
    c.session.subscribeNumblocks();
    return c.backend.tip().height;
  },
  'blockchain.utxo.get_address': (c, p) => c.backend.utxoAddress(p.tx_hash, p.index),
  'blockchain.block.get_header': (c, p) => deserializedHeader(headerAt(c, p.height), p.height),
  'blockchain.block.get_chunk': (c, p) => c.backend.headers(p.index * MAX_CHUNK, MAX_CHUNK).join(''),
} satisfies Partial<HandlerTable>;
