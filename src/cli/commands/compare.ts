/**
 * `compare QUESTION [ARG]`: asks several servers the same question at once and shows the
 * answers side by side; exit status 6 when fewer than --quorum agree (JSON: CompareReport).
 */
import type { Command } from 'commander';
import { ConnectionError, UsageError, VerificationError } from '../../errors.js';
import type { GlobalOptions } from '../context.js';
import type { Runtime } from '../runtime.js';

/** Adds the compare subcommand. */
export function register(program: Command, rt: Runtime): void {
  program
    .command('compare')
    .description('Ask several servers the same question (balance, history, status, tip, fee) and check that they agree')
    .argument('<QUESTION>', 'balance ADDR | history ADDR | status ADDR | tip | fee [BLOCKS]')
    .argument('[ARG]', 'an address or script hash (balance, history, status), or a block target (fee, default 6)')
    .option('--servers <file|list>', 'servers to ask: a file (one per line) or a comma-separated list (default: the built-in list)')
    .option('--quorum <n>', 'servers that must give the same answer (default: a strict majority)')
    .addHelpText('after', '\nExit status: 0 quorum met, 6 quorum not met, 3 no server answered.\n\nJSON output:\n' +
      '  {"question", "arg"?, "quorum": n, "agreeing": n, "met": bool, "answer": <majority answer>,\n' +
      '   "servers": [{"server", "answer"? | "error"?, "agrees": bool, "ms"}], "disagreements": ["..."]}')
    .action(async (question: string, arg: string | undefined, o: { servers?: string; quorum?: string }, self: Command) => {
      const ctx = await rt.context(self.optsWithGlobals<GlobalOptions>());
      const { QUESTIONS, compareServers } = await import('../../diag/compare.js');
      const q = question.toLowerCase() as (typeof QUESTIONS)[number];
      if (!QUESTIONS.includes(q)) throw new UsageError(`unknown question ${JSON.stringify(question)}`, { hint: `ask one of: ${QUESTIONS.join(', ')}` });
      let wire: string | undefined = arg;
      if (q === 'balance' || q === 'history' || q === 'status') {
        if (arg === undefined && ctx.opts.script === undefined) throw new UsageError(`compare ${q} needs an address or script hash`);
        const { parseTarget, parseScriptTarget } = await import('../args.js');
        wire = (arg !== undefined ? parseTarget(arg, ctx.network) : parseScriptTarget(ctx.opts.script!, ctx.network)).scripthash;
      } else if (q === 'fee' && arg !== undefined && !/^\d+$/.test(arg)) throw new UsageError(`BLOCKS must be a number, got ${JSON.stringify(arg)}`);
      const quorum = o.quorum === undefined ? undefined : Number(o.quorum);
      if (quorum !== undefined && !(Number.isInteger(quorum) && quorum >= 1)) throw new UsageError(`--quorum must be a positive integer, got ${JSON.stringify(o.quorum)}`);
      const { readServerList } = await import('../../diag/peers.js');
      const { parseServer } = await import('../../protocol/server-address.js');
      const { builtinServers } = await import('../servers.js');
      const addrs = o.servers !== undefined ? readServerList(o.servers, ctx.network, ctx.io.cwd) : builtinServers(ctx.network, ctx.io.env).map((s) => parseServer(s, { network: ctx.network }));
      if (quorum !== undefined && quorum > addrs.length) throw new UsageError(`--quorum ${quorum} is more than the ${addrs.length} servers asked`);
      const { diagConnection } = await import('./peers.js');
      const connection = await diagConnection(ctx);
      const spin = await ctx.out.spinner(`asking ${addrs.length} servers…`);
      let report;
      try {
        report = await compareServers(addrs, { question: q, ...(wire !== undefined ? { arg: wire } : {}), ...(arg !== undefined ? { argLabel: arg } : {}), ...(quorum !== undefined ? { quorum } : {}), connection });
      } finally {
        spin.stop();
      }
      if (ctx.json) await ctx.out.json(report);
      else ctx.out.data((await import('../../diag/render.js')).compareTable(report, ctx.out.style));
      if (report.servers.every((s) => s.error !== undefined)) throw new ConnectionError(`none of the ${addrs.length} servers answered`);
      if (!report.met) {
        throw new VerificationError(`quorum not met: ${report.agreeing} of ${report.servers.length} servers agree on ${q}, ${report.quorum} required${report.disagreements.length ? ` (${report.disagreements[0]})` : ''}`);
      }
    });
}
