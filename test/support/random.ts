/** A seeded PRNG for test data, so failures reproduce. */

/** xorshift32: deterministic bytes for test data (not for anything secret). */
export function seededRandom(seed: number): { bytes(n: number): Buffer; int(max: number): number } {
  let x = seed >>> 0 || 1;
  const next = (): number => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  return {
    bytes(n: number): Buffer {
      const b = Buffer.alloc(n);
      for (let i = 0; i < n; i++) b[i] = next() & 0xff;
      return b;
    },
    int(max: number): number {
      return next() % max;
    },
  };
}
