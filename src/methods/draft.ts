/**
 * The protocol 1.7 draft, as ElectrumX master implements it (experimental, gated on a
 * negotiated 1.7; docs/protocol.md §5.4): script-pubkey methods that replace the scripthash
 * ones, outpoint status and subscriptions, testmempoolaccept and mempool.recent. The client
 * offers 1.7 only under an explicit --protocol 1.7; `serve --local` only with
 * --experimental-protocol 1.7. At 1.7 the address subcommands use the scriptpubkey variants,
 * and their output is unwrapped to the 1.6 shape ({"history": [...]} prints as [...]).
 */
import { defineMethod, type ColumnSpec } from './spec.js';
import * as v from './validate.js';
import * as r from './results.js';
import { history } from './blockchain.js';

const spkParam = [{ name: 'scriptpubkey', kind: 'script', description: 'the output script (hex); the CLI takes an address or --script HEX' }] as const;

/** {"history": [...]}, {"utxos": [...]}: ElectrumX's 1.7 wrappers. */
const wrapped = (key: string, inner: v.Validator) => v.object({ [key]: inner });
const unwrap = (key: string) => (res: unknown): unknown => (res as Record<string, unknown>)[key];

export const spkGetBalance = defineMethod({
  name: 'blockchain.scriptpubkey.get_balance',
  since: '1.7',
  cost: 1,
  summary: 'Confirmed and unconfirmed balance of an output script (protocol 1.7 draft)',
  params: spkParam,
  result: r.balance,
  command: 'balance',
});

export const spkGetHistory = defineMethod({
  name: 'blockchain.scriptpubkey.get_history',
  since: '1.7',
  cost: 2,
  summary: 'Confirmed and mempool transactions of an output script (protocol 1.7 draft)',
  params: spkParam,
  result: wrapped('history', history),
  unwrap: unwrap('history'),
  command: 'history',
});

export const spkGetMempool = defineMethod({
  name: 'blockchain.scriptpubkey.get_mempool',
  since: '1.7',
  cost: 1,
  summary: 'Mempool transactions of an output script (protocol 1.7 draft)',
  params: spkParam,
  result: wrapped('history', v.array(r.mempoolEntry)),
  unwrap: unwrap('history'),
  command: 'mempool',
});

export const spkListUnspent = defineMethod({
  name: 'blockchain.scriptpubkey.listunspent',
  since: '1.7',
  cost: 1,
  summary: 'Unspent outputs of an output script (protocol 1.7 draft)',
  params: spkParam,
  result: wrapped('utxos', v.array(r.utxo)),
  unwrap: unwrap('utxos'),
  command: 'utxos',
});

export const spkSubscribe = defineMethod({
  name: 'blockchain.scriptpubkey.subscribe',
  since: '1.7',
  cost: 0.5,
  summary: 'Status of an output script, then notifications [scripthash, status] (protocol 1.7 draft)',
  params: spkParam,
  result: r.status,
  // ElectrumX notifies with the script hash, not the script.
  notification: v.tuple(v.hash32, r.status),
  command: 'subscribe',
});

export const spkUnsubscribe = defineMethod({
  name: 'blockchain.scriptpubkey.unsubscribe',
  since: '1.7',
  cost: 0.1,
  summary: 'Stop notifications for an output script (protocol 1.7 draft)',
  params: spkParam,
  result: v.boolean,
  command: 'unsubscribe',
});

/** {funder_height?, spender_txhash?, spender_height?}: {} when the output never existed. */
export const outpointStatus = v.refine(
  v.object({}, { funder_height: v.integer, spender_txhash: v.hash32, spender_height: v.integer }),
  (s) => {
    if (s.spender_txhash !== undefined && (s.funder_height === undefined || s.spender_height === undefined)) return 'a spender without funder_height or spender_height';
    if (s.spender_txhash === undefined && s.spender_height !== undefined) return 'spender_height without spender_txhash';
    return null;
  },
);

const outpointParams = [
  { name: 'tx_hash', kind: 'txid', description: 'the funding transaction id' },
  { name: 'txout_idx', kind: 'uint', description: 'the output index' },
] as const;
// Required by ElectrumX (no default there); the client sends "" when --spk-hint is not given.
const spkHint = { name: 'spk_hint', kind: 'script', description: 'the output script, a hint other servers may use (ElectrumX ignores it)', default: '' } as const;

