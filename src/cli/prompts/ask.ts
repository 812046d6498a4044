/**
 * The one place that asks a person anything (@inquirer/prompts, loaded only when a prompt is
 * shown). Prompts need a person: stdin and stderr must be terminals, and --json, --yes and
 * --quiet mean nobody is to be asked. Without one, commands that would prompt fail with
 * exit 2 and say what to pass instead (`needsTerminal`).
 */
import { InterruptedError, UsageError } from '../../errors.js';
import type { PromptFlags } from '../interfaces.js';
import type { Io } from '../io.js';

/** True when a prompt may be shown: terminals on stdin and stderr, no --json/--yes/--quiet. */
export function canPrompt(io: Io, flags: PromptFlags): boolean {
  return io.isTTY.stdin && io.isTTY.stderr && !flags.json && !flags.yes && !flags.quiet;
}

/** The usage error (exit 2) for a prompt that cannot be shown: names what to pass instead. */
export function needsTerminal(what: string, instead: string): UsageError {
  return new UsageError(`${what} needs confirmation at a terminal, and there is none (or --json was given)`, { hint: instead });
}

function context(io: Io) {
  return { input: io.stdin, output: io.stderr as unknown as NodeJS.WritableStream, signal: io.signal, clearPromptOnDone: false };
}

/** Ctrl-C inside a prompt (raw mode: no SIGINT) is an interruption, exit 130. */
async function asking<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    const name = (err as Error)?.name;
    if (name === 'ExitPromptError' || name === 'AbortPromptError') throw new InterruptedError();
    throw err;
  }
}

/** One choice of a select prompt. */
export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
  disabled?: boolean | string;
}

/** Picks one of `choices`. */
export async function select<T>(io: Io, message: string, choices: readonly Choice<T>[], def?: T): Promise<T> {
  const { select: s } = await import('@inquirer/prompts');
  return asking(s<T>({ message, choices: choices as Choice<T>[], ...(def !== undefined ? { default: def } : {}) }, context(io)));
}

/** Yes or no. */
export async function confirm(io: Io, message: string, def = false): Promise<boolean> {
  const { confirm: c } = await import('@inquirer/prompts');
  return asking(c({ message, default: def }, context(io)));
}

/** A line of text, checked by `validate` (true, or the message to show). */
export async function input(io: Io, message: string, opts: { default?: string; validate?: (v: string) => true | string } = {}): Promise<string> {
  const { input: i } = await import('@inquirer/prompts');
  return asking(i({ message, ...(opts.default !== undefined ? { default: opts.default } : {}), ...(opts.validate ? { validate: opts.validate } : {}) }, context(io)));
}
