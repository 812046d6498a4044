/**
 * The error hierarchy and the exit statuses of docs/architecture.md §7. Code anywhere throws these;
 * only main.ts catches them and turns them into one line on stderr and an exit status.
 */

/** Exit statuses, documented in the man page (EXIT STATUS). */
export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  connection: 3,
  server: 4,
  protocol: 5,
  verification: 6,
  daemon: 7,
  index: 8,
  interrupted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface CliErrorOptions {
  /** What to try next, printed after the message ("port 50002 is usually TLS: try host:50002:s"). */
  hint?: string;
  cause?: unknown;
}

/** Base of every expected failure: carries its exit status and a one-line message. */
export class CliError extends Error {
  readonly exitCode: ExitCode = EXIT.internal;
  readonly hint?: string;
  constructor(message: string, opts: CliErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.hint = opts.hint;
  }
}

/** Bad command line, bad argument value, or a prompt needed without a terminal. */
export class UsageError extends CliError {
  override readonly exitCode = EXIT.usage;
}

/** Could not connect, TLS failed, the peer closed, or a pinned certificate changed. */
export class ConnectionError extends CliError {
  override readonly exitCode = EXIT.connection;
}

/** A connect or request deadline passed. */
export class TimeoutError extends ConnectionError {}

/** The server answered with a JSON-RPC error object. */
export class ServerError extends CliError {
  override readonly exitCode = EXIT.server;
  constructor(
    readonly code: number,
    readonly rpcMessage: string,
    readonly method?: string,
    opts: CliErrorOptions = {},
  ) {
    super(`${method ? `${method}: ` : ''}server error ${code}: ${oneLine(rpcMessage)}`, opts);
  }
}

/** The server's reply was malformed, had the wrong id or shape, or was too large. */
export class ProtocolError extends CliError {
  override readonly exitCode = EXIT.protocol;
}

/** A proof, doctor check or quorum failed: the server said something false. */
export class VerificationError extends CliError {
  override readonly exitCode = EXIT.verification;
}

/** bitcoind is unusable for `serve` (unreachable, wrong network, pruned, auth). */
export class DaemonError extends CliError {
  override readonly exitCode = EXIT.daemon;
}

/** A bug: main.ts prints it with a request to report it. */
export class InternalError extends CliError {
  override readonly exitCode = EXIT.internal;
}

/** The user pressed Ctrl-C. */
export class InterruptedError extends CliError {
  override readonly exitCode = EXIT.interrupted;
  constructor(message = 'interrupted') {
    super(message);
  }
}

/**
 * Collapses untrusted text (server messages, bitcoind reasons) to one printable line:
 * control characters removed, whitespace runs folded, length capped.
 */
export function oneLine(text: string, max = 300): string {
  // eslint-disable-next-line no-control-regex
  const s = String(text).replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
