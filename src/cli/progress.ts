/**
 * The one ora wrapper: a spinner on stderr only when stderr is a terminal and neither --json
 * nor --quiet (nor --debug, whose traces would interleave) is in force; colourless when
 * colours are off. Everywhere else every call is a no-op, so commands report progress
 * without asking where they run.
 *
 * The spinner appears only after SHOW_AFTER_MS: a command that is done sooner never shows
 * one and never even loads ora (about 100 ms of start-up on a terminal). One spinner at a
 * time per output: starting one stops the one before (ora warns about concurrent spinners,
 * and two would fight over the line).
 */
import type { Progress, ProgressOutput } from './interfaces.js';

const SILENT: Progress = { update() {}, succeed() {}, stop() {} };

/** How long a task runs before its spinner is shown (and ora loaded). */
export const SHOW_AFTER_MS = 150;

/** Options the wrapper reads from the environment of the run. */
export interface ProgressEnv {
  /** Colours off (--no-color, NO_COLOR, ...). */
  noColor: boolean;
  /** Delay before the spinner shows (default SHOW_AFTER_MS). */
  showAfterMs?: number;
}

/** Whether `out` may show a spinner. */
export function progressAllowed(out: ProgressOutput): boolean {
  // A terminal that reports zero columns (a pty nobody sized: `script` without a terminal,
  // some CI runners) makes ora count Infinity lines to clear: it then writes forever.
  const columns = (out.io.stderr as { columns?: unknown }).columns;
  return out.interactive && !out.opts.debug && columns !== 0;
}

/** The spinner currently shown (or about to be) per output. */
const active = new WeakMap<ProgressOutput, Progress>();

/** Stops the spinner of `out`, if any (Context.close: Ctrl-C must not leave one spinning). */
export function stopProgress(out: ProgressOutput): void {
  active.get(out)?.stop();
}

type OraSpinner = { text: string; stop(): unknown; succeed(t: string): unknown; stopAndPersist(o: { symbol: string; text: string }): unknown };

/** Starts a spinner with `text` (or a silent stand-in where none may be shown). */
export function startProgress(out: ProgressOutput, text: string, env?: ProgressEnv): Progress {
  if (!progressAllowed(out)) return SILENT;
  active.get(out)?.stop();
  const noColor = env?.noColor ?? !out.stderrColor;
  let current = text;
  let spinner: OraSpinner | undefined;
  let done = false;
  const show = async () => {
    const { default: ora } = await import('ora');
    if (done) return;
    spinner = ora({
      text: current,
      stream: out.io.stderr as unknown as NodeJS.WritableStream,
      discardStdin: false,
      ...(noColor ? { color: false as const } : {}),
    }).start();
  };
  const timer = setTimeout(() => void show(), env?.showAfterMs ?? SHOW_AFTER_MS);
  timer.unref();
  const finish = (): boolean => {
    if (done) return false;
    done = true;
    clearTimeout(timer);
    if (active.get(out) === p) active.delete(out);
    return true;
  };
  const p: Progress = {
    update(t) {
      current = t;
      if (!done && spinner) spinner.text = t;
    },
    succeed(t) {
      if (!finish()) return;
      if (!spinner) out.io.stderr.write(`${noColor ? '*' : '\u001b[32m✔\u001b[39m'} ${t}\n`);
      else if (noColor) spinner.stopAndPersist({ symbol: '*', text: t });
      else spinner.succeed(t);
    },
    stop() {
      if (finish()) spinner?.stop();
    },
  };
  active.set(out, p);
  return p;
}
