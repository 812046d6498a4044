/**
 * One invocation of a registry command: connects, lets the negotiated version choose the
 * wire method (docs/architecture.md §2), builds the wire params, sends one request or ONE batch for
 * several arguments, validates every result before anything formats it, and prints.
 * The generic path lives here; commands with extra behaviour (commands/*.ts) reuse its parts.
 */
import { CliError, ServerError, UsageError } from '../errors.js';
import { chooseMethod, findMethod, type Command } from '../methods/registry.js';
import type { ColumnFormat, MethodSpec } from '../methods/spec.js';
import { call, callBatch } from '../methods/call.js';
import { headersSubscribe } from '../methods/blockchain.js';
import { tipOf } from '../methods/normalise.js';
import { RPC } from '../protocol/jsonrpc.js';
import type { Connection } from '../protocol/connection.js';
import { keyedByArgument, type KeyedOutcome } from '../format/json.js';
import { plainCell, printable } from '../format/cells.js';
import { wireParams, type Invocation } from './args.js';
import type { Context } from './context.js';

/** The outcome of one argument. */
export type Outcome = { key: string; params: unknown[]; result: unknown } | { key: string; params: unknown[]; error: CliError };

export class Job {
  conn!: Connection;
  method?: MethodSpec;

  constructor(
    readonly ctx: Context,
    readonly command: Command,
    readonly inv: Invocation,
  ) {}

  get version(): string {
    return this.conn.version ?? '1.0';
  }

  /** Connects and chooses the wire method; undefined when none exists at this version. */
  async open(): Promise<MethodSpec | undefined> {
    this.conn = await this.ctx.connect();
    const forced = this.ctx.opts.method;
    this.method = chooseMethod(this.command, this.version, forced);
    if (this.method) this.ctx.out.debug(`${this.command.spec.name}: ${this.method.name} at protocol ${this.version}`);
    return this.method;
  }

  /** The chosen method, or a usage error naming which methods would serve and from when. */
  requireMethod(): MethodSpec {
    if (this.method) return this.method;
    const ms = this.command.methods;
    throw new UsageError(
      `${this.command.spec.name} needs ${ms.map((m) => `${m.name} (protocol ${m.since}${m.until ? `–${m.until}` : '+'})`).join(' or ')}; the server speaks ${this.version}`,
      { hint: `send it anyway with --method ${ms[0]!.name}, or use another server` },
    );
  }

  /** Wire params for `values`, warning about params the negotiated version lacks. */
  params(values: Record<string, unknown> = this.inv.values, method: MethodSpec = this.requireMethod()): unknown[] {
    const { params, outOfVersion, notParams } = wireParams(method, this.version, values);
    if (notParams.length > 0) {
      const having = this.command.methods.flatMap((m) => {
        const p = m.params.find((x) => notParams.includes(x.name));
        return p ? [`${m.name} (protocol ${p.since ?? m.since}+)`] : [];
      });
      throw new UsageError(`${this.command.spec.name} sends ${method.name} at protocol ${this.version}, which takes no ${notParams.join(', ')}`, {
        hint: `${notParams.join(', ')} needs ${having.join(' or ') || 'another method'}: negotiate it with --protocol, or leave the option out`,
      });
    }
    for (const p of outOfVersion) {
      this.ctx.out.warn(`${method.name}: parameter ${p} does not exist at protocol ${this.version}; sending it anyway`);
    }
    return params;
  }

  /** One request, validated. */
  async call(values: Record<string, unknown> = this.inv.values, method: MethodSpec = this.requireMethod()): Promise<{ result: unknown; params: unknown[] }> {
    const params = this.params(values, method);
    try {
      const checked = await call(this.conn, method, params);
      for (const n of method.notes?.(checked) ?? []) this.ctx.out.notice(`${method.name}: ${n}`);
      // 1.7's {"history": [...]} prints as the 1.6 list: the subcommands' --json shapes stay.
      return { result: method.unwrap ? method.unwrap(checked) : checked, params };
    } catch (err) {
      throw withHint(err, method, this.version);
    }
  }

  /** Every argument: one request, or ONE batch when a variadic argument has several values. */
  async callAll(method: MethodSpec = this.requireMethod()): Promise<Outcome[]> {
    const f = this.inv.fanout;
    if (!f) {
      const { result, params } = await this.call(this.inv.values, method);
      return [{ key: '', params, result }];
    }
    const calls = f.items.map((it) => ({ key: it.key, params: this.params({ ...this.inv.values, [f.param]: it.value }, method) }));
    const replies = await callBatch(this.conn, method, calls.map((c) => c.params));
    return replies.map((r, i): Outcome => {
      const { key, params } = calls[i]!;
      if ('error' in r) return { key, params, error: withHint(r.error, method, this.version) as CliError };
      return { key, params, result: method.unwrap ? method.unwrap(r.result) : r.result };
    });
  }

