/**
 * The commander tree, generated from the registry's COMMANDS (one subcommand per protocol
 * question, docs/architecture.md §2) plus the commands that are not one method. Cheap to build: the
 * actions of the commands that are not one method import what they need when they run, and
 * nothing here loads table, prompt, spinner, WebSocket or SOCKS code.
 */
import { Command, Option } from 'commander';
import { COMMANDS, type Command as RegistryCommand } from '../methods/registry.js';
import type { ArgSpec, MethodSpec } from '../methods/spec.js';
import { UsageError } from '../errors.js';
import { HELP_TOPICS, isHelpTopic } from './help-topics.js';
import { SERVE_OPTIONS } from '../server/serve-options.js';
import type { GlobalOptions } from './context.js';
import type { Runtime } from './runtime.js';
import { register as registerDoctor } from './commands/doctor.js';
import { register as registerCompare } from './commands/compare.js';
import { register as registerBench } from './commands/bench.js';
import { register as registerCompletion } from './commands/completion.js';
import { register as registerWallet } from './commands/wallet.js';
import { register as registerConfigInit } from './commands/config-init.js';
// Static, not import(): every registry command runs it, and the build keeps the hot path in
// one chunk (scripts/build.mjs); a separate chunk cost a file load on every run.
import { runMethodCommand } from './run-method.js';

/** The root program's options, shared by every subcommand (before or after it). */
function addGlobalOptions(program: Command): void {
  program
    .option('-s, --server <server>', 'server: HOST:PORT[:t|s] or tcp:// ssl:// ws:// wss:// URL (env ELECTRUM_SERVER)')
    .option('-n, --network <network>', 'mainnet, testnet (testnet3), testnet4, signet or regtest (default mainnet; env ELECTRUM_NETWORK)')
    .option('--proxy <url>', 'connect through a SOCKS5 proxy: socks5://HOST:PORT (env ELECTRUM_PROXY)')
    .option('--pin <fingerprint>', 'expected TLS certificate: sha256:<64 hex>')
    .option('--timeout <seconds>', 'per-request timeout (default 30)')
    .option('--connect-timeout <seconds>', 'connect and handshake (server.version) timeout (default 10)')
    .option('--max-line <bytes>', 'longest accepted reply line (default 8100000)')
    .option('--protocol <version>', 'offer only this protocol version, or a range like 1.2-1.4')
    .option('--method <wire-name>', 'send this wire method instead of the one the version selects')
    .option('--script <hex>', 'an output script (hex) where an address is expected')
    .option('--json', 'machine-readable output (see electrum-cli(1), JSON OUTPUT)')
    .option('-q, --quiet', 'no notices or warnings on stderr')
    .option('--no-color', 'no colours (also when NO_COLOR is non-empty or stdout is not a terminal, unless FORCE_COLOR/CLICOLOR_FORCE)')
    .option('--debug', 'trace the wire to stderr and show stack traces')
    .option('--config <file>', 'config file (default $XDG_CONFIG_HOME/electrum-cli/config.json)')
    .option('-y, --yes', 'never prompt: pick defaults (the first built-in server that answers)')
    .option('--testnet', 'shorthand for --network testnet (as bitcoin-cli)')
    .option('--testnet4', 'shorthand for --network testnet4')
    .option('--signet', 'shorthand for --network signet')
    .option('--regtest', 'shorthand for --network regtest')
    .option('--jq <expression>', 'filter the JSON output with a jq expression (implies --json; strings print raw)')
    .option('--fields <names>', 'keep only these comma-separated keys of each result object (implies --json)')
    .option('--sats', 'amounts in tables in satoshis only (JSON is always satoshis)')
    .option('--btc', 'amounts in tables in BTC only')
    .option('--wide', 'never shorten hashes to fit the terminal (also --no-trunc)')
    .option('--no-trunc', 'the same as --wide')
    .option('--no-pager', 'never page output taller than the terminal through $PAGER');
}

