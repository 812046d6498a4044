/**
 * Fast secp256k1 keys and signatures for the mainnet-shaped chain generator (mainnet-gen.ts),
 * in plain BigInt arithmetic: a pure-JS library spends ~100+ µs per key and per signature,
 * which is many minutes for millions of spends.
 *
 * - Keys are consecutive: d_m = D0 + m. Their public keys come in batches of B as
 *   Q + i·G (i = 1..B) with one shared modular inverse per batch (Montgomery's trick),
 *   a few µs per key.
 * - Signatures use ONE FIXED NONCE for every signature (ECDSA: s = k⁻¹(z + r·d); BIP340:
 *   s = k + e·d), so signing is one multiplication mod n. Reusing a nonce reveals the
 *   private key to anyone who sees two signatures: fine for throw-away regtest keys derived
 *   from a public seed, never for anything else. The signatures are ordinary valid ones
 *   (low-S, strict DER; BIP340 with even-y R and P), which is all consensus checks.
 * Correctness is checked against @bitcoinerlab/secp256k1 in test/sim/mainnet-gen.test.ts.
 */
import { createHash } from 'node:crypto';

const P = 2n ** 256n - 2n ** 32n - 977n;
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = N >> 1n;
const GX = 0x79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798n;
const GY = 0x483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8n;

type Pt = { x: bigint; y: bigint } | null;

function mod(a: bigint, m = P): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

/** Modular inverse (extended Euclid). */
export function inv(a: bigint, m = P): bigint {
  let [r0, r1] = [mod(a, m), m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0, m);
}

function add(a: Pt, b: Pt): Pt {
  if (!a) return b;
  if (!b) return a;
  if (a.x === b.x) {
    if (mod(a.y + b.y) === 0n) return null;
    const l = mod(3n * a.x * a.x * inv(2n * a.y));
    const x = mod(l * l - 2n * a.x);
    return { x, y: mod(l * (a.x - x) - a.y) };
  }
  const l = mod((b.y - a.y) * inv(b.x - a.x));
  const x = mod(l * l - a.x - b.x);
  return { x, y: mod(l * (a.x - x) - a.y) };
}

/** k·G by double-and-add (slow; only for a handful of fixed points). */
export function mulG(k: bigint): Pt {
  let r: Pt = null;
  let q: Pt = { x: GX, y: GY };
  for (let e = mod(k, N); e > 0n; e >>= 1n) {
    if (e & 1n) r = add(r, q);
    q = add(q, q);
  }
  return r;
}

/** 32-byte big-endian encoding. */
export function be32(x: bigint): Buffer {
  return Buffer.from(x.toString(16).padStart(64, '0'), 'hex');
}

