/**
 * Entry point: builds the context, runs the program, and is the ONLY place that catches
 * errors and decides the exit status (docs/architecture.md §7). Everything heavy is imported lazily so
 * that `electrum-cli --version` costs little more than starting node.
 */
import pkg from '../package.json' with { type: 'json' };
import { CliError, EXIT, InternalError, oneLine, ServerError } from './errors.js';
import { asksVersionOnly, VERSION } from './version.js';
import { envFlag } from './env-flag.js';
import type { Io } from './cli/io.js';
import { interruptIsStop } from './cli/graceful.js';
import type { Context, GlobalOptions } from './cli/context.js';

const ISSUES = (pkg as { bugs?: { url?: string } }).bugs?.url ?? 'the electrum-cli issue tracker';

/** The working directory, or "." when it has been deleted (process.cwd() throws then). */
function currentDirectory(): string {
  try {
    return process.cwd();
  } catch {
    return '.';
  }
}

/**
 * The real process as an Io; Ctrl-C aborts its signal. stdin is only built when something
 * reads it (prompts, `broadcast -`): node constructs a stream for it on first access.
 */
function processIo(controller: AbortController): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    get stdin() {
      return process.stdin;
    },
    isTTY: {
      get stdin() {
        return !!process.stdin.isTTY;
      },
      stdout: !!process.stdout.isTTY,
      stderr: !!process.stderr.isTTY,
    },
    env: process.env,
    cwd: currentDirectory(),
    signal: controller.signal,
  };
}

/** Commander's own errors: help and version are successes, the rest are usage errors. */
interface CommanderLike {
  code: string;
  exitCode: number;
  message: string;
}
function isCommanderError(e: unknown): e is CommanderLike {
  return e instanceof Error && typeof (e as Partial<CommanderLike>).code === 'string' && (e as Partial<CommanderLike>).code!.startsWith('commander.');
}

/**
 * Runs electrum-cli with `argv` (process.argv form: node, script, args...) and returns the
 * exit status. Tests pass their own `io`; the binary uses the real process.
 */
export async function main(argv: string[], io?: Io): Promise<number> {
  const args = argv.slice(2);
  // Fast path: no commander, no registry.
  if (asksVersionOnly(args)) {
    (io?.stdout ?? process.stdout).write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  const onStdoutError = (err: NodeJS.ErrnoException) => {
    // `tip --follow --json | head -1`: the reader is gone, which ends the run normally.
    if (err.code === 'EPIPE') controller.abort(STDOUT_CLOSED);
  };
  if (!io) {
    io = processIo(controller);
    process.on('SIGINT', onSigint);
    process.stdout.on('error', onStdoutError);
    // Nobody reads the diagnostics any more (`2>&1 | head`): the run goes on, its exit status says how it went.
    process.stderr.on('error', () => {});
  }
  const theIo = io;
  const contexts: Context[] = [];
  // How to report an error raised before any context exists (commander's): as the flags and
  // ELECTRUM_JSON / ELECTRUM_DEBUG ask (cli/context.ts effectiveOptions, repeated here so that
  // this path loads nothing).
  const wantsJson = args.some((a) => a === '--json' || a === '--jq' || a.startsWith('--jq=') || a === '--fields' || a.startsWith('--fields='));
  let globals: GlobalOptions = { json: wantsJson || envFlag(io.env.ELECTRUM_JSON), debug: args.includes('--debug') || envFlag(io.env.ELECTRUM_DEBUG) };
  const stopped = new Promise<number>((resolve) => {
    // Unless the command ends normally on Ctrl-C (serve): then its own result decides.
    const done = () => {
      if (!interruptIsStop(theIo)) resolve(abortStatus(theIo.signal));
    };
    if (theIo.signal.aborted) done();
    else theIo.signal.addEventListener('abort', done, { once: true });
  });
  try {
    // One chunk holds both (scripts/build.mjs): fetch the two entry files side by side.
    const [{ buildProgram }, { Context }] = await Promise.all([import('./cli/program.js'), import('./cli/context.js')]);
    const program = buildProgram(
      {
        io: theIo,
        version: VERSION,
        context: async (opts) => {
          globals = { ...globals, ...opts, json: globals.json || opts.json === true, debug: globals.debug || opts.debug === true };
          const ctx = new Context(theIo, opts);
          contexts.push(ctx);
          return ctx;
        },
      },
      args,
    );
    const run = program.parseAsync(argv).then(() => EXIT.ok as number);
    run.catch(() => {}); // after an interrupt, a late failure is not reported
    return await Promise.race([run, stopped]);
  } catch (err) {
    if (theIo.signal.aborted && !interruptIsStop(theIo)) return abortStatus(theIo.signal);
    return report(err, theIo, globals);
  } finally {
    for (const c of contexts) c.close();
    process.off('SIGINT', onSigint);
  }
}

/** The command word `args` start (cli/program.ts commandWordOf), for the binary's loader. */
export async function commandWordOf(args: readonly string[]): Promise<string | undefined> {
  const { commandWordOf: of } = await import('./cli/program.js');
  return of(args);
}

/**
 * The abort reason an Io's signal carries when stdout was closed by its reader (EPIPE):
 * a normal end, exit 0 and no message. Any other abort is Ctrl-C, exit 130.
 */
export const STDOUT_CLOSED = Symbol('stdout closed');

function abortStatus(signal: AbortSignal): number {
  return signal.reason === STDOUT_CLOSED ? EXIT.ok : EXIT.interrupted;
}

/** Prints one failure (one line, plus a hint) and returns its exit status. */
function report(err: unknown, io: Io, opts: GlobalOptions): number {
  let exit: number;
  let message: string;
  let hint: string | undefined;
  let code: number | undefined;
  if (isCommanderError(err)) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return EXIT.ok;
    exit = EXIT.usage;
    message = err.message.replace(/^error: /, '');
    hint = err.code === 'commander.help' ? undefined : 'see electrum-cli --help (or electrum-cli COMMAND --help)';
    if (err.code === 'commander.help') message = 'no command given';
  } else if (err instanceof CliError) {
    exit = err.exitCode;
    message = err.message;
    hint = err.hint;
    if (err instanceof ServerError) code = err.code;
    if (err instanceof InternalError) message = `internal error: ${err.message} (please report this at ${ISSUES})`;
  } else {
    exit = EXIT.internal;
    message = `internal error: ${err instanceof Error ? err.message : String(err)} (please report this at ${ISSUES}; --debug shows details)`;
  }
  message = oneLine(message, 2000);
  if (opts.json) {
    const e: Record<string, unknown> = { exit, message };
    if (code !== undefined) e.code = code;
    if (hint) e.hint = oneLine(hint, 500);
    io.stderr.write(`${JSON.stringify({ error: e })}\n`);
  } else {
    io.stderr.write(`electrum-cli: ${message}\n`);
    if (hint) io.stderr.write(`hint: ${oneLine(hint, 500)}\n`);
  }
  if (opts.debug && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
  return exit;
}
