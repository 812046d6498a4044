/**
 * The only writer to the terminal: data to stdout; notices, warnings, traces and the spinner
 * to stderr (docs/architecture.md §7). Under --json, stdout carries exactly one JSON document (or
 * NDJSON events for streams) and nothing else.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Io } from './io.js';
import { toJson, toNdjson } from '../format/json.js';
import type { TableStyle, Units } from '../format/cells.js';
import type { Progress } from './interfaces.js';

export interface OutputOptions {
  json: boolean;
  quiet: boolean;
  debug: boolean;
  /** Styles allowed on stdout (a TTY or forced, and not turned off: config.ts colorMode). */
  color: boolean;
  /** The same for stderr (the spinner); defaults to `color`. */
  stderrColor?: boolean;
  /** --wide / --no-trunc: tables show every value whole. */
  wide?: boolean;
  /** false under --no-pager. */
  pager?: boolean;
  /** --sats / --btc: how tables show amounts. */
  units?: Units;
  /** --jq EXPR (implies json). */
  jq?: string;
  /** --fields a,b (implies json). */
  fields?: readonly string[];
}

/** The default pager, as gh and git use it: quit if one screen, keep colours, no clearing. */
export const DEFAULT_PAGER = 'less -FRX';

function onPath(cmd: string, env: Readonly<Record<string, string | undefined>>): boolean {
  if (cmd.includes('/')) return existsSync(cmd);
  return (env.PATH ?? '').split(delimiter).some((d) => d !== '' && existsSync(join(d, cmd)));
}

export class Output {
  constructor(
    readonly io: Io,
    readonly opts: OutputOptions,
  ) {}

  /**
   * True when stdout is not a terminal and --json is absent: tables become tab-separated rows
   * with no header, whole values and no colour (FORCE_COLOR does not change that).
   */
  get plain(): boolean {
    return !this.opts.json && !this.io.isTTY.stdout;
  }

  /** The terminal's width, for tables to fit; undefined when unknown or not a terminal. */
  get width(): number | undefined {
    if (!this.io.isTTY.stdout) return undefined;
    const c = (this.io.stdout as { columns?: unknown }).columns;
    if (typeof c === 'number' && c > 0) return c;
    const env = Number(this.io.env.COLUMNS);
    return Number.isInteger(env) && env > 0 ? env : undefined;
  }

  /** How tables render here (format/table.ts). */
  get style(): TableStyle {
    const w = this.width;
    return {
      color: this.opts.color && !this.plain,
      plain: this.plain,
      wide: this.opts.wide === true,
      ...(w !== undefined ? { width: w } : {}),
      ...(this.opts.units ? { units: this.opts.units } : {}),
    };
  }

  /**
   * One line (or block) of data on stdout. On a terminal, a block taller than the screen goes
   * through $PAGER (default less -FRX) unless --no-pager, PAGER is empty or cat.
   */
  data(text: string): void {
    const t = text.endsWith('\n') ? text : `${text}\n`;
    if (this.page(t)) return;
    this.io.stdout.write(t);
  }

  /** The pager command for `text`, or undefined to write it directly. */
  pagerFor(text: string): string | undefined {
    if (this.opts.pager === false || !this.io.isTTY.stdout) return undefined;
    const rows = (this.io.stdout as { rows?: unknown }).rows;
    if (typeof rows !== 'number' || rows <= 0) return undefined;
    let lines = 0;
    for (let i = text.indexOf('\n'); i !== -1 && lines < rows; i = text.indexOf('\n', i + 1)) lines++;
    if (lines < rows) return undefined; // fits (one row stays for the prompt)
    const env = this.io.env.PAGER;
    if (env !== undefined) {
      const p = env.trim();
      return p === '' || p === 'cat' ? undefined : p;
    }
    return onPath('less', this.io.env) ? DEFAULT_PAGER : undefined;
  }

  /** Runs the pager on `text`; false when there is none to run (the caller writes it). */
  private page(text: string): boolean {
    const pager = this.pagerFor(text);
    const fd = (this.io.stdout as { fd?: unknown }).fd;
    if (pager === undefined || typeof fd !== 'number') return false;
    // Synchronous: the pager owns the terminal until it quits; output is whole by now.
    // child_process is fetched only here: most runs never page.
    const { spawnSync } = process.getBuiltinModule('node:child_process') as typeof import('node:child_process');
    const r = spawnSync('sh', ['-c', pager], { input: text, stdio: ['pipe', fd, 'inherit'], env: { LESS: 'FRX', ...this.io.env } as NodeJS.ProcessEnv });
    if (r.error || r.status === 127) {
      this.debug(`pager ${JSON.stringify(pager)} did not run: ${r.error?.message ?? 'not found'}`);
      return false;
    }
    return true;
  }

  /** One JSON document on stdout: compact when piped, indented on a terminal; --fields and --jq apply. */
  async json(value: unknown, opts: { keyed?: boolean } = {}): Promise<void> {
    const doc = await this.filtered(value, opts);
    if (doc.text !== undefined) {
      if (doc.text !== '') this.data(doc.text);
      return;
    }
    this.data(toJson(doc.value, this.io.isTTY.stdout));
  }

  /** One NDJSON event on stdout (streams); --fields and --jq apply to each event. */
  event(value: Record<string, unknown>): void | Promise<void> {
    if (this.opts.fields === undefined && this.opts.jq === undefined) {
      this.io.stdout.write(`${toNdjson(value)}\n`);
      return;
    }
    return this.filteredEvent(value);
  }

  private async filteredEvent(value: Record<string, unknown>): Promise<void> {
    const doc = await this.filtered(value, {});
    if (doc.text !== undefined) {
      if (doc.text !== '') this.io.stdout.write(doc.text.endsWith('\n') ? doc.text : `${doc.text}\n`);
      return;
    }
    this.io.stdout.write(`${toNdjson(doc.value as Record<string, unknown>)}\n`);
  }

  /** Compiles --jq before anything is sent (a bad expression is exit 2); no-op without it. */
  async checkFilter(): Promise<void> {
    if (this.opts.jq === undefined) return;
    const { checkJq } = await import('./filter.js');
    await checkJq(this.opts.jq);
  }

  private async filtered(value: unknown, opts: { keyed?: boolean }): Promise<{ value: unknown; text?: string }> {
    if (this.opts.fields === undefined && this.opts.jq === undefined) return { value };
    const f = await import('./filter.js');
    const picked = this.opts.fields !== undefined ? f.pickFields(value, this.opts.fields, opts) : value;
    if (this.opts.jq === undefined) return { value: picked };
    return { value: picked, text: await f.applyJq(picked, this.opts.jq) };
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
  async spinner(text: string): Promise<Progress> {
    const { startProgress } = await import('./progress.js');
    return startProgress(this, text);
  }

  /** Whether stderr may carry colour (the spinner's). */
  get stderrColor(): boolean {
    return this.opts.stderrColor ?? this.opts.color;
  }
}
