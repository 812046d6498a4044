/**
 * bitcoind's REST interface subset (no auth, like Core). Pure: maps a path + query to a response.
 *
 * /rest/spenttxouts/<hash>.bin (Core 30, rest.cpp SerializeBlockUndo) is:
 *   CompactSize(number of txs in the block)      -- non-coinbase txs + 1
 *   CompactSize(0)                               -- empty list standing in for the coinbase
 *   for each non-coinbase tx, in block order:
 *     CompactSize(number of inputs)
 *     for each input: the spent CTxOut = int64 LE value (satoshis) + CompactSize script length + scriptPubKey
 * i.e. plain CTxOuts: no height, no coinbase flag, no compression (unlike the rev*.dat undo format).
 * The .json form is the same shape: [[], [{value, scriptPubKey}...], ...].
 */
import { parseBlock } from './block.js';
import { BlockEntry } from './chain.js';
import { Writer, fromRevHex } from './bytes.js';
import { btc } from './errors.js';
import { SimNode } from './node.js';
import { blockchainInfo, mempoolInfo, rawMempool } from './rpc.js';
import { scriptPubKeyJson } from './script.js';
import { blockJson, headerJson, txJson } from './views.js';

/** An HTTP response from the REST layer. */
export interface RestResponse { status: number; contentType: string; body: Buffer | string }

type Format = 'bin' | 'hex' | 'json';
const MAX_HEADERS = 2000;

function err(status: number, msg: string): RestResponse {
  return { status, contentType: 'text/plain', body: msg + '\r\n' };
}

/**
 * Core's ParseDataFormat: a known suffix (.bin/.hex/.json) is split off; an unknown one stays in
 * the parameter (so `<hash>.xml` is an invalid hash, 400, not an unknown format).
 */
function parseFormat(part: string): { param: string; format?: Format } {
  const dot = part.lastIndexOf('.');
  if (dot < 0) return { param: part };
  const ext = part.slice(dot + 1);
  return ext === 'bin' || ext === 'hex' || ext === 'json' ? { param: part.slice(0, dot), format: ext } : { param: part };
}

/** uint256::FromHex: exactly 64 hex digits. */
const isHash = (s: string): boolean => /^[0-9a-fA-F]{64}$/.test(s);

function formatError(): RestResponse {
  return err(404, 'output format not found (available: .bin, .hex, .json)');
}

