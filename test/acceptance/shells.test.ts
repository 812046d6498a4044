// Completion scripts in the real shells: bash through COMP_WORDS/compgen, fish through
// `complete -C`, zsh at a real prompt in a tmux pseudo-terminal. Each shell is a Debian
// package here: without it the test skips with the reason, except under CI, where it fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const COMPLETIONS = fileURLToPath(new URL('../../completions/', import.meta.url));

/** Undefined when `tool` runs; else the skip reason (or a failure under CI). */
function missing(tool: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  if (r.status === 0) return undefined;
  const why = `${tool} is not installed (apt-get install -y ${tool})`;
  if (process.env.CI) assert.fail(`${why}: required under CI`);
  return why;
}

/** A home with a config naming servers and a probe cache, as completion reads them. */
function home(): string {
  const h = mkdtempSync(join(tmpdir(), 'electrum-cli-shells-'));
  mkdirSync(join(h, '.config', 'electrum-cli'), { recursive: true });
  mkdirSync(join(h, '.cache', 'electrum-cli'), { recursive: true });
  writeFileSync(
    join(h, '.config', 'electrum-cli', 'config.json'),
    JSON.stringify({ server: 'cfg.example:50002:s', servers: { regtest: '127.0.0.1:60401:t' }, proxy: 'socks5://127.0.0.1:9050' }),
  );
  writeFileSync(join(h, '.cache', 'electrum-cli', 'servers.txt'), '# last probe\nprobed.example:50002:s 84ms\n');
  writeFileSync(join(h, 'tx.hex'), '00');
  return h;
}

const env = (h: string) => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: h, LANG: 'C.UTF-8', TERM: 'xterm' });

const bashCases: [string[], string[]][] = [
  [['bal'], ['balance']],
  [['con'], ['config']],
  [['--netw'], ['--network']],
  [['--network', 're'], ['regtest']],
  [['-n', ''], ['mainnet', 'testnet', 'testnet4', 'signet', 'regtest']],
  [['--network=', 'sig'], ['signet']],
  [['balance', '--no-c'], ['--no-color']],
  [['config', 's'], ['set']],
  [['config', 'get', 'servers.r'], ['servers.regtest']],
  [['completion', ''], ['bash', 'zsh', 'fish']],
  [['wallet', ''], ['scan']],
  [['wallet', 'scan', '--type', 'w'], ['wpkh']],
  [['estimatefee', '6', 'E'], ['ECONOMICAL']],
  [['wat'], ['watch']],
  [['watch', '--until'], ['--until-confirmed']],
  [['tip', '--fo'], ['--follow']],
  [['serve', '--rpc-c'], ['--rpc-cookie']],
  [['--server', ''], ['cfg.example:50002:s', '127.0.0.1:60401:t', 'probed.example:50002:s']],
  [['-n', 'regtest', 'hist'], ['history']],
];

test('bash: subcommands, options and values complete (COMP_WORDS + compgen)', (t) => {
  const why = missing('bash');
  if (why) return t.skip(why);
  const h = home();
  const lines = [`source '${COMPLETIONS}electrum-cli.bash'`, `cd '${h}'`];
  for (const [words] of bashCases) {
    const arr = ['electrum-cli', ...words].map((w) => `'${w}'`).join(' ');
    // bash splits "--network=" at "=" into two words, as it does at a real prompt.
    const split = arr.replace("'--network='", "'--network' '='");
    lines.push(`COMP_WORDS=(${split}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _electrum_cli; echo "\${COMPREPLY[*]}"`);
  }
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', lines.join('\n')], { encoding: 'utf8', env: env(h) });
  assert.equal(r.status, 0, r.stderr);
  const got = r.stdout.split('\n');
  bashCases.forEach(([words, want], i) => assert.deepEqual(got[i]!.split(' ').filter(Boolean), want, `electrum-cli ${words.join(' ')}<TAB>`));
  // Files where a raw transaction goes.
  const f = spawnSync('bash', ['--norc', '-c', `source '${COMPLETIONS}electrum-cli.bash'; cd '${h}'; COMP_WORDS=(electrum-cli broadcast tx); COMP_CWORD=2; _electrum_cli; echo "\${COMPREPLY[*]}"`], { encoding: 'utf8', env: env(h) });
  assert.equal(f.stdout.trim(), 'tx.hex');
});

