/**
 * The zsh completion function (#compdef): the same tables and walker as bash, with
 * descriptions shown by _describe and paths by _files/_directories.
 */
import type { CmdModel } from './model.js';
import { serversSnippet, valueSpec } from './bash.js';
import { globalOptions, optionWords, pathData, shortText, shQuote, hintSpec } from './shell-data.js';

const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/:/g, '\\:');

function caseLine(pattern: string, body: string): string {
  return `    ${pattern}) ${body} ;;`;
}

/** Renders the zsh script. */
export function zshCompletion(root: CmdModel, version: string): string {
  const data = pathData(root);
  const subCases: string[] = [];
  const subsCases: string[] = [];
  const optsCases: string[] = [];
  const valCases: string[] = [];
  const argCases: string[] = [];
  for (const d of data) {
    const k = d.key;
    for (const [word, canon] of d.subs) subCases.push(caseLine(shQuote(`${k}|${word}`), `REPLY=${shQuote(canon)}`));
    if (d.subs.length > 0) {
      const items = d.subs.map(([w, , summary]) => shQuote(`${esc(w)}:${shortText(summary)}`));
      subsCases.push(caseLine(shQuote(k), `reply=(${items.join(' ')})`));
    }
    const opts = d.options.flatMap((o) => optionWords(o).map((w) => shQuote(`${esc(w)}:${shortText(o.description)}`)));
    optsCases.push(caseLine(shQuote(k), `reply=(${opts.join(' ')})`));
    for (const o of d.cmd.options) {
      if (o.valueName === undefined) continue;
      valCases.push(caseLine(optionWords(o).map((w) => shQuote(`${k}|${w}`)).join('|'), `REPLY=${shQuote(valueSpec(o))}`));
    }
    d.args.forEach((a, i) => {
      const spec = hintSpec(a.hint, a.choices);
      if (spec === '') return;
      argCases.push(caseLine(a.variadic ? `${shQuote(`${k}|`)}*` : shQuote(`${k}|${i}`), `REPLY=${shQuote(spec)}`));
    });
  }
  for (const o of globalOptions(root)) {
    if (o.valueName === undefined) continue;
    valCases.push(caseLine(optionWords(o).map((w) => `*${shQuote(`|${w}`)}`).join('|'), `REPLY=${shQuote(valueSpec(o))}`));
  }
  return `#compdef electrum-cli
# zsh completion for electrum-cli ${version}
# Generated from the command registry by \`npm run gen\` (or: electrum-cli completion zsh).
# Do not edit: regenerate instead.
# Install: electrum-cli completion zsh > ~/.zfunc/_electrum-cli
#          and in ~/.zshrc, before compinit: fpath=(~/.zfunc $fpath)

# Known servers: the config file's servers, then the last probe's (servers.txt).
_electrum_cli_servers() {
${serversSnippet('  ')}
}

# PATH WORD -> REPLY: the subcommand WORD names there (aliases resolved).
_electrum_cli_sub() {
  REPLY=""
  case "$1|$2" in
${subCases.join('\n')}
  esac
}

# PATH -> reply: its subcommands as name:description.
_electrum_cli_subs() {
  reply=()
  case "$1" in
${subsCases.join('\n')}
  esac
}

# PATH -> reply: the options accepted there as option:description.
_electrum_cli_opts() {
  reply=()
  case "$1" in
${optsCases.join('\n')}
  esac
}

# PATH OPTION -> REPLY: what its value completes to ("" none, "optional", "any", "words ...").
_electrum_cli_optval() {
  REPLY=""
  case "$1|$2" in
${valCases.join('\n')}
  esac
}

# PATH POSITION -> REPLY: what that positional argument completes to.
_electrum_cli_argval() {
  REPLY=""
  case "$1|$2" in
${argCases.join('\n')}
  esac
}

_electrum_cli_values() {
  local -a vals
  case "$1" in
    words\\ *) vals=(\${=1#words }); compadd -a vals ;;
    servers) vals=(\${(f)"$(_electrum_cli_servers)"}); compadd -a vals ;;
    file) _files ;;
    dir) _directories ;;
  esac
}

_electrum-cli() {
  local cmdpath="" npos=0 skip=0 i w opt="" cur="\${words[CURRENT]}" prev="\${words[CURRENT-1]}"
  local REPLY
  local -a reply
  for (( i = 2; i < CURRENT; i++ )); do
    w="\${words[i]}"
    if [[ $skip == 1 ]]; then skip=0; continue; fi
    case "$w" in
      --) break ;;
      --*=*) ;;
      -*) _electrum_cli_optval "$cmdpath" "$w"; [[ -n $REPLY && $REPLY != optional ]] && skip=1 ;;
      *)
        REPLY=""
        [[ $npos == 0 ]] && _electrum_cli_sub "$cmdpath" "$w"
        if [[ -n $REPLY ]]; then cmdpath="\${cmdpath:+$cmdpath }$REPLY"; else (( npos++ )); fi
        ;;
    esac
  done
  if [[ $cur == --*=* ]]; then
    opt="\${cur%%=*}"
    compset -P '*='
  elif [[ $skip == 1 ]]; then
    opt="$prev"
  fi
  if [[ -n $opt ]]; then
    _electrum_cli_optval "$cmdpath" "$opt"
    if [[ -n $REPLY && $REPLY != optional ]]; then
      _electrum_cli_values "$REPLY"
      return 0
    fi
  fi
  if [[ $cur == -* ]]; then
    _electrum_cli_opts "$cmdpath"
    _describe -t options 'option' reply
    return 0
  fi
  if [[ $npos == 0 ]]; then
    _electrum_cli_subs "$cmdpath"
    if (( \${#reply} )); then _describe -t commands 'command' reply; return 0; fi
  fi
  _electrum_cli_argval "$cmdpath" "$npos"
  _electrum_cli_values "$REPLY"
  return 0
}

if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  _electrum-cli "$@"
else
  compdef _electrum-cli electrum-cli
fi
`;
}
