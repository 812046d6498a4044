/**
 * Handlers of the protocol 1.7 draft (methods/draft.ts), as ElectrumX master answers them:
 * the scriptpubkey methods answer through the script's hash (wrapped in {"history"} or
 * {"utxos"}), outpoint statuses come from the backend, subscriptions from the manager.
 */
import { createHash } from 'node:crypto';
import { RawJson, type Handler, type HandlerTable } from './context.js';

/** ElectrumX's spk_to_scripthash: SHA-256 of the script, display order. */
export function spkScripthash(spk: string): string {
  return Buffer.from(createHash('sha256').update(Buffer.from(spk, 'hex')).digest()).reverse().toString('hex');
}

export const draftHandlers = {
  'blockchain.scriptpubkey.get_balance': (c, p) => c.backend.balance(spkScripthash(p.scriptpubkey)),
  'blockchain.scriptpubkey.get_history': async (c, p) => {
    const sh = spkScripthash(p.scriptpubkey);
    return c.backend.historyJson ? new RawJson(`{"history":${await c.backend.historyJson(sh)}}`) : { history: await c.backend.history(sh) };
  },
  'blockchain.scriptpubkey.get_mempool': async (c, p) => ({ history: await c.backend.mempool(spkScripthash(p.scriptpubkey)) }),
  'blockchain.scriptpubkey.listunspent': async (c, p) => {
    const sh = spkScripthash(p.scriptpubkey);
    return c.backend.listunspentJson ? new RawJson(`{"utxos":${await c.backend.listunspentJson(sh)}}`) : { utxos: await c.backend.listunspent(sh) };
  },
  'blockchain.scriptpubkey.subscribe': (c, p) => c.session.subscribeScripthash(spkScripthash(p.scriptpubkey)),
  'blockchain.scriptpubkey.unsubscribe': (c, p) => c.session.unsubscribeScripthash(spkScripthash(p.scriptpubkey)),
  // spk_hint is checked (hex) and ignored, as ElectrumX does.
  'blockchain.outpoint.get_status': (c, p) => c.backend.outpointStatus(p.tx_hash, p.txout_idx),
  'blockchain.outpoint.subscribe': (c, p) => c.info.outpoints.subscribe(c.session, p.tx_hash, p.txout_idx),
  'blockchain.outpoint.unsubscribe': (c, p) => c.info.outpoints.unsubscribe(c.session, p.tx_hash, p.txout_idx),
  'blockchain.transaction.testmempoolaccept': (c, p) => c.backend.testMempoolAccept(p.raw_txs),
  'mempool.recent': (c) => c.backend.recentMempool(10),
} satisfies Partial<HandlerTable>;
