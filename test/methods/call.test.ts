/**
 * The typed call (src/methods/call.ts) over a real Connection to a server replaying the sessions
 * recorded from ElectrumX and Fulcrum: every reply is validated by the record's validator, an
 * invalid one is the project's ProtocolError naming the path, and the result comes back typed.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolError, ServerError } from '../../src/errors.js';
import { call, callBatch, callSubscribe } from '../../src/methods/call.js';
import { blockHeader, getBalance, headersSubscribe } from '../../src/methods/blockchain.js';
import { serverFeatures } from '../../src/methods/server.js';
import { tipOf } from '../../src/methods/normalise.js';
import { Connection } from '../../src/protocol/connection.js';
import { parseServer } from '../../src/protocol/server-address.js';
import { startScriptedServer, type ScriptedServerOptions } from '../support/scripted-server.js';
import { exchanges, listTranscripts } from '../support/transcripts.js';

const open: { close(): unknown }[] = [];
after(async () => {
  for (const c of open.reverse()) await c.close();
});

async function connect(opts: ScriptedServerOptions): Promise<Connection> {
  const s = await startScriptedServer(opts);
  open.push(s);
  const conn = await Connection.open({ server: parseServer(s.spec), keepaliveMs: 0 });
  open.push(conn);
  return conn;
}

const recorded = (transcript: string, method: string, params?: unknown[]) =>
  exchanges(listTranscripts().find((t) => t.name === transcript)!).find(
    (x) => x.method === method && !x.reply.error && (params === undefined || JSON.stringify(x.params) === JSON.stringify(params)),
  )!;

test('call returns the validated, typed result the server sent', async () => {
  const conn = await connect({ transcript: 'fulcrum-1.6' });
  const features = await call(conn, serverFeatures);
  // Typed: genesis_hash is a string here without a cast (a compile error otherwise).
  const genesis: string = features.genesis_hash;
  assert.deepEqual(features, recorded('fulcrum-1.6', 'server.features').reply.result);
  assert.match(genesis, /^[0-9a-f]{64}$/);
  const tip = await call(conn, headersSubscribe);
  // The raw form at 1.6, typed as such: `hex` is a string once the form is known.
  assert.ok('hex' in tip);
  const hex: string = tip.hex;
  assert.match(hex, /^[0-9a-f]{160}$/);
  assert.equal(tipOf(tip), (recorded('fulcrum-1.6', 'blockchain.headers.subscribe').reply.result as { height: number }).height);
});

test('a reply that fails validation is a ProtocolError naming the path, not a result', async () => {
  const conn = await connect({
    transcript: 'electrumx-1.6',
    faults: { 'blockchain.headers.subscribe': { kind: 'result', result: { hex: '00'.repeat(80), height: '7' } } },
  });
  await assert.rejects(call(conn, headersSubscribe), (err: unknown) => {
    assert.ok(err instanceof ProtocolError);
    assert.equal(err.message, 'invalid reply: result.height: expected a non-negative integer, got the string "7"');
    return true;
  });
  // The session is still usable: the error was the reply's, not the connection's.
  assert.ok(typeof (await call(conn, serverFeatures)).server_version === 'string');
});

test('validators see the params sent: block.header with a checkpoint wants the proof object', async () => {
  const conn = await connect({ transcript: 'electrumx-1.6' });
  const x = recorded('electrumx-1.6', 'blockchain.block.header', [5]);
  const plain = await call(conn, blockHeader, x.params);
  assert.deepEqual(plain, x.reply.result);
  const withCp = recorded('electrumx-1.6', 'blockchain.block.header', [5, 100]);
  const proof = await call(conn, blockHeader, [5, 100]);
  assert.deepEqual(proof, withCp.reply.result);
  assert.equal(typeof proof, 'object');
});

test('callBatch validates each item and keeps a server error as that item\'s', async () => {
  const sh = recorded('electrumx-1.6', 'blockchain.scripthash.get_balance');
  const conn = await connect({
    transcript: 'electrumx-1.6',
    extra: [{ method: 'blockchain.scripthash.get_balance', params: ['ff'.repeat(32)], error: { code: 1, message: 'no such script' } }],
  });
  const replies = await callBatch(conn, getBalance, [sh.params, ['ff'.repeat(32)]]);
  assert.equal(replies.length, 2);
  assert.ok('result' in replies[0]!);
  if ('result' in replies[0]!) assert.equal(replies[0].result.confirmed, (sh.reply.result as { confirmed: number }).confirmed);
  assert.ok('error' in replies[1]! && replies[1].error instanceof ServerError);

  const lying = await connect({ transcript: 'electrumx-1.6', faults: { 'blockchain.scripthash.get_balance': { kind: 'missing-field', field: 'confirmed' } } });
  await assert.rejects(callBatch(lying, getBalance, [sh.params]), /invalid reply: result: missing field "confirmed"/);
});

test('callSubscribe validates the first result and hands back the notification stream', async () => {
  const conn = await connect({ transcript: 'fulcrum-1.4' });
  const { result, stream } = await callSubscribe(conn, headersSubscribe);
  assert.equal(typeof tipOf(result), 'number');
  assert.equal(typeof stream[Symbol.asyncIterator], 'function');
});
