/**
 * `doctor SERVER`: one report card for one server (checks listed in doctor-checks.ts).
 * Thin I/O over Connection; every check records a status and the figure behind it.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { CliError, ConnectionError, ServerError, TimeoutError, VerificationError } from '../errors.js';
import { checkChain, checkPow, parseHeader, RETARGET_INTERVAL, splitHeaders } from '../bitcoin/header.js';
import { verifyMerkleBranch } from '../bitcoin/merkle.js';
import { NETWORKS, type NetworkName } from '../bitcoin/networks.js';
import { scriptHash } from '../bitcoin/scripthash.js';
import { scriptToAddress } from '../bitcoin/address.js';
import { methodsAt } from '../methods/registry.js';
import { check } from '../methods/validate.js';
import { call } from '../methods/call.js';
import { blockHeader, getMerkle, idFromPos, relayFee, txGet } from '../methods/blockchain.js';
import { mempoolGetInfo } from '../methods/mempool.js';
import { headersOf } from '../methods/normalise.js';
import { Connection, type ConnectionOptions } from '../protocol/connection.js';
import { formatServer, type ServerAddress } from '../protocol/server-address.js';
import { cmpVersion, PROTOCOL_MAX } from '../protocol/version.js';
import { DOCTOR_CHECKS } from './doctor-checks.js';
import { checkRawTx } from './proofs.js';
import { roundMs } from './stats.js';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

/** One line of the report card. */
export interface CheckResult {
  id: string;
  title: string;
  critical: boolean;
  status: CheckStatus;
  /** The figure behind the verdict, one line. */
  figure: string;
  data?: unknown;
}

/** The method-support matrix entry. */
export interface MethodSupport {
  method: string;
  status: 'ok' | 'missing' | 'error' | 'invalid' | 'timeout' | 'skipped';
  detail?: string;
  ms?: number;
}

/** The whole report (the --json shape). */
export interface DoctorReport {
  server: string;
  network: NetworkName;
  ok: boolean;
  checks: CheckResult[];
  methods: MethodSupport[];
  summary: Record<CheckStatus, number>;
}

export interface DoctorOptions {
  network: NetworkName;
  /** Connection options besides server (proxy, configDir for pins...); TLS runs in report mode. */
  connection?: Omit<ConnectionOptions, 'server'>;
  timeoutMs?: number;
  now?: () => number;
}

/** An unused script: OP_RETURN "electrum-cli doctor". Its history is empty everywhere. */
const PROBE_SCRIPT = Buffer.concat([Buffer.from([0x6a, 19]), Buffer.from('electrum-cli doctor')]);

class Card {
  readonly checks: CheckResult[] = [];
  set(id: string, status: CheckStatus, figure: string, data?: unknown): void {
    const spec = DOCTOR_CHECKS.find((c) => c.id === id)!;
    this.checks.push({ id, title: spec.title, critical: spec.critical, status, figure, ...(data !== undefined ? { data } : {}) });
  }
  skipRest(reason: string): void {
    for (const c of DOCTOR_CHECKS) if (!this.checks.some((x) => x.id === c.id)) this.set(c.id, 'skip', reason);
  }
  ordered(): CheckResult[] {
    return DOCTOR_CHECKS.map((c) => this.checks.find((x) => x.id === c.id)!).filter(Boolean);
  }
}

const ms = (x: number | undefined) => (x === undefined ? '?' : `${roundMs(x)} ms`);
const errText = (e: unknown) => (e instanceof ServerError ? `error ${e.code}: ${e.rpcMessage}` : (e as Error).message);

