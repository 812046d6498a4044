# bash completion for electrum-cli 0.1.0
# Generated from the command registry by `npm run gen` (or: electrum-cli completion bash).
# Do not edit: regenerate instead.
# Install: electrum-cli completion bash > ~/.local/share/bash-completion/completions/electrum-cli
#     or: source <(electrum-cli completion bash)   (in ~/.bashrc)

# Known servers: the config file's servers, then the last probe's (servers.txt).
_electrum_cli_servers() {
  local cfg="${XDG_CONFIG_HOME:-$HOME/.config}/electrum-cli/config.json"
  local cache="${XDG_CACHE_HOME:-$HOME/.cache}/electrum-cli/servers.txt"
  {
    [ -r "$cfg" ] && grep -oE '"[][A-Za-z0-9._/:-]+:[0-9]+(:[tsTS])?"' "$cfg" | tr -d '"' | grep -v '^socks'
    [ -r "$cache" ] && sed -e 's/#.*//' -e 's/^[[:space:]]*//' -e 's/[[:space:]].*//' "$cache" | grep -v '^$'
  } 2>/dev/null | awk '!seen[$0]++'
}

# PATH WORD -> the subcommand WORD names there (aliases resolved), or nothing.
_electrum_cli_sub() {
  case "$1|$2" in
    '|version') echo 'version' ;;
    '|banner') echo 'banner' ;;
    '|donation-address') echo 'donation-address' ;;
    '|features') echo 'features' ;;
    '|peers') echo 'peers' ;;
    '|add-peer') echo 'add-peer' ;;
    '|ping') echo 'ping' ;;
    '|balance') echo 'balance' ;;
    '|history') echo 'history' ;;
    '|mempool') echo 'mempool' ;;
    '|utxos') echo 'utxos' ;;
    '|listunspent') echo 'utxos' ;;
    '|subscribe') echo 'subscribe' ;;
    '|watch') echo 'subscribe' ;;
    '|unsubscribe') echo 'unsubscribe' ;;
    '|header') echo 'header' ;;
    '|headers') echo 'headers' ;;
    '|tip') echo 'tip' ;;
    '|estimatefee') echo 'estimatefee' ;;
    '|relayfee') echo 'relayfee' ;;
    '|tx') echo 'tx' ;;
    '|broadcast') echo 'broadcast' ;;
    '|broadcast-package') echo 'broadcast-package' ;;
    '|merkle') echo 'merkle' ;;
    '|tx-from-pos') echo 'tx-from-pos' ;;
    '|fee-histogram') echo 'fee-histogram' ;;
    '|mempool-info') echo 'mempool-info' ;;
    '|proof') echo 'proof' ;;
    '|height') echo 'height' ;;
    '|utxo-address') echo 'utxo-address' ;;
    '|chunk') echo 'chunk' ;;
    '|call') echo 'call' ;;
    '|serve') echo 'serve' ;;
    '|config') echo 'config' ;;
    '|wallet') echo 'wallet' ;;
    '|completion') echo 'completion' ;;
    '|doctor') echo 'doctor' ;;
    '|compare') echo 'compare' ;;
    '|bench') echo 'bench' ;;
    'config|path') echo 'path' ;;
    'config|list') echo 'list' ;;
    'config|get') echo 'get' ;;
    'config|set') echo 'set' ;;
    'config|pins') echo 'pins' ;;
    'config|unpin') echo 'unpin' ;;
    'config|init') echo 'init' ;;
    'wallet|scan') echo 'scan' ;;
  esac
}

# PATH -> its subcommands.
_electrum_cli_subs() {
  case "$1" in
    '') echo 'version banner donation-address features peers add-peer ping balance history mempool utxos listunspent subscribe watch unsubscribe header headers tip estimatefee relayfee tx broadcast broadcast-package merkle tx-from-pos fee-histogram mempool-info proof height utxo-address chunk call serve config wallet completion doctor compare bench' ;;
    'config') echo 'path list get set pins unpin init' ;;
    'wallet') echo 'scan' ;;
  esac
}

