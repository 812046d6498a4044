/**
 * Spawns the BUILT binary (bin/electrum-cli -> dist/boot.cjs -> dist/cli.cjs; `npm run build` first) the way a
 * user would, but hermetic: a temporary HOME and XDG_CONFIG_HOME, no inherited ELECTRUM_*
 * variables, and the loopback guard preloaded so any non-loopback dial fails the run.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loopbackEnv } from './loopback-guard.js';

export const BIN = fileURLToPath(new URL('../../bin/electrum-cli', import.meta.url));

export interface RunOptions {
  /** Passed as --server (tests always name their server, except selection tests). */
  server?: string;
  /** Extra environment (after the clean base). */
  env?: Record<string, string>;
  /** An existing temporary home (to share a config or TLS pins between runs). */
  home?: string;
  stdin?: string;
  /** Sends SIGINT once stdout has this many lines (streaming commands). */
  interruptAfterLines?: number;
  /** Sends SIGINT once stderr matches this (e.g. a reconnect notice). */
  interruptOnStderr?: RegExp;
  /** Sends SIGINT once this settles (e.g. when a test server saw the connection). */
  interruptWhen?: Promise<unknown>;
  /** Kills the child after this long (a test safety net). */
  timeoutMs?: number;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  home: string;
}

/** A fresh temporary HOME. */
export function tempHome(): string {
  return mkdtempSync(join(tmpdir(), 'electrum-cli-test-'));
}

/** Runs `electrum-cli ARGS...` and collects its output and exit status. */
export function runCli(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const home = opts.home ?? tempHome();
  const base: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    LANG: 'C.UTF-8',
  };
  const env = loopbackEnv({ ...base, ...opts.env });
  const argv = [BIN, ...(opts.server ? ['--server', opts.server] : []), ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (!interrupted && opts.interruptAfterLines !== undefined && stdout.split('\n').length - 1 >= opts.interruptAfterLines) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (!interrupted && opts.interruptOnStderr?.test(stderr)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    opts.interruptWhen?.then(() => {
      if (!interrupted) {
        interrupted = true;
        child.kill('SIGINT');
      }
    }, () => {});
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, home });
    });
    child.stdin.end(opts.stdin ?? '');
  });
}
