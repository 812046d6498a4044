/**
 * Server selection without --server (the one place tests omit it): the built-in list is
 * replaced through the ELECTRUM_CLI_BUILTIN_SERVERS testing hook; config and environment
 * precedence through a temporary HOME.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startScriptedServer } from '../support/scripted-server.js';
import { runCli, tempHome } from '../support/run-cli.js';

async function deadPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('server selection', { concurrency: 3 }, () => {
  it('without a TTY, the first built-in server that answers is used, with a notice', async () => {
    const [a, b] = [await startScriptedServer({ transcript: 'electrumx-1.6' }), await startScriptedServer({ transcript: 'fulcrum-1.6' })];
    const dead = await deadPort();
    const r = await runCli(['--network', 'regtest', '--json', 'banner'], {
      env: { ELECTRUM_CLI_BUILTIN_SERVERS: `127.0.0.1:${dead}:t,${a.spec},${b.spec}` },
    });
    await Promise.all([a.close(), b.close()]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '"You are connected to an ElectrumX 2.0b1 server."\n');
    assert.match(r.stderr, new RegExp(`using ${a.spec.replace(/\./g, '\\.')}, the first built-in regtest server that answered`));
    assert.ok(!b.requests.some((q) => q.method === 'server.banner'));
  });
  it('--quiet silences the notice; none answering -> 3', async () => {
    const a = await startScriptedServer({ transcript: 'electrumx-1.6' });
    const q = await runCli(['--network', 'regtest', '--quiet', 'ping'], { env: { ELECTRUM_CLI_BUILTIN_SERVERS: a.spec } });
    await a.close();
    assert.equal(q.code, 0);
    assert.equal(q.stderr, '');
    const none = await runCli(['--network', 'regtest', 'ping'], { env: { ELECTRUM_CLI_BUILTIN_SERVERS: `127.0.0.1:${await deadPort()}:t` } });
    assert.equal(none.code, 3);
    assert.match(none.stderr, /none of the 1 candidate servers answered/);
  });
  it('flag > ELECTRUM_SERVER > config file, and ELECTRUM_NETWORK', async () => {
    const [cfg, env, flag] = await Promise.all([
      startScriptedServer({ transcript: 'electrumx-1.4' }),
      startScriptedServer({ transcript: 'fulcrum-1.4' }),
      startScriptedServer({ transcript: 'fulcrum-1.6' }),
    ]);
    const home = tempHome();
    mkdirSync(join(home, '.config', 'electrum-cli'), { recursive: true });
    writeFileSync(join(home, '.config', 'electrum-cli', 'config.json'), JSON.stringify({ servers: { regtest: cfg.spec } }));
    const version = async (args: string[], e: Record<string, string>) =>
      (await runCli(['--json', ...args, 'version'], { home, env: { ELECTRUM_NETWORK: 'regtest', ...e } })).stdout;
    assert.equal(await version([], {}), '["ElectrumX 2.0b1","1.4"]\n');
    assert.equal(await version([], { ELECTRUM_SERVER: env.spec }), '["Fulcrum 2.1.1","1.4"]\n');
    assert.equal(await version(['--server', flag.spec], { ELECTRUM_SERVER: env.spec }), '["Fulcrum 2.1.1","1.6"]\n');
    // config set/get round trip through the CLI.
    const set = await runCli(['config', 'set', 'servers.regtest', env.spec], { home });
    assert.equal(set.code, 0, set.stderr);
    assert.equal((await runCli(['config', 'get', 'servers.regtest'], { home })).stdout, `${env.spec}\n`);
    assert.equal(await version([], {}), '["Fulcrum 2.1.1","1.4"]\n');
    const bad = await runCli(['config', 'set', 'colour', 'blue'], { home });
    assert.equal(bad.code, 2);
    await Promise.all([cfg.close(), env.close(), flag.close()]);
  });
});
