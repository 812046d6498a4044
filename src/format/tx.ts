/** Human view of `tx --decode` and `header --decode` (tables; lazily loaded). */
import type { DecodedHeader, DecodedTx } from '../bitcoin/decode.js';
import { formatCell, styleOf, type TableStyle } from './cells.js';
import { renderPairs, renderRows } from './table.js';

/** Summary, inputs and outputs of a decoded transaction. */
export function renderDecodedTx(tx: DecodedTx, style: TableStyle | boolean): string {
  const total = tx.outputs.reduce((s, o) => s + o.value, 0);
  const summary = renderPairs(
    [
      ['txid', tx.txid],
      ['wtxid', tx.wtxid],
      ['version', String(tx.version)],
      ['locktime', String(tx.locktime)],
      ['size', `${tx.size} bytes`],
      ['vsize', `${tx.vsize} vbytes`],
      ['weight', `${tx.weight} WU`],
      ['output total', formatCell('btc', total, styleOf(style))],
    ],
    style,
  );
  const inputs = renderRows(
    [
      { key: 'outpoint', header: 'input (txid:vout)', format: 'text' },
      { key: 'sequence', header: 'sequence', format: 'int' },
      { key: 'witnessItems', header: 'witness items', format: 'int' },
    ],
    tx.inputs.map((i) => ({ ...i, outpoint: i.coinbase ? 'coinbase' : `${i.txid}:${i.vout}` })),
    styleOf(style),
  );
  const outputs = renderRows(
    [
      { key: 'n', header: 'n', format: 'int' },
      { key: 'value', header: 'value', format: 'btc' },
      { key: 'address', header: 'address', format: 'text' },
      { key: 'type', header: 'type', format: 'text' },
    ],
    tx.outputs,
    styleOf(style),
  );
  return `${summary}\ninputs:\n${inputs}\noutputs:\n${outputs}`;
}

/** A decoded header as a field/value table. */
export function renderDecodedHeader(h: DecodedHeader, style: TableStyle | boolean, tip?: number): string {
  return renderPairs(
    [
      ...(h.height !== undefined ? [['height', formatCell('height', h.height, { ...styleOf(style), ...(tip !== undefined ? { tip } : {}) })] as const] : []),
      ['hash', h.hash],
      ['time', formatCell('time', h.timestamp, styleOf(style))],
      ['version', `0x${(h.version >>> 0).toString(16).padStart(8, '0')}`],
      ['previous block', h.prevHash],
      ['merkle root', h.merkleRoot],
      ['bits', `0x${h.bits.toString(16).padStart(8, '0')}`],
      ['nonce', String(h.nonce)],
      ['PoW meets its bits', h.powValid ? 'yes' : 'no'],
    ],
    style,
  );
}