# PATH -> the options accepted there.
_electrum_cli_opts() {
  case "$1" in
    '') echo '-V --version -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes -h --help' ;;
    'version') echo '-h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'banner') echo '-h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'donation-address') echo '-h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'features') echo '-h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'peers') echo '--probe --crawl --servers --deadline --concurrency --depth --max-servers --output -h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'add-peer') echo '-h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'ping') echo '-h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'balance') echo '--verify --checkpoint -h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'history') echo '--verify --checkpoint -h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'mempool') echo '-h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'utxos') echo '-h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'subscribe') echo '--until-confirmed --exec -h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'unsubscribe') echo '-h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'header') echo '--cp-height --decode -h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'headers') echo '--cp-height -h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'tip') echo '--follow --exec -h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'estimatefee') echo '-h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'relayfee') echo '-h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'tx') echo '--verbose --decode --verify --checkpoint -h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'broadcast') echo '-h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'broadcast-package') echo '--verbose -h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'merkle') echo '--verify --checkpoint -h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'tx-from-pos') echo '--merkle -h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'fee-histogram') echo '-h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'mempool-info') echo '-h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'proof') echo '-h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'height') echo '-h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'utxo-address') echo '-h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'chunk') echo '-h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'call') echo '-h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'serve') echo '--local --bitcoind --datadir --rpc-cookie --rpc-user --rpc-password --rpc-password-file --bitcoind-wait --db --tcp --no-tcp --tls --ws --tls-cert --tls-key --zmq --no-zmq --banner --donation-address --max-sessions --max-subs --max-request --max-response --max-batch --idle-timeout --cost-limit --cost-rate --limit-loopback --max-sessions-per-ip --max-subs-total --max-queued-total --max-half-open --handshake-timeout --proxy-protocol --history-limit -h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'config') echo '-h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'config path') echo '-h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'config list') echo '-h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'config get') echo '-h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'config set') echo '-h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'config pins') echo '-h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'config unpin') echo '-h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'config init') echo '-h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'wallet') echo '-h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'wallet scan') echo '--gap-limit --type -h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'completion') echo '-h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'doctor') echo '-h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'compare') echo '--servers --quorum -h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
    'bench') echo '--sessions --duration --requests --mix --addresses -h --help -s --server -n --network --proxy --pin --timeout --connect-timeout --max-line --protocol --method --script --json -q --quiet --no-color --debug --config -y --yes' ;;
  esac
}

# PATH OPTION -> what its value completes to ("" when it takes none, "optional" when optional).
_electrum_cli_optval() {
  case "$1|$2" in
    '|-s'|'|--server') echo 'servers' ;;
    '|-n'|'|--network') echo 'words mainnet testnet testnet4 signet regtest' ;;
    '|--proxy') echo 'any' ;;
    '|--pin') echo 'any' ;;
    '|--timeout') echo 'any' ;;
    '|--connect-timeout') echo 'any' ;;
    '|--max-line') echo 'any' ;;
    '|--protocol') echo 'any' ;;
    '|--method') echo 'any' ;;
    '|--script') echo 'any' ;;
    '|--config') echo 'file' ;;
    'peers|--servers') echo 'any' ;;
    'peers|--deadline') echo 'any' ;;
    'peers|--concurrency') echo 'any' ;;
    'peers|--depth') echo 'any' ;;
    'peers|--max-servers') echo 'any' ;;
    'peers|--output') echo 'any' ;;
    'balance|--checkpoint') echo 'any' ;;
    'history|--checkpoint') echo 'any' ;;
    'subscribe|--until-confirmed') echo 'any' ;;
    'subscribe|--exec') echo 'any' ;;
    'header|--cp-height') echo 'any' ;;
    'headers|--cp-height') echo 'any' ;;
    'tip|--exec') echo 'any' ;;
    'tx|--checkpoint') echo 'any' ;;
    'merkle|--checkpoint') echo 'any' ;;
    'serve|--bitcoind') echo 'any' ;;
    'serve|--datadir') echo 'dir' ;;
    'serve|--rpc-cookie') echo 'file' ;;
    'serve|--rpc-user') echo 'any' ;;
    'serve|--rpc-password') echo 'any' ;;
    'serve|--rpc-password-file') echo 'any' ;;
    'serve|--bitcoind-wait') echo 'any' ;;
    'serve|--db') echo 'dir' ;;
    'serve|--tcp') echo 'any' ;;
    'serve|--tls') echo 'optional' ;;
    'serve|--ws') echo 'optional' ;;
    'serve|--tls-cert') echo 'file' ;;
    'serve|--tls-key') echo 'file' ;;
    'serve|--banner') echo 'any' ;;
    'serve|--donation-address') echo 'any' ;;
    'serve|--max-sessions') echo 'any' ;;
    'serve|--max-subs') echo 'any' ;;
    'serve|--max-request') echo 'any' ;;
    'serve|--max-response') echo 'any' ;;
    'serve|--max-batch') echo 'any' ;;
    'serve|--idle-timeout') echo 'any' ;;
    'serve|--cost-limit') echo 'any' ;;
    'serve|--cost-rate') echo 'any' ;;
    'serve|--max-sessions-per-ip') echo 'any' ;;
    'serve|--max-subs-total') echo 'any' ;;
    'serve|--max-queued-total') echo 'any' ;;
    'serve|--max-half-open') echo 'any' ;;
    'serve|--handshake-timeout') echo 'any' ;;
    'serve|--proxy-protocol') echo 'any' ;;
    'serve|--history-limit') echo 'any' ;;
    'wallet scan|--gap-limit') echo 'any' ;;
    'wallet scan|--type') echo 'words pkh sh-wpkh wpkh tr' ;;
    'compare|--servers') echo 'any' ;;
    'compare|--quorum') echo 'any' ;;
    'bench|--sessions') echo 'any' ;;
    'bench|--duration') echo 'any' ;;
    'bench|--requests') echo 'any' ;;
    'bench|--mix') echo 'any' ;;
    'bench|--addresses') echo 'any' ;;
    *'|-s'|*'|--server') echo 'servers' ;;
    *'|-n'|*'|--network') echo 'words mainnet testnet testnet4 signet regtest' ;;
    *'|--proxy') echo 'any' ;;
    *'|--pin') echo 'any' ;;
    *'|--timeout') echo 'any' ;;
    *'|--connect-timeout') echo 'any' ;;
    *'|--max-line') echo 'any' ;;
    *'|--protocol') echo 'any' ;;
    *'|--method') echo 'any' ;;
    *'|--script') echo 'any' ;;
    *'|--config') echo 'file' ;;
  esac
}

