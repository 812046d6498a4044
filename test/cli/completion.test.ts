// `electrum-cli completion SHELL` (the built binary) prints exactly the committed scripts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runCli } from '../support/run-cli.js';

for (const shell of ['bash', 'zsh', 'fish']) {
  test(`completion ${shell} equals completions/electrum-cli.${shell}`, async () => {
    const r = await runCli(['completion', shell]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, readFileSync(fileURLToPath(new URL(`../../completions/electrum-cli.${shell}`, import.meta.url)), 'utf8'));
  });
}

test('completion with an unknown shell is a usage error naming the choices', async () => {
  const r = await runCli(['completion', 'tcsh']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bash, zsh, fish/);
});