/** Names of other tools' commands that lead to ours with a hint (the registry's `hints`). */
function foreignHint(name: string): UsageError | undefined {
  for (const c of COMMANDS.values()) {
    const h = c.spec.hints?.find((x) => x.name === name);
    if (h) return new UsageError(`unknown command '${name}'`, { hint: `did you mean \`electrum-cli ${c.spec.name}\`? ${h.why}` });
  }
  return undefined;
}

function argUsage(a: ArgSpec): string {
  const name = `${a.name}${a.variadic ? '...' : ''}`;
  // Targets may come from --script instead, so commander must not insist on them.
  return a.optional || a.kind === 'target' ? `[${name}]` : `<${name}>`;
}

function versions(m: MethodSpec): string {
  if (m.until === undefined) return `${m.since}+`;
  return m.since === m.until ? `${m.since} only` : `${m.since}–${m.until}`;
}

function methodHelp(c: RegistryCommand): string {
  const s = c.spec;
  const lines = [
    '',
    `Wire method${c.methods.length > 1 ? 's (chosen by the negotiated version; --method forces one)' : ''}:`,
    ...c.methods.map((m) => `  ${m.name} (protocol ${versions(m)})`),
  ];
  if (s.fallback) lines.push(`  otherwise: ${s.fallback.note}`);
  lines.push('', 'JSON output:', `  ${s.json}`);
  if (s.args.some((a) => a.variadic)) {
    lines.push('  several arguments: {"<arg>": {"result": ...} | {"error": {"code": n, "message": "..."}}, ...}');
  }
  if (s.examples?.length) lines.push('', 'Examples:', ...s.examples.map((e) => `  $ ${e}`));
  return lines.join('\n');
}

function addMethodCommand(program: Command, c: RegistryCommand, rt: Runtime): void {
  const s = c.spec;
  const cmd = program
    .command(s.name)
    .summary(c.methods[0]!.summary)
    .description([c.methods[0]!.summary, s.description].filter(Boolean).join('.\n\n'));
  for (const alias of s.aliases ?? []) cmd.alias(alias);
  for (const a of s.args) {
    cmd.argument(argUsage(a), a.description + (a.choices ? ` (${a.choices.join(', ')})` : ''));
  }
  for (const o of s.options ?? []) {
    const opt = new Option(o.flags, o.description);
    if (o.choices) opt.choices(o.choices);
    cmd.addOption(opt);
  }
  cmd.addHelpText('after', methodHelp(c));
  cmd.action(async (...a: unknown[]) => {
    const self = a[a.length - 1] as Command;
    const positionals = a.slice(0, s.args.length);
    const ctx = await rt.context(self.optsWithGlobals<GlobalOptions>());
    await runMethodCommand(ctx, c, positionals, self.opts());
  });
}

/** The last operandsOf answer: buildProgram asks first, the binary's loader again at the end (~0.5 ms each). */
let lastOperands: { key: string; operands: string[] | undefined } | undefined;

/** The operands of `args` as the root parses them (global option values skipped); undefined if it would refuse them. */
function operandsOf(args: readonly string[]): string[] | undefined {
  const key = args.join('\0');
  if (lastOperands?.key === key) return lastOperands.operands?.slice();
  const probe = new Command().exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} });
  addGlobalOptions(probe);
  let operands: string[] | undefined;
  try {
    operands = probe.parseOptions([...args]).operands;
  } catch {
    operands = undefined; // e.g. --server without a value: the whole tree reports it
  }
  lastOperands = { key, operands };
  return operands?.slice();
}

/**
 * The command word `args` start (the first operand: `balance`, `wallet`, an alias, ...), or
 * undefined when there is none or commander would refuse the options. Not checked against the
 * commands: the binary's loader (boot.ts) only names its code cache after it.
 */
