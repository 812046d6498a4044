/**
 * `npm run demo`: the main job, end to end, with nothing but Node on the machine. Starts a
 * regtest node (the test suite's bitcoind simulator, or a real bitcoind when BITCOIND and
 * BITCOIN_CLI name binaries), pays a few addresses of every standard type, runs
 * `electrum-cli serve --local` against it, and asks it questions with the electrum-cli
 * client, printing each command and its answer. Everything stays on 127.0.0.1 and in a
 * temporary directory that is removed at the end.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNode } from '../test/support/bitcoind.js';

const BIN = fileURLToPath(new URL('../bin/electrum-cli', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'electrum-cli-demo-'));
const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local', 'share'), XDG_CACHE_HOME: join(home, '.cache'), NO_COLOR: '1' };

const say = (line: string) => process.stdout.write(`\n== ${line}\n`);

say('starting a regtest node and funding addresses of every type');
const node = await startNode({ wallet: 'demo' });
let server: ReturnType<typeof spawn> | undefined;
try {
  await node.mine(101);
  const addrs = {
    p2pkh: await node.newAddress('legacy'),
    'p2sh-p2wpkh': await node.newAddress('p2sh-segwit'),
    p2wpkh: await node.newAddress('bech32'),
    p2tr: await node.newAddress('bech32m'),
  };
  for (const [i, a] of Object.values(addrs).entries()) await node.send(a, 0.1 * (i + 1));
  await node.mine(1);
  const pending = await node.send(addrs.p2wpkh, 0.05);
  process.stderr.write(`node: ${node.kind} at ${node.rpcUrl}, 102 blocks, mempool tx ${pending}\n`);

  say('electrum-cli serve --local --network regtest');
  server = spawn(process.execPath, [BIN, '--network', 'regtest', 'serve', '--local', '--bitcoind', node.rpcUrl, '--rpc-cookie', node.cookiePath, '--tcp', '127.0.0.1:0', '--db', join(home, 'index')], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const port = await new Promise<string>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${log}`)), 60_000);
    server!.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      process.stderr.write(d);
      const m = /listening tcp 127\.0\.0\.1:(\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    server!.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${log}`)));
  });

  // Asynchronous on purpose: the simulator answers bitcoind RPC from this process's event loop.
  const cli = async (...args: string[]) => {
    const shown = args.join(' ');
    say(`electrum-cli ${shown}`);
    const child = spawn(process.execPath, [BIN, '--network', 'regtest', '--server', `127.0.0.1:${port}:t`, ...args], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    if (status !== 0) throw new Error(`electrum-cli ${shown} exited with ${status}`);
  };
  await cli('version');
  await cli('tip');
  await cli('balance', addrs.p2pkh, addrs['p2sh-p2wpkh'], addrs.p2wpkh, addrs.p2tr);
  await cli('history', addrs.p2wpkh);
  await cli('utxos', addrs.p2tr);
  await cli('balance', addrs.p2wpkh, '--json');
  await cli('tx', pending, '--decode');
  say('done: every answer above came from your own node through electrum-cli serve --local');
} finally {
  server?.kill('SIGTERM');
  await node.cleanup();
  rmSync(home, { recursive: true, force: true });
}
