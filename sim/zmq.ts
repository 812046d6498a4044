/**
 * bitcoind's ZMQ notifications for the simulator (opt-in: `zmq: true`): one PUB socket on
 * 127.0.0.1 publishing `hashblock`, `hashtx`, `rawtx` and `sequence` like Core's
 * zmqpublishnotifier: frames [topic, body, 4-byte LE per-topic message counter]; hashes in
 * display (reversed) byte order; `sequence` bodies are <32-byte hash><label> with an 8-byte
 * LE mempool sequence after labels 'A' (added) and 'R' (removed). Needs the optional
 * `zeromq` package.
 */
import net from 'node:net';

/** Topics the simulator publishes, as getzmqnotifications names them. */
export const ZMQ_TOPICS = ['hashblock', 'hashtx', 'rawtx', 'sequence'] as const;
export type ZmqTopic = (typeof ZMQ_TOPICS)[number];

type PublisherSocket = { bind(addr: string): Promise<void>; send(frames: Buffer[]): Promise<void>; close(): void; sendHighWaterMark: number };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
  });
}

/** A bound ZMQ publisher with Core's framing; sends are queued (zeromq allows one at a time). */
export class ZmqPublisher {
  private readonly counters = new Map<string, number>();
  private queue: Buffer[][] = [];
  private draining = false;
  private closed = false;

  private constructor(private readonly sock: PublisherSocket, readonly address: string, readonly topics: readonly ZmqTopic[]) {}

  /** Binds tcp://127.0.0.1:port (0 = a free port) for `topics` (default all four). */
  static async open(port = 0, topics: readonly ZmqTopic[] = ZMQ_TOPICS): Promise<ZmqPublisher> {
    const zmq = await import('zeromq');
    for (let attempt = 0; ; attempt++) {
      const p = port || (await freePort());
      const sock = new zmq.Publisher() as unknown as PublisherSocket;
      sock.sendHighWaterMark = 100_000;
      try {
        await sock.bind(`tcp://127.0.0.1:${p}`);
        return new ZmqPublisher(sock, `tcp://127.0.0.1:${p}`, topics);
      } catch (e) {
        sock.close();
        if (port || attempt >= 5) throw e;
      }
    }
  }

  /** getzmqnotifications entries for this publisher. */
  notifications(): { type: string; address: string; hwm: number }[] {
    return this.topics.map((t) => ({ type: `pub${t}`, address: this.address, hwm: 1000 }));
  }

  /** Publishes one message (asynchronously, in call order); topics not enabled are dropped, as in Core. */
  publish(topic: ZmqTopic, body: Buffer): void {
    if (this.closed || !this.topics.includes(topic)) return;
    const n = this.counters.get(topic) ?? 0;
    this.counters.set(topic, (n + 1) >>> 0);
    const seq = Buffer.alloc(4);
    seq.writeUInt32LE(n);
    this.queue.push([Buffer.from(topic), body, seq]);
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const batch = this.queue;
        this.queue = [];
        for (const frames of batch) {
          if (this.closed) return;
          await this.sock.send(frames);
        }
      }
    } catch {
      // closed while sending
    } finally {
      this.draining = false;
    }
  }

  close(): void {
    this.closed = true;
    this.queue = [];
    this.sock.close();
  }
}

/** A display-order hash as the 32 bytes Core publishes. */
export function hashBytes(displayHex: string): Buffer {
  return Buffer.from(displayHex, 'hex');
}

/** A `sequence` body: hash, label, and the mempool sequence for 'A'/'R'. */
export function sequenceBody(displayHex: string, label: 'C' | 'D' | 'A' | 'R', mempoolSeq?: number): Buffer {
  const parts = [hashBytes(displayHex), Buffer.from(label)];
  if (label === 'A' || label === 'R') {
    const s = Buffer.alloc(8);
    s.writeBigUInt64LE(BigInt(mempoolSeq ?? 0));
    parts.push(s);
  }
  return Buffer.concat(parts);
}
