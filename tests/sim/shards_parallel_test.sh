#!/usr/bin/env bash
# The README's recipe for the swarm on many machines, on this one: two shards of one seed
# range run through GNU parallel (their JSON lines grouped into one file), merged by
# `pong-sim fuzz-merge`, must give the totals of one unsharded run of the same range.
#   tests/sim/shards_parallel_test.sh PONG_SIM
set -euo pipefail
sim=$1
if ! command -v parallel > /dev/null; then
  echo "SKIP: GNU parallel is not installed (scripts/setup.sh installs the Debian package)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
runs=24
seed=7
parallel --will-cite --halt now,fail=1 \
  "$sim" fuzz --runs $runs --seed $seed --out-dir "$work" --shard {}/2 ::: 1 2 \
  > "$work/shards.jsonl" 2> "$work/progress.txt"
"$sim" fuzz-merge "$work/shards.jsonl" > "$work/merged.txt"
"$sim" fuzz --runs $runs --seed $seed --jobs 2 --out-dir "$work" > "$work/whole.txt" 2> /dev/null
cat "$work/merged.txt"
totals() { grep -v -e '^swarm:' -e 'wall' "$1"; }
if ! diff <(totals "$work/whole.txt") <(totals "$work/merged.txt"); then
  echo "FAIL: the merged shards' totals differ from one unsharded run (above: < whole, > merged)"
  exit 1
fi
grep -q "^swarm: $runs runs, seeds $seed..$((seed + runs - 1)), 2 shards" "$work/merged.txt"
echo "ok: 2 shards through GNU parallel merge to the unsharded run's totals"
