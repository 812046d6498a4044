/**
 * A least-recently-used map bounded by entry count and by a total weight (rows held), so
 * one cache can hold many small script hashes or a few heavy ones without growing without
 * bound. Pure data structure, no I/O.
 */

/** An LRU map from string keys; `weight` is re-read when an entry is re-set or re-weighed. */
export class Lru<V> {
  private readonly map = new Map<string, { value: V; weight: number }>();
  private total = 0;

  constructor(
    readonly maxEntries: number,
    readonly maxWeight: number,
    private readonly weightOf: (v: V) => number,
  ) {}

  get size(): number {
    return this.map.size;
  }

  /** Total weight held. */
  get weight(): number {
    return this.total;
  }

  /** The value, marked most recently used. */
  get(key: string): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  /** The value, without touching its recency. */
  peek(key: string): V | undefined {
    return this.map.get(key)?.value;
  }

  keys(): IterableIterator<string> {
    return this.map.keys();
  }

  *values(): IterableIterator<V> {
    for (const e of this.map.values()) yield e.value;
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  /** Stores a value (most recently used) and evicts the oldest entries beyond the bounds. */
  set(key: string, value: V): void {
    this.delete(key);
    const weight = this.weightOf(value);
    this.map.set(key, { value, weight });
    this.total += weight;
    this.evict();
  }

  /** Re-reads the weight of an entry whose value grew in place. */
  reweigh(key: string): void {
    const e = this.map.get(key);
    if (!e) return;
    const w = this.weightOf(e.value);
    this.total += w - e.weight;
    e.weight = w;
    this.evict();
  }

  delete(key: string): void {
    const e = this.map.get(key);
    if (!e) return;
    this.map.delete(key);
    this.total -= e.weight;
  }

  /** Deletes every listed key (walking the smaller side). */
  deleteAll(keys: ReadonlySet<string>): void {
    if (keys.size <= this.map.size) {
      for (const k of keys) this.delete(k);
    } else {
      for (const k of [...this.map.keys()]) if (keys.has(k)) this.delete(k);
    }
  }

  clear(): void {
    this.map.clear();
    this.total = 0;
  }

  private evict(): void {
    // The newest entry stays even when it alone exceeds maxWeight: it is being served.
    for (const [k] of this.map) {
      if (this.map.size <= 1 || (this.map.size <= this.maxEntries && this.total <= this.maxWeight)) break;
      this.delete(k);
    }
  }
}
