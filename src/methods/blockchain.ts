/** `blockchain.*` methods of the current protocol (docs/protocol.md §5.1, §5.3). */
import { defineMethod, type ArgSpec, type ColumnSpec } from './spec.js';
import * as v from './validate.js';
import * as r from './results.js';
import { FEE_MODES } from './params.js';
import { checkHistoryOrder } from './history-order.js';

const target: ArgSpec = {
  name: 'ADDR',
  kind: 'target',
  param: 'scripthash',
  variadic: true,
  description: 'an address of the network, a script hash (64 hex), or use --script HEX',
};
const scripthashParam = [{ name: 'scripthash', kind: 'scripthash', description: 'the script hash (docs/protocol.md §3)' }] as const;

const historyColumns: ColumnSpec[] = [
  { key: 'height', header: 'height', format: 'height' },
  { key: 'tx_hash', header: 'txid', format: 'hash' },
  { key: 'fee', header: 'fee', format: 'sats' },
];
const utxoColumns: ColumnSpec[] = [
  { key: 'height', header: 'height', format: 'height' },
  { key: 'tx_hash', header: 'txid', format: 'hash' },
  { key: 'tx_pos', header: 'vout', format: 'int' },
  { key: 'value', header: 'value', format: 'btc' },
];

export const history = v.refine(v.array(r.historyEntry), (h, ctx) => checkHistoryOrder(h, ctx.version));

export const getBalance = defineMethod({
  name: 'blockchain.scripthash.get_balance',
  cost: 1,
  since: '1.1',
  // ElectrumX master drops the scripthash methods at the 1.7 draft (scriptpubkey ones instead).
  until: '1.6',
  summary: 'Confirmed and unconfirmed balance of an address or script hash',
  params: scripthashParam,
  result: r.balance,
  command: 'balance',
  cli: {
    name: 'balance',
    aliases: ['getaddressbalance'],
    args: [target],
    json: '{"confirmed": <sats>, "unconfirmed": <sats, may be negative>}; --verify wraps it: {"result": ..., "verified": true|false, "verification": {"status": "verified|unconfirmed|unanchored|failed", "checkpoints", "proofs": [...], "notes": [...]}}',
    options: [
      { flags: '--verify', kind: 'bool', description: 'prove the funding transactions of the UTXOs (unspentness cannot be proven): merkle proofs against headers chained to a checkpoint, txids against raw transactions (exit 6 if false)' },
      { flags: '--checkpoint <height:hash>', kind: 'string', description: 'anchor --verify to this block instead of the built-in checkpoints' },
    ],
    columns: [
      { key: 'confirmed', header: 'confirmed', format: 'btc' },
      { key: 'unconfirmed', header: 'unconfirmed', format: 'btc' },
    ],
    examples: ['electrum-cli balance bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 --json | jq .confirmed'],
  },
});

export const getHistory = defineMethod({
  name: 'blockchain.scripthash.get_history',
  cost: 2,
  since: '1.1',
  // ElectrumX master drops the scripthash methods at the 1.7 draft (scriptpubkey ones instead).
  until: '1.6',
  summary: 'Confirmed and mempool transactions of an address or script hash',
  params: scripthashParam,
  result: history,
  command: 'history',
  cli: {
    name: 'history',
    aliases: ['getaddresshistory'],
    args: [target],
    json: '[{"tx_hash": "<txid>", "height": <n>}, ..., {"tx_hash": "<txid>", "height": 0 | -1, "fee": <sats>}]; --verify wraps it: {"result": ..., "verified": true|false, "verification": {"status": "verified|unconfirmed|unanchored|failed", "checkpoints", "proofs": [{"txid", "height", "status", "reason"?, "block"?, "anchor"?}], "notes": [...]}}',
    options: [
      { flags: '--verify', kind: 'bool', description: 'prove it: merkle proofs against headers chained to a checkpoint, txids against raw transactions (exit 6 if false)' },
      { flags: '--checkpoint <height:hash>', kind: 'string', description: 'anchor --verify to this block instead of the built-in checkpoints' },
    ],
    columns: historyColumns,
    examples: ["electrum-cli history ADDR --json | jq '.[] | select(.height > 800000) | .tx_hash'"],
  },
});

