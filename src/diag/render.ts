/**
 * Human output of the diagnostics (tables through format/table.ts; loaded lazily by the
 * commands, never under --json).
 */
import { oneLine } from '../errors.js';
import { formatSats } from '../bitcoin/units.js';
import { renderRows } from '../format/table.js';
import type { ColumnSpec } from '../methods/spec.js';
import type { PeerEntry } from './peers.js';
import type { ProbeReport, ProbeResult } from './probe.js';
import type { DoctorReport } from './doctor.js';
import type { CompareReport } from './compare.js';
import type { LoadBenchStats } from './loadbench.js';
import type { ProofStatus, VerifiedOutput } from './proofs.js';

const text = (keys: [string, string][]): ColumnSpec[] => keys.map(([key, header]) => ({ key, header, format: 'text' as const }));
/**
 * Server text in a one-line slot (a report line, a table cell): control characters AND line
 * breaks go, so a server cannot paint the terminal or forge a line such as "pass  merkle proof".
 */
const line = (t: string) => oneLine(t, 1000);
const msText = (x: number | undefined) => (x === undefined ? '' : x < 10 ? x.toFixed(1) : String(Math.round(x)));

/** server.peers.subscribe as a table. */
export function peersTable(peers: readonly PeerEntry[], color: boolean): string {
  if (peers.length === 0) return '(no peers)';
  const rows = peers.map((p) => ({
    host: line(p.host),
    ip: line(p.ip),
    version: p.version ?? '',
    pruning: p.pruning === undefined ? '-' : String(p.pruning),
    tcp: p.tcpPort === undefined ? '' : String(p.tcpPort),
    ssl: p.sslPort === undefined ? '' : String(p.sslPort),
  }));
  return renderRows(text([['host', 'host'], ['ip', 'ip'], ['version', 'version'], ['pruning', 'pruning'], ['tcp', 'tcp'], ['ssl', 'ssl']]), rows, { color });
}

function status(r: ProbeResult): string {
  if (!r.reachable) return r.errorKind === 'timeout' ? 'timeout' : 'down';
  if (r.errorKind === 'wrong-chain') return 'WRONG CHAIN';
  if (r.errorKind === 'timeout') return 'slow';
  if (r.error) return 'error';
  if (r.lag !== undefined && r.lag > 2) return `behind ${r.lag}`;
  if (r.tls && r.tls.daysToExpiry < 0) return 'CERT EXPIRED';
  if (r.tls?.pinStatus === 'mismatch') return 'CERT CHANGED';
  return 'ok';
}

function cert(r: ProbeResult): string {
  if (!r.tls) return '';
  return `${r.tls.ca ? 'CA' : r.tls.selfSigned ? 'self-signed' : 'untrusted'} ${r.tls.daysToExpiry}d ${r.tls.fingerprint256.slice(0, 8)}…`;
}

/** The probe report: a table sorted healthy-first plus a summary line. */
export function probeTable(report: ProbeReport, color: boolean): string {
  const rows = report.servers.map((r) => ({
    server: r.server,
    status: status(r),
    connect: msText(r.connectMs),
    tls: msText(r.tlsMs),
    first: msText(r.firstReplyMs),
    ping: msText(r.pingP50Ms),
    software: line(r.software ?? '').slice(0, 24),
    proto: r.protocol ?? '',
    height: r.height === undefined ? '' : String(r.height),
    lag: r.lag === undefined ? '' : String(r.lag),
    pruning: r.pruning === undefined ? '' : r.pruning === null ? '-' : String(r.pruning),
    cert: cert(r),
  }));
  const table = renderRows(
    text([['server', 'server'], ['status', 'status'], ['connect', 'connect ms'], ['tls', 'tls ms'], ['first', 'reply ms'], ['ping', 'ping p50'], ['software', 'software'], ['proto', 'proto'], ['height', 'height'], ['lag', 'lag'], ['pruning', 'pruning'], ['cert', 'certificate']]),
    rows,
    { color },
  );
  const problems = report.servers.filter((r) => r.error).map((r) => `  ${r.server}: ${line(r.error!)}`);
  return `${table}\n${summaryLine(report)}${problems.length ? `\n${problems.join('\n')}` : ''}`;
}

/** "12 of 15 servers reachable, median tip 840123, 1 on another chain, 2.1 s" */
export function summaryLine(report: ProbeReport): string {
  const s = report.summary;
  return `${s.reachable} of ${s.probed} servers reachable${s.medianHeight !== null ? `, median tip ${s.medianHeight}` : ''}${s.wrongChain ? `, ${s.wrongChain} on another chain` : ''}, ${(s.elapsedMs / 1000).toFixed(1)} s`;
}

const MARK = { pass: 'pass', warn: 'WARN', fail: 'FAIL', skip: 'skip' } as const;

