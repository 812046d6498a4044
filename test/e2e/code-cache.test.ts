// The binary's V8 code cache (src/boot.ts): one file per command under the cache directory,
// written after the first successful run of that command, used (not rewritten) by the next,
// replaced when V8 refuses it, and never the reason a run fails. Its speed is measured by
// `npm run bench` (bench/cli.ts), not here.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildIdOf, cacheDataOf, cacheDirFor, cacheFileOf, commandGuesses, isCacheName } from '../../src/boot.js';
import { BIN, runCli, tempHome } from '../support/run-cli.js';
import { startScriptedServer, type ScriptedServer } from '../support/scripted-server.js';

const ADDR = 'n4KeA3QBmLxmoaA5ypJfzkhWvr5CfvXgbU';
const BALANCE = ['--network', 'regtest', 'balance', ADDR];

/** The per-build cache directories under HOME's cache, and the files in each. */
function caches(home: string): Record<string, string[]> {
  const root = join(home, '.cache', 'electrum-cli', 'v8');
  if (!existsSync(root)) return {};
  return Object.fromEntries(readdirSync(root).map((d) => [d, readdirSync(join(root, d)).sort()]));
}

function onlyCache(home: string, name: string): string {
  const dirs = Object.entries(caches(home));
  assert.equal(dirs.length, 1, JSON.stringify(dirs));
  assert.deepEqual(dirs[0]![1], [name]);
  return join(home, '.cache', 'electrum-cli', 'v8', dirs[0]![0], name);
}

describe('code cache: pure parts', () => {
  it('reads the build id from the last line only', () => {
    assert.equal(buildIdOf('x\n//# electrum-cli-build=0123abcd4567ef89\n'), '0123abcd4567ef89');
    assert.equal(buildIdOf('x'), undefined);
    assert.equal(buildIdOf('//# electrum-cli-build=nothex!\n'), undefined);
    assert.equal(buildIdOf(`//# electrum-cli-build=0123abcd4567ef89\n${'x'.repeat(200)}`), undefined);
  });

  it('names caches after command words only', () => {
    for (const w of ['balance', 'getaddressbalance', 'broadcast-package']) assert.ok(isCacheName(w), w);
    for (const w of ['127.0.0.1:50001:t', '../x', 'a/b', '__proto__', 'constructor.v8', 'Balance', '', 'x'.repeat(40)]) assert.ok(!isCacheName(w), w);
    assert.deepEqual(commandGuesses(['--server', '127.0.0.1:1:t', '-n', 'regtest', 'balance', ADDR]), ['regtest', 'balance']);
    assert.deepEqual(commandGuesses(['a', 'b', 'c', 'd', 'e']), ['a', 'b', 'c', 'd']);
  });

  it('takes a cache file only when its digest matches its data', () => {
    const data = Buffer.from('some V8 data');
    const file = cacheFileOf(data);
    assert.deepEqual(cacheDataOf(file), data);
    for (const at of [0, 16, 20, file.length - 1]) {
      const bad = Buffer.from(file);
      bad[at]! ^= 1;
      assert.equal(cacheDataOf(bad), undefined, `byte ${at} flipped`);
    }
    assert.equal(cacheDataOf(file.subarray(0, file.length - 1)), undefined);
    assert.equal(cacheDataOf(Buffer.alloc(0)), undefined);
  });

  it('has a directory per build, node and architecture, unless turned off', () => {
    const dir = cacheDirFor('0123abcd', { HOME: '/home/u.x' }, 'v20.20.2', 'x64');
    assert.equal(dir, '/home/u.x/.cache/electrum-cli/v8/0123abcd-v20.20.2-x64');
    assert.equal(cacheDirFor('0123abcd', { XDG_CACHE_HOME: '/c.d' }, 'v20.20.2', 'x64'), '/c.d/electrum-cli/v8/0123abcd-v20.20.2-x64');
    assert.equal(cacheDirFor('0123abcd', {}), undefined);
    assert.equal(cacheDirFor('0123abcd', { XDG_CACHE_HOME: 'relative' }), undefined);
    assert.equal(cacheDirFor('0123abcd', { HOME: '/h', NODE_DISABLE_COMPILE_CACHE: '1' }), undefined);
  });
});

