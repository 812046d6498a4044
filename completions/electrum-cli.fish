# fish completion for electrum-cli 0.1.0
# Generated from the command registry by `npm run gen` (or: electrum-cli completion fish).
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
    case ''
      switch $argv[2]
        case 'version'
          echo 'version'
        case 'banner'
          echo 'banner'
        case 'donation-address'
          echo 'donation-address'
        case 'features'
          echo 'features'
        case 'peers'
          echo 'peers'
        case 'add-peer'
          echo 'add-peer'
        case 'ping'
          echo 'ping'
        case 'balance'
          echo 'balance'
        case 'history'
          echo 'history'
        case 'mempool'
          echo 'mempool'
        case 'utxos'
          echo 'utxos'
        case 'listunspent'
          echo 'utxos'
        case 'subscribe'
          echo 'subscribe'
        case 'watch'
          echo 'subscribe'
        case 'unsubscribe'
          echo 'unsubscribe'
        case 'header'
          echo 'header'
        case 'headers'
          echo 'headers'
        case 'tip'
          echo 'tip'
        case 'estimatefee'
          echo 'estimatefee'
        case 'relayfee'
          echo 'relayfee'
        case 'tx'
          echo 'tx'
        case 'broadcast'
          echo 'broadcast'
        case 'broadcast-package'
          echo 'broadcast-package'
        case 'merkle'
          echo 'merkle'
        case 'tx-from-pos'
          echo 'tx-from-pos'
        case 'fee-histogram'
          echo 'fee-histogram'
        case 'mempool-info'
          echo 'mempool-info'
        case 'proof'
          echo 'proof'
        case 'height'
          echo 'height'
        case 'utxo-address'
          echo 'utxo-address'
        case 'chunk'
          echo 'chunk'
        case 'call'
          echo 'call'
        case 'serve'
          echo 'serve'
        case 'config'
          echo 'config'
        case 'wallet'
          echo 'wallet'
        case 'completion'
          echo 'completion'
        case 'doctor'
          echo 'doctor'
        case 'compare'
          echo 'compare'
        case 'bench'
          echo 'bench'
      end
    case 'config'
      switch $argv[2]
        case 'path'
          echo 'path'
        case 'list'
          echo 'list'
        case 'get'
          echo 'get'
        case 'set'
          echo 'set'
        case 'pins'
          echo 'pins'
        case 'unpin'
          echo 'unpin'
        case 'init'
          echo 'init'
      end
    case 'wallet'
      switch $argv[2]
        case 'scan'
          echo 'scan'
      end
    end
end

