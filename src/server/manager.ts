/**
 * Process-wide session state (cf. ElectrumX's SessionManager): the sessions, the per-IP cost
 * meter, `server.features`, and the notification fan-out. Fan-out keeps an index from
 * script hash to the sessions subscribed to it, computes each touched status once per
 * update (not once per session) and sends header notifications before status ones
 * (docs/protocol.md §11). Updates are handled one at a time, in the order the backend emits them.
 */
import type { Backend, OutpointStatus, Tip } from './api.js';
import { Session, type SessionHost, type Transport } from './session.js';
import { CostMeter, type Limits } from './limits.js';
import { RpcError, type ServerInfo, type SessionApi } from './handlers/index.js';
import { shapeHeader } from './handlers/blockchain.js';
import { RPC, encodeError, encodeNotification } from '../protocol/jsonrpc.js';
import { PROTOCOL_MAX, PROTOCOL_MIN, cmpVersion } from '../protocol/version.js';
import type { NetworkName } from '../bitcoin/networks.js';

export interface ManagerOptions {
  backend: Backend;
  network: NetworkName;
  limits: Limits;
  /** "electrum-cli VERSION" (SERVER_SOFTWARE in serve.ts) */
  software: string;
  banner: string;
  donationAddress: string;
  /** The public host name server.features reports (ElectrumX's REPORT_SERVICES). */
  reportHost?: string;
  /** The highest version served (default PROTOCOL_MAX; the draft with --experimental-protocol). */
  protocolMax?: string;
  log(line: string): void;
  /** Milliseconds clock for the cost meter (tests inject one). */
  now?: () => number;
}

/** A bound listener, as server.features reports it. */
export interface ListenerInfo {
  kind: 'tcp' | 'tls' | 'ws';
  host: string;
  port: number;
}

/** Statuses computed at once during fan-out (the backend's reads are cheap but not free). */
const FANOUT_CONCURRENCY = 8;
/** How often a subscribe re-reads a status that an update raced with. */
const STABLE_TRIES = 5;

export class SessionManager implements SessionHost {
  readonly backend: Backend;
  readonly network: NetworkName;
  readonly limits: Limits;
  readonly info: ServerInfo;
  readonly sessions = new Set<Session>();
  readonly meter: CostMeter;

  private readonly bySubscription = new Map<string, Set<Session>>();
  private readonly headerSubs = new Set<Session>();
  /** Outpoint subscriptions (1.7 draft): "txid:vout" -> session -> last status sent (JSON). */
  private readonly outpointSubs = new Map<string, Map<Session, string>>();
  private readonly numblockSubs = new Set<Session>();
  private readonly listeners: ListenerInfo[] = [];
  /** Sessions per metered IP (for limits.maxSessionsPerIp). */
  private readonly perIp = new Map<string, number>();
  private totalSubs = 0;
  /** Bumped on every backend event: lets a subscribe notice that it raced with an update. */
  private seq = 0;
  private queue: Promise<void> = Promise.resolve();
  /** A touched set whose job is queued but not started yet, merged into by later events. */
  private pendingTouched: Set<string> | null = null;
  private readonly now: () => number;
  private readonly onTip = (tip: Tip) => this.tipChanged(tip);
  private readonly onTouched = (set: Set<string>) => this.touched(set);

  constructor(private readonly opts: ManagerOptions) {
    this.backend = opts.backend;
    this.network = opts.network;
    this.limits = opts.limits;
    this.now = opts.now ?? Date.now;
    this.meter = new CostMeter(opts.limits);
    this.info = {
      software: opts.software,
      banner: opts.banner,
      donationAddress: opts.donationAddress,
      protocolMax: opts.protocolMax ?? PROTOCOL_MAX,
      features: () => this.features(),
      daemonInfo: () => this.backend.networkInfo(),
      outpoints: {
        subscribe: (s, txid, vout) => this.subscribeOutpoint(s as Session, txid, vout),
        unsubscribe: (s, txid, vout) => this.unsubscribeOutpoint(s as Session, txid, vout),
      },
    };
    this.backend.events.on('tip', this.onTip);
    this.backend.events.on('touched', this.onTouched);
  }

  log(line: string): void {
    this.opts.log(line);
  }

  /** Records a bound listener for server.features. */
  addListener(l: ListenerInfo): void {
    this.listeners.push(l);
  }

