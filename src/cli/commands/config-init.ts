/**
 * `config init`: a short wizard (network, server, proxy) that writes the config file. It
 * needs a person: without terminals (or under --json) it exits 2 and names `config set`.
 */
import type { Command } from 'commander';
import type { Runtime } from '../runtime.js';
import type { GlobalOptions } from '../context.js';

/** Adds `config init` under the `config` command. */
export function register(config: Command, rt: Runtime): void {
  config
    .command('init')
    .description('create or update the config file with a short interactive wizard (network, server, proxy)')
    .action(async (_o: unknown, self: Command) => {
      const ctx = await rt.context(self.optsWithGlobals<GlobalOptions>());
      const { runWizard } = await import('../prompts/config-wizard.js');
      await runWizard(ctx);
    });
}
