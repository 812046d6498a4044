/** `mempool.*` handlers (docs/protocol.md §5.1). */
import type { HandlerTable } from './context.js';

export const mempoolHandlers = {
  'mempool.get_fee_histogram': (c) => c.backend.feeHistogram(),
  'mempool.get_info': (c) => c.backend.mempoolInfo(),
} satisfies Partial<HandlerTable>;
