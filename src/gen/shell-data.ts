/**
 * The per-command tables every completion script needs, derived from the model: which words
 * are subcommands (aliases resolved), which options take a value and what it completes to,
 * and what each positional argument completes to.
 */
import { walk, type ArgModel, type CmdModel, type OptModel, type ValueHint } from './model.js';

/** One command's completion data; `key` is its path joined by spaces ("" for the root). */
export interface PathData {
  key: string;
  cmd: CmdModel;
  /** Subcommand names with their aliases: [word, canonical name, summary]. */
  subs: [string, string, string][];
  /** Options valid here: the command's own, then the global ones (not for the root twice). */
  options: OptModel[];
  args: ArgModel[];
}

/** Options every subcommand accepts: the root's, minus help and version (commands have their own -h). */
export function globalOptions(root: CmdModel): OptModel[] {
  return root.options.filter((o) => o.long !== '--help' && o.long !== '--version');
}

/** The data of every command, root first, depth first. */
export function pathData(root: CmdModel): PathData[] {
  const globals = globalOptions(root);
  return walk(root).map(({ path, cmd }) => {
    const subs: [string, string, string][] = [];
    for (const s of cmd.subcommands) {
      subs.push([s.name, s.name, s.summary]);
      for (const a of s.aliases) subs.push([a, s.name, `alias of ${s.name}`]);
    }
    const own = cmd.options;
    const ownLongs = new Set(own.map((o) => o.long));
    const options = path.length === 0 ? own : [...own, ...globals.filter((g) => !ownLongs.has(g.long))];
    return { key: path.join(' '), cmd, subs, options, args: cmd.args };
  });
}

/** The words of an option (short and long forms). */
export function optionWords(o: OptModel): string[] {
  return [o.short, o.long].filter((x): x is string => x !== undefined);
}

/** A value hint as one shell word list: "words a b c", "servers", "file", "dir" or "". */
export function hintSpec(hint: ValueHint, choices: readonly string[]): string {
  if (hint === 'choices') return `words ${choices.join(' ')}`;
  if (hint === 'none') return '';
  return hint;
}

/** Single-quotes a string for POSIX shells (bash, zsh). */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** One line of description for a completion menu: no newlines, trimmed, capped. */
export function shortText(s: string, max = 80): string {
  const one = s.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
