/**
 * `serve --local` facing bad input from the operator and the disk (issue 12): index
 * directories with a dot in their name, the TLS pin it logs, unusable options, disk errors.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startNode, type NodeHandle } from '../support/bitcoind.js';
import { startServe, waitSynced } from '../support/serve-in-process.js';
import { runCli } from '../support/run-cli.js';
import { assertLoopbackOnly } from '../support/loopback-guard.js';

assertLoopbackOnly();

let nodeP: Promise<NodeHandle> | undefined;
/** One node for the whole file (101 blocks). */
function node(): Promise<NodeHandle> {
  nodeP ??= startNode().then(async (n) => {
    await n.mine(101);
    return n;
  });
  return nodeP;
}
const temps: string[] = [];
function tempDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(d);
  return d;
}
after(async () => {
  if (nodeP) await (await nodeP).cleanup();
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
});

test('--db: a directory whose name has a dot is a directory (the store goes inside it)', { timeout: 60_000 }, async () => {
  const n = await node();
  for (const name of ['index.v2', '.electrum-cli']) {
    const db = path.join(tempDir('ecli-db.dots.'), name);
    const srv = await startServe(n, { db });
    try {
      await waitSynced(n, srv.port);
      assert.ok(fs.statSync(db).isDirectory(), `${name} is a directory`);
      assert.ok(fs.readdirSync(db).length > 0, `${name} holds the store`);
    } finally {
      await srv.stop();
    }
    // and it opens again
    const again = await startServe(n, { db });
    await again.stop();
  }
});

test('serve --tls logs the SHA-256 fingerprint in the form --pin accepts, and it pins', { timeout: 60_000 }, async () => {
  const n = await node();
  const db = tempDir('ecli-tls.pin.');
  for (const run of ['generated', 'loaded']) {
    const srv = await startServe(n, { db, extra: { tls: '127.0.0.1:0' } });
    try {
      const tlsPort = Number(srv.logs.map((l) => /^listening tls 127\.0\.0\.1:(\d+)$/.exec(l)?.[1]).find(Boolean));
      const pin = srv.logs.map((l) => /--pin (sha256:[0-9a-f]{64})\b/.exec(l)?.[1]).find(Boolean);
      assert.ok(pin, `${run}: no pin in ${srv.logs.join('\n')}`);
      const ok = await runCli(['--network', 'regtest', '--pin', pin!, '--json', 'version'], { server: `127.0.0.1:${tlsPort}:s` });
      assert.equal(ok.code, 0, `${run}: ${ok.stderr}`);
      const wrong = await runCli(['--network', 'regtest', '--pin', `sha256:${'0'.repeat(64)}`, 'version'], { server: `127.0.0.1:${tlsPort}:s` });
      assert.equal(wrong.code, 3, wrong.stderr);
    } finally {
      await srv.stop();
    }
  }
});

test('every serve option with a bad value is a usage error (exit 2), never an internal one', async () => {
  const { resolveServeConfig, serve } = await import('../../src/server/serve.js');
  const env = { HOME: os.tmpdir() };
  const bad: Record<string, unknown>[] = [
    { bitcoind: 'http://' },
    { bitcoind: 'http://127.0.0.1:99999' },
    { bitcoind: 'http://[::1' },
    { bitcoind: 'https://127.0.0.1:8332' },
    { bitcoind: 'ftp://127.0.0.1:8332' },
    { bitcoind: 'http://us%zzer:pw@127.0.0.1:8332' },
    { bitcoind: '::::' },
    { maxSessions: '1.5' },
    { maxSessions: 'Infinity' },
    { maxSubs: '-1' },
    { maxRequest: '1e400' },
    { maxBatch: '0x' },
    { idleTimeout: '3000000' },
    { idleTimeout: 'NaN' },
    { costLimit: '0' },
    { costRate: '-1' },
    { historyLimit: '2.5' },
    { tcp: '127.0.0.1:70000' },
    { tls: 'host:' },
    { ws: '[::1' },
    { rpcPasswordFile: path.join(os.tmpdir(), 'no-such-dir.x', 'pw') },
    { rpcUser: 'u' },
    { rpcPassword: 'p' },
    { rpcUser: 'u', rpcPassword: 'p', rpcPasswordFile: 'f' },
    { network: 'constructor' },
  ];
  for (const b of bad) {
    const opts = { local: true, ...b };
    assert.throws(() => resolveServeConfig(opts as never, env), (e: any) => e.exitCode === 2 && !/\n/.test(e.message), JSON.stringify(b));
  }
  // through serve itself: rejected before anything is opened
  await assert.rejects(
    serve({ local: true, network: 'regtest', bitcoind: 'http://', db: tempDir('ecli-badurl.') }, { log: () => {}, isTTY: false, handleSignals: false }),
    (e: any) => e.exitCode === 2 && /--bitcoind/.test(e.message),
  );
  // good values still pass
  const ok = resolveServeConfig({ local: true, bitcoind: '127.0.0.1:8332', idleTimeout: '0.5', costRate: '2.5' } as never, env);
  assert.equal(ok.bitcoindUrl, 'http://127.0.0.1:8332/');
  assert.equal(ok.limits.idleTimeout, 0.5);
});