export const getMempool = defineMethod({
  name: 'blockchain.scripthash.get_mempool',
  cost: 1,
  since: '1.1',
  // ElectrumX master drops the scripthash methods at the 1.7 draft (scriptpubkey ones instead).
  until: '1.6',
  summary: 'Mempool transactions of an address or script hash',
  params: scripthashParam,
  result: v.array(r.mempoolEntry),
  command: 'mempool',
  cli: {
    name: 'mempool',
    args: [target],
    json: '[{"tx_hash": "<txid>", "height": 0 | -1, "fee": <sats>}, ...]',
    columns: historyColumns,
  },
});

export const listUnspent = defineMethod({
  name: 'blockchain.scripthash.listunspent',
  cost: 1,
  since: '1.1',
  // ElectrumX master drops the scripthash methods at the 1.7 draft (scriptpubkey ones instead).
  until: '1.6',
  summary: 'Unspent outputs of an address or script hash (mempool outputs at height 0)',
  params: scripthashParam,
  result: v.array(r.utxo),
  command: 'utxos',
  cli: {
    name: 'utxos',
    aliases: ['listunspent', 'getaddressunspent'],
    args: [target],
    json: '[{"tx_hash": "<txid>", "tx_pos": <n>, "height": <n>, "value": <sats>}, ...]',
    columns: utxoColumns,
  },
});

export const subscribe = defineMethod({
  name: 'blockchain.scripthash.subscribe',
  cost: 0.5,
  since: '1.1',
  // ElectrumX master drops the scripthash methods at the 1.7 draft (scriptpubkey ones instead).
  until: '1.6',
  summary: 'Status hash of an address or script hash, then a notification on every change',
  params: scripthashParam,
  result: r.status,
  notification: v.tuple(v.hash32, r.status),
  command: 'subscribe',
  cli: {
    name: 'subscribe',
    hints: [
      { name: 'notify', why: "Electrum's notify ADDR URL posts changes to a URL; subscribe ADDR prints each change (--exec CMD runs a command)" },
    ],
    aliases: ['watch'],
    args: [target],
    options: [
      { flags: '--until-confirmed <n>', kind: 'uint', description: 'exit 0 once a watched transaction has N confirmations' },
      { flags: '--exec <command>', kind: 'string', description: 'run COMMAND (with sh) for each event, the event as JSON on its stdin' },
    ],
    json: 'NDJSON, one event per line: first {"type": "status", "arg": "...", "scripthash": "...", "status": "<hex>" | null, "history": [...]}, then per change {"type": "status", "arg", "scripthash", "status", "added": [...], "confirmed": [...], "unconfirmed": [...], "removed": [...]}; with --until-confirmed also {"type": "confirmed", "tx_hash": "...", "height": n, "confirmations": n}',
    description:
      'Prints the current status, then streams status changes with the history entries that changed until interrupted (Ctrl-C unsubscribes, exit 130). ' +
      'Reconnects with backoff after a dropped connection and reports once what changed meanwhile.',
    examples: ["electrum-cli watch ADDR --until-confirmed 1 --exec 'cat >> events.ndjson'"],
  },
});

export const unsubscribe = defineMethod({
  name: 'blockchain.scripthash.unsubscribe',
  cost: 0.1,
  since: '1.4.2',
  until: '1.6',
  summary: 'Stop notifications for an address or script hash',
  params: scripthashParam,
  result: v.boolean,
  command: 'unsubscribe',
  cli: { name: 'unsubscribe', args: [target], json: 'true | false (whether it was subscribed)' },
});

