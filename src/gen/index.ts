/** The generated artefacts: completion scripts per shell and the man page, from one model. */
import { bashCompletion } from './bash.js';
import { fishCompletion } from './fish.js';
import { manPage } from './man.js';
import { describe, type GenInput } from './model.js';
import { zshCompletion } from './zsh.js';

/** The completion script for `shell`. */
export function completionScript(shell: 'bash' | 'zsh' | 'fish', input: GenInput): string {
  const root = describe(input);
  if (shell === 'bash') return bashCompletion(root, input.version);
  if (shell === 'zsh') return zshCompletion(root, input.version);
  return fishCompletion(root, input.version);
}

/** Every generated file, keyed by its path in the repository. */
export function generateAll(input: GenInput): Record<string, string> {
  const root = describe(input);
  return {
    'completions/electrum-cli.bash': bashCompletion(root, input.version),
    'completions/electrum-cli.zsh': zshCompletion(root, input.version),
    'completions/electrum-cli.fish': fishCompletion(root, input.version),
    'man/electrum-cli.1': manPage(root, input),
  };
}