/** The doctor report card: one line per check, then the method matrix exceptions. */
export function doctorCard(r: DoctorReport): string {
  const width = Math.max(...r.checks.map((c) => c.title.length));
  const lines = [`doctor ${r.server} (${r.network})`, ''];
  for (const c of r.checks) lines.push(`  ${MARK[c.status]}  ${c.title.padEnd(width)}  ${line(c.figure)}${c.critical && c.status === 'fail' ? '  [critical]' : ''}`);
  const odd = r.methods.filter((m) => m.status !== 'ok' && m.status !== 'skipped');
  if (odd.length) {
    lines.push('', '  methods not answering as expected:');
    for (const m of odd) lines.push(`    ${m.method}: ${m.status}${m.detail ? ` (${line(m.detail).slice(0, 100)})` : ''}`);
  }
  const s = r.summary;
  lines.push('', `${s.pass} passed, ${s.warn} warning${s.warn === 1 ? '' : 's'}, ${s.fail} failed, ${s.skip} skipped: ${r.ok ? 'healthy' : 'CRITICAL CHECK FAILED'}`);
  return lines.join('\n');
}

/** compare: each server's answer side by side. */
export function compareTable(r: CompareReport, color: boolean): string {
  const show = (v: unknown) => line(typeof v === 'string' ? v : JSON.stringify(v) ?? 'null');
  const rows = r.servers.map((s) => ({
    server: s.server,
    agrees: s.error !== undefined ? 'no answer' : s.agrees ? 'yes' : 'NO',
    answer: s.error !== undefined ? line(s.error) : show(s.answer).slice(0, 90),
    ms: msText(s.ms),
  }));
  const table = renderRows(text([['server', 'server'], ['agrees', 'agrees'], ['answer', `${r.question}${r.arg ? ` ${r.arg}` : ''}`], ['ms', 'ms']]), rows, { color });
  const verdict = `${r.agreeing} of ${r.servers.length} servers agree (quorum ${r.quorum}): ${r.met ? 'quorum met' : 'QUORUM NOT MET'}`;
  return [table, verdict, ...r.disagreements.map((d) => `  ${line(d)}`)].join('\n');
}

/** bench: throughput, latency percentiles and errors by kind. */
export function benchText(s: LoadBenchStats, server: string): string {
  const lines = [
    `bench ${server}: ${s.sessions} sessions, ${s.requests} requests in ${(s.elapsedMs / 1000).toFixed(1)} s`,
    `throughput  ${s.throughput} requests/s`,
    `latency ms  p50 ${s.latency.p50}  p90 ${s.latency.p90}  p99 ${s.latency.p99}  max ${s.latency.max}`,
    `errors      ${s.errors}${s.errors ? ` (${Object.entries(s.errorsByKind).map(([k, n]) => `${k}: ${n}`).join(', ')})` : ''}`,
    '',
    'by method:',
  ];
  for (const [m, x] of Object.entries(s.byMethod)) {
    lines.push(`  ${m.padEnd(12)} ${String(x.requests).padStart(7)} req  p50 ${x.latency.p50}  p99 ${x.latency.p99}  max ${x.latency.max}${x.errors ? `  errors ${x.errors}` : ''}`);
  }
  return lines.join('\n');
}

const VERDICT: Record<ProofStatus, string> = {
  verified: 'yes',
  unconfirmed: 'no, unconfirmed transactions have no proof yet',
  unanchored: 'no, unanchored: the headers could not be chained to a trusted block',
  failed: 'NO, the server said something false',
};

/** The verification summary under a human result. */
export function verifyText(v: VerifiedOutput): string {
  const d = v.verification;
  const counts = new Map<string, number>();
  for (const p of d.proofs) counts.set(p.status, (counts.get(p.status) ?? 0) + 1);
  // Never "yes" when nothing was proven (an empty history, or a balance whose outputs the
  // server does not list): the headline says so, and the counts say how little.
  const nothing = d.status === 'verified' && !d.proofs.some((p) => p.status === 'verified');
  const parts = [[...counts].map(([k, n]) => `${n} ${k}`).join(', ') || (d.sats ? 'no confirmed outputs listed' : 'no transactions')];
  if (d.sats) parts.push(`${formatSats(d.sats.proven)} of ${formatSats(d.sats.claimed)} confirmed sats proven`);
  parts.push(`trusted: ${d.checkpoints}`);
  const lines = [`verified: ${nothing ? 'nothing to prove' : VERDICT[d.status]} (${parts.join('; ')})`];
  for (const p of d.proofs) if (p.status === 'failed' || p.status === 'unanchored') lines.push(`  ${p.txid} @ ${p.height}: ${p.status}: ${line(p.reason ?? '')}`);
  for (const n of d.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}