export const blockHeader = defineMethod({
  name: 'blockchain.block.header',
  cost: 0.25,
  since: '1.3',
  summary: 'The block header at a height, optionally with a checkpoint proof',
  params: [
    { name: 'height', kind: 'uint', description: 'the block height' },
    { name: 'cp_height', kind: 'uint', description: 'checkpoint height for a proof (0: none)', optional: true, default: 0, since: '1.4' },
  ],
  result: (value, path, ctx) =>
    typeof ctx.params[1] === 'number' && ctx.params[1] > 0
      ? v.object({ header: r.headerHex, branch: r.merkleBranch, root: v.hash32 })(value, path, ctx)
      : r.headerHex(value, path, ctx),
  command: 'header',
  cli: {
    name: 'header',
    hints: [
      { name: 'getblockheader', why: "bitcoin-cli's getblockheader takes a block hash; header takes a height (header HEIGHT --decode shows the fields)" },
    ],
    args: [{ name: 'HEIGHT', kind: 'uint', param: 'height', description: 'the block height' }],
    options: [
      { flags: '--cp-height <height>', param: 'cp_height', kind: 'uint', description: 'also fetch a proof against the checkpoint at this height' },
      { flags: '--decode', kind: 'bool', description: 'decode the header (fields, hash, whether its PoW meets its bits)' },
    ],
    json: '"<80-byte header hex>", or with --cp-height {"header": "...", "branch": [...], "root": "..."}; --decode wraps it: {"result": ..., "decoded": {...}}',
  },
});

export const blockHeaders = defineMethod({
  name: 'blockchain.block.headers',
  cost: 2,
  since: '1.2',
  summary: 'A run of consecutive block headers (at most 2016), optionally with a checkpoint proof',
  params: [
    { name: 'start_height', kind: 'uint', description: 'the first height' },
    { name: 'count', kind: 'uint', description: 'how many headers' },
    { name: 'cp_height', kind: 'uint', description: 'checkpoint height for a proof of the last header', optional: true, default: 0, since: '1.4' },
  ],
  result: v.byVersion<unknown>([
    ['1.2', v.object({ count: v.nonNegInt, max: v.nonNegInt, hex: v.hex() }, { root: v.hash32, branch: r.merkleBranch })],
    ['1.6', v.object({ count: v.nonNegInt, max: v.nonNegInt, headers: v.array(r.headerHex) }, { root: v.hash32, branch: r.merkleBranch })],
  ]),
  command: 'headers',
  cli: {
    name: 'headers',
    args: [
      { name: 'START', kind: 'uint', param: 'start_height', description: 'the first height' },
      { name: 'COUNT', kind: 'uint', param: 'count', description: 'how many headers (the server caps it, usually at 2016)' },
    ],
    options: [{ flags: '--cp-height <height>', param: 'cp_height', kind: 'uint', description: 'also fetch a proof of the last header against this checkpoint' }],
    json: '{"count": n, "max": 2016, "hex": "<concatenated>"} before 1.6, {"count": n, "max": 2016, "headers": ["<hex>", ...]} from 1.6 (plus "root", "branch" with --cp-height)',
  },
});

export const headersSubscribe = defineMethod({
  name: 'blockchain.headers.subscribe',
  cost: 0.25,
  since: '1.0',
  summary: 'The current chain tip, then a notification for every new tip',
  // ElectrumX 1.4 (the last to serve 1.0) took raw at 1.0 and 1.1 too.
  params: [{ name: 'raw', kind: 'bool', description: 'raw header hex instead of a deserialized header', optional: true, since: '1.2', until: '1.3', server: { since: '1.0' } }],
  result: r.tipResult,
  notification: r.tipNotification,
  command: 'tip',
  cli: {
    name: 'tip',
    hints: [
      { name: 'getbestblockhash', why: "tip shows the height and hash of the server's best block" },
    ],
    args: [],
    options: [
      { flags: '--follow', kind: 'bool', description: 'stream every new tip (NDJSON under --json); reconnects after a dropped connection' },
      { flags: '--exec <command>', kind: 'string', description: 'with --follow: run COMMAND (with sh) for each new tip, the event as JSON on its stdin' },
    ],
    json: '{"hex": "<header>", "height": n} (1.0–1.3 servers: the deserialized header); with --follow, NDJSON {"type": "tip", "height": n, "hex": "..."}',
  },
});

