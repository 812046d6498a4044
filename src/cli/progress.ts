/**
 * The one ora wrapper: a spinner on stderr only when stderr is a terminal and neither --json
 * nor --quiet (nor --debug, whose traces would interleave) is in force; colourless under
 * NO_COLOR / --no-color. Everywhere else every call is a no-op, so commands report progress
 * without asking where they run.
 */
import type { Output } from './output.js';

/** A running progress indicator; every method is safe to call after stop(). */
export interface Progress {
  update(text: string): void;
  /** Stops and leaves a final line (✔ text) on the terminal. */
  succeed(text: string): void;
  stop(): void;
}

const SILENT: Progress = { update() {}, succeed() {}, stop() {} };

/** Options the wrapper reads from the environment of the run. */
export interface ProgressEnv {
  /** NO_COLOR set or --no-color given. */
  noColor: boolean;
}

/** Whether `out` may show a spinner. */
export function progressAllowed(out: Output): boolean {
  // A terminal that reports zero columns (a pty nobody sized: `script` without a terminal,
  // some CI runners) makes ora count Infinity lines to clear: it then writes forever.
  const columns = (out.io.stderr as { columns?: unknown }).columns;
  return out.interactive && !out.opts.debug && columns !== 0;
}

/** Starts a spinner with `text` (or a silent stand-in where none may be shown). */
export async function startProgress(out: Output, text: string, env?: ProgressEnv): Promise<Progress> {
  if (!progressAllowed(out)) return SILENT;
  const { default: ora } = await import('ora');
  // out.opts.color is false under --no-color and NO_COLOR (and when stdout is piped).
  const noColor = env?.noColor ?? (!out.opts.color || (out.io.env.NO_COLOR !== undefined && out.io.env.NO_COLOR !== ''));
  const s = ora({
    text,
    stream: out.io.stderr as unknown as NodeJS.WritableStream,
    discardStdin: false,
    ...(noColor ? { color: false as const } : {}),
  }).start();
  let done = false;
  return {
    update(t) {
      if (!done) s.text = t;
    },
    succeed(t) {
      if (done) return;
      done = true;
      if (noColor) s.stopAndPersist({ symbol: '*', text: t });
      else s.succeed(t);
    },
    stop() {
      if (done) return;
      done = true;
      s.stop();
    },
  };
}
