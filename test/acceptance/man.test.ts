// The committed man page renders without a single warning (groff -ww) and through man -l.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PAGE = fileURLToPath(new URL('../../man/electrum-cli.1', import.meta.url));

function missing(tool: string, pkg: string): string | undefined {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0) return undefined;
  const why = `${tool} is not installed (apt-get install -y ${pkg})`;
  if (process.env.CI) assert.fail(`${why}: required under CI`);
  return why;
}

test('groff -man -ww renders the page with no warnings', (t) => {
  const why = missing('groff', 'groff-base');
  if (why) return t.skip(why);
  for (const dev of ['ascii', 'utf8']) {
    const r = spawnSync('groff', ['-man', '-ww', '-z', `-T${dev}`, PAGE], { encoding: 'utf8' });
    assert.equal(r.status, 0);
    assert.equal(r.stderr, '', `groff -T${dev} warnings:\n${r.stderr}`);
  }
});

test('man -l renders every section and subcommand', (t) => {
  const why = missing('man', 'man-db');
  if (why) return t.skip(why);
  const r = spawnSync('man', ['-l', PAGE], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '100', MANPAGER: 'cat', PAGER: 'cat', MAN_KEEP_FORMATTING: '' } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  const page = r.stdout.replace(/.\x08/g, '');
  for (const s of ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'COMMANDS', 'OPTIONS', 'ENVIRONMENT', 'FILES', 'EXIT STATUS', 'EXAMPLES']) {
    assert.match(page, new RegExp(`^${s}$`, 'm'));
  }
  for (const c of ['balance', 'history', 'subscribe', 'tip', 'broadcast', 'wallet scan', 'completion', 'config init', 'serve']) {
    assert.match(page, new RegExp(`^ {3}electrum-cli ${c}\\b`, 'm'), c);
  }
  assert.match(page, /jq '\.\[\] \| select\(\.height > 800000\)/);
});
