/**
 * electrum-cli's version, from package.json (the one place it is written): the client's name
 * in server.version (`electrum-cli/VERSION`), the server's software string
 * (`electrum-cli VERSION`) and `--version` all read it.
 */
import pkg from '../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;