  /** The command's fallback (relayfee from mempool.get_info, height from the tip). */
  async fallback(): Promise<unknown> {
    const fb = this.command.spec.fallback;
    const m = fb ? findMethod(fb.method) : undefined;
    if (!fb || !m) this.requireMethod();
    const { result } = await this.call({}, m!);
    const value = fb!.pick(result);
    await this.noteOnce(`fallback:${this.command.spec.name}`, fb!.note);
    return value;
  }

  /** A notice shown once per terminal session (cli/once.ts), or every time under --debug. */
  async noteOnce(key: string, text: string): Promise<void> {
    const out = this.ctx.out;
    if (out.opts.quiet) return;
    if (!out.opts.debug) {
      const [{ firstTimeThisSession }, { cacheDir }] = await Promise.all([import('./once.js'), import('../cache-dir.js')]);
      if (!firstTimeThisSession(cacheDir(this.ctx.io.env), key)) return;
    }
    out.notice(text);
  }

  /**
   * Prints outcomes per docs/architecture.md §7; throws the first error after printing the
   * rest. Piped without --json: tab-separated lines, with a leading argument column when
   * several arguments were given and `ARG<TAB>error<TAB>message` for one that failed.
   */
  async print(outcomes: Outcome[], human?: (result: unknown) => Promise<string> | string): Promise<void> {
    await this.ctx.verified();
    const out = this.ctx.out;
    const firstError = outcomes.find((o): o is Extract<Outcome, { error: CliError }> => 'error' in o)?.error;
    const text = async (r: unknown) => (human ? await human(r) : await this.human(r));
    if (!this.inv.fanout) {
      if (firstError) throw firstError;
      const result = (outcomes[0] as { result: unknown }).result;
      if (this.ctx.json) await out.json(result);
      else {
        const t = await text(result);
        if (!(out.plain && t === '')) out.data(t);
      }
      return;
    }
    if (this.ctx.json) {
      await out.json(keyedByArgument(outcomes.map((o) => [o.key, toKeyed(o)] as const)), { keyed: true });
    } else if (out.plain) {
      const lines: string[] = [];
      for (const o of outcomes) {
        if ('error' in o) lines.push(`${o.key}\terror\t${plainCell(printable(o.error.message))}`);
        else for (const l of (await text(o.result)).split('\n')) if (l !== '') lines.push(`${o.key}\t${l}`);
      }
      if (lines.length > 0) out.data(lines.join('\n'));
    } else {
      const blocks: string[] = [];
      for (const o of outcomes) {
        if ('error' in o) blocks.push(`${o.key}: error: ${o.error.message}`);
        else blocks.push(`${o.key}:\n${await text(o.result)}`);
      }
      out.data(blocks.join('\n\n'));
    }
    if (firstError) throw firstError;
  }

  /** Table or text for one result (cli-table3 is loaded here, never under --json). */
  async human(result: unknown, scalar?: ColumnFormat): Promise<string> {
    const { renderHuman } = await import('../format/human.js');
    const spec = this.command.spec;
    const style = this.ctx.out.style;
    const wantsTip = !style.plain && (spec.columns ?? []).some((c) => c.format === 'height') && Array.isArray(result) && result.length > 0;
    const tip = wantsTip ? await this.tipHeight() : undefined;
    return renderHuman(result, { columns: spec.columns, ...style, ...(tip !== undefined ? { tip } : {}), ...(scalar ? { scalar } : {}) });
  }

  /** The tip height, for confirmations in tables; undefined if the server will not say. */
  async tipHeight(): Promise<number | undefined> {
    try {
      return tipOf(await call(this.conn, headersSubscribe, []));
    } catch {
      return undefined;
    }
  }
}

function toKeyed(o: Outcome): KeyedOutcome {
  if ('error' in o) {
    const e = o.error;
    return { error: { code: e instanceof ServerError ? e.code : e.exitCode, message: e instanceof ServerError ? e.rpcMessage : e.message } };
  }
  return { result: o.result };
}

/** Adds what to try next to the server errors that have a usual cause. */
export function withHint(err: unknown, method: MethodSpec, version: string): unknown {
  if (!(err instanceof ServerError) || err.hint) return err;
  let hint: string | undefined;
  if (err.code === RPC.METHOD_NOT_FOUND) {
    hint = `the server does not offer ${method.name} at protocol ${version}; try another server, or --protocol to negotiate another version`;
  } else if (err.code === RPC.INVALID_PARAMS) {
    hint = 'the server rejected the parameters (electrs, for one, takes no cp_height and no estimatefee mode)';
  } else if (err.code === RPC.EXCESSIVE_RESOURCE_USAGE || err.code === RPC.SERVER_BUSY) {
    hint = 'the server is busy or limits this client: retry later or use another server';
  } else if (err.code === RPC.HISTORY_TOO_LARGE) {
    hint = 'this server refuses histories that long: try a server with a higher limit (e.g. Fulcrum, electrs)';
  }
  return hint ? new ServerError(err.code, err.rpcMessage, err.method ?? method.name, { hint, cause: err }) : err;
}
