#!/bin/sh
# Submits a file of raw block hex lines (sim/chaingen.ts or mainnet-gen.ts output)
# to a running bitcoind, in order, and stops at the first block it rejects.
# Usage: bench/submitblocks.sh FILE [bitcoin-cli arguments, e.g. -regtest -datadir=DIR]
# Each block goes through -stdin: a 650 KB block is 1.3 MB of hex, more than one command-line
# argument may hold. BITCOIN_CLI names the binary (default bitcoin-cli).
set -eu
file=${1:?usage: bench/submitblocks.sh FILE [bitcoin-cli args...]}
shift
cli=${BITCOIN_CLI:-bitcoin-cli}
n=0
while IFS= read -r block; do
  [ -n "$block" ] || continue
  n=$((n + 1))
  if ! r=$(printf '%s\n' "$block" | "$cli" "$@" -stdin submitblock); then
    echo "block $n (line $n of $file) rejected: bitcoin-cli failed" >&2
    exit 1
  fi
  case "$r" in
    ''|duplicate) ;;
    *) echo "block $n (line $n of $file) rejected: $r" >&2; exit 1 ;;
  esac
  [ $((n % 100)) -ne 0 ] || echo "$n blocks submitted" >&2
done < "$file"
echo "$n blocks submitted; tip $("$cli" "$@" getbestblockhash)" >&2