/** Scalar from bytes (big-endian). */
export function scalar(b: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(b).toString('hex')}`);
}

const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();

/** A scalar in [1, n) derived from a label. */
export function scalarFrom(label: string): bigint {
  for (let i = 0; ; i++) {
    const k = scalar(sha256(Buffer.from(`${label}/${i}`)));
    if (k > 0n && k < N) return k;
  }
}

/** Consecutive keys d_m = D0 + m (m = 1, 2, ...) with their public points, made in batches. */
export class KeyStream {
  private readonly d0: bigint;
  private readonly table: { x: bigint; y: bigint }[] = [];
  private base: { x: bigint; y: bigint };
  private batch: { x: bigint; y: bigint }[] = [];
  private made = 0;

  constructor(label: string, private readonly batchSize = 512) {
    this.d0 = scalarFrom(label);
    this.base = mulG(this.d0)!;
    let t: Pt = null;
    const g = { x: GX, y: GY };
    for (let i = 1; i <= batchSize; i++) { t = add(t, g); this.table.push(t!); }
  }

  /** Private key of index m. */
  priv(m: number): bigint { return mod(this.d0 + BigInt(m), N); }

  /** The next key's index and public point. */
  next(): { m: number; x: bigint; yOdd: boolean } {
    const i = this.made % this.batchSize;
    if (i === 0) this.refill();
    this.made++;
    const p = this.batch[i]!;
    return { m: this.made, x: p.x, yOdd: (p.y & 1n) === 1n };
  }

  /** base + T[i] for every i, with one inversion for the whole batch. */
  private refill(): void {
    const b = this.base;
    const n = this.batchSize;
    const dx: bigint[] = new Array(n);
    const pre: bigint[] = new Array(n);
    let acc = 1n;
    for (let i = 0; i < n; i++) { dx[i] = mod(this.table[i]!.x - b.x); acc = (acc * dx[i]!) % P; pre[i] = acc; }
    let invAcc = inv(acc);
    const out: { x: bigint; y: bigint }[] = new Array(n);
    for (let i = n - 1; i >= 0; i--) {
      const invI = i > 0 ? (invAcc * pre[i - 1]!) % P : invAcc;
      invAcc = (invAcc * dx[i]!) % P;
      const t = this.table[i]!;
      const l = mod((t.y - b.y) * invI);
      const x = mod(l * l - b.x - t.x);
      out[i] = { x, y: mod(l * (b.x - x) - b.y) };
    }
    this.batch = out;
    this.base = out[n - 1]!;
  }
}

/** Compressed SEC encoding of a point given x and the parity of y. */
export function compressed(x: bigint, yOdd: boolean): Buffer {
  const b = Buffer.allocUnsafe(33);
  b[0] = yOdd ? 3 : 2;
  be32(x).copy(b, 1);
  return b;
}

function derInt(x: bigint): Buffer {
  let b = be32(x);
  let i = 0;
  while (i < 31 && b[i] === 0 && b[i + 1]! < 0x80) i++;
  b = b.subarray(i);
  return b[0]! >= 0x80 ? Buffer.concat([Buffer.from([0x02, b.length + 1, 0]), b]) : Buffer.concat([Buffer.from([0x02, b.length]), b]);
}

/** ECDSA and BIP340 signing with one fixed nonce per signer (see the file comment). */
export class FixedNonceSigner {
  private readonly kInv: bigint;
  private readonly r: bigint;
  private readonly rDer: Buffer;
  private readonly ks: bigint;
  private readonly rx: Buffer;
  private readonly challengeTag: Buffer;

  constructor(label: string) {
    const k = scalarFrom(`${label}/ecdsa-nonce`);
    this.r = mod(mulG(k)!.x, N);
    this.kInv = inv(k, N);
    this.rDer = derInt(this.r);
    let ks = scalarFrom(`${label}/schnorr-nonce`);
    const R = mulG(ks)!;
    if (R.y & 1n) ks = N - ks;
    this.ks = ks;
    this.rx = be32(R.x);
    const t = sha256(Buffer.from('BIP0340/challenge'));
    this.challengeTag = Buffer.concat([t, t]);
  }

  /** DER ECDSA signature (low S) of the 32-byte digest z with private key d, plus the sighash byte. */
  ecdsa(z: Buffer, d: bigint, hashType = 1): Buffer {
    let s = (this.kInv * ((scalar(z) + this.r * d) % N)) % N;
    if (s > HALF_N) s = N - s;
    const sd = derInt(s);
    return Buffer.concat([Buffer.from([0x30, this.rDer.length + sd.length]), this.rDer, sd, Buffer.from([hashType])]);
  }

  /**
   * BIP340 signature of msg by the key d whose public point has x-coordinate px and y parity
   * yOdd (d is negated for an odd y, as BIP340 requires). 64 bytes: SIGHASH_DEFAULT.
   */
  schnorr(msg: Buffer, d: bigint, px: Buffer, yOdd: boolean): Buffer {
    const dd = yOdd ? N - d : d;
    const e = scalar(createHash('sha256').update(this.challengeTag).update(this.rx).update(px).update(msg).digest()) % N;
    const s = (this.ks + e * dd) % N;
    return Buffer.concat([this.rx, be32(s)]);
  }
}
