/**
 * Output descriptors for single-key wallets: pkh(KEY), wpkh(KEY), sh(wpkh(KEY)), tr(KEY),
 * where KEY is [fingerprint/origin]XPUB/path with an optional multipath step <a;b> and a final
 * /* (BIP380, BIP386, BIP389). The checksum is checked when present. Pure.
 */
import { UsageError } from '../errors.js';
import { descriptorChecksum } from './checksum.js';
import type { ScriptKind } from './xpub.js';

/** A parsed ranged descriptor. */
export interface Descriptor {
  kind: ScriptKind;
  /** The extended key as written. */
  key: string;
  /** Key origin ("[d34db33f/84h/0h/0h]"), if given. */
  origin?: string;
  /**
   * Derivation steps after the key, one list per chain: `<0;1>/*` gives [[0], [1]]; `0/*`
   * gives [[0]]; the final wildcard is implied.
   */
  chains: number[][];
}

const WRAPPERS: [RegExp, ScriptKind][] = [
  [/^sh\(wpkh\((.*)\)\)$/, 'sh-wpkh'],
  [/^wpkh\((.*)\)$/, 'wpkh'],
  [/^pkh\((.*)\)$/, 'pkh'],
  [/^tr\((.*)\)$/, 'tr'],
];

/** True when `text` looks like a descriptor rather than a bare extended key. */
export function isDescriptor(text: string): boolean {
  return text.includes('(');
}

function step(s: string, what: string): number {
  if (/^\d+$/.test(s) && Number(s) < 0x80000000) return Number(s);
  if (/^\d+['hH]$/.test(s)) throw new UsageError(`${what}: hardened step ${s} cannot be derived from a public key`);
  throw new UsageError(`${what}: bad derivation step ${JSON.stringify(s)}`);
}

/** Parses a descriptor; UsageError naming what is wrong. */
export function parseDescriptor(input: string): Descriptor {
  let text = input.trim();
  const hash = text.lastIndexOf('#');
  if (hash >= 0) {
    const given = text.slice(hash + 1);
    text = text.slice(0, hash);
    const want = descriptorChecksum(text);
    if (want !== given) throw new UsageError(`descriptor checksum mismatch: #${given}, expected #${want ?? '?'}`, { hint: 'copy the descriptor again, or drop the #checksum' });
  }
  const hit = WRAPPERS.map(([re, kind]) => [re.exec(text), kind] as const).find(([m]) => m);
  if (!hit) {
    throw new UsageError(`unsupported descriptor ${JSON.stringify(text.slice(0, 40))}`, { hint: 'use pkh(), wpkh(), sh(wpkh()) or tr() with one extended public key' });
  }
  const [m, kind] = hit;
  let body = m![1]!;
  if (kind === 'tr' && body.includes(',')) throw new UsageError('tr() with script paths is not supported: give tr(KEY/<0;1>/*)');
  let origin: string | undefined;
  const o = /^(\[[0-9a-fA-F]{8}(?:\/\d+['hH]?)*\])(.*)$/.exec(body);
  if (o) {
    origin = o[1]!;
    body = o[2]!;
  } else if (body.startsWith('[')) {
    throw new UsageError(`bad key origin in ${JSON.stringify(body.slice(0, 30))}`);
  }
  const parts = body.split('/');
  const key = parts.shift()!;
  if (parts.pop() !== '*') throw new UsageError('the descriptor must be ranged: end the key with /* (e.g. KEY/<0;1>/*)');
  let chains: number[][] = [[]];
  for (const p of parts) {
    const multi = /^<(.*)>$/.exec(p);
    if (multi) {
      if (chains.length > 1) throw new UsageError('only one multipath step <a;b> is allowed');
      const alts = multi[1]!.split(';').map((s) => step(s, 'multipath'));
      if (alts.length < 2) throw new UsageError('a multipath step needs two or more values: <0;1>');
      chains = alts.map((a) => [...chains[0]!, a]);
    } else {
      const n = step(p, 'derivation');
      chains = chains.map((c) => [...c, n]);
    }
  }
  return { kind, key, ...(origin ? { origin } : {}), chains };
}