  /**
   * The server.features dictionary (docs/protocol.md §9), as ElectrumX builds it from
   * REPORT_SERVICES: each host with the ports it serves (a port not served is left out, not
   * null); the host is --report-host when given, else each listener's bind address.
   */
  features(): Record<string, unknown> {
    const hosts: Record<string, Record<string, number>> = Object.create(null);
    const key = { tcp: 'tcp_port', tls: 'ssl_port', ws: 'ws_port' } as const;
    const scheme = { tcp: 'tcp', tls: 'ssl', ws: 'ws' } as const;
    const services: string[] = [];
    for (const l of this.listeners) {
      const host = this.opts.reportHost ?? l.host;
      const h = (hosts[host] ??= {});
      if (Object.hasOwn(h, key[l.kind])) continue;
      h[key[l.kind]] = l.port;
      services.push(`${scheme[l.kind]}://${host.includes(':') ? `[${host}]` : host}:${l.port}`);
    }
    return {
      hosts: { ...hosts },
      genesis_hash: this.backend.genesisHash,
      hash_function: 'sha256',
      server_version: this.opts.software,
      protocol_min: PROTOCOL_MIN,
      protocol_max: this.info.protocolMax,
      pruning: null,
      services,
    };
  }

  /** Takes a new connection; null (after telling the client) when the session limit is reached. */
  accept(transport: Transport): Session | null {
    const refuse = (why: string): null => {
      transport.send(encodeError(null, RPC.SERVER_BUSY, why));
      transport.close();
      return null;
    };
    if (this.sessions.size >= this.limits.maxSessions) return refuse(`server busy: too many sessions (limit ${this.limits.maxSessions})`);
    const ip = transport.remoteAddress;
    const metered = this.meter.metered(ip);
    const fromIp = metered ? (this.perIp.get(ip) ?? 0) : 0;
    if (metered && fromIp >= this.limits.maxSessionsPerIp) {
      this.log(`refused a session from ${ip}: it has ${fromIp} (--max-sessions-per-ip)`);
      return refuse(`server busy: too many sessions from your address (limit ${this.limits.maxSessionsPerIp})`);
    }
    const s = new Session(this, transport);
    this.sessions.add(s);
    if (metered) this.perIp.set(ip, fromIp + 1);
    return s;
  }

  countSubs(delta: number): void {
    this.totalSubs += delta;
  }

  subsFull(): boolean {
    return this.totalSubs >= this.limits.maxSubsTotal;
  }

  /** Subscriptions across all sessions. */
  get subscriptionTotal(): number {
    return this.totalSubs;
  }

  queuedTotal(): number {
    let n = 0;
    for (const s of this.sessions) n += s.transport.bufferedBytes();
    return n;
  }

  charge(session: Session, cost: number): boolean {
    return this.meter.charge(session.remoteAddress, cost, this.now());
  }

  async stableStatus(scripthash: string): Promise<string | null> {
    for (let i = 0; ; i++) {
      const seq = this.seq;
      const status = await this.backend.status(scripthash);
      if (seq === this.seq || i + 1 >= STABLE_TRIES) return status;
    }
  }

  indexScripthash(session: Session, scripthash: string, on: boolean): void {
    let set = this.bySubscription.get(scripthash);
    if (on) {
      if (!set) this.bySubscription.set(scripthash, (set = new Set()));
      set.add(session);
    } else if (set) {
      set.delete(session);
      if (set.size === 0) this.bySubscription.delete(scripthash);
    }
  }

  indexHeaders(session: Session, on: boolean): void {
    if (on) this.headerSubs.add(session);
    else this.headerSubs.delete(session);
  }

  indexNumblocks(session: Session, on: boolean): void {
    if (on) this.numblockSubs.add(session);
    else this.numblockSubs.delete(session);
  }

  closed(session: Session): void {
    if (!this.sessions.delete(session)) return;
    const ip = session.remoteAddress;
    const fromIp = this.perIp.get(ip);
    if (fromIp !== undefined) {
      if (fromIp <= 1) this.perIp.delete(ip);
      else this.perIp.set(ip, fromIp - 1);
    }
    this.totalSubs -= session.subCount;
    for (const [k, subs] of this.outpointSubs) {
      subs.delete(session);
      if (subs.size === 0) this.outpointSubs.delete(k);
    }
    this.headerSubs.delete(session);
    this.numblockSubs.delete(session);
    for (const sh of session.subs.keys()) this.indexScripthash(session, sh, false);
  }

  /** Distinct script hashes with at least one subscriber. */
  get subscribedCount(): number {
    return this.bySubscription.size;
  }

  /** Resolves once every queued notification job has run (for tests and shutdown). */
  settled(): Promise<void> {
    return this.queue;
  }

  /** Closes every session and stops listening to the backend. */
  async close(): Promise<void> {
    this.backend.events.off('tip', this.onTip);
    this.backend.events.off('touched', this.onTouched);
    for (const s of [...this.sessions]) s.close();
    await this.queue;
  }

  // ---- fan-out ----

  private enqueue(job: () => Promise<void> | void): void {
    this.queue = this.queue.then(job).catch((e) => this.log(`notification error: ${e instanceof Error ? e.message : String(e)}`));
  }