test('RPC password: --rpc-password-file, ELECTRUM_RPC_PASSWORD, and a warning for one on the command line', async () => {
  const { resolveServeConfig } = await import('../../src/server/serve.js');
  const dir = tempDir('ecli-pw.');
  const file = path.join(dir, 'rpc.pass');
  fs.writeFileSync(file, 's3cret:with colon\n', { mode: 0o600 });
  const env = { HOME: dir };
  const fromFile = resolveServeConfig({ local: true, rpcUser: 'u', rpcPasswordFile: file }, env);
  assert.equal(fromFile.rpcPassword, 's3cret:with colon');
  assert.deepEqual(fromFile.warnings, []);
  const fromEnv = resolveServeConfig({ local: true, rpcUser: 'u' }, { ...env, ELECTRUM_RPC_PASSWORD: 'envpw' });
  assert.equal(fromEnv.rpcPassword, 'envpw');
  assert.deepEqual(fromEnv.warnings, []);
  // the file beats the environment; the environment alone does not replace the cookie
  assert.equal(resolveServeConfig({ local: true, rpcUser: 'u', rpcPasswordFile: file }, { ...env, ELECTRUM_RPC_PASSWORD: 'envpw' }).rpcPassword, 's3cret:with colon');
  assert.equal(resolveServeConfig({ local: true }, { ...env, ELECTRUM_RPC_PASSWORD: 'envpw' }).rpcPassword, undefined);
  const arg = resolveServeConfig({ local: true, rpcUser: 'u', rpcPassword: 'argpw' }, env);
  assert.equal(arg.rpcPassword, 'argpw');
  assert.match(arg.warnings.join('\n'), /--rpc-password is visible .*--rpc-password-file FILE or ELECTRUM_RPC_PASSWORD/);
  const inUrl = resolveServeConfig({ local: true, bitcoind: 'http://u:urlpw@127.0.0.1:18443' }, env);
  assert.match(inUrl.warnings.join('\n'), /password in --bitcoind is visible/);
  assert.ok(!inUrl.warnings.join('\n').includes('urlpw'), 'the warning does not repeat the password');
  fs.writeFileSync(file, '\n');
  assert.throws(() => resolveServeConfig({ local: true, rpcUser: 'u', rpcPasswordFile: file }, env), (e: any) => e.exitCode === 2 && /empty/.test(e.message));
});

test('serve authenticates to bitcoind with --rpc-password-file, and logs the command-line warning', { timeout: 60_000 }, async () => {
  const n = await node();
  const [user, password] = fs.readFileSync(n.cookiePath, 'utf8').trim().split(':') as [string, string];
  const dir = tempDir('ecli-pwserve.');
  const file = path.join(dir, 'pw');
  fs.writeFileSync(file, `${password}\n`);
  const srv = await startServe(n, { extra: { rpcCookie: undefined, rpcUser: user, rpcPasswordFile: file } });
  try {
    assert.equal(await waitSynced(n, srv.port), 101);
    assert.ok(!srv.logs.some((l) => /warning/.test(l)), srv.logs.join('\n'));
  } finally {
    await srv.stop();
    fs.rmSync(srv.db, { recursive: true, force: true });
  }
  const warned = await startServe(n, { extra: { rpcCookie: undefined, rpcUser: user, rpcPassword: password } });
  await warned.stop();
  fs.rmSync(warned.db, { recursive: true, force: true });
  assert.ok(warned.logs.some((l) => /^warning: --rpc-password is visible/.test(l)), warned.logs.join('\n'));
  assert.ok(!warned.logs.some((l) => l.includes(password)), 'the password is never logged');
});

