/** `mempool.*` methods (docs/protocol.md §5.1, §5.3). */
import { defineMethod } from './spec.js';
import * as r from './results.js';

export const feeHistogram = defineMethod({
  name: 'mempool.get_fee_histogram',
  cost: 1,
  since: '1.2',
  summary: 'The mempool fee histogram: [fee rate sat/vB, vsize] pairs, highest rate first',
  params: [],
  result: r.feeHistogram,
  command: 'fee-histogram',
  cli: {
    name: 'fee-histogram',
    args: [],
    json: '[[<sat/vB>, <vbytes>], ...] (fee rates strictly decreasing)',
    columns: [
      { key: '0', header: 'sat/vB', format: 'text' },
      { key: '1', header: 'vbytes', format: 'int' },
    ],
  },
});

export const mempoolGetInfo = defineMethod({
  name: 'mempool.get_info',
  cost: 1,
  since: '1.6',
  summary: "The server's mempool fee floors (BTC/kvB)",
  params: [],
  result: r.mempoolInfo,
  command: 'mempool-info',
  cli: {
    name: 'mempool-info',
    args: [],
    json: '{"mempoolminfee": <BTC/kvB>, "minrelaytxfee": <BTC/kvB>, "incrementalrelayfee": <BTC/kvB>, ...extras}',
    columns: [
      { key: 'mempoolminfee', header: 'mempool min fee', format: 'feerate' },
      { key: 'minrelaytxfee', header: 'min relay fee', format: 'feerate' },
      { key: 'incrementalrelayfee', header: 'incremental relay fee', format: 'feerate' },
    ],
  },
});
