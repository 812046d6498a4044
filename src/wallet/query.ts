/**
 * ScanQuery over a Connection: each question is ONE JSON-RPC batch of scripthash methods,
 * every result validated with the registry's validators. Scripthash methods exist from
 * protocol 1.1; a 1.0 server cannot be scanned.
 */
import { UsageError } from '../errors.js';
import { callBatch } from '../methods/call.js';
import { getBalance, getHistory, listUnspent } from '../methods/blockchain.js';
import type { MethodSpec } from '../methods/spec.js';
import type { Connection } from '../protocol/connection.js';
import { cmpVersion } from '../protocol/version.js';
import type { HistoryItem, ScanQuery, UtxoItem } from './scan.js';

/** Calls per batch: servers cap batch sizes (ElectrumX's default cost limits allow this many). */
export const BATCH_SIZE = 100;

async function each<T>(conn: Connection, spec: MethodSpec, hashes: string[]): Promise<T[]> {
  const out: T[] = [];
  for (let at = 0; at < hashes.length; at += BATCH_SIZE) {
    const chunk = hashes.slice(at, at + BATCH_SIZE);
    for (const r of await callBatch(conn, spec, chunk.map((h) => [h]))) {
      if ('error' in r) throw r.error;
      out.push(r.result as T);
    }
  }
  return out;
}

/** The questions of a scan, asked over `conn`. */
export function connectionQuery(conn: Connection): ScanQuery {
  if (conn.version !== undefined && cmpVersion(conn.version, '1.1') < 0) {
    throw new UsageError(`wallet scan needs script-hash methods (protocol 1.1+); the server speaks ${conn.version}`);
  }
  return {
    histories: (h) => each<HistoryItem[]>(conn, getHistory, h),
    balances: (h) => each<{ confirmed: number; unconfirmed: number }>(conn, getBalance, h),
    utxos: (h) => each<UtxoItem[]>(conn, listUnspent, h),
  };
}
