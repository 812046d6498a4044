/**
 * The written help topics, as plain data: `electrum-cli help environment`, `help exit-codes`,
 * and the man page's ENVIRONMENT and EXIT STATUS sections (src/gen/man.ts) all come from here,
 * so the two cannot drift. Loads nothing.
 */
import { EXIT } from '../errors.js';

/** Every environment variable electrum-cli reads, with what it does. */
export const ENVIRONMENT: readonly (readonly [string, string])[] = [
  ['ELECTRUM_SERVER', 'The server to use when --server is not given (HOST:PORT[:t|s] or a URL).'],
  ['ELECTRUM_NETWORK', 'The network when --network (or --testnet, --testnet4, --signet, --regtest) is not given.'],
  ['ELECTRUM_PROXY', 'A SOCKS5 proxy (socks5://HOST:PORT) when --proxy is not given.'],
  ['ELECTRUM_TIMEOUT', 'The per-request timeout in seconds when --timeout is not given (before the config file\'s timeout).'],
  ['ELECTRUM_PIN', 'The expected TLS certificate (sha256:<64 hex>) when --pin is not given.'],
  ['ELECTRUM_JSON', 'When 1 (or true, yes), every command behaves as with --json; 0 or empty leaves it off.'],
  ['ELECTRUM_RPC_PASSWORD', 'The bitcoind RPC password of serve --local with --rpc-user, when neither --rpc-password-file nor --rpc-password is given (unlike an argument, it is not visible in the process list).'],
  ['ELECTRUM_DEBUG', 'When 1 (or true, yes), as --debug: wire traces and stack traces on standard error.'],
  ['PAGER', 'The pager for output taller than the terminal (default less -FRX); empty or cat turns paging off, as --no-pager does.'],
  ['COLUMNS', 'The terminal width tables fit, when the terminal does not say.'],
  ['NO_COLOR', 'When set to a non-empty value, no colours anywhere (tables included), as with --no-color. An empty NO_COLOR does not count (no-color.org).'],
  ['FORCE_COLOR', 'Colours even when a stream does not say it is a terminal (any value but 0 or false; 0 or false turns them off). --no-color still wins; FORCE_COLOR beats NO_COLOR. Piped standard output stays tab-separated rows without colour: FORCE_COLOR does not bring tables back into a pipe.'],
  ['CLICOLOR_FORCE', 'When non-empty and not 0, as FORCE_COLOR.'],
  ['XDG_CONFIG_HOME', 'Where the config directory is (default ~/.config).'],
  ['XDG_CACHE_HOME', 'Where the cache directory is (default ~/.cache): verified headers, the servers of the last probe, and the compiled-code cache.'],
  ['NODE_DISABLE_COMPILE_CACHE', "When 1 (or true, yes), the binary compiles its JavaScript afresh on every run instead of reusing V8's compiled code from <cache directory>/electrum-cli/v8 (one file per command, written after its first successful run; safe to delete)."],
  ['XDG_DATA_HOME', 'Where serve --local keeps its index (default ~/.local/share).'],
];

/** What each exit status means (EXIT in src/errors.ts). */
export const EXIT_TEXT: Readonly<Record<keyof typeof EXIT, string>> = {
  ok: 'success',
  internal: 'internal error (a bug: the message asks for a report)',
  usage: 'usage error (a bad --jq expression included), or a prompt was needed without a terminal (the message names --yes or config set)',
  connection: 'connection, TLS or timeout failure',
  server: 'the server answered with a JSON-RPC error (its code is in the message)',
  protocol: "the server's reply was invalid (malformed, wrong id, wrong shape, too large)",
  verification: 'a verification, doctor check or quorum failed',
  daemon: 'bitcoind unusable for serve (unreachable for --bitcoind-wait before serving, wrong network, pruned, auth)',
  index: 'index or disk unusable for serve, at start-up or once serving (disk full, read-only file system, permission denied, not a directory, corrupt index, index in use by another serve); the index is left as it was',
  interrupted: 'interrupted (Ctrl-C); serve instead stops gracefully on Ctrl-C and SIGTERM and exits 0',
};

/** Terminal text of a list of [name, text] pairs, the text indented under its name. */
function list(items: readonly (readonly [string, string])[]): string {
  return items.map(([k, v]) => `  ${k}\n      ${v}`).join('\n');
}

/** `electrum-cli help TOPIC`: the topics, by name. */
export const HELP_TOPICS: Readonly<Record<string, { summary: string; text: () => string }>> = Object.assign(Object.create(null), {
  environment: {
    summary: 'the environment variables electrum-cli reads',
    text: () =>
      `Environment variables (a flag beats the variable, the variable beats the config file):\n\n${list(ENVIRONMENT)}\n`,
  },
  'exit-codes': {
    summary: 'what each exit status means',
    text: () =>
      `Exit status:\n\n${(Object.entries(EXIT) as [keyof typeof EXIT, number][]).map(([k, code]) => `  ${String(code).padStart(3)}  ${EXIT_TEXT[k]}`).join('\n')}\n\n` +
      'With several arguments, the status is that of the first argument that failed; the others are still printed.\n',
  },
});

/** True when `name` is a help topic (not a command). */
export function isHelpTopic(name: string): boolean {
  return Object.hasOwn(HELP_TOPICS, name);
}
