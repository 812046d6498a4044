import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import { spawnSync } from 'node:child_process';
import {
  blockedDials, clearBlockedDials, installLoopbackGuard, isLoopbackHost, loopbackEnv, uninstallLoopbackGuard,
} from './loopback-guard.js';

test('isLoopbackHost', () => {
  for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST', undefined]) assert.ok(isLoopbackHost(h), String(h));
  for (const h of ['192.0.2.1', 'example.com', '::2', '10.0.0.1']) assert.ok(!isLoopbackHost(h), h);
});

test('the guard refuses net.connect, tls.connect and socket.connect to other hosts', () => {
  process.env.ELECTRUM_CLI_LOOPBACK_GUARD_LOG = '0';
  const remove = installLoopbackGuard();
  try {
    assert.throws(() => net.connect({ host: '192.0.2.1', port: 9 }), /loopback guard: refused to dial 192\.0\.2\.1:9/);
    assert.throws(() => net.connect(9, 'example.com'), /loopback guard/);
    assert.throws(() => tls.connect({ host: 'example.com', port: 443 }), /loopback guard/);
    assert.throws(() => new net.Socket().connect({ host: '198.51.100.7', port: 1 }), /loopback guard/);
    assert.equal(blockedDials().length, 4);
    const ok = net.connect({ host: '127.0.0.1', port: 9 });
    ok.on('error', () => {});
    ok.destroy();
  } finally {
    remove();
    clearBlockedDials();
    delete process.env.ELECTRUM_CLI_LOOPBACK_GUARD_LOG;
  }
  uninstallLoopbackGuard();
});

test('the preload guards a spawned node process', () => {
  const r = spawnSync(process.execPath, ['-e', "require('node:net').connect({host:'192.0.2.1',port:9}).on('error',()=>{})"], {
    env: loopbackEnv({ PATH: process.env.PATH }),
    encoding: 'utf8',
  });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /loopback guard: refused to dial 192\.0\.2\.1:9/);
});
