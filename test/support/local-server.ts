/**
 * Support for running the client e2e suite against the BUILT `serve --local`: spawn the
 * server binary over a regtest node and read its listening addresses, stream a client
 * command line by line (for subscribe / tip --follow), run many client invocations with
 * bounded concurrency, and compute what every answer should be straight from the node
 * (reference.ts), independently of the server's own index.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, tempHome, type RunResult } from './run-cli.js';
import { loopbackEnv } from './loopback-guard.js';
import type { NodeHandle } from './bitcoind.js';

/** A running `electrum-cli serve --local` child process. */
export interface LocalServe {
  /** HOST:PORT of each listener. */
  tcp: string;
  tls: string;
  ws: string;
  /** Everything it wrote to stderr so far. */
  log(): string;
  /** SIGINT (or `signal`), then its exit status. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

function cleanEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return loopbackEnv({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, XDG_CONFIG_HOME: join(home, '.config'), LANG: 'C.UTF-8', ...extra });
}

/** Spawns the built binary's `serve --local` on ephemeral tcp, tls and ws ports over `node`. */
export async function startLocalServe(node: NodeHandle, timeoutMs = 60_000): Promise<LocalServe> {
  const db = mkdtempSync(join(tmpdir(), 'ecli-local-db-'));
  const home = tempHome();
  const args = [
    BIN, '--network', 'regtest', 'serve', '--local', '--bitcoind', node.rpcUrl, '--rpc-cookie', node.cookiePath,
    '--tcp', '127.0.0.1:0', '--ws', '127.0.0.1:0', '--tls', '127.0.0.1:0', '--db', db,
  ];
  const child: ChildProcess = spawn(process.execPath, args, { env: cleanEnv(home), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const bound = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not listen within ${timeoutMs} ms:\n${stderr}`)), timeoutMs);
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      const found: Record<string, string> = {};
      for (const m of stderr.matchAll(/^listening (tcp|tls|ws) (\S+)$/gm)) found[m[1]!] = m[2]!;
      if (found.tcp && found.tls && found.ws) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}) before listening:\n${stderr}`));
    });
  });
  return {
    tcp: bound.tcp!,
    tls: bound.tls!,
    ws: bound.ws!,
    log: () => stderr,
    async stop(signal: NodeJS.Signals = 'SIGINT') {
      if (child.exitCode === null) child.kill(signal);
      const code = await exited;
      rmSync(db, { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
      return code;
    },
  };
}

/** A streaming client command: its stdout lines as they come, SIGINT on demand. */
export interface CliStream {
  lines: string[];
  /** Resolves with the first line (index >= from) that satisfies `pred`. */
  waitFor(pred: (line: string) => boolean, from?: number, timeoutMs?: number): Promise<string>;
  interrupt(): void;
  done: Promise<RunResult>;
}

/** Spawns `electrum-cli ARGS...` (hermetic like runCli) and exposes its output line by line. */
export function streamCli(args: readonly string[], opts: { server?: string; timeoutMs?: number } = {}): CliStream {
  const home = tempHome();
  const argv = [BIN, ...(opts.server ? ['--server', opts.server] : []), ...args];
  const child = spawn(process.execPath, argv, { env: cleanEnv(home), stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.end();
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let stdout = '';
  let stderr = '';
  let partial = '';
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    partial += d;
    const parts = partial.split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    for (const w of [...waiters]) w();
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<RunResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      for (const w of [...waiters]) w();
      resolve({ code, signal, stdout, stderr, home });
    });
  });
  return {
    lines,
    done,
    interrupt: () => void child.kill('SIGINT'),
    waitFor(pred, from = 0, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines.slice(from).find(pred);
          if (hit !== undefined) {
            waiters.delete(check);
            clearTimeout(t);
            resolve(hit);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            waiters.delete(check);
            clearTimeout(t);
            reject(new Error(`stream ended without the awaited line:\n${stdout}\n${stderr}`));
          }
        };
        const t = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for a line:\nstdout: ${stdout}\nstderr: ${stderr}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

/** Runs `tasks` with at most `limit` at once; results in order. */
export async function pool<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return out;
}
