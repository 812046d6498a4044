/**
 * The one header miner of the tests: searches the nonce (bytes 76..80) of an 80-byte header
 * until its hash meets the target of its own bits, or, with `failPow`, until it does NOT (a
 * header a verifier must reject). On regtest either takes about two tries.
 */
import { bitsToTarget } from '../../src/bitcoin/header.js';
import { hashToDisplay, sha256d } from '../../src/bitcoin/hex.js';

/** Returns a mined copy of `header` (the input is left as it is). */
export function mineHeaderBytes(header: Buffer, opts: { failPow?: boolean } = {}): Buffer {
  const out = Buffer.from(header.subarray(0, 80));
  const target = bitsToTarget(out.readUInt32LE(72));
  for (let nonce = 0; nonce <= 0xffffffff; nonce++) {
    out.writeUInt32LE(nonce, 76);
    const meets = BigInt(`0x${hashToDisplay(sha256d(out))}`) <= target;
    if (meets !== (opts.failPow ?? false)) return out;
  }
  throw new Error('nonce space exhausted');
}
