/** `mempool.*` handlers (docs/protocol.md §5.1). */
import type { Handler } from './context.js';

export const mempoolHandlers = {
  'mempool.get_fee_histogram': (c) => c.backend.feeHistogram(),
  'mempool.get_info': (c) => c.backend.mempoolInfo(),
} satisfies Record<string, Handler>;