export const estimateFee = defineMethod({
  name: 'blockchain.estimatefee',
  cost: 0.5,
  since: '1.0',
  summary: 'Fee rate (BTC/kvB) to confirm within a number of blocks; -1 when the server has no estimate',
  params: [
    { name: 'number', kind: 'uint', description: 'target number of blocks' },
    // ElectrumX takes a mode at every version (a non-string one is no mode).
    { name: 'mode', kind: 'feemode', description: 'CONSERVATIVE or ECONOMICAL', optional: true, since: '1.6', server: { since: '1.0' } },
  ],
  result: v.feeRate,
  command: 'estimatefee',
  cli: {
    name: 'estimatefee',
    hints: [
      { name: 'getfeerate', why: "Electrum's getfeerate is its wallet's fee policy in sat/kvB; estimatefee BLOCKS asks the server's estimate" },
      { name: 'estimatesmartfee', why: "bitcoin-cli's estimatesmartfee asks bitcoind; estimatefee BLOCKS [MODE] asks the server the same question" },
    ],
    args: [
      { name: 'BLOCKS', kind: 'uint', param: 'number', description: 'target number of blocks' },
      { name: 'MODE', kind: 'string', param: 'mode', optional: true, choices: FEE_MODES, description: 'estimate mode (protocol 1.6)' },
    ],
    json: '<BTC per kvB> | -1',
  },
});

export const relayFee = defineMethod({
  name: 'blockchain.relayfee',
  cost: 1,
  since: '1.0',
  until: '1.5',
  summary: "The server's minimum relay fee rate (BTC/kvB); from 1.6 read from mempool.get_info",
  params: [],
  result: v.refine(v.number, (x) => (x >= 0 ? null : 'negative fee')),
  command: 'relayfee',
  cli: {
    name: 'relayfee',
    args: [],
    json: '<BTC per kvB>',
    fallback: {
      method: 'mempool.get_info',
      pick: (res) => (res as { minrelaytxfee: number }).minrelaytxfee,
      note: 'protocol 1.6 removed blockchain.relayfee: the value is mempool.get_info.minrelaytxfee',
    },
  },
});

export const txGet = defineMethod({
  name: 'blockchain.transaction.get',
  cost: 1,
  since: '1.0',
  summary: 'A raw transaction, or with --verbose bitcoind\'s decoded object',
  params: [
    { name: 'tx_hash', kind: 'txid', description: 'the transaction id' },
    { name: 'height', kind: 'uint', description: 'ignored by servers', optional: true, until: '1.0' },
    // ElectrumX 1.4 (the last to serve 1.0) took verbose from 1.1.
    { name: 'verbose', kind: 'bool', description: "return bitcoind's verbose object", optional: true, default: false, since: '1.2', server: { since: '1.1' } },
  ],
  result: (value, path, ctx) => (ctx.params[1] === true ? r.verboseTx(value, path, ctx) : v.hex()(value, path, ctx)),
  command: 'tx',
  cli: {
    name: 'tx',
    aliases: ['gettransaction', 'getrawtransaction'],
    args: [{ name: 'TXID', kind: 'txid', param: 'tx_hash', description: 'the transaction id', variadic: true }],
    options: [
      { flags: '--verbose', param: 'verbose', kind: 'bool', description: "ask for bitcoind's verbose object (protocol 1.2+)" },
      { flags: '--decode', kind: 'bool', description: 'decode the transaction locally (inputs, outputs with addresses, sizes)' },
      { flags: '--verify', kind: 'bool', description: 'prove it: merkle proofs against headers chained to a checkpoint, txids against raw transactions (exit 6 if false)' },
      { flags: '--checkpoint <height:hash>', kind: 'string', description: 'anchor --verify to this block instead of the built-in checkpoints' },
    ],
    json: '"<raw tx hex>" (the txid is checked against it), or the verbose object; --decode: {"result": "<hex>", "decoded": {"txid", "inputs": [...], "outputs": [...], ...}}; --verify: {"result": ..., "verified": true|false, "verification": {"status", "checkpoints", "proofs": [...], "notes": [...]}}',
  },
});

export const broadcast = defineMethod({
  name: 'blockchain.transaction.broadcast',
  cost: 1,
  since: '1.0',
  summary: 'Broadcast a raw transaction (never retried: it may already have been accepted)',
  params: [{ name: 'raw_tx', kind: 'rawtx', description: 'the raw transaction in hex' }],
  result: v.string,
  command: 'broadcast',
  cli: {
    name: 'broadcast',
    aliases: ['sendrawtransaction'],
    args: [{ name: 'RAWTX', kind: 'rawtx', param: 'raw_tx', description: 'raw transaction hex, a file holding it, or - for stdin' }],
    json: '"<txid>" (checked against the txid computed from RAWTX)',
  },
});