# PATH POSITION -> what that positional argument completes to.
_electrum_cli_argval() {
  case "$1|$2" in
    'estimatefee|1') echo 'words CONSERVATIVE ECONOMICAL' ;;
    'broadcast|0') echo 'file' ;;
    'broadcast-package|'*) echo 'file' ;;
    'config get|0') echo 'words server network proxy timeout connectTimeout maxLine servers.mainnet servers.testnet servers.testnet4 servers.signet servers.regtest' ;;
    'config set|0') echo 'words server network proxy timeout connectTimeout maxLine servers.mainnet servers.testnet servers.testnet4 servers.signet servers.regtest' ;;
    'wallet scan|0') echo 'words server network proxy timeout connectTimeout maxLine servers.mainnet servers.testnet servers.testnet4 servers.signet servers.regtest' ;;
    'completion|0') echo 'words bash zsh fish' ;;
  esac
}

# Fills COMPREPLY from a value spec ("words a b", "servers", "file", "dir").
_electrum_cli_values() {
  local spec="$1" cur="$2" prefix="$3" IFS=$'\n' w
  local -a out=()
  case "$spec" in
    words\ *) out=($(IFS=' '; compgen -W "${spec#words }" -- "$cur")) ;;
    servers) out=($(compgen -W "$(_electrum_cli_servers)" -- "$cur")) ;;
    file) out=($(compgen -f -- "$cur")); type compopt >/dev/null 2>&1 && compopt -o filenames 2>/dev/null ;;
    dir) out=($(compgen -d -- "$cur")); type compopt >/dev/null 2>&1 && compopt -o filenames 2>/dev/null ;;
  esac
  for w in "${out[@]}"; do COMPREPLY+=("$prefix$w"); done
}

_electrum_cli() {
  local cur prev cword
  local -a words
  if declare -F _get_comp_words_by_ref >/dev/null 2>&1; then
    _get_comp_words_by_ref -n =: cur prev words cword
  else
    words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD
    cur="${words[cword]}"; prev=""; [ "$cword" -gt 0 ] && prev="${words[cword-1]}"
  fi
  COMPREPLY=()
  local cmdpath="" npos=0 skip=0 i w sub
  for ((i = 1; i < cword; i++)); do
    w="${words[i]}"
    if [ "$w" = "=" ]; then skip=1; continue; fi
    if [ "$skip" = 1 ]; then skip=0; continue; fi
    case "$w" in
      --) break ;;
      --*=*) ;;
      -*) case "$(_electrum_cli_optval "$cmdpath" "$w")" in ""|optional) ;; *) skip=1 ;; esac ;;
      *)
        sub=""
        [ "$npos" = 0 ] && sub="$(_electrum_cli_sub "$cmdpath" "$w")"
        if [ -n "$sub" ]; then cmdpath="${cmdpath:+$cmdpath }$sub"; else npos=$((npos + 1)); fi
        ;;
    esac
  done
  # The value of an option: "--network reg", "--network=reg", or bash's split "--network = reg".
  local opt="" prefix=""
  if [ "$cur" = "=" ]; then opt="$prev"; cur=""
  elif [ "$prev" = "=" ] && [ "$cword" -ge 2 ]; then opt="${words[cword-2]}"
  elif [[ "$cur" == --*=* ]]; then opt="${cur%%=*}"; prefix="$opt="; cur="${cur#*=}"
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