test('fish: subcommands, options and values complete (complete -C)', (t) => {
  const why = missing('fish');
  if (why) return t.skip(why);
  const h = home();
  const cases: [string, string[]][] = [
    ['electrum-cli bal', ['balance']],
    ['electrum-cli --netw', ['--network']],
    ['electrum-cli --network re', ['regtest']],
    ['electrum-cli config s', ['set']],
    ['electrum-cli completion ', ['bash', 'fish', 'zsh']],
    ['electrum-cli wallet scan --type w', ['wpkh']],
    ['electrum-cli -n regtest wat', ['watch']],
    ['electrum-cli watch --until', ['--until-confirmed']],
    ['electrum-cli --server ', ['127.0.0.1:60401:t', 'cfg.example:50002:s', 'probed.example:50002:s']],
    ['electrum-cli estimatefee 6 ', ['CONSERVATIVE', 'ECONOMICAL']],
  ];
  const script = [`source '${COMPLETIONS}electrum-cli.fish'`, ...cases.map(([l]) => `echo (complete -C'${l}' | string replace -r '\\t.*' '' | string join ,)`)].join('\n');
  const r = spawnSync('fish', ['--no-config', '-c', script], { encoding: 'utf8', env: env(h), cwd: h });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  const got = r.stdout.split('\n');
  cases.forEach(([l, want], i) => {
    const words = got[i]!.split(',').filter(Boolean).sort();
    assert.deepEqual(words, [...want].sort(), `${l}<TAB>`);
  });
});

/** Types into an interactive zsh in tmux and returns the screen once `until` shows. */
function tmuxZsh(h: string, keys: string[][], until: RegExp): string {
  const sock = `electrum-cli-test-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const tmux = (...a: string[]) => spawnSync('tmux', ['-L', sock, ...a], { encoding: 'utf8', env: env(h) });
  const zdir = join(h, 'zfunc');
  mkdirSync(zdir, { recursive: true });
  copyFileSync(join(COMPLETIONS, 'electrum-cli.zsh'), join(zdir, '_electrum-cli'));
  try {
    const s = tmux('new-session', '-d', '-s', 't', '-x', '160', '-y', '40', 'zsh -f');
    assert.equal(s.status, 0, s.stderr);
    tmux('send-keys', '-t', 't', `fpath=('${zdir}' $fpath); autoload -Uz compinit; compinit -u -D; PS1='%% '; clear`, 'Enter');
    let screen = '';
    for (const k of keys) {
      tmux('send-keys', '-t', 't', ...k);
      spawnSync('sleep', ['0.3']);
    }
    const deadline = Date.now() + 8000;
    while (Date.now() < deadline) {
      screen = tmux('capture-pane', '-p', '-t', 't').stdout;
      if (until.test(screen)) break;
      spawnSync('sleep', ['0.2']);
    }
    return screen;
  } finally {
    tmux('kill-server');
  }
}

test('zsh: subcommands, options and values complete at a real prompt (tmux pty)', (t) => {
  const why = missing('zsh') ?? missing('tmux');
  if (why) return t.skip(why);
  const h = home();
  let screen = tmuxZsh(h, [['electrum-cli --netw', 'Tab'], [' re', 'Tab'], [' bal', 'Tab']], /--network regtest balance/);
  assert.match(screen, /% electrum-cli --network regtest balance/, screen);
  screen = tmuxZsh(h, [['electrum-cli config ', 'Tab']], /set\s+-- change one setting/);
  assert.match(screen, /get\s+-- print one setting/, screen);
  assert.match(screen, /init\s+-- /, screen);
  screen = tmuxZsh(h, [['electrum-cli --server ', 'Tab']], /probed\.example/);
  assert.match(screen, /cfg\.example:50002:s/, screen);
  assert.match(screen, /probed\.example:50002:s/, screen);
  screen = tmuxZsh(h, [['electrum-cli completion f', 'Tab']], /completion fish/);
  assert.match(screen, /% electrum-cli completion fish/, screen);
});
