/**
 * Runs a registry command: reads its arguments, then hands a Job to the command's own module
 * when it has extra behaviour (commands/*.ts, loaded lazily) or runs the generic path.
 */
import { UsageError } from '../errors.js';
import type { Command } from '../methods/registry.js';
import { parseInvocation } from './args.js';
import type { Context } from './context.js';
import { Job } from './job.js';

type Special = { run(job: Job): Promise<void> };

/** Commands with behaviour beyond "send, validate, print". */
const SPECIAL: Record<string, () => Promise<Special>> = {
  version: () => import('./commands/version.js'),
  ping: () => import('./commands/ping.js'),
  tx: () => import('./commands/tx.js'),
  broadcast: () => import('./commands/broadcast.js'),
  'broadcast-package': async () => ({ run: (await import('./commands/broadcast.js')).runPackage }),
  subscribe: () => import('./commands/watch.js'),
  tip: () => import('./commands/tip.js'),
  estimatefee: () => import('./commands/estimatefee.js'),
  merkle: () => import('./commands/merkle.js'),
  header: () => import('./commands/header.js'),
  headers: () => import('./commands/headers.js'),
  'outpoint-watch': async () => ({ run: (await import('./commands/watch.js')).followOutpoint }),
};

/** Reads all of a stream as text (for `broadcast -`). */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(parts).toString('utf8');
}

export async function runMethodCommand(ctx: Context, command: Command, positionals: unknown[], options: Record<string, unknown>): Promise<void> {
  const spec = command.spec;
  const forced = ctx.opts.method;
  if (forced !== undefined && !command.methods.some((m) => m.name === forced)) {
    throw new UsageError(`--method ${forced} does not serve ${spec.name}`, {
      hint: `${spec.name} sends one of: ${command.methods.map((m) => m.name).join(', ')}; use \`electrum-cli call\` for anything else`,
    });
  }
  if (ctx.opts.script !== undefined && !spec.args.some((a) => a.kind === 'target')) {
    throw new UsageError(`--script applies to commands that take an address (${spec.name} takes none)`);
  }
  const inv = await parseInvocation(spec, positionals, options, {
    network: ctx.network,
    ...(ctx.opts.script !== undefined ? { script: ctx.opts.script } : {}),
    cwd: ctx.io.cwd,
    readStdin: () => readAll(ctx.io.stdin),
  });
  const job = new Job(ctx, command, inv);
  // Diagnostics (src/diag): peers table and probe, --verify on history/tx/merkle/balance.
  if (spec.name === 'peers') return (await import('./commands/peers.js')).run(job);
  if (inv.flags.verify === true) return (await import('./verify-job.js')).run(job);
  const special = SPECIAL[spec.name];
  if (special) return (await special()).run(job);
  return runGeneric(job);
}

/** Send (one request or one batch), validate, print; the fallback when the version lacks the method. */
export async function runGeneric(job: Job): Promise<void> {
  const method = await job.open();
  if (!method) {
    const value = await job.fallback();
    await job.print([{ key: '', params: [], result: value }], (r) => job.human(r, scalarFormat(job.command.spec.name)));
    return;
  }
  const outcomes = await job.callAll(method);
  await job.print(outcomes, (r) => job.human(r, scalarFormat(job.command.spec.name)));
}

/** How scalar results of some commands read in a terminal. */
function scalarFormat(name: string) {
  return name === 'relayfee' || name === 'estimatefee' ? ('feerate' as const) : undefined;
}
