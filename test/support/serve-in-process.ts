/**
 * Test helper for the tests that need a real server: `serve --local` in-process over the
 * regtest node simulator (or a real bitcoind when BITCOIND is set), on an ephemeral port.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve } from '../../src/server/serve.js';
import type { NodeHandle } from './bitcoind.js';
import { connectLines } from './serve-client.js';

export interface RunningServe {
  port: number;
  logs: string[];
  done: Promise<number>;
  stop(): Promise<void>;
  db: string;
}

/**
 * Starts serve --local on `tcp` (default 127.0.0.1:0) with index dir `db` (default: fresh);
 * `extra` adds or overrides serve options (limits, banner...).
 */
export async function startServe(node: NodeHandle, opts: { tcp?: string; db?: string; extra?: Record<string, unknown> } = {}): Promise<RunningServe> {
  const db = opts.db ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ecli-serve-'));
  const logs: string[] = [];
  const ac = new AbortController();
  let onLog: (() => void) | undefined;
  const done = serve(
    { local: true, network: 'regtest', bitcoind: node.rpcUrl, rpcCookie: node.cookiePath, db, tcp: opts.tcp ?? '127.0.0.1:0', zmq: false, ...opts.extra },
    { log: (l) => { logs.push(l); onLog?.(); }, isTTY: false, signal: ac.signal, handleSignals: false },
  );
  const port = await new Promise<number>((resolve, reject) => {
    const check = () => {
      const m = logs.map((l) => /^listening tcp 127\.0\.0\.1:(\d+)$/.exec(l)).find(Boolean);
      if (m) resolve(Number(m[1]));
    };
    onLog = check;
    check();
    done.then(() => reject(new Error(`serve ended early: ${logs.join('\n')}`)), reject);
  });
  return { port, logs, done, db, stop: async () => { ac.abort(); await done; } };
}

/** Waits until the server's tip is the node's tip (the index caught up). */
export async function waitSynced(node: NodeHandle, port: number, ms = 20_000): Promise<number> {
  const want = await node.rpc<number>('getblockcount');
  const end = Date.now() + ms;
  for (;;) {
    const c = await connectLines(port);
    try {
      await c.call('server.version', ['test', '1.4']);
      const tip = await c.call('blockchain.headers.subscribe', []);
      const h = tip?.result?.height ?? tip?.height;
      if (h === want) return h;
    } finally {
      c.close();
    }
    if (Date.now() > end) throw new Error(`server did not reach height ${want}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
