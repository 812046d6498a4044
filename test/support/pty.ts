/**
 * The built binary in a real pseudo-terminal (tmux): type keys when text appears, read the
 * screen (with its escape codes when asked) and the exit status. Hermetic like run-cli.ts:
 * a clean environment plus what the test gives, and the loopback guard.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './run-cli.js';
import { loopbackEnv } from './loopback-guard.js';

export function tmuxMissing(): string | undefined {
  if (spawnSync('sh', ['-c', 'command -v tmux']).status === 0) return undefined;
  if (process.env.CI) assert.fail('tmux is required under CI');
  return 'tmux is not installed (apt-get install -y tmux)';
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The binary in a tmux pseudo-terminal: type keys when text appears, read the screen and exit status. */
export class Pty {
  private sock = `ecli-prompt-${process.pid}-${Math.random().toString(36).slice(2)}`;
  private statusFile: string;
  constructor(args: string[], env: Record<string, string>) {
    const dir = mkdtempSync(join(tmpdir(), 'ecli-pty-'));
    this.statusFile = join(dir, 'status');
    const full = loopbackEnv({ PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', TERM: 'xterm', ...env });
    const envArgs = Object.entries(full).filter(([, v]) => v !== undefined).map(([k, v]) => q(`${k}=${v}`)).join(' ');
    const cmd = `env -i ${envArgs} ${q(process.execPath)} ${q(BIN)} ${args.map(q).join(' ')}; echo $? > ${q(this.statusFile)}; sleep 60`;
    const r = this.tmux('new-session', '-d', '-s', 't', '-x', '150', '-y', '45', cmd);
    assert.equal(r.status, 0, r.stderr);
  }
  private tmux(...a: string[]) {
    return spawnSync('tmux', ['-L', this.sock, ...a], { encoding: 'utf8' });
  }
  /** The visible screen; with `escapes`, its colours and styles as escape codes. */
  screen(escapes = false): string {
    return this.tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', 't').stdout;
  }
  async waitFor(re: RegExp, ms = 15_000): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      const s = this.screen();
      if (re.test(s)) return s;
      if (Date.now() > end) assert.fail(`timed out waiting for ${re}; screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  keys(...k: string[]): void {
    this.tmux('send-keys', '-t', 't', ...k);
  }
  async exitStatus(ms = 15_000): Promise<number> {
    const end = Date.now() + ms;
    while (!existsSync(this.statusFile) || readFileSync(this.statusFile, 'utf8').trim() === '') {
      if (Date.now() > end) assert.fail(`no exit; screen:\n${this.screen()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return Number(readFileSync(this.statusFile, 'utf8').trim());
  }
  kill(): void {
    this.tmux('kill-server');
  }
}

