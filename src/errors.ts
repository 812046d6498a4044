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
  /** bitcoind's own error code when the server passed one on (ElectrumX's DaemonError). */
  readonly daemonCode?: number;
  constructor(
    readonly code: number,
    /** The server's words, as sent (JSON output keeps them). */
    readonly rpcMessage: string,
    readonly method?: string,
    opts: CliErrorOptions = {},
  ) {
    const m = readServerMessage(rpcMessage);
    super(`${method ? `${method}: ` : ''}server error ${code}: ${oneLine(m.text)}${m.daemonCode !== undefined ? ` (bitcoind error ${m.daemonCode})` : ''}`, {
      ...opts,
      ...(opts.hint === undefined && m.daemonCode !== undefined && DAEMON_HINTS[m.daemonCode] ? { hint: DAEMON_HINTS[m.daemonCode] } : {}),
    });
    if (m.daemonCode !== undefined) this.daemonCode = m.daemonCode;
  }
}

/** What to try next for bitcoind's error codes (src/rpc/protocol.h), as servers pass them on. */
const DAEMON_HINTS: Readonly<Record<number, string>> = {
  [-5]: "the server's bitcoind does not have it: check the txid and the network (-n); a transaction only in your wallet, or evicted from the mempool, is not visible to servers",
  [-25]: 'an input is missing or already spent: broadcast its parent first, or check that it is not spent already',
  [-26]: 'bitcoind refused the transaction by its policy or consensus rules (the reason is above)',
  [-27]: 'the transaction is already in the chain: nothing to do',
  [-28]: "the server's bitcoind is still starting up: retry in a minute",
};

const DAEMON_REPR = /^(?:daemon error:\s*)?DaemonError\(\{\s*'code':\s*(-?\d+),\s*'message':\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\s*\}\)\s*$/s;

/**
 * A server's error text as a person should read it (pure). ElectrumX and Fulcrum pass bitcoind's
 * errors on as a Python repr, `daemon error: DaemonError({'code': -5, 'message': '...'})`: that
 * becomes the message and bitcoind's code. ElectrumX appends the raw transaction to broadcast
 * rejections (`...\n[0200...]`): that is dropped, since the user has it.
 */
export function readServerMessage(text: string): { text: string; daemonCode?: number } {
  const s = String(text);
  const m = DAEMON_REPR.exec(s.trim());
  if (m) {
    const quoted = m[2]!;
    const inner = quoted.slice(1, -1).replace(/\\(x[0-9a-fA-F]{2}|.)/g, (_, c: string) =>
      c === 'n' ? '\n' : c === 't' ? '\t' : c.startsWith('x') && c.length === 3 ? String.fromCharCode(parseInt(c.slice(1), 16)) : c,
    );
    return { text: inner, daemonCode: Number(m[1]) };
  }
  return { text: s.replace(/\s*\[[0-9a-fA-F]{20,}\]\s*$/, '') };
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
