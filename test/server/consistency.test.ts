/**
 * The block/mempool race (issue 9 item 1): while blocks confirm transactions that were in the
 * mempool, a session hammering get_history and listunspent must never see a reply that
 * combines the new block with the old mempool (a txid twice, an outpoint twice).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startNode } from '../support/bitcoind.js';
import { startServe, waitSynced } from '../support/serve-in-process.js';
import { connectLines } from '../support/serve-client.js';
import { addressToScriptHash } from '../../src/bitcoin/scripthash.js';

/** Park–Miller, as the other seeded tests. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

/** Keeps `depth` requests in flight on one connection until stopped; checks every reply. */
function hammer(port: number, shs: string[], depth: number) {
  const socket = net.connect(port, '127.0.0.1');
  let buf = '';
  let id = 0;
  let stopped = false;
  const stats = { replies: 0, history: 0, utxos: 0, bad: [] as string[] };
  const kinds = new Map<number, { method: string; sh: string }>();
  const send = (): void => {
    if (stopped) return;
    const sh = shs[id % shs.length]!;
    const method = id % 2 === 0 ? 'blockchain.scripthash.get_history' : 'blockchain.scripthash.listunspent';
    kinds.set(++id, { method, sh });
    socket.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params: [sh] })}\n`);
  };
  const ready = new Promise<void>((resolve) => socket.once('connect', () => {
    socket.write(`${JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'server.version', params: ['hammer', '1.6'] })}\n`);
    resolve();
  }));
  socket.on('data', (d) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const m = JSON.parse(buf.slice(0, i));
      buf = buf.slice(i + 1);
      if (m.id === 0) {
        for (let k = 0; k < depth; k++) send();
        continue;
      }
      const k = kinds.get(m.id);
      kinds.delete(m.id);
      if (!k) continue;
      stats.replies++;
      if (m.error) stats.bad.push(`${k.method}: error ${JSON.stringify(m.error)}`);
      else if (k.method.endsWith('get_history')) {
        stats.history++;
        const ids = m.result.map((e: { tx_hash: string }) => e.tx_hash);
        if (new Set(ids).size !== ids.length) stats.bad.push(`history of ${k.sh} repeats a txid: ${JSON.stringify(m.result)}`);
      } else {
        stats.utxos++;
        const ops = m.result.map((u: { tx_hash: string; tx_pos: number }) => `${u.tx_hash}:${u.tx_pos}`);
        if (new Set(ops).size !== ops.length) stats.bad.push(`listunspent of ${k.sh} repeats an outpoint: ${JSON.stringify(m.result)}`);
      }
      send();
    }
  });
  socket.on('error', () => {});
  return {
    ready,
    stats,
    stop: () => {
      stopped = true;
      socket.destroy();
    },
  };
}

test('blocks mined under a get_history/listunspent hammer: no reply repeats a txid or an outpoint', { timeout: 240_000 }, async () => {
  const node = await startNode({ rest: true });
  const rnd = rng(9);
  let serve: Awaited<ReturnType<typeof startServe>> | undefined;
  let h: ReturnType<typeof hammer> | undefined;
  try {
    await node.mine(110);
    const addrs: string[] = [];
    for (let i = 0; i < 6; i++) addrs.push(await node.newAddress(i % 2 ? 'legacy' : 'bech32'));
    const shs = addrs.map((a) => addressToScriptHash(a, 'regtest'));
    serve = await startServe(node);
    await waitSynced(node, serve.port);
    h = hammer(serve.port, shs, 16);
    await h.ready;
    const probe = await connectLines(serve.port);
    await probe.call('server.version', ['probe', '1.6']);
    const BLOCKS = 24;
    for (let b = 0; b < BLOCKS; b++) {
      // A few payments to the hammered script hashes, seen by the server in its mempool...
      const picked = new Set<number>();
      const n = 1 + Math.floor(rnd() * 3);
      while (picked.size < n) picked.add(Math.floor(rnd() * addrs.length));
      for (const i of picked) await node.send(addrs[i]!, Number((0.1 + rnd()).toFixed(8)));
      const last = [...picked].at(-1)!;
      for (let t = 0; ; t++) {
        const r = await probe.call('blockchain.scripthash.get_mempool', [shs[last]]);
        if (r.result.length > 0) break;
        assert.ok(t < 400, 'the server never saw the payment in its mempool');
        await new Promise((res) => setTimeout(res, 25));
      }
      // ...then confirmed by a block while the hammer runs.
      const height = (await node.mine(1)).length && (await node.rpc<number>('getblockcount'));
      for (let t = 0; ; t++) {
        const tip = await probe.call('blockchain.headers.subscribe', []);
        const mem = await probe.call('blockchain.scripthash.get_mempool', [shs[last]]);
        if (tip.result.height === height && mem.result.length === 0) break;
        assert.ok(t < 400, 'the server never reached the new block');
        await new Promise((res) => setTimeout(res, 25));
      }
    }
    probe.close();
    h.stop();
    const { stats } = h;
    assert.ok(stats.history > 200 && stats.utxos > 200, `too few replies to mean anything: ${JSON.stringify({ ...stats, bad: stats.bad.length })}`);
    assert.deepEqual(stats.bad.slice(0, 5), [], `${stats.bad.length} inconsistent replies of ${stats.replies}`);
  } finally {
    h?.stop();
    await serve?.stop();
    await node.cleanup();
  }
});
