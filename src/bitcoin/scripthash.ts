/**
 * Electrum script hashes (docs/protocol.md §3): hex(reverse(SHA256(scriptPubKey))), and the
 * parsing of what users type where a script hash is expected.
 */
import { UsageError } from '../errors.js';
import { addressToScript } from './address.js';
import { isHex, isHex64, preview, sha256 } from './hex.js';
import type { NetworkName } from './networks.js';

/** The script hash of an output script given as bytes or hex. */
export function scriptHash(script: Uint8Array | string): string {
  const buf = typeof script === 'string' ? scriptFromHex(script) : script;
  return sha256(buf).reverse().toString('hex');
}

/** The script hash an address pays to; throws UsageError if it is not an address of `network`. */
export function addressToScriptHash(address: string, network: NetworkName): string {
  return scriptHash(addressToScript(address, network));
}

/**
 * What the CLI accepts where a script hash is expected: a 64-hex script hash (returned
 * lowercased, unchanged otherwise) or an address of `network`. Hex is tried first: no
 * valid address is 64 hex digits long in practice, and a script hash must stay exact.
 */
export function toScriptHash(input: string, network: NetworkName): string {
  const s = typeof input === 'string' ? input.trim() : '';
  if (isHex64(s)) return s.toLowerCase();
  if (s !== '' && isHex(s) && !/^(bc|tb|bcrt)1/i.test(s)) {
    throw new UsageError(`not a script hash or address: ${preview(s)}`, {
      hint: 'a script hash is 64 hex characters; for a raw output script use --script HEX',
    });
  }
  return addressToScriptHash(s, network);
}

/** For `--script HEX`: the script hash of a hex output script; UsageError on bad hex. */
export function scriptHexToScriptHash(hex: string): string {
  return scriptHash(scriptFromHex(hex));
}

function scriptFromHex(hex: string): Buffer {
  const s = typeof hex === 'string' ? hex.trim() : '';
  if (!isHex(s)) throw new UsageError(`not a hex script: ${preview(hex)}`);
  if (s === '') throw new UsageError('the script is empty');
  return Buffer.from(s, 'hex');
}