export function commandWordOf(args: readonly string[]): string | undefined {
  return operandsOf(args)?.[0];
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * `help [COMMAND [SUBCOMMAND]] | help TOPIC`: commander's own help command, plus the written
 * topics of help-topics.ts (environment, exit-codes).
 */
function addHelpCommand(program: Command, rt: Runtime): void {
  program.helpCommand(false);
  program
    .command('help')
    .description(`show help for a command, or a topic: ${Object.keys(HELP_TOPICS).join(', ')}`)
    .argument('[NAME...]', `a command (config set), or a topic (${Object.keys(HELP_TOPICS).join(', ')})`)
    .action((names: string[]) => {
      const [first] = names;
      if (first !== undefined && isHelpTopic(first)) {
        rt.io.stdout.write(HELP_TOPICS[first]!.text());
        return;
      }
      let cmd: Command = program;
      for (const n of names) {
        const sub = cmd.commands.find((c) => c.name() === n || c.aliases().includes(n));
        if (!sub) throw (cmd === program ? foreignHint(n) : undefined) ?? unknownHelpTopic(cmd, n);
        cmd = sub;
      }
      cmd.outputHelp();
    });
}

/** `help NAME` for a NAME that is no command: say so (commander printed the whole help and "no command given"). */
function unknownHelpTopic(program: Command, name: string): UsageError {
  const names = program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
  const close = names
    .map((n) => ({ n, d: distance(name.toLowerCase(), n) }))
    .filter((x) => x.d <= Math.max(1, Math.floor(name.length * 0.4)))
    .sort((a, b) => a.d - b.d)
    .map((x) => x.n);
  return new UsageError(`unknown command '${name}'`, {
    hint: `${close.length > 0 ? `did you mean ${close.slice(0, 3).join(' or ')}? ` : ''}electrum-cli --help lists the commands`,
  });
}

/**
 * The registry command that `args` (the arguments after node and the script) invoke, or
 * undefined when they name none (no command, help, another command, an unknown one, or
 * anything commander would refuse before reaching one). Found by commander's own option
 * parser on a throwaway root with the same global options, so option values such as
 * `--server HOST:PORT:t` are skipped exactly as the real parse skips them.
 */
function invokedRegistryCommand(args: readonly string[]): RegistryCommand | undefined {
  const name = operandsOf(args)?.[0];
  if (name === undefined) return undefined;
  for (const c of COMMANDS.values()) if (c.spec.name === name || c.spec.aliases?.includes(name)) return c;
  return undefined;
}

/**
 * Builds the tree. Errors surface as CommanderError (exitOverride) for main.ts. Given the
 * run's arguments (`args`, after node and the script) that invoke a registry command, the
 * root gets only that subcommand: commander dispatches on the name alone, so the run is the
 * same, and the other ~40 subcommands (about 4 ms of every run) are not built. Anything
 * else (help, errors, other commands, completion and man page generation) gets them all.
 */
export function buildProgram(rt: Runtime, args?: readonly string[]): Command {
  const program = new Command('electrum-cli');
  // Subcommand help lists the global options too (gh's INHERITED FLAGS); set before any
  // subcommand exists, so each one inherits it.
  program.configureHelp({ showGlobalOptions: true });
  program
    .description('Electrum-protocol client and diagnostics tool')
    .version(rt.version, '-V, --version', 'print the version of electrum-cli')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (str) => rt.io.stdout.write(str),
      writeErr: (str) => rt.io.stderr.write(str),
      // main.ts prints usage errors itself (one line, or JSON under --json).
      outputError: () => {},
    });
  addGlobalOptions(program);
  program.addHelpText(
    'after',
    '\nExit status: 0 ok, 1 internal error, 2 usage, 3 connection/TLS/timeout, 4 server error,\n' +
      '5 invalid reply, 6 verification failed, 7 bitcoind unusable, 130 interrupted.\n' +
      `Help topics: ${Object.keys(HELP_TOPICS).map((t) => `electrum-cli help ${t}`).join(', ')}.`,
  );

  const invoked = args ? invokedRegistryCommand(args) : undefined;
  if (invoked) {
    addMethodCommand(program, invoked, rt);
    return program;
  }
  for (const c of COMMANDS.values()) addMethodCommand(program, c, rt);

  program
    .command('call')
    .description('Send any method with raw params (for what the registry does not know)')
    .argument('<METHOD>', 'the wire method, e.g. blockchain.scripthash.get_balance')
    .argument('[PARAMS...]', 'params: each parsed as JSON when it parses, else a string')
    .addHelpText('after', '\nJSON output:\n  the result, exactly as the server sent it (validated when the registry knows the method)')
    .action(async (method: string, params: string[], _o: unknown, self: Command) => {
      const ctx = await rt.context(self.optsWithGlobals<GlobalOptions>());
      const { run } = await import('./commands/call.js');
      await run(ctx, method, params);
    });

  const serve = program
    .command('serve')
    .description('Run the embedded Electrum server against your bitcoind (serve --local)')
    .addHelpText('after', '\nLogs go to stderr: a live sync line on a terminal, plain lines otherwise (a service journal shows them).\nStops gracefully on SIGINT/SIGTERM. Exit 7 when bitcoind is unusable (unreachable for --bitcoind-wait before serving, wrong network, pruned, auth); exit 2 when a listening address is taken (checked before the sync).\n\nEnvironment:\n  ELECTRUM_RPC_PASSWORD  the bitcoind RPC password with --rpc-user (not visible in the process list, unlike --rpc-password)');
  for (const o of SERVE_OPTIONS) serve.addOption(new Option(o.flags, o.description).default(o.default));
  serve.action(async (o: Record<string, unknown>, self: Command) => {
    const ctx = await rt.context(self.optsWithGlobals<GlobalOptions>());
    const { run } = await import('./commands/serve.js');
    await run(ctx, o);
  });

  const config = program.command('config').description('Show or change the config file');
  config
    .command('path')
    .description('print where the config file is')
    .action(async (_o: unknown, self: Command) => (await import('./commands/config.js')).run(await rt.context(self.optsWithGlobals()), 'path'));
  config
    .command('list')
    .description('print the config file')
    .action(async (_o: unknown, self: Command) => (await import('./commands/config.js')).run(await rt.context(self.optsWithGlobals()), 'list'));
  config
    .command('get')
    .description('print one setting')
    .argument('<KEY>', 'server, network, proxy, timeout, connectTimeout, maxLine, servers.<network>')
    .action(async (key: string, _o: unknown, self: Command) =>
      (await import('./commands/config.js')).run(await rt.context(self.optsWithGlobals()), 'get', key),
    );
  config
    .command('set')
    .description('change one setting (an empty VALUE removes it)')
    .argument('<KEY>', 'server, network, proxy, timeout, connectTimeout, maxLine, servers.<network>')
    .argument('<VALUE>', 'the new value')
    .action(async (key: string, value: string, _o: unknown, self: Command) =>
      (await import('./commands/config.js')).run(await rt.context(self.optsWithGlobals()), 'set', key, value),
    );
  config
    .command('pins')
    .description('list the pinned TLS certificates (known_hosts.json beside the config file)')
    .action(async (_o: unknown, self: Command) => (await import('./commands/config.js')).run(await rt.context(self.optsWithGlobals()), 'pins'));
  config
    .command('unpin')
    .description('forget the pinned certificate of a server, so its next certificate is trusted on first use')
    .argument('<HOST:PORT>', 'the server, as `config pins` lists it (HOST:PORT:s and ssl:// URLs are accepted too)')
    .action(async (server: string, _o: unknown, self: Command) =>
      (await import('./commands/config.js')).run(await rt.context(self.optsWithGlobals()), 'unpin', server),
    );
  registerConfigInit(config, rt);
  registerWallet(program, rt);
  registerCompletion(program, rt);
  registerDoctor(program, rt);
  registerCompare(program, rt);
  registerBench(program, rt);
  addHelpCommand(program, rt);
  const operands = args ? operandsOf(args) : undefined;
  const topic = operands?.[0] === 'help' ? operands[1] : undefined;
  if (topic !== undefined && !isHelpTopic(topic) && !program.commands.some((c) => c.name() === topic || c.aliases().includes(topic))) {
    throw foreignHint(topic) ?? unknownHelpTopic(program, topic);
  }
  const first = operands?.[0];
  if (first !== undefined && !program.commands.some((c) => c.name() === first || c.aliases().includes(first))) {
    const hint = foreignHint(first);
    if (hint) throw hint;
  }
  return program;
}
