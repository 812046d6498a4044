/**
 * The bash completion script: static tables generated from the model plus one small walker
 * that finds the command path in COMP_WORDS. Nothing starts node at Tab time; known servers
 * come from the config file and the last probe's servers.txt, read with grep/sed.
 */
import type { CmdModel, OptModel } from './model.js';
import { globalOptions, hintSpec, optionWords, pathData, shQuote } from './shell-data.js';

/** POSIX shell snippet printing known servers: config strings that look like servers, then servers.txt. */
export function serversSnippet(indent: string): string {
  return [
    `local cfg="\${XDG_CONFIG_HOME:-$HOME/.config}/electrum-cli/config.json"`,
    `local cache="\${XDG_CACHE_HOME:-$HOME/.cache}/electrum-cli/servers.txt"`,
    `{`,
    `  [ -r "$cfg" ] && grep -oE '"[][A-Za-z0-9._/:-]+:[0-9]+(:[tsTS])?"' "$cfg" | tr -d '"' | grep -v '^socks'`,
    `  [ -r "$cache" ] && sed -e 's/#.*//' -e 's/^[[:space:]]*//' -e 's/[[:space:]].*//' "$cache" | grep -v '^$'`,
    `} 2>/dev/null | awk '!seen[$0]++'`,
  ]
    .map((l) => indent + l)
    .join('\n');
}

/** What an option's value completes to: a hint spec, "optional" or "any". */
export function valueSpec(o: OptModel): string {
  return o.valueOptional ? 'optional' : hintSpec(o.hint, o.choices) || 'any';
}

function caseLine(pattern: string, body: string): string {
  return `    ${pattern}) ${body} ;;`;
}

