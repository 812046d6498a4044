/** tipOf and headersOf (src/methods/normalise.ts) on the shapes real servers send. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headersOf, tipOf } from '../../src/methods/normalise.js';
import { ProtocolError } from '../../src/errors.js';
import { checkChain, deserializedHeader } from '../../src/bitcoin/header.js';
import { exchanges, listTranscripts, notifications } from '../support/transcripts.js';

const transcripts = listTranscripts();

test('tipOf reads the height of every recorded tip, reply and notification', () => {
  let n = 0;
  for (const t of transcripts) {
    for (const x of exchanges(t)) {
      if (x.method !== 'blockchain.headers.subscribe' || x.reply.error) continue;
      const r = x.reply.result as { height: number };
      assert.equal(tipOf(r), r.height, t.name);
      n++;
    }
    for (const note of notifications(t)) {
      if (note.method !== 'blockchain.headers.subscribe') continue;
      assert.equal(tipOf(note.params[0]), (note.params[0] as { height: number }).height, t.name);
      n++;
    }
  }
  assert.ok(n >= 8, `only ${n} tips`);
});

test('tipOf reads block_height from a 1.0–1.3 deserialized header, and nothing from garbage', () => {
  const x = exchanges(transcripts[0]!).find((e) => e.method === 'blockchain.headers.subscribe' && !e.reply.error)!;
  const raw = x.reply.result as { hex: string; height: number };
  const old = deserializedHeader(raw.hex, raw.height);
  assert.equal('height' in old, false);
  assert.equal(tipOf(old), raw.height);
  for (const bad of [null, undefined, 7, 'x', [], {}, { height: '7' }, { block_height: 1.5 }]) assert.equal(tipOf(bad), undefined);
});

test('headersOf gives the same headers from 1.4 hex and 1.6 lists, ElectrumX and Fulcrum alike', () => {
  const got = new Map<string, string[]>();
  for (const t of transcripts) {
    const x = exchanges(t).find((e) => e.method === 'blockchain.block.headers' && JSON.stringify(e.params) === '[90,5]' && !e.reply.error)!;
    const form = Array.isArray((x.reply.result as { headers?: unknown }).headers) ? 'list' : 'hex';
    assert.equal(form, t.version === '1.6' ? 'list' : 'hex', `${t.name} sends the ${form} form`);
    const hs = headersOf(x.reply.result)!;
    assert.equal(hs.length, 5);
    for (const h of hs) assert.match(h, /^[0-9a-f]{160}$/);
    got.set(t.name, hs);
  }
  const [first, ...rest] = [...got.values()];
  for (const hs of rest) assert.deepEqual(hs, first);
  // A run of consecutive headers, each linking to the one before.
  assert.equal(checkChain(first!.map((h) => Buffer.from(h, 'hex'))), -1);
});

test('headersOf: neither form is undefined; hex that is not whole headers is a ProtocolError', () => {
  assert.equal(headersOf({ count: 0, max: 2016 }), undefined);
  assert.equal(headersOf(null), undefined);
  assert.deepEqual(headersOf({ hex: '' }), []);
  assert.throws(() => headersOf({ hex: '00'.repeat(79) }), ProtocolError);
  assert.throws(() => headersOf({ hex: 'zz'.repeat(80) }), ProtocolError);
});
