/**
 * `doctor [SERVER]`: the one-page report card of src/diag/doctor.ts. Exit status 3 when the
 * server cannot be reached, 6 when another critical check fails (JSON: DoctorReport).
 */
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { GlobalOptions } from '../context.js';
import type { Runtime } from '../runtime.js';

/** Adds the doctor subcommand. */
export function register(program: Command, rt: Runtime): void {
  program
    .command('doctor')
    .description('One report card of a server: timings, certificate, protocol compliance, method support, batches, tip PoW and linkage, a verified merkle proof, fees')
    .argument('[SERVER]', 'the server to examine (default: --server / the configured server)')
    .addHelpText('after', '\nEach check prints pass, WARN, FAIL or skip with the figure behind it; see electrum-cli(1), DOCTOR CHECKS.\n' +
      'Exit status: 0 healthy, 3 not reachable, 6 a critical check failed.\n\nJSON output:\n' +
      '  {"server", "network", "ok": bool, "checks": [{"id", "title", "critical", "status": "pass|warn|fail|skip", "figure", "data"?}],\n' +
      '   "methods": [{"method", "status": "ok|missing|error|invalid|timeout|skipped", "detail"?, "ms"?}], "summary": {"pass", "warn", "fail", "skip"}}')
    .action(async (server: string | undefined, _o: unknown, self: Command) => {
      const ctx = await rt.context(self.optsWithGlobals<GlobalOptions>());
      const spec = server ?? ctx.settings.server;
      if (spec === undefined) throw new UsageError('doctor needs a server', { hint: 'electrum-cli doctor HOST:PORT:s (or --server)' });
      const { parseServer } = await import('../../protocol/server-address.js');
      const { runDoctor, doctorError } = await import('../../diag/doctor.js');
      const { diagConnection } = await import('./peers.js');
      const addr = parseServer(spec, { network: ctx.network });
      const connection = await diagConnection(ctx);
      const spin = await ctx.out.spinner(`examining ${spec}…`);
      let report;
      try {
        report = await runDoctor(addr, { network: ctx.network, connection, ...(ctx.settings.timeoutMs !== undefined ? { timeoutMs: ctx.settings.timeoutMs } : {}) });
      } finally {
        spin.stop();
      }
      if (ctx.json) await ctx.out.json(report);
      else ctx.out.data((await import('../../diag/render.js')).doctorCard(report));
      const err = doctorError(report);
      if (err) throw err;
    });
}
