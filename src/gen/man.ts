/**
 * The man page electrum-cli(1), rendered from the model (every subcommand with its wire
 * methods, arguments, options and --json shape) plus the written sections below. Dates come
 * from nothing: the page depends only on its inputs, so regenerating it changes nothing.
 */
import { EXIT } from '../errors.js';
import type { CheckDoc, CmdModel, GenInput, OptModel } from './model.js';
import { walk } from './model.js';
import { globalOptions } from './shell-data.js';
import * as r from './roff.js';

const DESCRIPTION = [
  'electrum-cli asks Electrum servers (ElectrumX, Fulcrum, electrs, Electrum Personal Server and others) the questions a wallet asks, one protocol method per subcommand, and prints the answer as a table on a terminal or as JSON with --json. Every result is validated before it is printed; merkle proofs and headers can be verified locally. It speaks every protocol version from 1.0 to 1.6 and picks the right method for the version it negotiates.',
  'It is also a diagnostics tool (doctor, peers --probe, compare, bench), a live watcher of addresses and of the chain tip (subscribe, tip --follow), a wallet viewer that needs no wallet file (wallet scan XPUB|DESCRIPTOR), and, with serve --local, an embedded Electrum server indexing your own bitcoind.',
  'Data goes to standard output; progress, notices, warnings and prompts go to standard error. Spinners and prompts appear only when standard error is a terminal (prompts also need standard input to be one), and never under --json or --quiet.',
];

const SERVER_SELECTION =
  'The server comes from --server, else ELECTRUM_SERVER, else the config file (servers.<network>, then server). When none is configured, on a terminal the built-in servers of the network are probed and offered fastest first; otherwise the first built-in server that answers is used, with a notice.';

const JSON_OUTPUT = [
  'With one argument, --json prints exactly the validated protocol result: protocol field names, amounts in integer satoshis, the server\'s key order. With several arguments it prints one object keyed by argument, each value {"result": ...} or {"error": {"code": N, "message": "..."}}; the exit status is that of the first error. Additions that are not the server\'s wrap the result: {"result": ..., "verified": ...} for --verify, {"result": ..., "decoded": ...} for --decode.',
  'Streams (subscribe, tip --follow) print NDJSON: one event per line, each with a "type" field. Under --json an error is one JSON line on standard error, {"error": {"exit": N, "message": "...", "hint": "..."}}, and standard output stays empty.',
];

const WATCH_TEXT = [
  'subscribe (alias watch) prints the current status and history of each address, {"type": "status", "arg", "scripthash", "status", "history": [...]}, then one event per status change: {"type": "status", "arg", "scripthash", "status", "added": [...], "confirmed": [...], "unconfirmed": [...], "removed": [...]} where the lists hold the history entries that are new, that got a height, that went back to the mempool (a reorg) and that disappeared. tip --follow prints {"type": "tip", "height", "hex"} per new tip. When the connection drops, the watcher reconnects with exponential backoff (1 s doubling to 60 s), subscribes again, and reports once whatever changed while it was away; no event is printed twice. --until-confirmed N exits 0 once a watched transaction has N confirmations; --exec CMD runs CMD with sh for each event, with the event as JSON on its standard input. Ctrl-C unsubscribes and exits 130.',
];

const WALLET_TEXT =
  'wallet scan derives the receive (0/i) and change (1/i) addresses of an extended public key (xpub, ypub, zpub, tpub, upub, vpub; BIP44, BIP49, BIP84, or BIP86 with --type tr) or of a descriptor (pkh(), sh(wpkh()), wpkh(), tr() with KEY/<0;1>/* multipath or one KEY/0/* chain, key origins and checksums accepted), asks the server for their histories in batches, and stops each chain after --gap-limit consecutive unused addresses (default 20). It prints per-address and total balances, transaction counts and UTXOs; --json prints {"addresses": [...], "utxos": [...], "next": [...], "total": {...}}.';

const ENVIRONMENT: [string, string][] = [
  ['ELECTRUM_SERVER', 'The server to use when --server is not given (HOST:PORT[:t|s] or a URL).'],
  ['ELECTRUM_NETWORK', 'The network when --network is not given.'],
  ['ELECTRUM_PROXY', 'A SOCKS5 proxy (socks5://HOST:PORT) when --proxy is not given.'],
  ['ELECTRUM_RPC_PASSWORD', 'The bitcoind RPC password of serve --local with --rpc-user, when neither --rpc-password-file nor --rpc-password is given (unlike an argument, it is not visible in the process list).'],
  ['NO_COLOR', 'When set to a non-empty value, no colours anywhere (tables included), as with --no-color. An empty NO_COLOR does not count (no-color.org).'],
  ['FORCE_COLOR', 'Colours even when the output is not a terminal (any value but 0 or false; 0 or false turns them off). --no-color still wins; FORCE_COLOR beats NO_COLOR.'],
  ['CLICOLOR_FORCE', 'When non-empty and not 0, colours even when the output is not a terminal, as FORCE_COLOR.'],
  ['XDG_CONFIG_HOME', 'Where the config directory is (default ~/.config).'],
  ['XDG_CACHE_HOME', 'Where the cache directory is (default ~/.cache).'],
  ['XDG_DATA_HOME', 'Where serve --local keeps its index (default ~/.local/share).'],
];