describe('code cache: the binary', () => {
  let s: ScriptedServer;
  before(async () => (s = await startScriptedServer({ transcript: 'electrumx-1.6' })));
  after(() => s.close());

  it('writes a cache after the first run of a command, and uses it untouched on the next', async () => {
    const home = tempHome();
    const first = await runCli(BALANCE, { server: s.spec, home });
    assert.equal(first.code, 0, first.stderr);
    const file = onlyCache(home, 'balance.v8');
    const written = statSync(file);
    assert.ok(written.size > 10_000, `a real cache: ${written.size} bytes`);
    const second = await runCli(BALANCE, { server: s.spec, home });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, first.stdout);
    assert.equal(second.stderr, '');
    const after = statSync(file);
    assert.deepEqual([after.ino, after.mtimeMs], [written.ino, written.mtimeMs], 'V8 took the cache, so it was not rewritten');
    // Another command gets its own file.
    const json = await runCli([...BALANCE.slice(0, 2), '--json', 'banner'], { server: s.spec, home });
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(Object.values(caches(home))[0], ['balance.v8', 'banner.v8']);
  });

  it('replaces a damaged or foreign cache, and the run is unaffected', async () => {
    const home = tempHome();
    assert.equal((await runCli(BALANCE, { server: s.spec, home })).code, 0);
    const file = onlyCache(home, 'balance.v8');
    const good = readFileSync(file);
    // Garbage; then a real cache with bytes flipped inside V8's data, which node's V8 would
    // execute (a fatal error, exit 133) if the loader did not check the digest.
    const flipped = Buffer.from(good);
    for (let i = 0; i < 64; i++) flipped[Math.floor(flipped.length / 2) + i]! ^= 0xff;
    for (const damaged of [Buffer.alloc(5000, 0xa5), flipped]) {
      writeFileSync(file, damaged);
      const r = await runCli(BALANCE, { server: s.spec, home });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^confirmed\t91000000\nunconfirmed\t0\n$/);
      assert.equal(r.stderr, '');
      assert.ok(cacheDataOf(readFileSync(file)) !== undefined, 'rewritten whole');
    }
    assert.deepEqual(Object.values(caches(home))[0], ['balance.v8'], 'no temporary files left');
  });

  it("writes a command's own cache even when another word's cache was used", async () => {
    const home = tempHome();
    assert.equal((await runCli(BALANCE, { server: s.spec, home })).code, 0);
    // `help balance`: no help.v8 yet, so balance.v8 is tried and used.
    const r = await runCli(['help', 'balance'], { home });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(Object.values(caches(home))[0], ['balance.v8', 'help.v8']);
  });

  it('writes nothing after a failed run, when turned off, or for --version', async () => {
    const home = tempHome();
    const bad = await runCli(['--network', 'regtest', 'balance', 'notanaddress'], { server: s.spec, home });
    assert.equal(bad.code, 2, bad.stderr);
    assert.equal((await runCli(['--version'], { home })).code, 0);
    assert.deepEqual(caches(home), {});
    const off = await runCli(BALANCE, { server: s.spec, home, env: { NODE_DISABLE_COMPILE_CACHE: '1' } });
    assert.equal(off.code, 0, off.stderr);
    assert.deepEqual(caches(home), {});
  });

  it('keeps the three most recently written other builds when it starts a new directory', async () => {
    const home = tempHome();
    const root = join(home, '.cache', 'electrum-cli', 'v8');
    const stale = [1, 2, 3, 4, 5].map((i) => join(root, `0000000${i}deadbeef-v0.0.0-x64`));
    for (const [i, d] of stale.entries()) {
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'balance.v8'), 'old');
      const t = new Date(Date.UTC(2026, 0, 1 + i));
      utimesSync(d, t, t);
    }
    assert.equal((await runCli(BALANCE, { server: s.spec, home })).code, 0);
    assert.deepEqual(stale.map((d) => existsSync(d)), [false, false, true, true, true]);
    assert.equal(Object.values(caches(home)).filter((f) => f.join() === 'balance.v8').length, 4);
  });

  it('runs without a cache when the cache directory cannot be made', async () => {
    const home = tempHome();
    const blocked = join(home, 'not-a-dir');
    writeFileSync(blocked, '');
    const r = await runCli(BALANCE, { server: s.spec, home, env: { XDG_CACHE_HOME: blocked } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^confirmed\t91000000\n/);
  });

  it("loads an ES-module package (jq-wasm for --jq) from the package's node_modules, whatever the working directory", async () => {
    const home = tempHome();
    // Async: the scripted server answers from this process.
    const r = await promisify(execFile)(process.execPath, [BIN, '--server', s.spec, ...BALANCE, '--jq', '.confirmed'], {
      cwd: home,
      env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, '.config') },
      encoding: 'utf8',
    });
    assert.equal(r.stdout, '91000000\n');
    assert.equal(r.stderr, '');
  });

  it('ends quietly when --version meets a closed pipe', async () => {
    const r = await promisify(execFile)('sh', ['-c', `"${process.execPath}" "${BIN}" --version | head -c 0`], { encoding: 'utf8' });
    assert.equal(r.stderr, '');
  });

  it('reports a deleted working directory or an unbuilt bundle in one line', async () => {
    const home = tempHome();
    const gone = join(home, 'gone');
    mkdirSync(gone);
    // The shell enters the directory, removes it, and runs the binary there.
    const cmd = `cd "${gone}" && rmdir "${gone}" && "${process.execPath}" "${BIN}" --network regtest balance notanaddress`;
    const deleted = await promisify(execFile)('sh', ['-c', `${cmd}; echo "exit $?" >&2`], { env: { PATH: process.env.PATH, HOME: home }, encoding: 'utf8' });
    assert.match(deleted.stderr, /^electrum-cli: not a valid address for regtest: notanaddress[^\n]*\nexit 2\n$/);
    // A copy of the binary and its loader without dist/cli.cjs (a checkout never built).
    const tree = join(home, 'tree');
    for (const f of ['bin/electrum-cli', 'bin/package.json', 'dist/boot.cjs']) {
      mkdirSync(join(tree, dirname(f)), { recursive: true });
      copyFileSync(join(dirname(BIN), '..', f), join(tree, f));
    }
    const unbuilt = await promisify(execFile)('sh', ['-c', `"${process.execPath}" "${join(tree, 'bin/electrum-cli')}" balance x; echo "exit $?" >&2`], { env: { PATH: process.env.PATH, HOME: home }, encoding: 'utf8' });
    assert.match(unbuilt.stderr, /^electrum-cli: internal error: ENOENT[^\n]*cli\.cjs'\nexit 1\n$/);
  });
});
