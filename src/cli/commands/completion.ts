/**
 * `completion bash|zsh|fish`: prints the completion script generated from the commander tree
 * and the registry (src/gen). The committed files in completions/ are the same text.
 */
import { Argument, type Command } from 'commander';
import type { Runtime } from '../runtime.js';
import type { GlobalOptions } from '../context.js';

/** The shells completions exist for. */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** Adds `completion SHELL` to the program. */
export function register(program: Command, rt: Runtime): void {
  program
    .command('completion')
    .description('Print the shell completion script for bash, zsh or fish')
    .addArgument(new Argument('<SHELL>', 'the shell: bash, zsh or fish').choices(SHELLS))
    .addHelpText(
      'after',
      '\nInstall:\n' +
        '  bash: electrum-cli completion bash > ~/.local/share/bash-completion/completions/electrum-cli\n' +
        '  zsh:  electrum-cli completion zsh > ~/.zfunc/_electrum-cli   (with fpath+=(~/.zfunc) before compinit)\n' +
        '  fish: electrum-cli completion fish > ~/.config/fish/completions/electrum-cli.fish',
    )
    .action(async (shell: Shell, _o: unknown, self: Command) => {
      const ctx = await rt.context(self.optsWithGlobals<GlobalOptions>());
      const { completionScript } = await import('../../gen/index.js');
      const { genInput } = await import('../../gen/input.js');
      // The root of this run: not a registry command, so program.ts built the whole tree.
      ctx.out.data(completionScript(shell, genInput(self.parent!, rt.version)));
    });
}
