/**
 * bitcoind's ZMQ notifications for the follow loop (follow.ts): which endpoints it publishes
 * (getzmqnotifications), the subscriber (the optional `zeromq` package), and which poll a
 * message calls for. Messages only make polling prompt: the follow loop still polls, so a lost
 * message costs at most one poll period.
 */
import { oneLine } from '../errors.js';
import type { Daemon } from './daemon.js';

/** What ZMQ topics bitcoind publishes (from getzmqnotifications). */
export interface ZmqEndpoints {
  hashblock?: string;
  sequence?: string;
  rawtx?: string;
  hashtx?: string;
}

/** ZMQ endpoints bitcoind publishes (empty when none or the RPC is missing). */
export async function zmqEndpoints(daemon: Pick<Daemon, 'call'>): Promise<ZmqEndpoints> {
  try {
    const list = await daemon.call<{ type: string; address: string }[]>('getzmqnotifications');
    const out: ZmqEndpoints = {};
    for (const n of list) {
      if (n.type === 'pubhashblock') out.hashblock = n.address;
      if (n.type === 'pubsequence') out.sequence = n.address;
      if (n.type === 'pubrawtx') out.rawtx = n.address;
      if (n.type === 'pubhashtx') out.hashtx = n.address;
    }
    return out;
  } catch {
    return {};
  }
}

/**
 * Subscribes to bitcoind's ZMQ topics and calls `onEvent(topic, body)` for each message
 * (frames: topic, body, 4-byte sequence). The caller then polls, so messages only make
 * polling prompt and a lost message costs at most one poll period. Returns a closer, or
 * null when the optional `zeromq` package cannot load or nothing is published.
 */
export async function subscribeZmq(endpoints: ZmqEndpoints, onEvent: (topic: string, body: Buffer) => void, log: (line: string) => void): Promise<(() => void) | null> {
  const addrs = new Map<string, string[]>();
  // `sequence` reports blocks and mempool changes alike (one short message each); per-tx
  // topics would add a message for every tx of every block, so they are only the fallback.
  const use: ZmqEndpoints = endpoints.sequence
    ? { hashblock: endpoints.hashblock, sequence: endpoints.sequence }
    : { hashblock: endpoints.hashblock, ...(endpoints.hashtx ? { hashtx: endpoints.hashtx } : { rawtx: endpoints.rawtx }) };
  for (const [topic, addr] of Object.entries(use)) {
    if (!addr) continue;
    const list = addrs.get(addr) ?? [];
    list.push(topic);
    addrs.set(addr, list);
  }
  if (addrs.size === 0) return null;
  let zmq: typeof import('zeromq');
  try {
    zmq = await import('zeromq');
  } catch (e) {
    log(`zeromq unavailable (${oneLine((e as Error).message, 80)}); polling bitcoind instead`);
    return null;
  }
  const socks: InstanceType<typeof zmq.Subscriber>[] = [];
  for (const [addr, topics] of addrs) {
    const sock = new zmq.Subscriber();
    sock.connect(addr);
    for (const t of topics) sock.subscribe(t);
    socks.push(sock);
    void (async () => {
      try {
        for await (const [topic, body] of sock) onEvent(topic!.toString(), body ?? Buffer.alloc(0));
      } catch {
        // closed
      }
    })();
  }
  log(`ZMQ: listening to ${[...addrs.values()].flat().join(', ')}`);
  return () => {
    for (const s of socks) s.close();
  };
}

/** Which poll a ZMQ message calls for: blocks (hashblock, sequence C/D) or the mempool. */
export function zmqWakes(topic: string, body: Buffer): 'tip' | 'mempool' {
  if (topic === 'hashblock' || topic === 'rawblock') return 'tip';
  if (topic === 'sequence' && body.length >= 33 && (body[32] === 0x43 || body[32] === 0x44)) return 'tip';
  return 'mempool';
}