/** Renders the bash script. */
export function bashCompletion(root: CmdModel, version: string): string {
  const data = pathData(root);
  const subCases: string[] = [];
  const subsCases: string[] = [];
  const optsCases: string[] = [];
  const valCases: string[] = [];
  const argCases: string[] = [];
  for (const d of data) {
    const k = d.key;
    for (const [word, canon] of d.subs) subCases.push(caseLine(shQuote(`${k}|${word}`), `echo ${shQuote(canon)}`));
    if (d.subs.length > 0) subsCases.push(caseLine(shQuote(k), `echo ${shQuote(d.subs.map((s) => s[0]).join(' '))}`));
    optsCases.push(caseLine(shQuote(k), `echo ${shQuote(d.options.flatMap(optionWords).join(' '))}`));
    for (const o of d.cmd.options) {
      if (o.valueName === undefined) continue;
      const pats = optionWords(o).map((w) => shQuote(`${k}|${w}`));
      valCases.push(caseLine(pats.join('|'), `echo ${shQuote(valueSpec(o))}`));
    }
    d.args.forEach((a, i) => {
      const spec = hintSpec(a.hint, a.choices);
      if (spec === '') return;
      const pat = a.variadic ? `${shQuote(`${k}|`)}*` : shQuote(`${k}|${i}`);
      argCases.push(caseLine(pat, `echo ${shQuote(spec)}`));
    });
  }
  // Global options are accepted after any subcommand.
  for (const o of globalOptions(root)) {
    if (o.valueName === undefined) continue;
    valCases.push(caseLine(optionWords(o).map((w) => `*${shQuote(`|${w}`)}`).join('|'), `echo ${shQuote(valueSpec(o))}`));
  }
  return `# bash completion for electrum-cli ${version}
# Generated from the command registry by \`npm run gen\` (or: electrum-cli completion bash).
# Do not edit: regenerate instead.
# Install: electrum-cli completion bash > ~/.local/share/bash-completion/completions/electrum-cli
#     or: source <(electrum-cli completion bash)   (in ~/.bashrc)

# Known servers: the config file's servers, then the last probe's (servers.txt).
_electrum_cli_servers() {
${serversSnippet('  ')}
}

# PATH WORD -> the subcommand WORD names there (aliases resolved), or nothing.
_electrum_cli_sub() {
  case "$1|$2" in
${subCases.join('\n')}
  esac
}

# PATH -> its subcommands.
_electrum_cli_subs() {
  case "$1" in
${subsCases.join('\n')}
  esac
}

# PATH -> the options accepted there.
_electrum_cli_opts() {
  case "$1" in
${optsCases.join('\n')}
  esac
}

# PATH OPTION -> what its value completes to ("" when it takes none, "optional" when optional).
_electrum_cli_optval() {
  case "$1|$2" in
${valCases.join('\n')}
  esac
}

# PATH POSITION -> what that positional argument completes to.
_electrum_cli_argval() {
  case "$1|$2" in
${argCases.join('\n')}
  esac
}

# Fills COMPREPLY from a value spec ("words a b", "servers", "file", "dir").
_electrum_cli_values() {
  local spec="$1" cur="$2" prefix="$3" IFS=$'\\n' w
  local -a out=()
  case "$spec" in
    words\\ *) out=($(IFS=' '; compgen -W "\${spec#words }" -- "$cur")) ;;
    servers) out=($(compgen -W "$(_electrum_cli_servers)" -- "$cur")) ;;
    file) out=($(compgen -f -- "$cur")); type compopt >/dev/null 2>&1 && compopt -o filenames 2>/dev/null ;;
    dir) out=($(compgen -d -- "$cur")); type compopt >/dev/null 2>&1 && compopt -o filenames 2>/dev/null ;;
  esac
  for w in "\${out[@]}"; do COMPREPLY+=("$prefix$w"); done
}

_electrum_cli() {
  local cur prev cword
  local -a words
  if declare -F _get_comp_words_by_ref >/dev/null 2>&1; then
    _get_comp_words_by_ref -n =: cur prev words cword
  else
    words=("\${COMP_WORDS[@]}"); cword=$COMP_CWORD
    cur="\${words[cword]}"; prev=""; [ "$cword" -gt 0 ] && prev="\${words[cword-1]}"
  fi
  COMPREPLY=()
  local cmdpath="" npos=0 skip=0 i w sub
  for ((i = 1; i < cword; i++)); do
    w="\${words[i]}"
    if [ "$w" = "=" ]; then skip=1; continue; fi
    if [ "$skip" = 1 ]; then skip=0; continue; fi
    case "$w" in
      --) break ;;
      --*=*) ;;
      -*) case "$(_electrum_cli_optval "$cmdpath" "$w")" in ""|optional) ;; *) skip=1 ;; esac ;;
      *)
        sub=""
        [ "$npos" = 0 ] && sub="$(_electrum_cli_sub "$cmdpath" "$w")"
        if [ -n "$sub" ]; then cmdpath="\${cmdpath:+$cmdpath }$sub"; else npos=$((npos + 1)); fi
        ;;
    esac
  done
  # The value of an option: "--network reg", "--network=reg", or bash's split "--network = reg".
  local opt="" prefix=""
  if [ "$cur" = "=" ]; then opt="$prev"; cur=""
  elif [ "$prev" = "=" ] && [ "$cword" -ge 2 ]; then opt="\${words[cword-2]}"
  elif [[ "$cur" == --*=* ]]; then opt="\${cur%%=*}"; prefix="$opt="; cur="\${cur#*=}"
  elif [ "$skip" = 1 ]; then opt="$prev"
  fi
  if [ -n "$opt" ]; then
    local spec; spec="$(_electrum_cli_optval "$cmdpath" "$opt")"
    if [ -n "$spec" ] && [ "$spec" != optional ]; then
      _electrum_cli_values "$spec" "$cur" "$prefix"
      declare -F __ltrim_colon_completions >/dev/null 2>&1 && __ltrim_colon_completions "$prefix$cur"
      return 0
    fi
  fi
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_electrum_cli_opts "$cmdpath")" -- "$cur"))
    return 0
  fi
  if [ "$npos" = 0 ]; then
    local subs; subs="$(_electrum_cli_subs "$cmdpath")"
    if [ -n "$subs" ]; then COMPREPLY=($(compgen -W "$subs" -- "$cur")); return 0; fi
  fi
  _electrum_cli_values "$(_electrum_cli_argval "$cmdpath" "$npos")" "$cur" ""
  return 0
}
complete -F _electrum_cli electrum-cli
`;
}