  private tipChanged(tip: Tip): void {
    this.seq++;
    // Statuses touched after this tip must not be merged into a job queued before it.
    this.pendingTouched = null;
    this.enqueue(() => this.sendHeaders(tip));
    if (this.outpointSubs.size > 0) this.enqueue(() => this.refreshOutpoints());
  }

  private touched(set: Set<string>): void {
    this.seq++;
    if (this.pendingTouched) {
      for (const sh of set) this.pendingTouched.add(sh);
      return;
    }
    const mine = new Set(set);
    this.pendingTouched = mine;
    this.enqueue(() => {
      if (this.pendingTouched === mine) this.pendingTouched = null;
      return this.refresh(mine);
    });
  }

  private sendHeaders(tip: Tip): void {
    let raw: string | undefined;
    let deser: string | undefined;
    for (const s of this.headerSubs) {
      if (s.headerShape === 'deserialized') {
        deser ??= encodeNotification('blockchain.headers.subscribe', [shapeHeader('deserialized', tip.hex, tip.height)]);
        s.sendNotification(deser);
      } else {
        raw ??= encodeNotification('blockchain.headers.subscribe', [shapeHeader('raw', tip.hex, tip.height)]);
        s.sendNotification(raw);
      }
    }
    if (this.numblockSubs.size > 0) {
      const line = encodeNotification('blockchain.numblocks.subscribe', [tip.height]);
      for (const s of this.numblockSubs) s.sendNotification(line);
    }
  }

  private async refresh(touched: Set<string>): Promise<void> {
    const work: string[] = [];
    // Walk the smaller side: a block may touch thousands of script hashes nobody watches.
    if (touched.size <= this.bySubscription.size) {
      for (const sh of touched) if (this.bySubscription.has(sh)) work.push(sh);
    } else {
      for (const sh of this.bySubscription.keys()) if (touched.has(sh)) work.push(sh);
    }
    let next = 0;
    const worker = async () => {
      while (next < work.length) {
        const sh = work[next++]!;
        let status: string | null;
        try {
          status = await this.backend.status(sh);
        } catch (e) {
          this.log(`status of ${sh} failed: ${e instanceof Error ? e.message : String(e)}`);
          // ElectrumX (subscription_address_status): a status that cannot be computed any
          // more (history too large) is notified as null and the subscription is dropped.
          if (e instanceof RpcError) for (const s of [...(this.bySubscription.get(sh) ?? [])]) s.dropScripthash(sh);
          continue;
        }
        const subs = this.bySubscription.get(sh);
        if (subs) for (const s of subs) s.statusChanged(sh, status);
      }
    };
    await Promise.all(Array.from({ length: Math.min(FANOUT_CONCURRENCY, work.length) }, worker));
    await this.refreshOutpoints();
  }

  // ---- outpoints (1.7 draft) ----

  private async subscribeOutpoint(session: Session, txid: string, vout: number): Promise<OutpointStatus> {
    const key = `${txid}:${vout}`;
    const isNew = !this.outpointSubs.get(key)?.has(session);
    if (isNew && (session.subCount >= this.limits.maxSubs || this.subsFull())) throw new RpcError(RPC.LIMIT_EXCEEDED, 'Subscription limit reached');
    // As ElectrumX: a status that cannot be computed adds no subscription.
    const status = await this.backend.outpointStatus(txid, vout);
    if (session.isClosed) return status;
    let subs = this.outpointSubs.get(key);
    if (!subs) this.outpointSubs.set(key, (subs = new Map()));
    if (!subs.has(session)) session.addSub(1);
    subs.set(session, JSON.stringify(status));
    return status;
  }

  private unsubscribeOutpoint(session: Session, txid: string, vout: number): boolean {
    const key = `${txid}:${vout}`;
    const subs = this.outpointSubs.get(key);
    if (!subs?.delete(session)) return false;
    session.addSub(-1);
    if (subs.size === 0) this.outpointSubs.delete(key);
    return true;
  }

  /** Re-reads every subscribed outpoint after an update; notifies the sessions whose status changed. */
  private async refreshOutpoints(): Promise<void> {
    for (const [key, subs] of [...this.outpointSubs]) {
      const i = key.indexOf(':');
      const txid = key.slice(0, i);
      const vout = Number(key.slice(i + 1));
      let status: OutpointStatus;
      try {
        status = await this.backend.outpointStatus(txid, vout);
      } catch (e) {
        this.log(`status of outpoint ${key} failed: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
      const json = JSON.stringify(status);
      for (const [s, last] of subs) {
        if (last === json) continue;
        subs.set(s, json);
        s.notify('blockchain.outpoint.subscribe', [txid, vout, status]);
      }
    }
  }
}