const outpointColumns: ColumnSpec[] = [
  { key: 'funder_height', header: 'funded at', format: 'height' },
  { key: 'spender_txhash', header: 'spent by', format: 'hash' },
  { key: 'spender_height', header: 'spent at', format: 'height' },
];
const outpointArgs = [
  { name: 'TXID', kind: 'txid', param: 'tx_hash', description: 'the funding transaction id' },
  { name: 'VOUT', kind: 'uint', param: 'txout_idx', description: 'the output index' },
] as const;
const spkHintOption = { flags: '--spk-hint <hex>', param: 'spk_hint', kind: 'string', description: 'the output script, passed as the hint (default: empty)' } as const;
const outpointJson = '{"funder_height": n, "spender_txhash": "<txid>", "spender_height": n} (keys absent when unknown: {} for an output that never existed; heights 0 / -1 in the mempool)';

export const outpointGetStatus = defineMethod({
  name: 'blockchain.outpoint.get_status',
  since: '1.7',
  cost: 1,
  summary: 'Whether an output exists and what spends it, without subscribing (protocol 1.7 draft)',
  params: [...outpointParams, spkHint],
  result: outpointStatus,
  command: 'outpoint-status',
  cli: {
    name: 'outpoint-status',
    args: outpointArgs,
    options: [spkHintOption],
    json: outpointJson,
    description: 'Needs a server speaking the 1.7 draft (--protocol 1.7). `serve --local` asks bitcoind (gettxspendingprevout) for confirmed spends: run bitcoind 31+ with -txospenderindex.',
    columns: outpointColumns,
  },
});

export const outpointSubscribe = defineMethod({
  name: 'blockchain.outpoint.subscribe',
  since: '1.7',
  cost: 1,
  summary: 'An output\'s status, then a notification [tx_hash, txout_idx, status] on every change (protocol 1.7 draft)',
  params: [...outpointParams, spkHint],
  result: outpointStatus,
  notification: v.tuple(v.hash32, v.nonNegInt, outpointStatus),
  command: 'outpoint-watch',
  cli: {
    name: 'outpoint-watch',
    args: outpointArgs,
    options: [spkHintOption],
    json: 'NDJSON: {"type": "outpoint", "tx_hash": "...", "txout_idx": n, "status": {...}} first and on every change',
    description: 'Follows an output without knowing its address (what Lightning-style watchers need) until interrupted (Ctrl-C, exit 130). Needs the 1.7 draft (--protocol 1.7).',
  },
});

export const outpointUnsubscribe = defineMethod({
  name: 'blockchain.outpoint.unsubscribe',
  since: '1.7',
  cost: 0.1,
  summary: 'Stop notifications for an output (protocol 1.7 draft)',
  params: outpointParams,
  result: v.boolean,
  command: 'outpoint-unwatch',
  cli: { name: 'outpoint-unwatch', args: outpointArgs, json: 'true | false (whether it was subscribed)' },
});

export const testMempoolAccept = defineMethod({
  name: 'blockchain.transaction.testmempoolaccept',
  since: '1.7',
  cost: 1,
  summary: "Whether bitcoind's mempool would accept raw transactions, without broadcasting them (protocol 1.7 draft)",
  params: [{ name: 'raw_txs', kind: 'rawtxs', description: 'the raw transactions, parents first' }],
  result: v.array(v.object({ txid: v.hash32, wtxid: v.hash32 }, { allowed: v.boolean, reason: v.string })),
  command: 'testmempoolaccept',
  cli: {
    name: 'testmempoolaccept',
    args: [{ name: 'RAWTX', kind: 'rawtx', param: 'raw_txs', variadic: true, description: 'raw transactions (hex, file, or -), parents first' }],
    json: '[{"txid": "...", "wtxid": "...", "allowed": true|false, "reason": "..."}, ...]',
    columns: [
      { key: 'txid', header: 'txid', format: 'hash' },
      { key: 'allowed', header: 'allowed', format: 'bool' },
      { key: 'reason', header: 'reason', format: 'text' },
    ],
  },
});

export const mempoolRecent = defineMethod({
  name: 'mempool.recent',
  since: '1.7',
  cost: 1,
  summary: 'The last 10 transactions to enter the mempool (protocol 1.7 draft)',
  params: [],
  result: v.array(v.object({ txid: v.hash32, fee: v.nonNegInt, vsize: v.nonNegInt })),
  command: 'mempool-recent',
  cli: {
    name: 'mempool-recent',
    args: [],
    json: '[{"txid": "...", "fee": <sats>, "vsize": <vbytes>}, ...] (newest first)',
    columns: [
      { key: 'txid', header: 'txid', format: 'hash' },
      { key: 'fee', header: 'fee', format: 'sats' },
      { key: 'vsize', header: 'vsize', format: 'int' },
    ],
  },
});
