/**
 * Bounded parallelism and deadlines: a probe of hundreds of servers runs `limit` at a time
 * and takes about as long as the slowest server, not the sum.
 */

/** Maps `items` through `fn` with at most `limit` calls in flight; results keep input order. */
export async function mapPool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await fn(items[i]!, i);
    }
  };
  const n = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: n }, worker));
  return out;
}

/** Thrown by withDeadline when the deadline passes first. */
export class DeadlineError extends Error {
  constructor(readonly ms: number) {
    super(`deadline of ${Math.round(ms / 100) / 10} s passed`);
  }
}

/**
 * Runs `work` with an AbortSignal that fires after `ms`; rejects with DeadlineError then
 * (the work should stop, e.g. close its connection, when the signal aborts).
 */
export async function withDeadline<R>(ms: number, work: (signal: AbortSignal) => Promise<R>): Promise<R> {
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ac.abort();
      reject(new DeadlineError(ms));
    }, ms);
  });
  try {
    return await Promise.race([work(ac.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
