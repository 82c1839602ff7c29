#!/usr/bin/env bash
# The nightly job: what CI leaves out for time. Run from the repository root on a machine like
# CI's (root, Debian 12); takes about two hours on two cores.
#   1. every end-to-end test under AddressSanitizer + UndefinedBehaviorSanitizer
#   2. 10,000 swarm runs from today's date as the seed
#   3. each libFuzzer target for 1,000,000 runs (the security issue's bar for `auth`)
#   4. every planted bug of tests/mutations/, each with a 400-run swarm kill rate
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
stage() { echo; echo "=== $* ($(( $(date +%s) - start )) s)"; }

stage "ASan + UBSan build, end-to-end tests"
bash scripts/setup.sh asan
ctest --preset asan -R e2e

stage "swarm: 10,000 runs"
bash scripts/setup.sh
build/bin/pong-sim fuzz --runs 10000 --seed "$(date +%Y%m%d)" --jobs 2

stage "libFuzzer: 1,000,000 runs per target"
cmake --preset fuzz > /dev/null
cmake --build --preset fuzz -j2 --target fuzzers
for target in build-fuzz/tests/fuzz/fuzz_*; do
  [ -x "$target" ] || continue
  name=${target##*/fuzz_}
  [ "$name" = corpus_gen ] && continue
  work=$(mktemp -d)
  echo "--- $name"
  "$target" -runs=1000000 -max_len=8192 -print_final_stats=1 "$work" "tests/fuzz/corpus/$name" 2>&1 |
    tail -3
  rm -rf "$work"
done

stage "mutation testing: every mutation, and the swarm's kill rate of each"
bash scripts/mutation-test.sh --swarm-rate 400 --jobs 2

stage "done"