# True when OPTION takes a value at PATH (quoted case patterns still match as wildcards).
function __electrum_cli_takes_value
    switch "$argv[1]|$argv[2]"
        case '|-s' '|--server' '|-n' '|--network' '|--proxy' '|--pin' '|--timeout' '|--connect-timeout' '|--max-line' '|--protocol' '|--method' '|--script' '|--config' 'peers|--servers' 'peers|--deadline' 'peers|--concurrency' 'peers|--depth' 'peers|--max-servers' 'peers|--output' 'balance|--checkpoint' 'history|--checkpoint' 'subscribe|--until-confirmed' 'subscribe|--exec' 'header|--cp-height' 'headers|--cp-height' 'tip|--exec' 'tx|--checkpoint' 'merkle|--checkpoint' 'serve|--bitcoind' 'serve|--datadir' 'serve|--rpc-cookie' 'serve|--rpc-user' 'serve|--rpc-password' 'serve|--rpc-password-file' 'serve|--bitcoind-wait' 'serve|--db' 'serve|--tcp' 'serve|--tls-cert' 'serve|--tls-key' 'serve|--banner' 'serve|--donation-address' 'serve|--max-sessions' 'serve|--max-subs' 'serve|--max-request' 'serve|--max-response' 'serve|--max-batch' 'serve|--idle-timeout' 'serve|--cost-limit' 'serve|--cost-rate' 'serve|--max-sessions-per-ip' 'serve|--max-subs-total' 'serve|--max-queued-total' 'serve|--max-half-open' 'serve|--handshake-timeout' 'serve|--proxy-protocol' 'serve|--history-limit' 'wallet scan|--gap-limit' 'wallet scan|--type' 'compare|--servers' 'compare|--quorum' 'bench|--sessions' 'bench|--duration' 'bench|--requests' 'bench|--mix' 'bench|--addresses' '*|-s' '*|--server' '*|-n' '*|--network' '*|--proxy' '*|--pin' '*|--timeout' '*|--connect-timeout' '*|--max-line' '*|--protocol' '*|--method' '*|--script' '*|--config'
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
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'version' -d 'Negotiate the protocol version; shows the server software and the version agreed'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'banner' -d 'The server\'s banner text (control characters are stripped before printing)'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'donation-address' -d 'The server operator\'s donation address (may be empty)'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'features' -d 'The features the server advertises: genesis hash, hosts and ports, protocol ran…'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'peers' -d 'The peer servers this server knows (not a real subscription: no notifications)'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'add-peer' -d 'Announce a server to this server (for server operators; wallets must not call i…'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'ping' -d 'Check that the server answers (keeps a session alive)'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'balance' -d 'Confirmed and unconfirmed balance of an address or script hash'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'history' -d 'Confirmed and mempool transactions of an address or script hash'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'mempool' -d 'Mempool transactions of an address or script hash'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'utxos' -d 'Unspent outputs of an address or script hash (mempool outputs at height 0)'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'listunspent' -d 'alias of utxos'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'subscribe' -d 'Status hash of an address or script hash, then a notification on every change'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'watch' -d 'alias of subscribe'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'unsubscribe' -d 'Stop notifications for an address or script hash'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'header' -d 'The block header at a height, optionally with a checkpoint proof'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'headers' -d 'A run of consecutive block headers (at most 2016), optionally with a checkpoint…'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'tip' -d 'The current chain tip, then a notification for every new tip'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'estimatefee' -d 'Fee rate (BTC/kvB) to confirm within a number of blocks; -1 when the server has…'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'relayfee' -d 'The server\'s minimum relay fee rate (BTC/kvB); from 1.6 read from mempool.get_i…'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'tx' -d 'A raw transaction, or with --verbose bitcoind\'s decoded object'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'broadcast' -d 'Broadcast a raw transaction (never retried: it may already have been accepted)'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'broadcast-package' -d 'Broadcast a package: parents then the child that spends them (needs bitcoind 28…'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'merkle' -d 'The merkle branch proving a transaction is in the block at a height'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'tx-from-pos' -d 'The txid at a position in the block at a height, optionally with its merkle bra…'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'fee-histogram' -d 'The mempool fee histogram: [fee rate sat/vB, vsize] pairs, highest rate first'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'mempool-info' -d 'The server\'s mempool fee floors (BTC/kvB)'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'proof' -d 'An address proof (protocol 1.0 only; optional and never specified)'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'height' -d 'The tip height (protocol 1.0; derived from the tip on newer servers)'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'utxo-address' -d 'The address an output pays (protocol 1.0 only, optional)'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'chunk' -d 'A chunk of 2016 headers, concatenated hex (protocol 1.0–1.3)'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'call' -d 'Send any method with raw params (for what the registry does not know)'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'serve' -d 'Run the embedded Electrum server against your bitcoind (serve --local)'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'config' -d 'Show or change the config file'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'wallet' -d 'Whole-wallet views from an extended public key or descriptor (no wallet file)'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'completion' -d 'Print the shell completion script for bash, zsh or fish'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'doctor' -d 'One report card of a server: timings, certificate, protocol compliance, method …'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'compare' -d 'Ask several servers the same question (balance, history, status, tip, fee) and …'
complete -c electrum-cli -n '__electrum_cli_at \'\'; and __electrum_cli_nopos' -a 'bench' -d 'Load-test a server: N concurrent sessions, a method mix, throughput and latency…'
complete -c electrum-cli -n '__electrum_cli_at \'\'' -s V -l version -d 'print the version of electrum-cli'
complete -c electrum-cli -n '__electrum_cli_at \'\'' -s s -l server -x -a '(__electrum_cli_servers)' -d 'server: HOST:PORT[:t|s] or tcp:// ssl:// ws:// wss:// URL (env ELECTRUM_SERVER)'
complete -c electrum-cli -n '__electrum_cli_at \'\'' -s n -l network -x -a 'mainnet testnet testnet4 signet regtest' -d 'mainnet, testnet (testnet3), testnet4, signet or regtest (default mainnet; env …'
complete -c electrum-cli -n '__electrum_cli_at \'\'' -l proxy -x -d 'connect through a SOCKS5 proxy: socks5://HOST:PORT (env ELECTRUM_PROXY)'
complete -c electrum-cli -n '__electrum_cli_at \'\'' -l pin -x -d 'expected TLS certificate: sha256:<64 hex>'
complete -c electrum-cli -n '__electrum_cli_at \'\'' -l timeout -x -d 'per-request timeout (default 30)'
complete -c electrum-cli -n '__electrum_cli_at \'\'' -l connect-timeout -x -d 'connect and handshake (server.version) timeout (default 10)'
complete -c electrum-cli -n '__electrum_cli_at \'\'' -l max-line -x -d 'longest accepted reply line (default 8100000)'
complete -c electrum-cli -n '__electrum_cli_at \'\'' -l protocol -x -d 'offer only this protocol version, or a range like 1.2-1.4'
complete -c electrum-cli -n '__electrum_cli_at \'\'' -l method -x -d 'send this wire method instead of the one the version selects'
complete -c electrum-cli -n '__electrum_cli_at \'\'' -l script -x -d 'an output script (hex) where an address is expected'
complete -c electrum-cli -n '__electrum_cli_at \'\'' -l json -d 'machine-readable output (see electrum-cli(1), JSON OUTPUT)'
complete -c electrum-cli -n '__electrum_cli_at \'\'' -s q -l quiet -d 'no notices or warnings on stderr'
complete -c electrum-cli -n '__electrum_cli_at \'\'' -l no-color -d 'no colours (also when NO_COLOR is non-empty or stdout is not a terminal, unless…'
complete -c electrum-cli -n '__electrum_cli_at \'\'' -l debug -d 'trace the wire to stderr and show stack traces'
complete -c electrum-cli -n '__electrum_cli_at \'\'' -l config -r -F -d 'config file (default $XDG_CONFIG_HOME/electrum-cli/config.json)'
complete -c electrum-cli -n '__electrum_cli_at \'\'' -s y -l yes -d 'never prompt: pick defaults (the first built-in server that answers)'
complete -c electrum-cli -n '__electrum_cli_at \'\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'version\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'banner\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'donation-address\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'features\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'peers\'' -l probe -d 'connect to every listed peer at once and report reachability, timings, tip lag …'
complete -c electrum-cli -n '__electrum_cli_at \'peers\'' -l crawl -d 'follow peers of peers breadth-first (with --depth, --max-servers), probing each'
complete -c electrum-cli -n '__electrum_cli_at \'peers\'' -l servers -x -d 'probe these servers instead (a file, one per line, or a comma-separated list)'
complete -c electrum-cli -n '__electrum_cli_at \'peers\'' -l deadline -x -d 'per-server deadline of a probe (default 5)'
complete -c electrum-cli -n '__electrum_cli_at \'peers\'' -l concurrency -x -d 'servers probed at once (default 100)'
complete -c electrum-cli -n '__electrum_cli_at \'peers\'' -l depth -x -d 'levels of peers --crawl follows (default 2)'
complete -c electrum-cli -n '__electrum_cli_at \'peers\'' -l max-servers -x -d 'most servers --crawl probes (default 200)'
complete -c electrum-cli -n '__electrum_cli_at \'peers\'' -l output -x -d 'write the healthy servers, fastest first, as a server list file (--servers read…'
complete -c electrum-cli -n '__electrum_cli_at \'peers\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'add-peer\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'ping\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'balance\'' -l verify -d 'prove the funding transactions of the UTXOs (unspentness cannot be proven): mer…'
complete -c electrum-cli -n '__electrum_cli_at \'balance\'' -l checkpoint -x -d 'anchor --verify to this block instead of the built-in checkpoints'
complete -c electrum-cli -n '__electrum_cli_at \'balance\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'history\'' -l verify -d 'prove it: merkle proofs against headers chained to a checkpoint, txids against …'
complete -c electrum-cli -n '__electrum_cli_at \'history\'' -l checkpoint -x -d 'anchor --verify to this block instead of the built-in checkpoints'
complete -c electrum-cli -n '__electrum_cli_at \'history\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'mempool\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'utxos\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'subscribe\'' -l until-confirmed -x -d 'exit 0 once a watched transaction has N confirmations'
complete -c electrum-cli -n '__electrum_cli_at \'subscribe\'' -l exec -x -d 'run COMMAND (with sh) for each event, the event as JSON on its stdin'
complete -c electrum-cli -n '__electrum_cli_at \'subscribe\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'unsubscribe\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'header\'' -l cp-height -x -d 'also fetch a proof against the checkpoint at this height'
complete -c electrum-cli -n '__electrum_cli_at \'header\'' -l decode -d 'decode the header (fields, hash, whether its PoW meets its bits)'
complete -c electrum-cli -n '__electrum_cli_at \'header\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'headers\'' -l cp-height -x -d 'also fetch a proof of the last header against this checkpoint'
complete -c electrum-cli -n '__electrum_cli_at \'headers\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'tip\'' -l follow -d 'stream every new tip (NDJSON under --json); reconnects after a dropped connecti…'
complete -c electrum-cli -n '__electrum_cli_at \'tip\'' -l exec -x -d 'with --follow: run COMMAND (with sh) for each new tip, the event as JSON on its…'
complete -c electrum-cli -n '__electrum_cli_at \'tip\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'estimatefee\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'estimatefee\'; and __electrum_cli_pos_is 1' -a 'CONSERVATIVE ECONOMICAL'
complete -c electrum-cli -n '__electrum_cli_at \'relayfee\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'tx\'' -l verbose -d 'ask for bitcoind\'s verbose object (protocol 1.2+)'
complete -c electrum-cli -n '__electrum_cli_at \'tx\'' -l decode -d 'decode the transaction locally (inputs, outputs with addresses, sizes)'
complete -c electrum-cli -n '__electrum_cli_at \'tx\'' -l verify -d 'prove it: merkle proofs against headers chained to a checkpoint, txids against …'
complete -c electrum-cli -n '__electrum_cli_at \'tx\'' -l checkpoint -x -d 'anchor --verify to this block instead of the built-in checkpoints'
complete -c electrum-cli -n '__electrum_cli_at \'tx\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'broadcast\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'broadcast\'; and __electrum_cli_pos_is 0' -F
complete -c electrum-cli -n '__electrum_cli_at \'broadcast-package\'' -l verbose -d 'return bitcoind\'s raw submitpackage result'
complete -c electrum-cli -n '__electrum_cli_at \'broadcast-package\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'broadcast-package\'; and __electrum_cli_pos_from 0' -F
complete -c electrum-cli -n '__electrum_cli_at \'merkle\'' -l verify -d 'check the branch against the merkle root of a header chained to a checkpoint, o…'
complete -c electrum-cli -n '__electrum_cli_at \'merkle\'' -l checkpoint -x -d 'anchor --verify to this block instead of the built-in checkpoints'
complete -c electrum-cli -n '__electrum_cli_at \'merkle\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'tx-from-pos\'' -l merkle -d 'also return the merkle branch'
complete -c electrum-cli -n '__electrum_cli_at \'tx-from-pos\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'fee-histogram\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'mempool-info\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'proof\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'height\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'utxo-address\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'chunk\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'call\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l local -d 'serve from your own bitcoind with the embedded index (required: the only mode)'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l bitcoind -x -d 'bitcoind\'s RPC URL (default http://127.0.0.1:<network\'s RPC port>)'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l datadir -r -F -d 'bitcoind\'s data directory, for its cookie (default ~/.bitcoin)'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l rpc-cookie -r -F -d 'bitcoind\'s .cookie file'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l rpc-user -x -d 'bitcoind RPC user (with --rpc-password)'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l rpc-password -x -d 'bitcoind RPC password (visible in the process list: prefer --rpc-password-file …'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l rpc-password-file -x -d 'bitcoind RPC password, the file\'s first line (with --rpc-user)'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l bitcoind-wait -x -d 'until synced, give up (exit 7) once bitcoind stays unreachable this long (0: wa…'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l db -r -F -d 'index directory (default $XDG_DATA_HOME/electrum-cli/<network>, else ~/.local/s…'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l tcp -x -d 'plain TCP listener (default 127.0.0.1:<network\'s t port>: 50001 mainnet, 51001 …'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l no-tcp -d 'no plain TCP listener'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l tls -d 'TLS listener (bare: 127.0.0.1:<network\'s s port>)'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l ws -d 'WebSocket listener (bare: 127.0.0.1:50003, 60003 off mainnet)'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l tls-cert -r -F -d 'TLS certificate (PEM); default: self-signed, generated once in the index direct…'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l tls-key -r -F -d 'TLS private key (PEM), with --tls-cert'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l zmq -d 'use bitcoind\'s ZMQ notifications when it publishes them (default)'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l no-zmq -d 'poll bitcoind only, even when it publishes ZMQ'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l banner -x -d 'server.banner text ($SERVER_VERSION and $DONATION_ADDRESS are substituted)'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l donation-address -x -d 'server.donation_address'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l max-sessions -x -d 'concurrent sessions'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l max-subs -x -d 'subscriptions per session (beyond: error 4)'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l max-request -x -d 'incoming message size (beyond: -32600, disconnect)'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l max-response -x -d 'reply size (beyond: -32600 response too large)'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l max-batch -x -d 'requests per batch (beyond: error 4)'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l idle-timeout -x -d 'close sessions silent this long (0: never)'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l cost-limit -x -d 'per-IP cost budget (ElectrumX-like units)'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l cost-rate -x -d 'per-IP budget refill per second'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l limit-loopback -d 'meter loopback clients too (exempt by default; also counts them for --max-sessi…'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l max-sessions-per-ip -x -d 'concurrent sessions per client IP, loopback exempt (beyond: -102)'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l max-subs-total -x -d 'subscriptions across all sessions (beyond: error 4)'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l max-queued-total -x -d 'output queued across all sessions (beyond: the session adding to it is closed)'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l max-half-open -x -d 'connections in their TLS handshake or WebSocket upgrade (beyond: dropped)'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l handshake-timeout -x -d 'time for a TLS handshake, WebSocket upgrade or PROXY header'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l proxy-protocol -x -d 'listeners behind a trusted proxy (comma-separated: tcp,tls,ws): each connection…'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -l history-limit -x -d 'longest history served (beyond: error 10001)'
complete -c electrum-cli -n '__electrum_cli_at \'serve\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'config\'; and __electrum_cli_nopos' -a 'path' -d 'print where the config file is'
complete -c electrum-cli -n '__electrum_cli_at \'config\'; and __electrum_cli_nopos' -a 'list' -d 'print the config file'
complete -c electrum-cli -n '__electrum_cli_at \'config\'; and __electrum_cli_nopos' -a 'get' -d 'print one setting'
complete -c electrum-cli -n '__electrum_cli_at \'config\'; and __electrum_cli_nopos' -a 'set' -d 'change one setting (an empty VALUE removes it)'
complete -c electrum-cli -n '__electrum_cli_at \'config\'; and __electrum_cli_nopos' -a 'pins' -d 'list the pinned TLS certificates (known_hosts.json beside the config file)'
complete -c electrum-cli -n '__electrum_cli_at \'config\'; and __electrum_cli_nopos' -a 'unpin' -d 'forget the pinned certificate of a server, so its next certificate is trusted o…'
complete -c electrum-cli -n '__electrum_cli_at \'config\'; and __electrum_cli_nopos' -a 'init' -d 'create or update the config file with a short interactive wizard (network, serv…'
complete -c electrum-cli -n '__electrum_cli_at \'config\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'config path\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'config list\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'config get\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'config get\'; and __electrum_cli_pos_is 0' -a 'server network proxy timeout connectTimeout maxLine servers.mainnet servers.testnet servers.testnet4 servers.signet servers.regtest'
complete -c electrum-cli -n '__electrum_cli_at \'config set\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'config set\'; and __electrum_cli_pos_is 0' -a 'server network proxy timeout connectTimeout maxLine servers.mainnet servers.testnet servers.testnet4 servers.signet servers.regtest'
complete -c electrum-cli -n '__electrum_cli_at \'config pins\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'config unpin\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'config init\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'wallet\'; and __electrum_cli_nopos' -a 'scan' -d 'Derive receive and change addresses of XPUB or DESCRIPTOR, query them in batche…'
complete -c electrum-cli -n '__electrum_cli_at \'wallet\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'wallet scan\'' -l gap-limit -x -d 'stop a chain after this many consecutive unused addresses (default 20)'
complete -c electrum-cli -n '__electrum_cli_at \'wallet scan\'' -l type -x -a 'pkh sh-wpkh wpkh tr' -d 'script type of an extended key (default from its prefix: xpub/tpub pkh, ypub/up…'
complete -c electrum-cli -n '__electrum_cli_at \'wallet scan\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'wallet scan\'; and __electrum_cli_pos_is 0' -a 'server network proxy timeout connectTimeout maxLine servers.mainnet servers.testnet servers.testnet4 servers.signet servers.regtest'
complete -c electrum-cli -n '__electrum_cli_at \'completion\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'completion\'; and __electrum_cli_pos_is 0' -a 'bash zsh fish'
complete -c electrum-cli -n '__electrum_cli_at \'doctor\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'compare\'' -l servers -x -d 'servers to ask: a file (one per line) or a comma-separated list (default: the b…'
complete -c electrum-cli -n '__electrum_cli_at \'compare\'' -l quorum -x -d 'servers that must give the same answer (default: a strict majority)'
complete -c electrum-cli -n '__electrum_cli_at \'compare\'' -s h -l help -d 'show help'
complete -c electrum-cli -n '__electrum_cli_at \'bench\'' -l sessions -x -d 'concurrent sessions'
complete -c electrum-cli -n '__electrum_cli_at \'bench\'' -l duration -x -d 'run this long (default 10)'
complete -c electrum-cli -n '__electrum_cli_at \'bench\'' -l requests -x -d 'or stop after this many requests'
complete -c electrum-cli -n '__electrum_cli_at \'bench\'' -l mix -x -d 'method weights, e.g. header=1,history=2,balance=2,listunspent=1,transaction=1'
complete -c electrum-cli -n '__electrum_cli_at \'bench\'' -l addresses -x -d 'comma-separated addresses or script hashes to query (default: those paid in the…'
complete -c electrum-cli -n '__electrum_cli_at \'bench\'' -s h -l help -d 'show help'
complete -c electrum-cli -n 'not __electrum_cli_at ""' -s s -l server -x -a '(__electrum_cli_servers)' -d 'server: HOST:PORT[:t|s] or tcp:// ssl:// ws:// wss:// URL (env ELECTRUM_SERVER)'
complete -c electrum-cli -n 'not __electrum_cli_at ""' -s n -l network -x -a 'mainnet testnet testnet4 signet regtest' -d 'mainnet, testnet (testnet3), testnet4, signet or regtest (default mainnet; env …'
complete -c electrum-cli -n 'not __electrum_cli_at ""' -l proxy -x -d 'connect through a SOCKS5 proxy: socks5://HOST:PORT (env ELECTRUM_PROXY)'
complete -c electrum-cli -n 'not __electrum_cli_at ""' -l pin -x -d 'expected TLS certificate: sha256:<64 hex>'
complete -c electrum-cli -n 'not __electrum_cli_at ""' -l timeout -x -d 'per-request timeout (default 30)'
complete -c electrum-cli -n 'not __electrum_cli_at ""' -l connect-timeout -x -d 'connect and handshake (server.version) timeout (default 10)'
complete -c electrum-cli -n 'not __electrum_cli_at ""' -l max-line -x -d 'longest accepted reply line (default 8100000)'
complete -c electrum-cli -n 'not __electrum_cli_at ""' -l protocol -x -d 'offer only this protocol version, or a range like 1.2-1.4'
complete -c electrum-cli -n 'not __electrum_cli_at ""' -l method -x -d 'send this wire method instead of the one the version selects'
complete -c electrum-cli -n 'not __electrum_cli_at ""' -l script -x -d 'an output script (hex) where an address is expected'
complete -c electrum-cli -n 'not __electrum_cli_at ""' -l json -d 'machine-readable output (see electrum-cli(1), JSON OUTPUT)'
complete -c electrum-cli -n 'not __electrum_cli_at ""' -s q -l quiet -d 'no notices or warnings on stderr'
complete -c electrum-cli -n 'not __electrum_cli_at ""' -l no-color -d 'no colours (also when NO_COLOR is non-empty or stdout is not a terminal, unless…'
complete -c electrum-cli -n 'not __electrum_cli_at ""' -l debug -d 'trace the wire to stderr and show stack traces'
complete -c electrum-cli -n 'not __electrum_cli_at ""' -l config -r -F -d 'config file (default $XDG_CONFIG_HOME/electrum-cli/config.json)'
complete -c electrum-cli -n 'not __electrum_cli_at ""' -s y -l yes -d 'never prompt: pick defaults (the first built-in server that answers)'
