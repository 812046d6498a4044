/**
 * The one error type of the embedded server's wire: whatever a handler, the parameter binding,
 * the session or the backend refuses becomes an `RpcError` with one of the named codes of
 * `RPC` (src/protocol/jsonrpc.ts, docs/protocol.md §7), and the session answers it as a
 * JSON-RPC error. The texts follow ElectrumX so that clients see familiar errors.
 *
 * Failures that stop `serve` itself are CliErrors with exit statuses instead: `DaemonError`
 * (src/errors.ts, exit 7) and `IndexError` (index-errors.ts, exit 8). bitcoind's own JSON-RPC
 * errors are `BitcoindError` (thrown by daemon.ts) until `daemonError` below turns them into wire errors.
 */
import { oneLine } from '../errors.js';
import { RPC } from '../protocol/jsonrpc.js';

export { RPC };

/** A JSON-RPC error code the server sends (the named values of RPC). */
export type RpcCode = (typeof RPC)[keyof typeof RPC];

/** A JSON-RPC error to answer with; `disconnect` closes the session after the reply is sent. */
export class RpcError extends Error {
  constructor(
    readonly code: RpcCode,
    message: string,
    readonly disconnect = false,
  ) {
    super(message);
  }
}

/** bitcoind answered a call with a JSON-RPC error object (its own code and message). */
export class BitcoindError extends Error {
  constructor(readonly code: number, readonly rpcMessage: string, readonly method: string) {
    super(`${method}: bitcoind error ${code}: ${oneLine(rpcMessage)}`);
  }
}

/**
 * bitcoind refused a transaction or a package by its rules (error 1). The wire text is
 * ElectrumX's, built here only: "the transaction was rejected by network rules.\n\nREASON\n[RAW]".
 */
export class TxRejected extends RpcError {
  constructor(readonly reason: string, rawTx?: string) {
    super(RPC.BAD_REQUEST, rawTx === undefined
      ? `the tx package was rejected by network rules.\n\n${reason}`
      : `the transaction was rejected by network rules.\n\n${reason}\n[${rawTx}]`);
  }
}

/**
 * A failure talking to bitcoind as the wire error ElectrumX sends (error 2): bitcoind's error
 * object as a Python repr, `daemon error: DaemonError({'code': -5, 'message': '...'})`, which
 * clients (our own readServerMessage included) parse; anything else as `daemon error: TEXT`.
 * An RpcError passes through unchanged.
 */
export function daemonError(e: unknown): RpcError {
  if (e instanceof BitcoindError) return new RpcError(RPC.DAEMON_ERROR, `daemon error: DaemonError({'code': ${e.code}, 'message': '${e.rpcMessage}'})`);
  if (e instanceof RpcError) return e;
  return new RpcError(RPC.DAEMON_ERROR, `daemon error: ${oneLine((e as Error).message)}`);
}