export const broadcastPackage = defineMethod({
  name: 'blockchain.transaction.broadcast_package',
  cost: 1,
  since: '1.6',
  summary: 'Broadcast a package: parents then the child that spends them (needs bitcoind 28+)',
  params: [
    { name: 'raw_txs', kind: 'rawtxs', description: 'the raw transactions, child last' },
    // ElectrumX reads it with Python's truthiness (`if verbose:`).
    { name: 'verbose', kind: 'bool', description: "return bitcoind's submitpackage result", optional: true, default: false, server: { truthy: true } },
  ],
  result: (value, path, ctx) =>
    ctx.params[1] === true
      ? v.any(value, path, ctx)
      : v.object({ success: v.boolean }, { errors: v.array(v.object({ txid: v.hash32, error: v.string })) })(value, path, ctx),
  command: 'broadcast-package',
  cli: {
    name: 'broadcast-package',
    args: [{ name: 'RAWTX', kind: 'rawtx', param: 'raw_txs', variadic: true, description: 'raw transactions (hex, file, or -), parents first, child last' }],
    options: [{ flags: '--verbose', param: 'verbose', kind: 'bool', description: "return bitcoind's raw submitpackage result" }],
    json: '{"success": true|false, "errors": [{"txid": "...", "error": "..."}]}',
  },
});

export const getMerkle = defineMethod({
  name: 'blockchain.transaction.get_merkle',
  cost: 1,
  since: '1.0',
  summary: 'The merkle branch proving a transaction is in the block at a height',
  params: [
    { name: 'tx_hash', kind: 'txid', description: 'the transaction id' },
    { name: 'height', kind: 'uint', description: 'the height of its block' },
  ],
  result: r.merkleResult,
  command: 'merkle',
  cli: {
    name: 'merkle',
    aliases: ['getmerkle'],
    args: [
      { name: 'TXID', kind: 'txid', param: 'tx_hash', description: 'the transaction id' },
      { name: 'HEIGHT', kind: 'uint', param: 'height', description: 'the height of its block' },
    ],
    options: [
      { flags: '--verify', kind: 'bool', description: "check the branch against the merkle root of a header chained to a checkpoint, or else of the server's own header (unanchored; exit 6 if false either way)" },
      { flags: '--checkpoint <height:hash>', kind: 'string', description: 'anchor --verify to this block instead of the built-in checkpoints' },
    ],
    json: '{"block_height": n, "merkle": ["<hex>", ...], "pos": n}; --verify wraps it: {"result": ..., "verified": true|false, "verification": {"status": "verified|unconfirmed|unanchored|failed", "checkpoints", "proofs": [...], "notes": [...]}}',
    columns: [
      { key: 'block_height', header: 'height', format: 'height' },
      { key: 'pos', header: 'pos', format: 'int' },
      { key: 'merkle', header: 'branch', format: 'hashes' },
    ],
  },
});

export const idFromPos = defineMethod({
  name: 'blockchain.transaction.id_from_pos',
  cost: 1,
  since: '1.4',
  summary: 'The txid at a position in the block at a height, optionally with its merkle branch',
  params: [
    { name: 'height', kind: 'uint', description: 'the block height' },
    { name: 'tx_pos', kind: 'uint', description: 'the position in the block (0 = coinbase)' },
    { name: 'merkle', kind: 'bool', description: 'also return the merkle branch', optional: true, default: false },
  ],
  result: (value, path, ctx) =>
    ctx.params[2] === true ? v.object({ tx_hash: v.hash32, merkle: r.merkleBranch })(value, path, ctx) : v.hash32(value, path, ctx),
  command: 'tx-from-pos',
  cli: {
    name: 'tx-from-pos',
    args: [
      { name: 'HEIGHT', kind: 'uint', param: 'height', description: 'the block height' },
      { name: 'POS', kind: 'uint', param: 'tx_pos', description: 'the position in the block' },
    ],
    options: [{ flags: '--merkle', param: 'merkle', kind: 'bool', description: 'also return the merkle branch' }],
    json: '"<txid>", or with --merkle {"tx_hash": "...", "merkle": [...]}',
    columns: [
      { key: 'tx_hash', header: 'txid', format: 'hash' },
      { key: 'merkle', header: 'branch', format: 'hashes' },
    ],
  },
});
