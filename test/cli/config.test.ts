import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configPath, loadConfig, resolveSettings, saveConfig } from '../../src/cli/config.js';
import { UsageError } from '../../src/errors.js';
import { builtinServers } from '../../src/cli/servers.js';

test('precedence: flags > environment > config file > defaults', () => {
  const file = { server: 'cfg.example:50002:s', network: 'testnet', proxy: 'socks5://127.0.0.1:9050', timeout: 5 };
  const env = { ELECTRUM_SERVER: 'env.example:50002:s', ELECTRUM_NETWORK: 'signet' };
  assert.deepEqual(
    resolveSettings({ server: 'flag.example:50002:s', network: 'regtest', timeout: '2' }, env, file),
    { network: 'regtest', serverSource: 'flag', server: 'flag.example:50002:s', proxy: 'socks5://127.0.0.1:9050', timeoutMs: 2000, color: 'auto' },
  );
  const fromEnv = resolveSettings({}, env, file);
  assert.equal(fromEnv.server, 'env.example:50002:s');
  assert.equal(fromEnv.serverSource, 'env');
  assert.equal(fromEnv.network, 'signet');
  assert.equal(fromEnv.timeoutMs, 5000);
  const fromFile = resolveSettings({}, {}, file);
  assert.deepEqual([fromFile.server, fromFile.serverSource, fromFile.network], ['cfg.example:50002:s', 'config', 'testnet']);
  const none = resolveSettings({}, {}, {});
  assert.deepEqual(none, { network: 'mainnet', serverSource: 'default', color: 'auto' });
});

test('config: a per-network server beats the general one; ELECTRUM_PROXY; NO_COLOR and --no-color', () => {
  const file = { server: 'any.example:s', servers: { regtest: '127.0.0.1:60401:t' } };
  assert.equal(resolveSettings({ network: 'regtest' }, {}, file).server, '127.0.0.1:60401:t');
  assert.equal(resolveSettings({ network: 'mainnet' }, {}, file).server, 'any.example:s');
  assert.equal(resolveSettings({}, { ELECTRUM_PROXY: 'socks5://127.0.0.1:1080' }, { proxy: 'x:1' }).proxy, 'socks5://127.0.0.1:1080');
  assert.equal(resolveSettings({ color: false }, {}, {}).color, 'never');
});

test('colours: NO_COLOR only when non-empty (no-color.org); FORCE_COLOR and CLICOLOR_FORCE force them; --no-color beats all', () => {
  const mode = (env: Record<string, string>, flag?: boolean) => resolveSettings(flag === undefined ? {} : { color: flag }, env, {}).color;
  assert.equal(mode({ NO_COLOR: '' }), 'auto', 'an empty NO_COLOR does not turn colour off');
  assert.equal(mode({ NO_COLOR: '1' }), 'never');
  assert.equal(mode({ FORCE_COLOR: '1' }), 'always');
  assert.equal(mode({ FORCE_COLOR: '' }), 'always', "Node's convention: an empty FORCE_COLOR forces too");
  assert.equal(mode({ FORCE_COLOR: '0' }), 'never');
  assert.equal(mode({ FORCE_COLOR: 'false' }), 'never');
  assert.equal(mode({ CLICOLOR_FORCE: '1' }), 'always');
  assert.equal(mode({ CLICOLOR_FORCE: '0' }), 'auto');
  assert.equal(mode({ CLICOLOR_FORCE: '' }), 'auto');
  assert.equal(mode({ FORCE_COLOR: '1', NO_COLOR: '1' }), 'always', 'forcing is the more specific request');
  assert.equal(mode({ FORCE_COLOR: '1' }, false), 'never', '--no-color beats everything');
});

test('bad values are usage errors naming their source', () => {
  assert.throws(() => resolveSettings({ network: 'moon' }, {}, {}), UsageError);
  assert.throws(() => resolveSettings({ timeout: 'soon' }, {}, {}), /--timeout/);
  assert.throws(() => resolveSettings({}, {}, { timeout: -1 }), /config "timeout"/);
  assert.throws(() => resolveSettings({ maxLine: '0' }, {}, {}), /--max-line/);
});

test('config file location: --config, XDG_CONFIG_HOME, then ~/.config', () => {
  assert.equal(configPath({ HOME: '/h', XDG_CONFIG_HOME: '/x' }), '/x/electrum-cli/config.json');
  assert.equal(configPath({ HOME: '/h' }), '/h/.config/electrum-cli/config.json');
  assert.equal(configPath({ HOME: '/h', XDG_CONFIG_HOME: 'relative' }), '/h/.config/electrum-cli/config.json', 'XDG requires an absolute path');
  assert.equal(configPath({ HOME: '/h' }, 'my.json', '/cwd'), '/cwd/my.json');
});

test('config file: missing is empty, broken is a usage error, saving round-trips', () => {
  const dir = mkdtempSync(join(tmpdir(), 'electrum-cli-config-'));
  const path = join(dir, 'sub', 'config.json');
  assert.deepEqual(loadConfig(path), {});
  saveConfig(path, { server: 'a.example:s' });
  assert.deepEqual(loadConfig(path), { server: 'a.example:s' });
  writeFileSync(path, '{oops');
  assert.throws(() => loadConfig(path), /not valid JSON/);
});

test('built-in servers per network, and the test hook that replaces them', () => {
  assert.ok(builtinServers('mainnet', {}).includes('electrum.blockstream.info:50002:s'));
  assert.deepEqual(builtinServers('regtest', {}), ['127.0.0.1:51001:t', '127.0.0.1:60401:t']);
  for (const n of ['testnet', 'testnet4', 'signet'] as const) assert.ok(builtinServers(n, {}).length > 0);
  assert.deepEqual(builtinServers('mainnet', { ELECTRUM_CLI_BUILTIN_SERVERS: '127.0.0.1:1:t, 127.0.0.1:2:t' }), ['127.0.0.1:1:t', '127.0.0.1:2:t']);
});

test('config keys: names inherited from Object.prototype are unknown keys', async () => {
  const { configValue } = await import('../../src/cli/commands/config.js');
  for (const key of ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty']) {
    assert.throws(() => configValue(key, 'x'), (e: unknown) => e instanceof UsageError && /unknown config key/.test(e.message), key);
  }
  assert.equal(configValue('timeout', '5'), 5);
});