test('disk and store failures are IndexErrors: one line, exit 8', async () => {
  const { indexUnusable, IndexError } = await import('../../src/server/index-errors.js');
  const { UsageError } = await import('../../src/errors.js');
  const errno = (code: string, message: string) => Object.assign(new Error(message), { code });
  for (const [e, why] of [
    [errno('ENOSPC', 'ENOSPC: no space left on device, write'), /disk is full/],
    [errno('EROFS', 'EROFS: read-only file system, open'), /read-only/],
    [errno('EACCES', 'EACCES: permission denied, mkdir'), /permission denied/],
    [errno('EIO', 'EIO: i/o error'), /input\/output error/],
    [new Error('MDB_CORRUPTED: Located page was wrong type'), /corrupt/],
    [new Error('Input/output error'), /input\/output error/],
    [new Error('No space left on device'), /disk is full/],
  ] as const) {
    const x = indexUnusable(e, 'DB');
    assert.ok(x instanceof IndexError, e.message);
    assert.equal(x.exitCode, 8);
    assert.match(x.message, /^index in DB unusable: /);
    assert.match(x.message, why);
    assert.ok(!x.message.includes('\n'));
  }
  assert.equal(indexUnusable(new TypeError('x is undefined'), 'DB'), undefined, 'a bug stays a bug');
  assert.equal(indexUnusable(new UsageError('bad'), 'DB'), undefined);
});

test('a store write failing mid-sync (ENOSPC injected at the store layer) leaves the index at its last commit and prints no "done"', { timeout: 60_000 }, async () => {
  const n = await node();
  const { openStore } = await import('../../src/server/store/db.js');
  const { Daemon } = await import('../../src/server/daemon.js');
  const { Indexer } = await import('../../src/server/indexer.js');
  const { indexUnusable } = await import('../../src/server/index-errors.js');
  const dir = tempDir('ecli-enospc.');
  const store = await openStore(dir);
  let writes = 0;
  const failing = { ...store, update: <T>(fn: (tx: any) => T): T => {
    if (++writes > 3) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    return store.update(fn);
  } };
  const daemon = new Daemon({ network: 'regtest', url: n.rpcUrl, cookiePath: n.cookiePath });
  await daemon.detect();
  const progress: boolean[] = [];
  const indexer = new Indexer(failing, daemon, { network: 'regtest', log: () => {}, onProgress: (p) => progress.push(p.done), maxChunkBlocks: 10 });
  indexer.load();
  const e = await indexer.catchUp(false).then(() => undefined, (err: unknown) => err);
  assert.ok(e, 'the sync failed');
  assert.equal(indexUnusable(e, dir)?.exitCode, 8);
  assert.ok(!progress.includes(true), 'no "done" report after the failure');
  const committed = indexer.height;
  assert.ok(committed >= 0 && committed < 101, `committed ${committed}`);
  // reopened: the index is where the last committed transaction left it, and syncs on
  const again = new Indexer(store, daemon, { network: 'regtest', log: () => {} });
  again.load();
  assert.equal(again.height, committed);
  await again.catchUp(false);
  assert.equal(again.height, 101);
  daemon.close();
  await store.close();
});

