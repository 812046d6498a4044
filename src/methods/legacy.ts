/**
 * Methods removed from the protocol (docs/protocol.md §5.2), kept to diagnose old servers and to
 * serve 1.0–1.2 sessions from `serve --local`. Each shares a subcommand with its modern
 * replacement; the command picks by the negotiated version, and `--method` forces one.
 */
import { defineMethod } from './spec.js';
import * as v from './validate.js';
import * as r from './results.js';
import { history } from './blockchain.js';
import { tipOf } from './normalise.js';

const addressParam = [{ name: 'address', kind: 'address', description: 'a Base58 or bech32 address' }] as const;

export const addressGetBalance = defineMethod({
  name: 'blockchain.address.get_balance',
  cost: 1,
  since: '1.0',
  until: '1.2',
  summary: 'Balance of an address (protocol 1.0–1.2)',
  params: addressParam,
  result: r.legacyBalance,
  command: 'balance',
});

export const addressGetHistory = defineMethod({
  name: 'blockchain.address.get_history',
  cost: 2,
  since: '1.0',
  until: '1.2',
  summary: 'History of an address (protocol 1.0–1.2)',
  params: addressParam,
  result: history,
  command: 'history',
});

export const addressGetMempool = defineMethod({
  name: 'blockchain.address.get_mempool',
  cost: 1,
  since: '1.0',
  until: '1.2',
  summary: 'Mempool transactions of an address (protocol 1.0–1.2)',
  params: addressParam,
  result: v.array(r.mempoolEntry),
  command: 'mempool',
});

export const addressListUnspent = defineMethod({
  name: 'blockchain.address.listunspent',
  cost: 1,
  since: '1.0',
  until: '1.2',
  summary: 'Unspent outputs of an address (protocol 1.0–1.2)',
  params: addressParam,
  result: v.array(r.legacyUtxo),
  command: 'utxos',
});

export const addressSubscribe = defineMethod({
  name: 'blockchain.address.subscribe',
  cost: 0.5,
  since: '1.0',
  until: '1.2',
  summary: 'Status of an address, then notifications (protocol 1.0–1.2)',
  params: addressParam,
  result: r.status,
  notification: v.tuple(v.string, r.status),
  command: 'subscribe',
});

export const addressGetProof = defineMethod({
  name: 'blockchain.address.get_proof',
  cost: 1,
  since: '1.0',
  until: '1.0',
  summary: 'An address proof (protocol 1.0 only; optional and never specified)',
  params: addressParam,
  result: v.any,
  command: 'proof',
  cli: {
    name: 'proof',
    args: [{ name: 'ADDR', kind: 'target', param: 'address', description: 'an address' }],
    json: 'whatever the server returns (the result was never specified)',
  },
});

export const numblocksSubscribe = defineMethod({
  name: 'blockchain.numblocks.subscribe',
  cost: 0.25,
  since: '1.0',
  until: '1.0',
  summary: 'The tip height (protocol 1.0; derived from the tip on newer servers)',
  params: [],
  result: v.nonNegInt,
  notification: v.tuple(v.nonNegInt),
  command: 'height',
  cli: {
    name: 'height',
    aliases: ['getblockcount'],
    args: [],
    json: '<height>',
    fallback: {
      method: 'blockchain.headers.subscribe',
      pick: tipOf,
      note: 'blockchain.numblocks.subscribe exists only in protocol 1.0: the height is read from blockchain.headers.subscribe',
    },
  },
});

export const utxoGetAddress = defineMethod({
  name: 'blockchain.utxo.get_address',
  cost: 1,
  since: '1.0',
  until: '1.0',
  summary: 'The address an output pays (protocol 1.0 only, optional)',
  params: [
    { name: 'tx_hash', kind: 'txid', description: 'the transaction id' },
    { name: 'index', kind: 'uint', description: 'the output index' },
  ],
  result: v.nullable(v.string),
  command: 'utxo-address',
  cli: {
    name: 'utxo-address',
    args: [
      { name: 'TXID', kind: 'txid', param: 'tx_hash', description: 'the transaction id' },
      { name: 'INDEX', kind: 'uint', param: 'index', description: 'the output index' },
    ],
    json: '"<address>" | null',
  },
});

export const blockGetHeader = defineMethod({
  name: 'blockchain.block.get_header',
  cost: 0.25,
  since: '1.0',
  until: '1.3',
  summary: 'A deserialized block header (protocol 1.0–1.3)',
  params: [{ name: 'height', kind: 'uint', description: 'the block height' }],
  result: r.deserializedHeader,
  command: 'header',
});

export const blockGetChunk = defineMethod({
  name: 'blockchain.block.get_chunk',
  cost: 2,
  since: '1.0',
  until: '1.3',
  summary: 'A chunk of 2016 headers, concatenated hex (protocol 1.0–1.3)',
  params: [{ name: 'index', kind: 'uint', description: 'the chunk index (heights index*2016 ...)' }],
  result: v.hex(),
  command: 'chunk',
  cli: {
    name: 'chunk',
    args: [{ name: 'INDEX', kind: 'uint', param: 'index', description: 'the chunk index' }],
    json: '"<concatenated 80-byte headers hex>"',
  },
});