/** Runs every check; never throws for the server's faults (they are in the report). */
export async function runDoctor(addr: ServerAddress, opts: DoctorOptions): Promise<DoctorReport> {
  const card = new Card();
  const methods: MethodSupport[] = [];
  const net = NETWORKS[opts.network];
  const base = opts.connection ?? {};
  const timeoutMs = opts.timeoutMs ?? base.requestTimeoutMs ?? 10_000;
  const connOpts = (negotiate: ConnectionOptions['negotiate']): ConnectionOptions => ({
    ...base,
    server: addr,
    requestTimeoutMs: timeoutMs,
    keepaliveMs: 0,
    negotiate,
    tls: { ...(base.tls ?? {}), mode: 'report' },
  });

  // DNS
  if (isIP(addr.host) !== 0) card.set('dns', 'pass', `${addr.host} (IP address, no lookup)`);
  else if (base.proxy) card.set('dns', 'skip', 'resolved by the proxy');
  else {
    const t0 = performance.now();
    try {
      const all = await lookup(addr.host, { all: true });
      card.set('dns', 'pass', `${all.map((a) => a.address).join(', ')} in ${ms(performance.now() - t0)}`, { addresses: all.map((a) => a.address) });
    } catch (err) {
      card.set('dns', 'fail', `${addr.host} does not resolve: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }

  let conn: Connection;
  try {
    conn = await Connection.open(connOpts(false));
  } catch (err) {
    const tlsFailed = (addr.transport === 'tls' || addr.transport === 'wss') && /TLS|certificate|handshake/i.test((err as Error).message);
    if (tlsFailed) {
      card.set('connect', 'pass', 'connected');
      card.set('tls', 'fail', (err as Error).message);
    } else {
      card.set('connect', 'fail', (err as Error).message);
    }
    card.skipRest('not connected');
    return finish(addr, opts.network, card, methods, err);
  }
  const extra: Connection[] = [];
  try {
    card.set('connect', 'pass', `${ms(conn.timings.connectMs)} to ${conn.info.remoteAddress ?? addr.host}`);
    const t = conn.info.tls;
    if (!t) card.set('tls', 'skip', 'plain TCP (no certificate)');
    else {
      const figure = `${t.authorized ? `CA-signed (${t.issuer ?? 'unknown issuer'})` : t.selfSigned ? 'self-signed' : `not trusted (${t.authorizationError ?? '?'})`}, sha256 ${t.fingerprint256}, ${t.daysToExpiry} days to expiry (${t.validTo.slice(0, 10)}), handshake ${ms(conn.timings.tlsMs)}`;
      const data = { ca: t.authorized, selfSigned: t.selfSigned, fingerprint256: t.fingerprint256, validTo: t.validTo, daysToExpiry: t.daysToExpiry, pinStatus: t.pinStatus, protocol: t.protocol };
      if (t.daysToExpiry < 0) card.set('tls', 'fail', `certificate EXPIRED on ${t.validTo.slice(0, 10)}; ${figure}`, data);
      else if (t.pinStatus === 'mismatch') card.set('tls', 'fail', `certificate CHANGED since it was pinned (possible man-in-the-middle or rotation); ${figure}`, data);
      else if (!t.authorized && !t.selfSigned) card.set('tls', 'warn', figure, data);
      else if (t.daysToExpiry < 14) card.set('tls', 'warn', `expires soon: ${figure}`, data);
      else card.set('tls', 'pass', figure, data);
    }

    // Version negotiation
    let software: string;
    let version: string;
    try {
      const r = await conn.negotiate({ timeoutMs });
      software = r.software;
      version = r.version;
      card.set('version', 'pass', `${software}, protocol ${version}, first reply after ${ms(conn.timings.firstReplyMs)}`, { software, version });
    } catch (err) {
      card.set('version', 'fail', errText(err));
      card.skipRest('no protocol version agreed');
      return finish(addr, opts.network, card, methods, err instanceof ConnectionError ? err : undefined);
    }

    // features, tip (together)
    const modern = cmpVersion(version, '1.1') >= 0;
    const [features, tipRaw] = await Promise.all([
      modern ? conn.request('server.features').catch((e: unknown) => e) : Promise.resolve(undefined), // raw reply: the check judges what was sent
      conn.request('blockchain.headers.subscribe').catch((e: unknown) => e), // raw reply: the check judges what was sent
    ]);
    const f = features && !(features instanceof Error) && typeof features === 'object' ? (features as Record<string, unknown>) : undefined;

    if (cmpVersion(version, '1.4') >= 0) {
      try {
        // negotiation: a second server.version is the check itself (1.4+ must refuse it)
        await conn.request('server.version', ['electrum-cli/doctor', version], { timeoutMs: Math.min(timeoutMs, 5000) });
        card.set('version-repeat', 'warn', 'a second server.version was answered (1.4+ must refuse it)');
      } catch (err) {
        if (err instanceof ServerError) card.set('version-repeat', 'pass', `refused: ${errText(err)}`);
        else card.set('version-repeat', 'warn', `no answer: ${errText(err)}`);
      }
    } else card.set('version-repeat', 'skip', `protocol ${version}: repeats were allowed`);

    // Genesis
    if (!f) card.set('genesis', modern ? 'fail' : 'skip', modern ? `server.features failed: ${errText(features)}` : 'protocol 1.0 has no server.features');
    else if (String(f.genesis_hash).toLowerCase() === net.genesisHash) card.set('genesis', 'pass', `${net.genesisHash} (${net.label})`);
    else card.set('genesis', 'fail', `genesis ${String(f.genesis_hash)} is not ${net.label}'s ${net.genesisHash}: the server is on another chain`);

    // Protocol range
    if (f && typeof f.protocol_min === 'string' && typeof f.protocol_max === 'string') {
      const pmin = f.protocol_min;
      const pmax = f.protocol_max;
      const expected = cmpVersion(pmax, PROTOCOL_MAX) < 0 ? pmax : PROTOCOL_MAX;
      const problems: string[] = [];
      if (cmpVersion(version, expected) !== 0) problems.push(`negotiated ${version}, expected ${expected}`);
      for (const v of [pmin, pmax]) {
        try {
          const c = await Connection.open(connOpts({ min: v, max: v, timeoutMs }));
          extra.push(c);
          if (cmpVersion(c.version!, v) !== 0) problems.push(`offering exactly ${v} gave ${c.version}`);
          c.close();
        } catch (err) {
          problems.push(`offering exactly ${v} failed: ${errText(err)}`);
        }
      }
      card.set('protocol-range', problems.length ? 'fail' : 'pass', problems.length ? `advertises ${pmin}–${pmax} but ${problems.join('; ')}` : `advertises ${pmin}–${pmax}; both ends negotiate`, { min: pmin, max: pmax });
    } else card.set('protocol-range', 'skip', 'no advertised range');

    // Tip, linkage, PoW, age
    const tip = !(tipRaw instanceof Error) ? (tipRaw as { hex?: unknown; height?: unknown }) : undefined;
    const tipHex = typeof tip?.hex === 'string' ? tip.hex : undefined;
    const height = typeof tip?.height === 'number' ? tip.height : undefined;
    if (!tipHex || height === undefined) {
      const why = tipRaw instanceof Error ? errText(tipRaw) : 'no raw tip header (protocol before 1.4)';
      for (const id of ['tip-pow', 'tip-chain', 'tip-age', 'headers-form', 'merkle']) card.set(id, tipRaw instanceof Error ? 'fail' : 'skip', why);
    } else {
      let header: ReturnType<typeof parseHeader> | undefined;
      try {
        header = parseHeader(tipHex);
        card.set('tip-pow', checkPow(tipHex) ? 'pass' : 'fail', checkPow(tipHex)
          ? `block ${height} ${header.hash} meets bits 0x${header.bits.toString(16)}`
          : `block ${height} hash ${header.hash} is ABOVE the target of its bits 0x${header.bits.toString(16)}: invalid proof of work`);
      } catch (err) {
        card.set('tip-pow', 'fail', `the tip header does not parse: ${(err as Error).message}`);
      }
      await tipChain(conn, version, height, tipHex, card);
      if (header) {
        const age = Math.round(((opts.now?.() ?? Date.now()) / 1000 - header.timestamp) / 60);
        const text = `block ${height} is ${age < 120 ? `${age} min` : `${(age / 60).toFixed(1)} h`} old`;
        if (opts.network === 'regtest') card.set('tip-age', 'skip', `${text} (regtest: blocks come when mined)`);
        else card.set('tip-age', age > 24 * 60 ? 'fail' : age > 120 ? 'warn' : 'pass', text, { minutes: age });
        await merkleCheck(conn, version, height, header.merkleRoot, card);
      } else card.set('merkle', 'skip', 'no usable tip header');
    }

    // Fees and mempool
    await feeChecks(conn, version, card);

    // Methods matrix
    const coinbase = (card.checks.find((c) => c.id === 'merkle')?.data as { txid?: string } | undefined)?.txid;
    methods.push(...(await methodMatrix(conn, version, opts.network, height ?? 0, coinbase, timeoutMs)));
    const bad = methods.filter((m) => m.status === 'missing' || m.status === 'invalid' || m.status === 'timeout');
    const okCount = methods.filter((m) => m.status === 'ok').length;
    card.set('methods', bad.length ? 'warn' : 'pass', `${okCount} of ${methods.filter((m) => m.status !== 'skipped').length} methods of protocol ${version} answer${bad.length ? `; ${bad.map((m) => `${m.method} ${m.status}`).join(', ')}` : ''}`);

    await batchCheck(conn, version, card, timeoutMs);
    return finish(addr, opts.network, card, methods);
  } finally {
    conn.close();
    for (const c of extra) c.close();
  }
}

async function tipChain(conn: Connection, version: string, height: number, tipHex: string, card: Card): Promise<void> {
  const start = Math.max(0, height - 10);
  const count = height - start + 1;
  try {
    let headers: Buffer[];
    if (cmpVersion(version, '1.2') >= 0) {
      const r = (await conn.request('blockchain.block.headers', [start, count])) as { headers?: unknown; hex?: unknown }; // raw reply: the check judges what was sent (its form)
      const listForm = Array.isArray(r?.headers);
      const want16 = cmpVersion(version, '1.6') >= 0;
      if (listForm === want16 && (listForm || typeof r?.hex === 'string')) card.set('headers-form', 'pass', listForm ? '"headers" list at 1.6' : `"hex" string at ${version}`);
      else card.set('headers-form', 'fail', `answered ${listForm ? 'a "headers" list' : '"hex"'} at protocol ${version} (expected ${want16 ? 'a "headers" list' : '"hex"'})`);
      const hexes = headersOf(r);
      headers = hexes ? hexes.map((h) => Buffer.from(h, 'hex')) : splitHeaders(String(r?.hex));
    } else {
      card.set('headers-form', 'skip', `blockchain.block.headers needs protocol 1.2 (session: ${version})`);
      headers = [];
      for (let h = start; h <= height; h++) headers.push(Buffer.from(await call(conn, blockHeader, [h]) as string, 'hex'));
    }
    const brk = checkChain(headers);
    if (headers.length !== count) card.set('tip-chain', 'fail', `asked for ${count} headers ${start}–${height}, got ${headers.length}`);
    else if (brk >= 0) card.set('tip-chain', 'fail', `the header at height ${start + brk} does not link to the one before it`);
    else if (headers[headers.length - 1]!.toString('hex') !== tipHex.toLowerCase()) card.set('tip-chain', 'fail', `the header at ${height} differs from the announced tip`);
    else card.set('tip-chain', 'pass', `headers ${start}–${height} link and end at the announced tip`);
  } catch (err) {
    if (!card.checks.some((c) => c.id === 'headers-form')) card.set('headers-form', 'fail', errText(err));
    card.set('tip-chain', 'fail', `could not fetch headers ${start}–${height}: ${errText(err)}`);
  }
}

async function merkleCheck(conn: Connection, version: string, height: number, root: string, card: Card): Promise<void> {
  if (cmpVersion(version, '1.4') < 0) return card.set('merkle', 'skip', `id_from_pos needs protocol 1.4 (session: ${version})`);
  try {
    const r = (await call(conn, idFromPos, [height, 0, true])) as { tx_hash: string; merkle: string[] };
    const a = verifyMerkleBranch(r.tx_hash, 0, r.merkle, root);
    if (!a.ok) return card.set('merkle', 'fail', `id_from_pos proof of the coinbase of block ${height} is false: ${a.reason}`, { txid: r.tx_hash });
    const m = await call(conn, getMerkle, [r.tx_hash, height]);
    const b = verifyMerkleBranch(r.tx_hash, m.pos, m.merkle, root);
    if (!b.ok) return card.set('merkle', 'fail', `get_merkle proof of ${r.tx_hash} in block ${height} is false: ${b.reason}`, { txid: r.tx_hash });
    const raw = await call(conn, txGet, [r.tx_hash]);
    const t = checkRawTx(raw, r.tx_hash);
    if (!t.ok) return card.set('merkle', 'fail', `transaction.get: ${t.reason}`, { txid: r.tx_hash });
    card.set('merkle', 'pass', `coinbase ${r.tx_hash} proves against block ${height} (branch of ${m.merkle.length}); raw tx hashes to its txid`, { txid: r.tx_hash });
  } catch (err) {
    card.set('merkle', 'fail', `could not prove a transaction of block ${height}: ${errText(err)}`);
  }
}

async function feeChecks(conn: Connection, version: string, card: Card): Promise<void> {
  const targets = [1, 2, 6, 25];
  const rates = await Promise.all(targets.map((n) => conn.request('blockchain.estimatefee', [n]).catch((e: unknown) => e))); // raw reply: the check judges what was sent
  const shown = rates.map((r, i) => `${targets[i]}: ${r instanceof Error ? 'error' : String(r)}`).join(', ');
  const nums = rates.filter((r): r is number => typeof r === 'number');
  if (nums.length !== rates.length) card.set('fees', 'warn', `estimatefee failed for some targets (${shown})`);
  else if (nums.some((r) => r < 0 && r !== -1)) card.set('fees', 'fail', `negative fee rates (${shown} BTC/kvB)`);
  else if (nums.every((r) => r === -1)) card.set('fees', 'warn', `no estimates (-1) (${shown})`);
  else {
    const real = nums.filter((r) => r >= 0);
    const rising = real.some((r, i) => i > 0 && r > real[i - 1]! * 1.0001);
    card.set('fees', rising ? 'warn' : 'pass', `${shown} BTC/kvB${rising ? ': rises with a longer target' : ''}`, { targets, rates: nums });
  }
  try {
    if (cmpVersion(version, '1.6') >= 0) {
      const i = (await call(conn, mempoolGetInfo)) as Record<string, number>;
      const vals = [i.mempoolminfee, i.minrelaytxfee, i.incrementalrelayfee];
      const problems: string[] = [];
      if (vals.some((x) => typeof x !== 'number' || x < 0)) problems.push('missing or negative fields');
      if (i.mempoolminfee! < i.minrelaytxfee!) problems.push('mempoolminfee below minrelaytxfee');
      if (vals.some((x) => x >= 0.01)) problems.push('a floor of 0.01 BTC/kvB or more');
      card.set('mempool', problems.length ? 'warn' : 'pass', `mempoolminfee ${i.mempoolminfee}, minrelaytxfee ${i.minrelaytxfee}, incrementalrelayfee ${i.incrementalrelayfee} BTC/kvB${problems.length ? `: ${problems.join(', ')}` : ''}`, i);
    } else {
      const r = await call(conn, relayFee);
      card.set('mempool', typeof r === 'number' && r >= 0 && r < 0.01 ? 'pass' : 'warn', `relayfee ${String(r)} BTC/kvB`);
    }
  } catch (err) {
    card.set('mempool', 'warn', errText(err));
  }
}

/** Safe arguments for each method (undefined: not called). */
function safeArgs(method: string, network: NetworkName, tip: number, txid: string | undefined): unknown[] | undefined {
  const sh = scriptHash(PROBE_SCRIPT);
  const addr = scriptToAddress(Buffer.concat([Buffer.from('76a914', 'hex'), Buffer.alloc(20), Buffer.from('88ac', 'hex')]), network);
  const tx = txid ?? '00'.repeat(32);
  if (method.startsWith('blockchain.scripthash.')) return [sh];
  if (method.startsWith('blockchain.address.')) return [addr];
  switch (method) {
    case 'server.version':
    case 'server.add_peer': // for servers only: wallets must not call it
      return undefined;
    case 'blockchain.block.header':
    case 'blockchain.block.get_header':
      return [tip];
    case 'blockchain.block.headers':
      return [Math.max(0, tip - 1), 2];
    case 'blockchain.block.get_chunk':
      return [Math.floor(tip / RETARGET_INTERVAL)];
    case 'blockchain.estimatefee':
      return [6];
    case 'blockchain.transaction.get':
      return [tx];
    case 'blockchain.transaction.get_merkle':
      return [tx, tip];
    case 'blockchain.transaction.id_from_pos':
      return [tip, 0];
    case 'blockchain.transaction.broadcast':
      return ['00'];
    case 'blockchain.transaction.broadcast_package':
      return [['00']];
    case 'blockchain.utxo.get_address':
      return [tx, 0];
    default:
      return [];
  }
}

/** Methods whose error answer still shows support (they are sent invalid input on purpose). */
const EXPECT_ERROR = new Set(['blockchain.transaction.broadcast', 'blockchain.transaction.broadcast_package', 'blockchain.address.get_proof']);

async function methodMatrix(conn: Connection, version: string, network: NetworkName, tip: number, txid: string | undefined, timeoutMs: number): Promise<MethodSupport[]> {
  return Promise.all(
    methodsAt(version).map(async (m): Promise<MethodSupport> => {
      const params = safeArgs(m.name, network, tip, txid);
      if (!params) return { method: m.name, status: 'skipped', detail: m.name === 'server.version' ? 'checked by the handshake' : 'for servers only: not called' };
      const t0 = performance.now();
      try {
        const raw = await conn.request(m.name, params, { timeoutMs: Math.min(timeoutMs, 10_000) }); // wire name chosen at run time (the method sweep)
        const took = roundMs(performance.now() - t0);
        try {
          check(m.result, raw, { version, params });
          return { method: m.name, status: 'ok', ms: took };
        } catch (err) {
          return { method: m.name, status: 'invalid', detail: (err as Error).message, ms: took };
        }
      } catch (err) {
        const took = roundMs(performance.now() - t0);
        if (err instanceof ServerError) {
          if (err.code === -32601) return { method: m.name, status: 'missing', detail: err.rpcMessage, ms: took };
          return { method: m.name, status: EXPECT_ERROR.has(m.name) ? 'ok' : 'error', detail: `error ${err.code}: ${err.rpcMessage.slice(0, 120)}`, ms: took };
        }
        return { method: m.name, status: err instanceof TimeoutError ? 'timeout' : 'error', detail: (err as Error).message, ms: took };
      }
    }),
  );
}

async function batchCheck(conn: Connection, version: string, card: Card, timeoutMs: number): Promise<void> {
  if (!conn.isOpen) return card.set('batch', 'skip', 'connection closed');
  const method = cmpVersion(version, '1.2') >= 0 ? 'server.ping' : 'server.banner';
  let largest = 0;
  let stop = '';
  for (const n of [2, 10, 50, 100, 200, 345, 500, 1000]) {
    try {
      const r = await conn.batch(Array.from({ length: n }, () => ({ method })), { timeoutMs }); // wire name chosen at run time (by version)
      if (conn.batchSupported === false) {
        stop = 'the server refused a batch (requests then went one at a time)';
        break;
      }
      const errs = r.filter((x) => 'error' in x);
      if (errs.length) {
        const e = (errs[0] as { error: ServerError }).error;
        stop = `a batch of ${n} got ${errs.length} error(s): ${e.code} ${e.rpcMessage}`;
        break;
      }
      largest = n;
    } catch (err) {
      stop = `a batch of ${n} failed: ${errText(err)}`;
      break;
    }
  }
  if (largest === 0) card.set('batch', 'warn', `batches not supported: ${stop}`, { largest });
  else card.set('batch', largest < 100 ? 'warn' : 'pass', `largest batch accepted: ${largest}${stop ? ` (${stop})` : ' (1000 tried)'}`, { largest });
}

function finish(addr: ServerAddress, network: NetworkName, card: Card, methods: MethodSupport[], _fatal?: unknown): DoctorReport {
  const checks = card.ordered();
  const summary: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const c of checks) summary[c.status]++;
  return { server: formatServer(addr), network, ok: !checks.some((c) => c.critical && c.status === 'fail'), checks, methods, summary };
}

/** The error doctor exits with, if any: 3 when the server could not be reached, 6 for another critical failure. */
export function doctorError(report: DoctorReport): CliError | undefined {
  const failed = report.checks.filter((c) => c.critical && c.status === 'fail');
  if (failed.length === 0) return undefined;
  const first = failed[0]!;
  const where = report.server;
  if (first.id === 'connect' || (first.id === 'version' && /closed|timed out|no reply|connect/i.test(first.figure))) {
    return new ConnectionError(`${where}: ${first.title} failed: ${first.figure}`);
  }
  return new VerificationError(`${where}: critical check${failed.length > 1 ? 's' : ''} failed: ${failed.map((c) => `${c.title} (${c.figure})`).join('; ')}`);
}
