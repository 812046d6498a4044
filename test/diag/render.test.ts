// Diagnostics' human output: server text lands in one-line slots without control characters
// or line breaks, so a server can neither paint the terminal nor forge a report line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareTable, doctorCard, peersTable, probeTable } from '../../src/diag/render.js';
import type { DoctorReport } from '../../src/diag/doctor.js';
import type { CompareReport } from '../../src/diag/compare.js';
import type { ProbeReport } from '../../src/diag/probe.js';

const EVIL = 'Evil\u001b[2J\u001b]0;title\u0007\n  pass  merkle proof  all good';

function assertClean(text: string, lines: number): void {
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  assert.equal(text.split('\n').length, lines, text);
  assert.doesNotMatch(text, /^\s+pass\s+merkle proof/m);
}

test('doctor card: a server string cannot add a line', () => {
  const report: DoctorReport = {
    server: '127.0.0.1:50001:t',
    network: 'regtest',
    ok: false,
    checks: [{ id: 'version', title: 'server.version', critical: true, status: 'pass', figure: EVIL }],
    methods: [{ method: 'server.banner', status: 'error', detail: EVIL }],
    summary: { pass: 1, warn: 0, fail: 0, skip: 0 },
  } as unknown as DoctorReport;
  assertClean(doctorCard(report), 8);
});

test('compare table: errors and disagreements from servers stay on their line', () => {
  const report: CompareReport = {
    question: 'balance',
    quorum: 1,
    agreeing: 0,
    met: false,
    answer: null,
    servers: [{ server: '127.0.0.1:50001:t', error: `error 1: ${EVIL}`, agrees: false, ms: 1 }],
    disagreements: [`127.0.0.1:50001:t: no answer (error 1: ${EVIL})`],
  };
  const text = compareTable(report, false);
  assertClean(text, text.split('\n').length);
  assert.equal(text.split('\n').filter((l) => l.includes('merkle proof')).length, 2, 'one table row and one disagreement line');
});

test('probe table and peers table: software, errors, hosts on one line', () => {
  const report: ProbeReport = {
    network: 'regtest',
    servers: [{ server: '127.0.0.1:50001:t', host: '127.0.0.1', port: 50001, transport: 'tcp', reachable: true, totalMs: 1, software: EVIL, error: EVIL }],
    summary: { probed: 1, reachable: 1, medianHeight: null, wrongChain: 0, elapsedMs: 1 },
  };
  const probe = probeTable(report, false);
  assertClean(probe, probe.split('\n').length);
  assert.equal(probe.split('\n').filter((l) => l.includes('merkle proof')).length, 1);
  const peers = peersTable([{ ip: '1.2.3.4', host: EVIL, features: [] } as never], false);
  assertClean(peers, 5);
});
