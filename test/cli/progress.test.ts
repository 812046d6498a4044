// The spinner wrapper: shown only where ora can draw it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { Output } from '../../src/cli/output.js';
import { progressAllowed, startProgress } from '../../src/cli/progress.js';
import type { Io } from '../../src/cli/io.js';

function terminalOutput(columns: number): { out: Output; written: () => string } {
  let text = '';
  const stderr = { columns, isTTY: true, write: (s: string) => ((text += s), true) };
  const io: Io = {
    stdout: { write: () => true },
    stderr,
    stdin: new PassThrough(),
    isTTY: { stdin: true, stdout: true, stderr: true },
    env: {},
    cwd: '.',
    signal: new AbortController().signal,
  };
  return { out: new Output(io, { json: false, quiet: false, debug: false, color: false }), written: () => text };
}

test('a terminal that reports zero columns gets no spinner (ora would clear Infinity lines, forever)', async () => {
  const { out, written } = terminalOutput(0);
  assert.equal(progressAllowed(out), false);
  const p = await startProgress(out, 'connecting…');
  p.stop();
  assert.equal(written(), '');
});

test('a sized terminal gets the spinner', () => {
  assert.equal(progressAllowed(terminalOutput(80).out), true);
});
