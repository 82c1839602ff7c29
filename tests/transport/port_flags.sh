#!/bin/sh
# Every UDP port flag of a binary refuses a number outside 0..65535 (or 1..65535) with exit 2
# and a message naming the valid range, not CLI11's bare "Could not convert".
#   port_flags.sh BINARY FLAG LOWEST [FLAG LOWEST]...
set -u
bin="$1"
shift
while [ $# -ge 2 ]; do
  flag="$1"
  lowest="$2"
  shift 2
  for bad in 99999 65536 -1 port; do
    out=$("$bin" "$flag" "$bad" 2>&1)
    code=$?
    [ "$code" -eq 2 ] || { echo "$flag $bad: exit $code, expected 2"; echo "$out"; exit 1; }
    echo "$out" | grep -q -- "$flag: '$bad' is not a UDP port: use $lowest to 65535" ||
      { echo "$flag $bad: no range in the message:"; echo "$out"; exit 1; }
    if echo "$out" | grep -q "Could not convert"; then echo "$out"; exit 1; fi
  done
  echo "$flag: out-of-range values name the range"
done