const FILES: [string, string][] = [
  ['$XDG_CONFIG_HOME/electrum-cli/config.json', 'The config file (JSON): server, servers.<network>, network, proxy, timeout, connectTimeout, maxLine. Settings come from flags, then the environment, then this file. See config path|list|get|set|init.'],
  ['$XDG_CONFIG_HOME/electrum-cli/known_hosts.json', 'TLS certificates pinned on first use for self-signed servers (beside the config file, written mode 0600, as config.json is). config pins lists them; config unpin HOST:PORT forgets one.'],
  ['$XDG_CACHE_HOME/electrum-cli/servers.txt', 'Servers that answered the last peers --probe, fastest first; offered by shell completion.'],
  ['$XDG_DATA_HOME/electrum-cli/<network>/', 'The index of serve --local (unless --db names another directory).'],
];

const EXIT_TEXT: Record<keyof typeof EXIT, string> = {
  ok: 'success',
  internal: 'internal error (a bug: the message asks for a report)',
  usage: 'usage error, or a prompt was needed without a terminal (the message names --yes or config set)',
  connection: 'connection, TLS or timeout failure',
  server: 'the server answered with a JSON-RPC error (its code is in the message)',
  protocol: "the server's reply was invalid (malformed, wrong id, wrong shape, too large)",
  verification: 'a verification, doctor check or quorum failed',
  daemon: 'bitcoind unusable for serve (unreachable for --bitcoind-wait before serving, wrong network, pruned, auth)',
  index: 'index or disk unusable for serve (disk full, read-only file system, permission denied, not a directory, corrupt index, index in use by another serve); the index is left as it was',
  interrupted: 'interrupted (Ctrl-C)',
};

const EXAMPLES: [string, string][] = [
  ['Balance of an address, in BTC, as a number:', "electrum-cli balance bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 --json | jq '.confirmed / 1e8'"],
  ['Transactions confirmed after block 800000:', "electrum-cli history ADDR --json | jq -r '.[] | select(.height > 800000) | .tx_hash'"],
  ['Total of several addresses (one batch):', "electrum-cli utxos ADDR1 ADDR2 --json | jq '[.[].result[]?.value] | add'"],
  ['Wait for a payment to get 6 confirmations, then go on:', 'electrum-cli watch ADDR --until-confirmed 6 --json | jq -c .'],
  ['Run a command for each new block:', "electrum-cli tip --follow --exec 'jq -r .height >> heights.log'"],
  ['Whole-wallet balance from a descriptor:', "electrum-cli wallet scan 'wpkh([d34db33f/84h/0h/0h]xpub.../<0;1>/*)' --json | jq .total"],
  ['Check a server and a merkle proof:', 'electrum-cli --server electrum.blockstream.info:50002:s merkle TXID HEIGHT --verify'],
  ['Broadcast without a prompt (scripts):', 'electrum-cli broadcast signed.hex --yes'],
  ['Run a private server for a regtest bitcoind:', 'electrum-cli serve --local --network regtest --tcp 127.0.0.1:60401'],
  ['Install bash completion:', 'electrum-cli completion bash > ~/.local/share/bash-completion/completions/electrum-cli'],
];

function optTag(o: OptModel): string {
  const names = [o.short, o.long].filter((x): x is string => x !== undefined).map((n) => r.bold(n));
  const value = o.valueName ? ` ${r.italic(o.valueName)}` : '';
  return names.join(', ') + value;
}

function optDescription(o: OptModel): string {
  return o.choices.length > 0 && !o.description.includes(o.choices[0]!) ? `${o.description} (${o.choices.join(', ')})` : o.description;
}

function usage(path: string[], c: CmdModel): string {
  const parts = [`electrum-cli ${path.join(' ')}`];
  if (c.options.some((o) => o.long !== '--help')) parts.push('[OPTIONS]');
  if (c.subcommands.length > 0) parts.push('COMMAND');
  for (const a of c.args) {
    const n = `${a.name}${a.variadic ? '...' : ''}`;
    parts.push(a.required ? n : `[${n}]`);
  }
  return parts.join(' ');
}

