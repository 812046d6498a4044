/**
 * electrum-cli's version, from package.json (the one place it is written): the client's name
 * in server.version (`electrum-cli/VERSION`), the server's software string
 * (`electrum-cli VERSION`) and `--version` all read it.
 */
import pkg from '../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;

/** `electrum-cli --version` (or `-V`) and nothing else: answered before anything else is loaded. */
export function asksVersionOnly(args: readonly string[]): boolean {
  return args.length === 1 && (args[0] === '--version' || args[0] === '-V');
}