/** Core's SanitizeString(s, SAFE_CHARS_URI) for error texts. */
function sanitizeUri(s: string): string {
  return s.replace(/[^a-zA-Z0-9 .,;\-_/:?@()!*'&$~=+%[\]]/g, '');
}

function bytesReply(format: Format, data: Buffer, json: () => unknown): RestResponse {
  if (format === 'bin') return { status: 200, contentType: 'application/octet-stream', body: data };
  if (format === 'hex') return { status: 200, contentType: 'text/plain', body: data.toString('hex') + '\n' };
  return { status: 200, contentType: 'application/json', body: JSON.stringify(json()) + '\n' };
}

function jsonReply(v: unknown): RestResponse {
  return { status: 200, contentType: 'application/json', body: JSON.stringify(v) + '\n' };
}

/** Core's REST-specific serialization of a block's spent outputs (see the file comment). */
export function serializeSpentTxouts(e: BlockEntry): Buffer {
  const undo = e.height === 0 ? [] : (e.undo ?? []);
  const w = new Writer().varint(undo.length + 1).varint(0);
  for (const txUndo of undo) {
    w.varint(txUndo.length);
    for (const c of txUndo) w.u64(c.value).varbytes(c.script);
  }
  return w.done();
}

/** Handles GET /rest/...; path excludes the query string. */
export function handleRest(node: SimNode, path: string, query: URLSearchParams): RestResponse {
  const chain = node.chain;
  const route = path.slice('/rest/'.length);
  const lookup = (hash: string): BlockEntry | RestResponse => {
    if (!isHash(hash)) return err(400, 'Invalid hash: ' + hash);
    const e = chain.blocks.get(hash.toLowerCase());
    return e ?? err(404, hash + ' not found');
  };
  if (route.startsWith('block/')) {
    const notx = route.startsWith('block/notxdetails/');
    const { param, format } = parseFormat(route.slice(notx ? 'block/notxdetails/'.length : 'block/'.length));
    const e = lookup(param);
    if (!('hash' in e)) return e;
    if (!format) return formatError();
    return bytesReply(format, e.raw, () => blockJson(chain, e, notx ? [] : parseBlock(e.raw).txs, notx ? 1 : 3));
  }
  if (route.startsWith('headers/')) {
    const { param, format } = parseFormat(route.slice('headers/'.length));
    const parts = param.split('/');
    let rawCount: string;
    let hash: string;
    if (parts.length === 2) { rawCount = parts[0]; hash = parts[1]; } else if (parts.length === 1) {
      hash = parts[0]; rawCount = query.get('count') ?? '5';
    } else return err(400, 'Invalid URI format. Expected /rest/headers/<hash>.<ext>?count=<count>');
    const count = /^\d+$/.test(rawCount) ? Number(rawCount) : NaN;
    if (!(count >= 1 && count <= MAX_HEADERS)) {
      return err(400, `Header count is invalid or out of acceptable range (1-${MAX_HEADERS}): ${rawCount}`);
    }
    if (!isHash(hash)) return err(400, 'Invalid hash: ' + hash);
    const list: BlockEntry[] = [];
    let e = chain.blocks.get(hash.toLowerCase());
    while (e && chain.inActive(e) && list.length < count) { list.push(e); e = chain.active[e.height + 1]; }
    if (!format) return formatError();
    return bytesReply(format, Buffer.concat(list.map((x) => x.headerBytes)), () => list.map((x) => headerJson(chain, x)));
  }
  if (route.startsWith('blockhashbyheight/')) {
    const { param, format } = parseFormat(route.slice('blockhashbyheight/'.length));
    // ToIntegral<int32_t>: an optional '-' and digits within int32 range; negative is invalid too.
    const h = /^-?\d+$/.test(param) ? Number(param) : NaN;
    if (!(h >= 0 && h <= 0x7fffffff)) return err(400, 'Invalid height: ' + sanitizeUri(param));
    if (h > chain.height) return err(404, 'Block height out of range');
    const hash = chain.active[h].hash;
    if (!format) return formatError();
    return bytesReply(format, fromRevHex(hash), () => ({ blockhash: hash }));
  }
  if (route.startsWith('spenttxouts/')) {
    const { param, format } = parseFormat(route.slice('spenttxouts/'.length));
    if (param.includes('/')) return err(400, 'Invalid URI format. Expected /rest/spenttxouts/<hash>.<ext>');
    const e = lookup(param);
    if (!('hash' in e)) return e;
    if (e.height > 0 && !e.undo) return err(404, param + ' undo not available');
    if (!format) return formatError();
    return bytesReply(format, serializeSpentTxouts(e), () => [[], ...(e.undo ?? []).map((u) => u.map((c) => ({
      value: btc(c.value), scriptPubKey: scriptPubKeyJson(c.script),
    })))]);
  }
  if (route.startsWith('tx/')) {
    const { param, format } = parseFormat(route.slice('tx/'.length));
    if (!isHash(param)) return err(400, 'Invalid hash: ' + param);
    const txid = param.toLowerCase();
    const me = node.mempool.entries.get(txid);
    const loc = chain.txIndex.get(txid);
    const tx = me ? me.tx : loc ? parseBlock(loc.entry.raw).txs[loc.pos] : undefined;
    if (!tx) return err(404, param + ' not found');
    if (!format) return formatError();
    return bytesReply(format, tx.raw, () => ({ ...txJson(tx), ...(loc && !me ? { blockhash: loc.entry.hash } : {}) }));
  }
  // Core registers the prefix /rest/chaininfo (no slash) and looks only at the format.
  if (route.startsWith('chaininfo')) {
    if (parseFormat(route.slice('chaininfo'.length)).format !== 'json') return err(404, 'output format not found (available: json)');
    return jsonReply(blockchainInfo(node));
  }
  if (route.startsWith('mempool/')) {
    // Core checks the resource name before the format: /mempool/info.xml is 400, /mempool/info.bin 404.
    const { param, format } = parseFormat(route.slice('mempool/'.length));
    if (param !== 'info' && param !== 'contents') return err(400, 'Invalid URI format. Expected /rest/mempool/<info|contents>.json');
    if (format !== 'json') return err(404, 'output format not found (available: json)');
    if (param === 'info') return jsonReply(mempoolInfo(node));
    const verbose = query.get('verbose') ?? 'true';
    if (verbose !== 'true' && verbose !== 'false') return err(400, 'The "verbose" query parameter must be either "true" or "false".');
    const seq = query.get('mempool_sequence') ?? 'false';
    if (seq !== 'true' && seq !== 'false') return err(400, 'The "mempool_sequence" query parameter must be either "true" or "false".');
    if (verbose === 'true' && seq === 'true') return err(400, 'Verbose results cannot contain mempool sequence values. (hint: set "verbose=false")');
    if (seq === 'true') return jsonReply({ txids: rawMempool(node, false), mempool_sequence: node.mempoolSequence });
    return jsonReply(rawMempool(node, verbose === 'true'));
  }
  return err(404, 'Not found');
}