function commandSection(path: string[], c: CmdModel): string[] {
  const out: string[] = [`.SS ${r.arg(usage(path, c))}`];
  out.push(r.text(c.description.replace(/\n+/g, ' ')));
  if (c.aliases.length > 0) out.push('.br', `Alias: ${c.aliases.map((a) => r.bold(a)).join(', ')}.`);
  if (c.methods.length > 0) {
    out.push('.PP', `Protocol method${c.methods.length > 1 ? 's (chosen by the negotiated version; \\-\\-method forces one)' : ''}:`);
    out.push('.RS 4', ...c.methods.flatMap((m, i) => [...(i > 0 ? ['.br'] : []), `${r.bold(m.name)} (protocol ${r.text(m.versions)})`]), '.RE');
    if (c.fallback) out.push('.PP', r.text(`Otherwise: ${c.fallback}.`));
  }
  if (c.args.length > 0) {
    out.push('.PP', 'Arguments:', '.RS 4');
    for (const a of c.args) {
      const choices = a.choices.length > 0 && !a.description.includes(a.choices[0]!) ? ` (${a.choices.join(', ')})` : '';
      out.push(r.tagged(r.italic(`${a.name}${a.variadic ? '...' : ''}`), `${a.description}${choices}`));
    }
    out.push('.RE');
  }
  const own = c.options.filter((o) => o.long !== '--help');
  if (own.length > 0) {
    out.push('.PP', 'Options:', '.RS 4');
    for (const o of own) out.push(r.tagged(optTag(o), optDescription(o)));
    out.push('.RE');
  }
  if (c.json) {
    out.push('.PP', 'JSON output:', r.literal([c.json]));
    if (c.args.some((a) => a.variadic)) out.push('.PP', r.text('With several arguments: {"<arg>": {"result": ...} | {"error": {...}}, ...}.'));
  }
  for (const e of c.examples) out.push('.PP', 'Example:', r.literal([`$ ${e}`]));
  return out;
}

function checksSection(checks: readonly CheckDoc[]): string[] {
  if (checks.length === 0) return [];
  return [
    '.SH "DIAGNOSTICS CHECKS"',
    r.text('doctor runs these checks against one server. A failed critical check makes it exit non-zero (3 when the server cannot be reached, else 6); the others pass, warn or fail without changing the exit status.'),
    ...checks.map((c) => r.tagged(r.bold(c.id), c.description)),
  ];
}

/** Renders man/electrum-cli.1. */
export function manPage(root: CmdModel, input: Pick<GenInput, 'version' | 'doctorChecks'>): string {
  const out: string[] = [
    `.\\" electrum-cli(1), generated from the command registry by \`npm run gen\`; do not edit.`,
    `.TH ELECTRUM\\-CLI 1 "" ${r.arg(`electrum-cli ${input.version}`)} "User Commands"`,
    '.SH NAME',
    'electrum\\-cli \\- Electrum\\-protocol client, diagnostics tool and embedded Electrum server',
    '.SH SYNOPSIS',
    `.B electrum\\-cli`,
    `[\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGUMENTS\\fR...]`,
    '.br',
    `.B electrum\\-cli`,
    `\\fICOMMAND\\fR \\fB\\-\\-help\\fR`,
    '.SH DESCRIPTION',
    ...DESCRIPTION.flatMap((p, i) => (i === 0 ? [r.text(p)] : ['.PP', r.text(p)])),
    '.PP',
    r.text(SERVER_SELECTION),
    '.SH COMMANDS',
    r.text('Each protocol method is one subcommand; where an old and a new method answer the same question, one subcommand serves both and picks by the negotiated protocol version.'),
  ];
  for (const { path, cmd } of walk(root)) {
    if (path.length === 0) continue;
    out.push(...commandSection(path, cmd));
  }
  out.push('.SH OPTIONS', r.text('Global options, accepted before or after the subcommand:'));
  for (const o of root.options) out.push(r.tagged(optTag(o), optDescription(o)));
  out.push('.SH "JSON OUTPUT"', ...JSON_OUTPUT.flatMap((p, i) => (i === 0 ? [r.text(p)] : ['.PP', r.text(p)])));
  out.push('.SH "WATCHING"', ...WATCH_TEXT.map((p) => r.text(p)));
  out.push('.SH "WALLET SCAN"', r.text(WALLET_TEXT));
  out.push(
    '.SH "INTERACTIVE USE"',
    r.text(
      'Prompts appear only when standard input and standard error are terminals, and never under --json or --yes: choosing a server when none is configured (built-in servers, probed, fastest first), confirming a broadcast after a decoded summary (outputs, amounts, fee, fee rate), and config init. Without a terminal, broadcast exits 2 unless --yes is given, and config init exits 2 naming config set.',
    ),
  );
  out.push(...checksSection(input.doctorChecks ?? []));
  out.push('.SH ENVIRONMENT', ...ENVIRONMENT.map(([k, v]) => r.tagged(r.bold(k), v)));
  out.push('.SH FILES', ...FILES.map(([k, v]) => r.tagged(r.italic(k), v)));
  out.push('.SH "EXIT STATUS"');
  for (const [k, code] of Object.entries(EXIT) as [keyof typeof EXIT, number][]) out.push(r.tagged(r.bold(String(code)), EXIT_TEXT[k]));
  out.push('.SH EXAMPLES');
  EXAMPLES.forEach(([what, cmd], i) => out.push(...(i > 0 ? ['.PP'] : []), r.text(what), r.literal([`$ ${cmd}`])));
  out.push('.SH "SEE ALSO"', `${r.bold('electrum')}(1), ${r.bold('bitcoind')}(1), ${r.bold('jq')}(1)`);
  return `${r.noBlankLines(out.join('\n'))}\n`;
}

/** The commands documented, as paths ("config set"): every subcommand must appear in the page. */
export function documentedCommands(root: CmdModel): string[] {
  return walk(root)
    .filter((w) => w.path.length > 0)
    .map((w) => w.path.join(' '));
}

export { globalOptions };
