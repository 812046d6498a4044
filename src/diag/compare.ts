/**
 * `compare`: the same question asked of several servers at once; answers grouped by equality,
 * the largest group is the majority, and the quorum is met when at least N servers agree.
 */
import { ServerError } from '../errors.js';
import { findMethod } from '../methods/registry.js';
import { call } from '../methods/call.js';
import { Connection, type ConnectionOptions } from '../protocol/connection.js';
import { formatServer, type ServerAddress } from '../protocol/server-address.js';
import { cmpVersion } from '../protocol/version.js';
import { mapPool } from './pool.js';
import { roundMs } from './stats.js';

/** What can be compared. */
export type Question = 'balance' | 'history' | 'status' | 'tip' | 'fee';
export const QUESTIONS: readonly Question[] = ['balance', 'history', 'status', 'tip', 'fee'];

export interface CompareAnswer {
  server: string;
  answer?: unknown;
  error?: string;
  /** Same answer as the majority. */
  agrees: boolean;
  ms: number;
}

/** The --json shape of compare. */
export interface CompareReport {
  question: Question;
  arg?: string;
  quorum: number;
  /** Servers giving the majority answer. */
  agreeing: number;
  met: boolean;
  answer: unknown;
  servers: CompareAnswer[];
  disagreements: string[];
}

/** The wire method that answers each question. */
const METHOD: Record<Question, string> = {
  balance: 'blockchain.scripthash.get_balance',
  history: 'blockchain.scripthash.get_history',
  status: 'blockchain.scripthash.subscribe',
  tip: 'blockchain.headers.subscribe',
  fee: 'blockchain.estimatefee',
};

/**
 * The request for a question, its result validated like every other reply (an invalid one
 * is that server's error, never an answer that could win the vote); `arg` is a script hash
 * (balance/history/status) or a block target (fee).
 */
export async function ask(conn: Connection, q: Question, arg?: string): Promise<unknown> {
  const method = METHOD[q];
  const params = q === 'tip' ? [] : q === 'fee' ? [Number(arg ?? 6)] : [arg];
  const result = await call(conn, findMethod(method)!, params); // wire name chosen at run time (by the question)
  if (q !== 'tip') return result;
  const t = result as { height?: number; hex?: string };
  return { height: t.height, hex: t.hex };
}

/** Canonical text of an answer (sorted keys), so equal answers compare equal. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** Groups answers and decides the quorum (pure). */
export function decide(q: Question, arg: string | undefined, answers: Omit<CompareAnswer, 'agrees'>[], quorum: number): CompareReport {
  const groups = new Map<string, number>();
  for (const a of answers) if (a.error === undefined) groups.set(canonical(a.answer), (groups.get(canonical(a.answer)) ?? 0) + 1);
  let best: string | undefined;
  let bestN = 0;
  for (const [k, n] of groups) if (n > bestN) [best, bestN] = [k, n];
  const servers = answers.map((a) => ({ ...a, agrees: a.error === undefined && canonical(a.answer) === best }));
  const majority = servers.find((s) => s.agrees)?.answer ?? null;
  const disagreements = servers.filter((s) => !s.agrees).map((s) =>
    s.error !== undefined ? `${s.server}: no answer (${s.error})` : `${s.server} says ${summarize(s.answer)} where ${bestN} server(s) say ${summarize(majority)}`);
  return { question: q, ...(arg !== undefined ? { arg } : {}), quorum, agreeing: bestN, met: bestN >= quorum, answer: majority, servers, disagreements };
}

function summarize(v: unknown): string {
  const s = canonical(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

export interface CompareOptions {
  question: Question;
  /** Script hash (balance/history/status) or target blocks (fee). */
  arg?: string;
  /** Shown in the report instead of the script hash (the address typed). */
  argLabel?: string;
  quorum?: number;
  connection?: Omit<ConnectionOptions, 'server'>;
  concurrency?: number;
}

/** Asks every server concurrently and decides. Default quorum: a strict majority of the servers. */
export async function compareServers(addrs: readonly ServerAddress[], opts: CompareOptions): Promise<CompareReport> {
  const answers = await mapPool(addrs, opts.concurrency ?? 32, async (server) => {
    const t0 = performance.now();
    const name = formatServer(server);
    let conn: Connection | undefined;
    try {
      conn = await Connection.open({ ...(opts.connection ?? {}), server, keepaliveMs: 0 });
      if (opts.question === 'history' && cmpVersion(conn.version ?? '1.0', '1.1') < 0) throw new Error('protocol 1.0 has no scripthash methods');
      const answer = await ask(conn, opts.question, opts.arg);
      return { server: name, answer, ms: roundMs(performance.now() - t0) };
    } catch (err) {
      const msg = err instanceof ServerError ? `error ${err.code}: ${err.rpcMessage}` : (err as Error).message;
      return { server: name, error: msg, ms: roundMs(performance.now() - t0) };
    } finally {
      conn?.close();
    }
  });
  const quorum = opts.quorum ?? Math.floor(addrs.length / 2) + 1;
  return decide(opts.question, opts.argLabel ?? opts.arg, answers, quorum);
}