test('serve: a file in the place of --db, a corrupt store, an index in use by a live process: exit 8, one line, nothing changed', { timeout: 60_000 }, async () => {
  const n = await node();
  const { serve } = await import('../../src/server/serve.js');
  const run = (db: string, logs: string[] = []) =>
    serve({ local: true, network: 'regtest', bitcoind: n.rpcUrl, rpcCookie: n.cookiePath, db, tcp: '127.0.0.1:0', zmq: false }, { log: (l) => logs.push(l), isTTY: false, handleSignals: false });
  const root = tempDir('ecli-disk.');
  const file = path.join(root, 'a-file');
  fs.writeFileSync(file, 'not a directory');
  for (const db of [file, path.join(file, 'index')]) {
    await assert.rejects(run(db), (e: any) => e.exitCode === 8 && /^index in .* unusable: a file is in the way/.test(e.message) && !e.message.includes('\n'), db);
  }
  assert.equal(fs.readFileSync(file, 'utf8'), 'not a directory');
  // a store file that is not LMDB (lmdb's native code could crash on it)
  const corrupt = path.join(root, 'corrupt.db');
  fs.mkdirSync(corrupt);
  const garbage = Buffer.alloc(100_000, 0x5a);
  fs.writeFileSync(path.join(corrupt, 'data.mdb'), garbage);
  const logs: string[] = [];
  await assert.rejects(run(corrupt, logs), (e: any) => e.exitCode === 8 && /the index is corrupt/.test(e.message));
  assert.ok(fs.readFileSync(path.join(corrupt, 'data.mdb')).equals(garbage), 'left as it was');
  assert.ok(!logs.some((l) => /done|synced/.test(l)), logs.join('\n'));
  // in use: by this process's running serve, then by another live process; a dead one's lock is taken over
  const db = path.join(root, 'index.v1');
  const first = await startServe(n, { db });
  try {
    await assert.rejects(run(db), (e: any) => e.exitCode === 8 && new RegExp(`in use by process ${process.pid}`).test(e.message));
  } finally {
    await first.stop();
  }
  const { spawn } = await import('node:child_process');
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  await new Promise((r) => other.once('spawn', r));
  fs.writeFileSync(path.join(db, 'serve.pid'), `${other.pid}\n`);
  await assert.rejects(run(db), (e: any) => e.exitCode === 8 && new RegExp(`in use by process ${other.pid}`).test(e.message));
  other.kill('SIGKILL');
  await new Promise((r) => other.once('exit', r));
  const after = await startServe(n, { db });
  await after.stop();
  assert.ok(!fs.existsSync(path.join(db, 'serve.pid')), 'released on stop');
});

test('a bad --tls-cert or --tls-key is a usage error (exit 2) found before bitcoind is asked or the index synced', { timeout: 60_000 }, async () => {
  const n = await node();
  const { serve } = await import('../../src/server/serve.js');
  const root = tempDir('ecli-tls.bad.');
  const notKey = path.join(root, 'not-a-key.pem');
  fs.writeFileSync(notKey, 'not a key\n');
  // a real certificate (generated by a first serve) with a key file that is not a key
  const first = await startServe(n, { extra: { tls: '127.0.0.1:0' } });
  await first.stop();
  const cert = path.join(first.db, 'tls.crt');
  for (const [tlsCert, tlsKey, why] of [
    [path.join(root, 'missing.crt'), path.join(root, 'missing.key'), /cannot read the TLS certificate or key/],
    [cert, notKey, /is not a PEM private key/],
  ] as const) {
    const logs: string[] = [];
    await assert.rejects(
      serve({ local: true, network: 'regtest', bitcoind: n.rpcUrl, rpcCookie: n.cookiePath, db: tempDir('ecli-tls.db.'), tcp: '127.0.0.1:0', tls: '127.0.0.1:0', tlsCert, tlsKey, zmq: false },
        { log: (l) => logs.push(l), isTTY: false, handleSignals: false }),
      (e: any) => e.exitCode === 2 && why.test(e.message) && !e.message.includes('\n'),
    );
    assert.ok(!logs.some((l) => /^bitcoind |synced|sync /.test(l)), logs.join('\n'));
  }
  fs.rmSync(first.db, { recursive: true, force: true });
});

test('a disk failure once serving (ENOSPC injected at the store layer) ends serve with exit 8, as at start-up', { timeout: 60_000 }, async () => {
  const n = await node();
  const { serve } = await import('../../src/server/serve.js');
  const db = tempDir('ecli-enospc.serving.');
  const logs: string[] = [];
  let full = false;
  let listening: () => void = () => {};
  const listened = new Promise<void>((resolve) => (listening = resolve));
  const done = serve({ local: true, network: 'regtest', bitcoind: n.rpcUrl, rpcCookie: n.cookiePath, db, tcp: '127.0.0.1:0', zmq: false }, {
    log: (l) => {
      logs.push(l);
      if (l.startsWith('listening ')) listening();
    },
    isTTY: false,
    handleSignals: false,
    wrapStore: (store) => ({ ...store, update: <T>(fn: (tx: any) => T): T => {
      if (full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return store.update(fn);
    } }),
  });
  done.catch(() => {});
  await Promise.race([listened, done]);
  full = true;
  await n.mine(1);
  await assert.rejects(done, (e: any) => e.exitCode === 8 && /^index in .* unusable: the disk is full/.test(e.message) && !e.message.includes('\n'));
  assert.ok(logs.includes('stopped'), logs.join('\n'));
  assert.ok(!fs.existsSync(path.join(db, 'serve.pid')), 'the index is released');
});
