/**
 * The fish completion script: `complete` rules conditioned on the command path, which a
 * small fish function computes from `commandline -opc` with the same walk as bash and zsh.
 */
import type { CmdModel, OptModel } from './model.js';
import { globalOptions, optionWords, pathData, shortText } from './shell-data.js';
import { valueSpec } from './bash.js';

/** Quotes for fish (single quotes: only \\ and ' are special). */
export function fishQuote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function optionRule(cond: string, o: OptModel): string {
  const parts = ['complete -c electrum-cli', `-n ${fishQuote(cond)}`];
  if (o.short) parts.push(`-s ${o.short.slice(1)}`);
  if (o.long) parts.push(`-l ${o.long.slice(2)}`);
  const spec = o.valueName === undefined ? '' : valueSpec(o);
  if (spec.startsWith('words ')) parts.push('-x', `-a ${fishQuote(spec.slice(6))}`);
  else if (spec === 'servers') parts.push('-x', `-a ${fishQuote('(__electrum_cli_servers)')}`);
  else if (spec === 'file' || spec === 'dir') parts.push('-r', '-F');
  else if (spec === 'any') parts.push('-x');
  parts.push(`-d ${fishQuote(shortText(o.description))}`);
  return parts.join(' ');
}

/** Renders the fish script. */
export function fishCompletion(root: CmdModel, version: string): string {
  const data = pathData(root);
  const takesValue: string[] = [];
  const subsOf: string[] = [];
  const rules: string[] = [];
  for (const d of data) {
    const k = d.key;
    const cond = `__electrum_cli_at ${fishQuote(k)}`;
    if (d.subs.length > 0) {
      subsOf.push(`    case ${fishQuote(k)}\n      switch $argv[2]\n${d.subs
        .map(([w, c]) => `        case ${fishQuote(w)}\n          echo ${fishQuote(c)}`)
        .join('\n')}\n      end`);
      for (const [w, , summary] of d.subs) {
        rules.push(`complete -c electrum-cli -n ${fishQuote(`${cond}; and __electrum_cli_nopos`)} -a ${fishQuote(w)} -d ${fishQuote(shortText(summary))}`);
      }
    }
    for (const o of d.cmd.options) {
      rules.push(optionRule(cond, o));
      if (o.valueName !== undefined && !o.valueOptional) for (const w of optionWords(o)) takesValue.push(`${k}|${w}`);
    }
    d.args.forEach((a, i) => {
      const pos = a.variadic ? `__electrum_cli_pos_from ${i}` : `__electrum_cli_pos_is ${i}`;
      const c = `${cond}; and ${pos}`;
      if (a.hint === 'choices') rules.push(`complete -c electrum-cli -n ${fishQuote(c)} -a ${fishQuote(a.choices.join(' '))}`);
      else if (a.hint === 'file' || a.hint === 'dir') rules.push(`complete -c electrum-cli -n ${fishQuote(c)} -F`);
    });
  }
  const globals = globalOptions(root);
  for (const o of globals) {
    rules.push(optionRule('not __electrum_cli_at ""', o));
    if (o.valueName !== undefined && !o.valueOptional) for (const w of optionWords(o)) takesValue.push(`*|${w}`);
  }
  return `# fish completion for electrum-cli ${version}
# Generated from the command registry by \`npm run gen\` (or: electrum-cli completion fish).
# Do not edit: regenerate instead.
# Install: electrum-cli completion fish > ~/.config/fish/completions/electrum-cli.fish

# Known servers: the config file's servers, then the last probe's (servers.txt).
function __electrum_cli_servers
    set -l cfg (set -q XDG_CONFIG_HOME; and echo $XDG_CONFIG_HOME; or echo $HOME/.config)/electrum-cli/config.json
    set -l cache (set -q XDG_CACHE_HOME; and echo $XDG_CACHE_HOME; or echo $HOME/.cache)/electrum-cli/servers.txt
    begin
        test -r $cfg; and grep -oE '"[][A-Za-z0-9._/:-]+:[0-9]+(:[tsTS])?"' $cfg | tr -d '"' | grep -v '^socks'
        test -r $cache; and sed -e 's/#.*//' -e 's/^[[:space:]]*//' -e 's/[[:space:]].*//' $cache | grep -v '^$'
    end 2>/dev/null | awk '!seen[$0]++'
end

# PATH WORD -> the subcommand WORD names there (aliases resolved).
function __electrum_cli_sub
    switch $argv[1]
${subsOf.join('\n')}
    end
end

# True when OPTION takes a value at PATH (quoted case patterns still match as wildcards).
function __electrum_cli_takes_value
    switch "$argv[1]|$argv[2]"
        case ${takesValue.map(fishQuote).join(' ')}
            return 0
    end
    return 1
end

# Prints the command path, then the number of positional arguments after it.
function __electrum_cli_walk
    set -l words (commandline -opc)
    set -l cmdpath ''
    set -l npos 0
    set -l skip 0
    for w in $words[2..-1]
        if test $skip = 1
            set skip 0
            continue
        end
        switch $w
            case '--'
                break
            case '--*=*'
            case '-*'
                __electrum_cli_takes_value "$cmdpath" $w; and set skip 1
            case '*'
                set -l sub ''
                test $npos = 0; and set sub (__electrum_cli_sub "$cmdpath" $w)
                if test -n "$sub"
                    if test -n "$cmdpath"
                        set cmdpath "$cmdpath $sub"
                    else
                        set cmdpath $sub
                    end
                else
                    set npos (math $npos + 1)
                end
        end
    end
    echo $cmdpath
    echo $npos
end

function __electrum_cli_at
    set -l r (__electrum_cli_walk)
    test "$r[1]" = "$argv[1]"
end

function __electrum_cli_nopos
    set -l r (__electrum_cli_walk)
    test "$r[2]" = 0
end

function __electrum_cli_pos_is
    set -l r (__electrum_cli_walk)
    test "$r[2]" = $argv[1]
end

function __electrum_cli_pos_from
    set -l r (__electrum_cli_walk)
    test "$r[2]" -ge $argv[1]
end

complete -c electrum-cli -f
${rules.join('\n')}
`;
}
