/** The human view of a wallet scan: used addresses, UTXOs, totals (cli-table3 via format/table). */
import { renderPairs, renderRows } from '../format/table.js';
import { formatCell, styleOf, type TableStyle } from '../format/cells.js';
import type { ScanReport } from './scan.js';

const CHAIN = ['receive', 'change'];

/** Renders `report` as tables (or tab-separated rows when piped: cells.ts TableStyle). */
export function renderScanReport(report: ScanReport, style: TableStyle | boolean): string {
  const rows = report.addresses.map((a) => ({ ...a, path: `${CHAIN[a.chain] ?? a.chain}/${a.index}` }));
  const parts: string[] = [];
  if (rows.length === 0) {
    parts.push(`no used addresses (${report.total.addresses_scanned} scanned)`);
  } else {
    parts.push(
      renderRows(
        [
          { key: 'path', header: 'path', format: 'text' },
          { key: 'address', header: 'address', format: 'text' },
          { key: 'tx_count', header: 'txs', format: 'int' },
          { key: 'confirmed', header: 'confirmed', format: 'btc' },
          { key: 'unconfirmed', header: 'unconfirmed', format: 'btc' },
        ],
        rows,
        styleOf(style),
      ),
    );
  }
  if (report.utxos.length > 0) {
    parts.push(
      renderRows(
        [
          { key: 'height', header: 'height', format: 'height' },
          { key: 'tx_hash', header: 'txid', format: 'hash' },
          { key: 'tx_pos', header: 'vout', format: 'int' },
          { key: 'value', header: 'value', format: 'btc' },
          { key: 'address', header: 'address', format: 'text' },
        ],
        report.utxos,
        styleOf(style),
      ),
    );
  }
  const t = report.total;
  const btc = (s: number) => formatCell('btc', s, styleOf(style));
  parts.push(
    renderPairs(
      [
        ['confirmed', btc(t.confirmed)],
        ['unconfirmed', btc(t.unconfirmed)],
        ['transactions', String(t.tx_count)],
        ['addresses used / scanned', `${t.addresses_used} / ${t.addresses_scanned}`],
        ['UTXOs', String(t.utxo_count)],
        ...report.next.map((n) => [`next ${CHAIN[n.chain] ?? `chain ${n.chain}`}`, `${n.address} (index ${n.index})`] as const),
      ],
      style,
    ),
  );
  return parts.join('\n');
}
