/**
 * The only writer to the terminal: data to stdout; notices, warnings, traces and the spinner
 * to stderr (docs/architecture.md §7). Under --json, stdout carries exactly one JSON document (or
 * NDJSON events for streams) and nothing else.
 */
import type { Io } from './io.js';
import { toJson, toNdjson } from '../format/json.js';

export interface OutputOptions {
  json: boolean;
  quiet: boolean;
  debug: boolean;
  /** Styles allowed on stdout (a TTY or forced, and not turned off: config.ts colorMode). */
  color: boolean;
  /** The same for stderr (the spinner); defaults to `color`. */
  stderrColor?: boolean;
}

/** A running spinner; stop() is safe to call more than once. */
export interface Spinner {
  stop(): void;
}

export class Output {
  constructor(
    readonly io: Io,
    readonly opts: OutputOptions,
  ) {}

  /** One line (or block) of data on stdout. */
  data(text: string): void {
    this.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** One JSON document on stdout: compact when piped, indented on a terminal. */
  json(value: unknown): void {
    this.io.stdout.write(`${toJson(value, this.io.isTTY.stdout)}\n`);
  }

  /** One NDJSON event on stdout (streams). */
  event(value: Record<string, unknown>): void {
    this.io.stdout.write(`${toNdjson(value)}\n`);
  }

  /** A notice on stderr ("using server ..."), silenced by --quiet. */
  notice(message: string): void {
    if (!this.opts.quiet) this.io.stderr.write(`electrum-cli: ${message}\n`);
  }

  /** A warning on stderr, silenced by --quiet. */
  warn(message: string): void {
    if (!this.opts.quiet) this.io.stderr.write(`electrum-cli: warning: ${message}\n`);
  }

  /** Wire traces and internals, only with --debug. */
  debug(message: string): void {
    if (this.opts.debug) this.io.stderr.write(`[debug] ${message}\n`);
  }

  /** True when a spinner or prompt may be shown (stderr is a terminal, not --json/--quiet). */
  get interactive(): boolean {
    return this.io.isTTY.stderr && !this.opts.json && !this.opts.quiet;
  }

  /** Starts an ora spinner on stderr when interactive (cli/progress.ts; ora is loaded only then). */
  async spinner(text: string): Promise<Spinner> {
    const { startProgress } = await import('./progress.js');
    return startProgress(this, text);
  }

  /** Whether stderr may carry colour (the spinner's). */
  get stderrColor(): boolean {
    return this.opts.stderrColor ?? this.opts.color;
  }
}
