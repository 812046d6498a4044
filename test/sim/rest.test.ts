import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startNode } from '../support/bitcoind.js';
import { Reader } from '../../sim/bytes.js';
import { rest } from '../support/http-request.js';

/** Decodes /rest/spenttxouts/<hash>.bin: per tx (coinbase first, empty), the spent (value, script) list. */
function decodeSpentTxouts(buf: Buffer): { value: number; script: string }[][] {
  const r = new Reader(buf);
  const n = r.varint();
  const out: { value: number; script: string }[][] = [];
  for (let i = 0; i < n; i++) {
    const m = r.varint();
    const list: { value: number; script: string }[] = [];
    for (let j = 0; j < m; j++) list.push({ value: r.u64(), script: r.varbytes().toString('hex') });
    out.push(list);
  }
  assert.ok(r.eof, 'no trailing bytes');
  return out;
}

test('REST endpoints match the RPC views; spenttxouts round-trips', { timeout: 60_000 }, async () => {
  const node = await startNode();
  try {
    await node.mine(101);
    for (const t of ['legacy', 'p2sh-segwit', 'bech32', 'bech32m'] as const) await node.send(await node.newAddress(t), 0.3);
    const [hash] = await node.mine(1);
    const height = await node.rpc<number>('getblockcount');

    const bin = await rest(node.restUrl, `/block/${hash}.bin`);
    assert.equal(bin.status, 200);
    assert.equal(bin.body.toString('hex'), await node.rpc('getblock', [hash, 0]));
    const hex = await rest(node.restUrl, `/block/${hash}.hex`);
    assert.equal(hex.body.toString(), (await node.rpc<string>('getblock', [hash, 0])) + '\n');
    const notx = JSON.parse((await rest(node.restUrl, `/block/notxdetails/${hash}.json`)).body.toString());
    assert.deepEqual(notx.tx, (await node.rpc<any>('getblock', [hash, 1])).tx);

    const genesis = await node.rpc<string>('getblockhash', [0]);
    const h5 = await rest(node.restUrl, `/headers/5/${genesis}.bin`);
    assert.equal(h5.body.length, 400);
    const h5q = await rest(node.restUrl, `/headers/${genesis}.bin?count=5`);
    assert.deepEqual(h5q.body, h5.body);
    for (let i = 0; i < 5; i++) {
      const bh = await node.rpc<string>('getblockhash', [i]);
      assert.equal(h5.body.subarray(i * 80, i * 80 + 80).toString('hex'), await node.rpc('getblockheader', [bh, false]));
    }
    const hj = JSON.parse((await rest(node.restUrl, `/headers/${hash}.json?count=3`)).body.toString());
    assert.equal(hj.length, 1, 'stops at the tip');
    assert.equal((await rest(node.restUrl, `/headers/0/${genesis}.bin`)).status, 400);

    const byHeight = JSON.parse((await rest(node.restUrl, `/blockhashbyheight/${height}.json`)).body.toString());
    assert.deepEqual(byHeight, { blockhash: hash });
    const byHeightBin = await rest(node.restUrl, `/blockhashbyheight/${height}.bin`);
    assert.equal(Buffer.from(byHeightBin.body).reverse().toString('hex'), hash);
    assert.equal((await rest(node.restUrl, `/blockhashbyheight/${height + 1}.json`)).status, 404);

    const chaininfo = JSON.parse((await rest(node.restUrl, '/chaininfo.json')).body.toString());
    assert.equal(chaininfo.bestblockhash, hash);
    assert.equal(chaininfo.chain, 'regtest');
    const mpinfo = JSON.parse((await rest(node.restUrl, '/mempool/info.json')).body.toString());
    assert.equal(mpinfo.size, 0);
    assert.deepEqual(JSON.parse((await rest(node.restUrl, '/mempool/contents.json')).body.toString()), {});
    assert.equal((await rest(node.restUrl, `/block/${'00'.repeat(32)}.bin`)).status, 404);
    // rest.cpp: an unknown suffix stays part of the hash, so it is an invalid hash (400), not a 404.
    assert.equal((await rest(node.restUrl, `/block/${hash}.xml`)).status, 400);

    // spenttxouts: the binary form equals the prevouts getblock 3 reports, in order.
    const spent = await rest(node.restUrl, `/spenttxouts/${hash}.bin`);
    assert.equal(spent.status, 200);
    const decoded = decodeSpentTxouts(spent.body);
    const full = await node.rpc<any>('getblock', [hash, 3]);
    assert.equal(decoded.length, full.tx.length);
    assert.deepEqual(decoded[0], []);
    for (let i = 1; i < full.tx.length; i++) {
      assert.deepEqual(decoded[i], full.tx[i].vin.map((v: any) => ({ value: Math.round(v.prevout.value * 1e8), script: v.prevout.scriptPubKey.hex })));
    }
    const spentJson = JSON.parse((await rest(node.restUrl, `/spenttxouts/${hash}.json`)).body.toString());
    assert.equal(spentJson.length, decoded.length);
    assert.equal(spentJson[1][0].scriptPubKey.hex, decoded[1][0].script);
    assert.equal((await rest(node.restUrl, `/spenttxouts/${hash}.hex`)).body.toString(), spent.body.toString('hex') + '\n');
    assert.deepEqual(decodeSpentTxouts((await rest(node.restUrl, `/spenttxouts/${genesis}.bin`)).body), [[]]);
  } finally {
    await node.cleanup();
  }
});

