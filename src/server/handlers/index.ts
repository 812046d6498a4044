/**
 * The dispatch table: one handler per registry method. Typed with `satisfies
 * Record<MethodName, Handler>`, so a method added to the registry without a handler (or a
 * handler for a method the registry does not know) is a compile error.
 */
import type { MethodName } from '../../methods/registry.js';
import type { HandlerTable } from './context.js';
import { serverHandlers } from './server.js';
import { blockchainHandlers } from './blockchain.js';
import { mempoolHandlers } from './mempool.js';
import { legacyHandlers } from './legacy.js';
import { draftHandlers } from './draft.js';

export const HANDLERS = {
  ...serverHandlers,
  ...blockchainHandlers,
  ...mempoolHandlers,
  ...legacyHandlers,
  ...draftHandlers,
} satisfies HandlerTable;

/** Exhaustiveness the other way: no handler without a registry method. */
const _noExtra: Record<keyof typeof HANDLERS, true> = {} as Record<MethodName, true>;
void _noExtra;

export { RawJson, RpcError } from './context.js';
export type { Handler, HandlerContext, SessionApi, ServerInfo, Args } from './context.js';
