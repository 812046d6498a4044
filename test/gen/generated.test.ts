// The committed completions and man page are exactly what the generators produce now, and
// the man page documents every subcommand with its wire methods.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateAll } from '../../src/gen/index.js';
import { generatedFiles } from '../../src/gen/files.js';
import { describe as describeModel, walk } from '../../src/gen/model.js';
import { documentedCommands } from '../../src/gen/man.js';
import { COMMANDS } from '../../src/methods/registry.js';
import { spliceCommandsTable } from '../../src/gen/readme.js';

const ROOT = new URL('../../', import.meta.url);

test('committed completions/ and man/ equal freshly generated ones (run `npm run gen`)', async () => {
  const files = generateAll(await generatedFiles());
  assert.deepEqual(Object.keys(files).sort(), [
    'completions/electrum-cli.bash',
    'completions/electrum-cli.fish',
    'completions/electrum-cli.zsh',
    'man/electrum-cli.1',
  ]);
  for (const [rel, text] of Object.entries(files)) {
    const committed = readFileSync(fileURLToPath(new URL(rel, ROOT)), 'utf8');
    assert.ok(committed === text, `${rel} is stale: run \`npm run gen\` and commit the result`);
  }
});

test("the README's command table is current (run `npm run gen`)", () => {
  const readme = readFileSync(fileURLToPath(new URL('README.md', ROOT)), 'utf8');
  assert.ok(spliceCommandsTable(readme) === readme, 'README.md command table is stale: run `npm run gen` and commit the result');
});

test('generation is deterministic', async () => {
  const a = generateAll(await generatedFiles());
  const b = generateAll(await generatedFiles());
  assert.deepEqual(a, b);
});

test('the man page has every section, every subcommand and every wire method', async () => {
  const input = await generatedFiles();
  const man = generateAll(input)['man/electrum-cli.1']!;
  for (const sh of ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'COMMANDS', 'OPTIONS', 'ENVIRONMENT', 'FILES', '"EXIT STATUS"', 'EXAMPLES']) {
    assert.match(man, new RegExp(`^\\.SH ${sh}$`, 'm'), `section ${sh}`);
  }
  const root = describeModel(input);
  const paths = documentedCommands(root);
  for (const want of ['balance', 'subscribe', 'tip', 'wallet scan', 'completion', 'config set', 'config init', 'serve', 'call']) {
    assert.ok(paths.includes(want), `model has ${want}`);
  }
  for (const p of paths) {
    assert.ok(man.includes(`.SS "electrum\\-cli ${p.replace(/-/g, '\\-')}`), `man page documents ${p}`);
  }
  for (const c of COMMANDS.values()) {
    for (const m of c.methods) assert.ok(man.includes(m.name.replace(/-/g, '\\-')), `man page names ${m.name}`);
  }
  assert.match(man, /jq/);
  // Every exit status of docs/architecture.md §7.
  for (const code of [0, 1, 2, 3, 4, 5, 6, 7, 130]) assert.match(man, new RegExp(`^\\\\fB${code}\\\\fR$`, 'm'));
});

test('the model joins commander and the registry', async () => {
  const root = describeModel(await generatedFiles());
  const byPath = new Map(walk(root).map((w) => [w.path.join(' '), w.cmd]));
  const utxos = byPath.get('utxos')!;
  assert.deepEqual(utxos.aliases, ['listunspent', 'getaddressunspent']);
  assert.deepEqual(utxos.methods.map((m) => m.name), ['blockchain.scripthash.listunspent', 'blockchain.address.listunspent', 'blockchain.scriptpubkey.listunspent']);
  assert.deepEqual(byPath.get('estimatefee')!.args[1]!.choices, ['CONSERVATIVE', 'ECONOMICAL']);
  assert.deepEqual(byPath.get('completion')!.args[0]!.choices, ['bash', 'zsh', 'fish']);
  const network = root.options.find((o) => o.long === '--network')!;
  assert.equal(network.hint, 'choices');
  assert.ok(network.choices.includes('regtest'));
  assert.equal(root.options.find((o) => o.long === '--server')!.hint, 'servers');
  // serve declares no commander options (it parses its own): SERVE_OPTIONS fill in.
  assert.ok(byPath.get('serve')!.options.some((o) => o.long === '--rpc-cookie' && o.hint === 'file'));
});