test('REST disabled: every /rest/ path is 404 while RPC works', { timeout: 30_000 }, async () => {
  const node = await startNode({ rest: false, wallet: null });
  try {
    const genesis = await node.rpc<string>('getblockhash', [0]);
    assert.equal((await rest(node.restUrl, `/block/${genesis}.bin`)).status, 404);
    assert.equal((await rest(node.restUrl, '/chaininfo.json')).status, 404);
    assert.equal((await rest(node.restUrl, `/spenttxouts/${genesis}.bin`)).status, 404);
  } finally {
    await node.cleanup();
  }
});

test('REST status codes follow rest.cpp: 400 for a malformed request, 404 for unknown data or format', { timeout: 60_000 }, async () => {
  const node = await startNode();
  try {
    await node.mine(101);
    await node.send(await node.newAddress(), 0.5);
    const tip = await node.rpc<string>('getbestblockhash');
    const height = await node.rpc<number>('getblockcount');
    const unknown = '11'.repeat(32);
    const coinbase = (await node.rpc<any>('getblock', [tip, 1])).tx[0];
    const cases: [string, number][] = [
      // block, block/notxdetails: hash checked first, then existence, then the format.
      [`/block/${tip.slice(1)}.bin`, 400], [`/block/${unknown}.bin`, 404], [`/block/${tip}.xml`, 400], [`/block/${tip}`, 404],
      [`/block/notxdetails/${tip}.xml`, 400], [`/block/notxdetails/${unknown}.json`, 404], [`/block/notxdetails/${tip}.json`, 200],
      // headers: path shape, then count, then hash; an unknown hash is an empty answer, not a 404.
      [`/headers/1/2/${tip}.bin`, 400], [`/headers/0/${tip}.bin`, 400], [`/headers/2001/${tip}.bin`, 400], [`/headers/x/${tip}.bin`, 400],
      [`/headers/${tip}.bin?count=0`, 400], [`/headers/1/${tip.slice(2)}.bin`, 400], [`/headers/1/${tip}.xml`, 400],
      [`/headers/1/${unknown}.bin`, 200], [`/headers/1/${tip}`, 404], [`/headers/${tip}.hex`, 200],
      // blockhashbyheight: a non-negative int32, then the active height, then the format.
      ['/blockhashbyheight/abc.json', 400], ['/blockhashbyheight/-1.json', 400], ['/blockhashbyheight/2147483648.json', 400],
      [`/blockhashbyheight/${height}.xml`, 400], [`/blockhashbyheight/${height + 1}.json`, 404], [`/blockhashbyheight/${height}`, 404],
      [`/blockhashbyheight/${height}.hex`, 200],
      // tx (with -txindex): hash, existence, format.
      [`/tx/${coinbase.slice(1)}.json`, 400], [`/tx/${unknown}.json`, 404], [`/tx/${coinbase}.xml`, 400], [`/tx/${coinbase}`, 404],
      [`/tx/${coinbase}.hex`, 200],
      // chaininfo and mempool only know json; mempool checks the resource name before the format.
      ['/chaininfo.bin', 404], ['/chaininfo', 404], ['/mempool/info.bin', 404], ['/mempool/info', 404], ['/mempool/info.xml', 400],
      ['/mempool/other.json', 400], ['/mempool/contents.json?verbose=maybe', 400], ['/mempool/contents.json?mempool_sequence=1', 400],
      ['/mempool/contents.json?mempool_sequence=true', 400], ['/mempool/contents.json?verbose=false', 200],
      // spenttxouts: one path part, a hash, a known block, then the format.
      [`/spenttxouts/${tip}/1.bin`, 400], [`/spenttxouts/${tip.slice(1)}.bin`, 400], [`/spenttxouts/${unknown}.bin`, 404],
      [`/spenttxouts/${tip}.xml`, 400], [`/spenttxouts/${tip}`, 404],
    ];
    const got = [];
    for (const [p, want] of cases) {
      const r = await rest(node.restUrl, p);
      got.push([p, r.status, want]);
      if (r.status !== 200) assert.equal(r.type, 'text/plain', p);
    }
    assert.deepEqual(got.filter(([, a, b]) => a !== b), [], 'paths answered with another status');
    assert.deepEqual(JSON.parse((await rest(node.restUrl, `/headers/1/${unknown}.json`)).body.toString()), []);
    assert.equal((await rest(node.restUrl, `/block/${tip}`)).body.toString(), 'output format not found (available: .bin, .hex, .json)\r\n');
    assert.equal((await rest(node.restUrl, `/block/${tip}.xml`)).body.toString(), `Invalid hash: ${tip}.xml\r\n`);
    const seq = JSON.parse((await rest(node.restUrl, '/mempool/contents.json?verbose=false&mempool_sequence=true')).body.toString());
    assert.deepEqual(seq, await node.rpc('getrawmempool', [false, true]));
  } finally {
    await node.cleanup();
  }
});
