/**
 * The documentation model: the commander tree (what the CLI really accepts) joined with the
 * registry (wire methods, versions, --json shapes). Completions and the man page are rendered
 * from this one model, so they cannot disagree with each other or with --help.
 */
import { Help, type Command, type Option } from 'commander';
import { COMMANDS } from '../methods/registry.js';
import type { MethodSpec } from '../methods/spec.js';
import { NETWORK_NAMES } from '../bitcoin/networks.js';
import { CONFIG_KEYS } from '../cli/config.js';

/** What a value completes to. `servers` are read at Tab time from the config and the last probe. */
export type ValueHint = 'none' | 'choices' | 'servers' | 'file' | 'dir';

export interface OptModel {
  long?: string;
  short?: string;
  /** "<seconds>" / "[host:port]" as written in the flags; absent for switches. */
  valueName?: string;
  /** The value is optional ("--tls [host:port]"). */
  valueOptional: boolean;
  description: string;
  hint: ValueHint;
  choices: readonly string[];
}

export interface ArgModel {
  name: string;
  required: boolean;
  variadic: boolean;
  description: string;
  hint: ValueHint;
  choices: readonly string[];
}

export interface CmdModel {
  name: string;
  aliases: readonly string[];
  summary: string;
  description: string;
  args: ArgModel[];
  options: OptModel[];
  subcommands: CmdModel[];
  /** Registry commands: wire methods with their protocol range, preferred first. */
  methods: { name: string; versions: string }[];
  json?: string;
  examples: readonly string[];
  fallback?: string;
  /** Full help text is elsewhere (serve's options table). */
  passthrough?: boolean;
}

/** One diagnostics check, for the man page (DOCTOR_CHECKS when present). */
export interface CheckDoc {
  id: string;
  description: string;
}

/** Everything the generators read. */
export interface GenInput {
  program: Command;
  version: string;
  /** `serve` options (SERVE_OPTIONS), used when the tree does not declare them itself. */
  serveOptions?: readonly { flags: string; description: string; default?: string | boolean }[];
  doctorChecks?: readonly CheckDoc[];
}

/** Value completions by long option name (options whose values are known words or paths). */
const OPTION_VALUES: Readonly<Record<string, { hint: ValueHint; choices?: readonly string[] }>> = {
  '--network': { hint: 'choices', choices: NETWORK_NAMES },
  '--server': { hint: 'servers' },
  '--config': { hint: 'file' },
  '--rpc-cookie': { hint: 'file' },
  '--tls-cert': { hint: 'file' },
  '--tls-key': { hint: 'file' },
  '--datadir': { hint: 'dir' },
  '--db': { hint: 'dir' },
  '--db-engine': { hint: 'choices', choices: ['rocksdb', 'lmdb'] },
};

/** Value completions by positional argument name. */
const ARG_VALUES: Readonly<Record<string, { hint: ValueHint; choices?: readonly string[] }>> = {
  RAWTX: { hint: 'file' },
  KEY: { hint: 'choices', choices: Object.keys(CONFIG_KEYS) },
  FILE: { hint: 'file' },
};

function versions(m: MethodSpec): string {
  if (m.until === undefined) return `${m.since}+`;
  return m.since === m.until ? `${m.since} only` : `${m.since}\u2013${m.until}`;
}

function valueName(flags: string): string | undefined {
  return /([<[][^>\]]*[>\]])/.exec(flags)?.[1];
}

function optModel(o: { flags: string; description: string; argChoices?: readonly string[] | undefined; long?: string | undefined; short?: string | undefined }): OptModel {
  const long = o.long ?? o.flags.split(/[ ,|]+/).find((f) => f.startsWith('--'));
  const short = o.short ?? o.flags.split(/[ ,|]+/).find((f) => /^-[^-]$/.test(f));
  const vn = valueName(o.flags);
  const known = long ? OPTION_VALUES[long] : undefined;
  const choices = o.argChoices ?? known?.choices ?? [];
  const hint: ValueHint = vn === undefined ? 'none' : choices.length > 0 ? 'choices' : known?.hint ?? 'none';
  return {
    ...(long ? { long } : {}),
    ...(short ? { short } : {}),
    ...(vn ? { valueName: vn } : {}),
    valueOptional: vn?.startsWith('[') ?? false,
    description: o.description,
    hint,
    choices,
  };
}

function cmdModel(cmd: Command, help: Help, input: GenInput): CmdModel {
  const name = cmd.name();
  const reg = COMMANDS.get(name);
  const isRoot = cmd.parent === null;
  const options = help.visibleOptions(cmd).map((o: Option) => optModel(o));
  let passthrough = false;
  if (name === 'serve' && !isRoot && input.serveOptions) {
    const have = new Set(options.map((o) => o.long));
    for (const s of input.serveOptions) {
      const m = optModel({ flags: s.flags, description: s.description + (s.default !== undefined && s.default !== '' && typeof s.default === 'string' ? ` (default ${s.default})` : '') });
      if (!have.has(m.long)) options.push(m);
    }
    passthrough = true;
  }
  const args = help.visibleArguments(cmd).map((a, i): ArgModel => {
    const known = ARG_VALUES[a.name()];
    const choices = a.argChoices ?? reg?.spec.args[i]?.choices ?? known?.choices ?? [];
    return {
      name: a.name(),
      required: a.required,
      variadic: a.variadic,
      description: a.description,
      hint: choices.length > 0 ? 'choices' : known?.hint ?? 'none',
      choices,
    };
  });
  const subcommands = help
    .visibleCommands(cmd)
    .filter((c) => c.name() !== 'help')
    .map((c) => cmdModel(c, help, input));
  const model: CmdModel = {
    name,
    aliases: cmd.aliases(),
    summary: cmd.summary() || cmd.description().split('\n')[0]!.replace(/\.$/, ''),
    description: cmd.description(),
    args,
    options,
    subcommands,
    methods: reg ? reg.methods.map((m) => ({ name: m.name, versions: versions(m) })) : [],
    examples: reg?.spec.examples ?? [],
    ...(reg ? { json: reg.spec.json } : {}),
    ...(reg?.spec.fallback ? { fallback: reg.spec.fallback.note } : {}),
    ...(passthrough ? { passthrough } : {}),
  };
  return model;
}

/** Builds the model of the whole program (help and version flags included at the root). */
export function describe(input: GenInput): CmdModel {
  const help = new Help();
  return cmdModel(input.program, help, input);
}

/** Every command below `root`, depth first, with its path ("config set"). */
export function walk(root: CmdModel): { path: string[]; cmd: CmdModel }[] {
  const out: { path: string[]; cmd: CmdModel }[] = [];
  const visit = (c: CmdModel, path: string[]) => {
    out.push({ path, cmd: c });
    for (const s of c.subcommands) visit(s, [...path, s.name]);
  };
  visit(root, []);
  return out;
}
