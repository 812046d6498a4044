/**
 * One home for the shapes that differ by protocol version or server (docs/protocol.md §5, §6.2):
 * callers read a result through these instead of probing its fields themselves.
 */
import { splitHeaders } from '../bitcoin/header.js';

/**
 * The height of a `blockchain.headers.subscribe` result or notification: `height` in the raw
 * form (1.2+), `block_height` in the deserialized one (1.0–1.3). Undefined when neither is an
 * integer (a caller that has not validated the reply decides what that means).
 */
export function tipOf(result: unknown): number | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const r = result as { height?: unknown; block_height?: unknown };
  const h = r.height ?? r.block_height;
  return typeof h === 'number' && Number.isSafeInteger(h) ? h : undefined;
}

/**
 * The headers of a `blockchain.block.headers` result, one hex string each: the `headers` list
 * from 1.6, the concatenated `hex` split into 80-byte headers before. Undefined when the result
 * has neither; a `hex` that is not whole headers throws ProtocolError.
 */
export function headersOf(result: unknown): string[] | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const r = result as { headers?: unknown; hex?: unknown };
  if (Array.isArray(r.headers)) return r.headers.map((h) => String(h));
  if (typeof r.hex === 'string') return splitHeaders(r.hex).map((b) => b.toString('hex'));
  return undefined;
}
