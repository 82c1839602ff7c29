#!/usr/bin/env bash
# Mutation testing of the simulator's checks: plants each bug of tests/mutations/ (one at a
# time) in a scratch copy of the repository, builds pong-sim, and sees whether every scenario
# and a short swarm still pass. A mutation the checks do not notice "survived": the testbed
# has a blind spot there. See tests/mutations/README.md for the catalogue's format.
#
#   scripts/mutation-test.sh [options] [NAME...]     (NAME with or without .patch; none: all)
#
# Exit status: 0 when every mutation was killed, 1 when one survived or did not build, 2 on
# bad usage or when the unmutated code already fails a check (kills would mean nothing).
set -euo pipefail

usage() {
  cat <<'EOF'
usage: scripts/mutation-test.sh [options] [NAME...]

Applies each mutation of tests/mutations/ (NAME or NAME.patch; all when none is named) to a
scratch copy of the working tree's tracked files, builds pong-sim there, runs every
scenarios/**/*.toml and, if they all pass, a short swarm. Prints a table (killed by which
check, SURVIVED or DID NOT BUILD) and the mutation score; exits non-zero if any mutation
survives or does not build.

options:
  --swarm-runs R     runs of the short swarm a mutation faces once it survived every
                     scenario (default 100; 0 skips it)
  --swarm-rate N     measure mode: also run an N-run swarm (e.g. 400) on every mutation,
                     killed or not, and report the fraction of runs with a violation (the
                     swarm kill rate); a violation it finds kills a mutation the scenarios
                     and the short swarm missed
  --seed S           first swarm seed (default 1)
  --jobs J           swarm worker threads (default 2)
  --build-jobs B     parallel build jobs (default: nproc)
  --scenario-timeout SECONDS
                     a scenario still running after this long counts as a kill (a hang;
                     default 600); a swarm gets 2 s per run more than this
  --list             list the catalogue (name, class, what) and exit
  --keep             keep the scratch directory (its path is printed)
  -h, --help         this text

environment: TMPDIR (where the scratch copy goes, default /tmp).
EOF
}

die() {
  echo "mutation-test: $*" >&2
  exit 2
}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
catalogue="$root/tests/mutations"

swarm_runs=100
swarm_rate=0
seed=1
jobs=2
build_jobs=$(nproc 2>/dev/null || echo 2)
scenario_timeout=600
list=0
keep=0
names=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --swarm-runs) [ $# -ge 2 ] || die "--swarm-runs needs a value"; swarm_runs=$2; shift 2 ;;
    --swarm-rate) [ $# -ge 2 ] || die "--swarm-rate needs a value"; swarm_rate=$2; shift 2 ;;
    --seed) [ $# -ge 2 ] || die "--seed needs a value"; seed=$2; shift 2 ;;
    --jobs) [ $# -ge 2 ] || die "--jobs needs a value"; jobs=$2; shift 2 ;;
    --build-jobs) [ $# -ge 2 ] || die "--build-jobs needs a value"; build_jobs=$2; shift 2 ;;
    --scenario-timeout)
      [ $# -ge 2 ] || die "--scenario-timeout needs a value"; scenario_timeout=$2; shift 2 ;;
    --list) list=1; shift ;;
    --keep) keep=1; shift ;;
    --) shift; names+=("$@"); break ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) names+=("$1"); shift ;;
  esac
done
for n in "$swarm_runs" "$swarm_rate" "$seed" "$jobs" "$build_jobs" "$scenario_timeout"; do
  [[ "$n" =~ ^[0-9]+$ ]] || die "not a non-negative number: $n"
done
[ "$jobs" -ge 1 ] && [ "$build_jobs" -ge 1 ] || die "--jobs and --build-jobs are at least 1"

# A patch's header line "# KEY: value".
header() { sed -n "s/^# $2: *//p" "$1" | head -n 1; }

[ -d "$catalogue" ] || die "no catalogue at $catalogue"
patches=()
if [ ${#names[@]} -eq 0 ]; then
  for p in "$catalogue"/*.patch; do [ -e "$p" ] && patches+=("$p"); done
  [ ${#patches[@]} -gt 0 ] || die "the catalogue $catalogue holds no .patch file"
else
  for n in "${names[@]}"; do
    n=${n##*/}
    n=${n%.patch}
    [ -f "$catalogue/$n.patch" ] ||
      die "unknown mutation '$n' (no tests/mutations/$n.patch; --list shows the catalogue)"
    patches+=("$catalogue/$n.patch")
  done
fi
for p in "${patches[@]}"; do
  [ -n "$(header "$p" class)" ] || die "${p#"$root"/}: no '# class:' header line"
  [ -n "$(header "$p" what)" ] || die "${p#"$root"/}: no '# what:' header line"
done
if [ "$list" -eq 1 ]; then
  for p in "${patches[@]}"; do
    n=${p##*/}
    printf '%-36s %-12s %s\n' "${n%.patch}" "$(header "$p" class)" "$(header "$p" what)"
  done
  exit 0
fi

# ---------------------------------------------------------------------------------------------
# The scratch copy: the working tree's tracked files as they are now (uncommitted edits
# included), with a git repository of its own so `git apply` resolves paths from its root.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/dp-mutation.XXXXXX")
applied=""
cleanup() {
  local status=$?
  if [ -n "$applied" ]; then git -C "$scratch/src" apply -R "$applied" 2>/dev/null || true; fi
  if [ "$keep" -eq 1 ]; then
    echo "mutation-test: scratch directory kept: $scratch" >&2
  else
    rm -rf "$scratch"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

src="$scratch/src"
build="$scratch/build"
logs="$scratch/logs"
mkdir -p "$src" "$logs"
echo "== copying the working tree's tracked files to $src"
(cd "$root" && git ls-files -z --cached | while IFS= read -r -d '' f; do
  [ -e "$f" ] && printf '%s\0' "$f"
done) | tar -C "$root" --null -T - -cf - | tar -C "$src" -xf -
git -C "$src" init -q

echo "== configuring $build (Ninja, RelWithDebInfo, no client)"
client_flag=()
grep -q 'option(DP_BUILD_CLIENT' "$src/CMakeLists.txt" && client_flag=(-DDP_BUILD_CLIENT=OFF)
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${client_flag[@]}" \
  >"$logs/configure.log" 2>&1 || {
  tail -n 30 "$logs/configure.log" >&2
  die "configuring the scratch copy failed (log above)"
}
sim="$build/bin/pong-sim"
build_sim() { cmake --build "$build" -j "$build_jobs" --target pong-sim >"$1" 2>&1; }

start=$(date +%s)
echo "== building pong-sim unmutated (-j$build_jobs)"
build_sim "$logs/build-base.log" || {
  tail -n 30 "$logs/build-base.log" >&2
  die "the unmutated pong-sim does not build (log above)"
}
[ -x "$sim" ] || die "no pong-sim at $sim after the build"
echo "   built in $(($(date +%s) - start)) s"

mapfile -t scenarios < <(cd "$src" && find scenarios -name '*.toml' | LC_ALL=C sort)
[ ${#scenarios[@]} -gt 0 ] || die "no scenarios/**/*.toml in the repository"

no_shrink=()
"$sim" fuzz --help 2>/dev/null | grep -q -- '--no-shrink' && no_shrink=(--no-shrink)

# Runs every scenario; prints "FILE<TAB>REASON" for the first that fails and returns 1, or
# returns 0 when all pass.
run_scenarios() {
  local out=$1 file rc reason
  for file in "${scenarios[@]}"; do
    rc=0
    (cd "$src" && timeout "$scenario_timeout" "$sim" run "$file") >"$out" 2>&1 || rc=$?
    [ "$rc" -eq 0 ] && continue
    if [ "$rc" -eq 124 ]; then
      reason="timed out after ${scenario_timeout} s"
    elif [ "$rc" -gt 128 ]; then
      reason="crashed (signal $((rc - 128))): $(grep -m1 -iE 'assert|abort|error' "$out" || true)"
    else
      reason=$(grep -m1 -E '^  FAIL  ' "$out" | sed 's/^  FAIL  //' || true)
      [ -n "$reason" ] || reason="exit $rc: $(tail -n 1 "$out")"
    fi
    printf '%s\t%s\n' "$file" "${reason:0:160}"
    return 1
  done
  return 0
}

# Runs a swarm of $1 runs; prints "FAILED_RUNS<TAB>VIOLATION" (the violation most runs
# showed). Returns 0 when the swarm ran (whatever it found), 1 when it did not report (then
# it prints why, e.g. a hang or a crash, in place of the violation, with FAILED_RUNS "?").
run_swarm() {
  local runs=$1 out=$2 dir=$3 rc=0 failed violation
  mkdir -p "$dir"
  timeout $((scenario_timeout + 2 * runs)) \
    "$sim" fuzz --runs "$runs" --seed "$seed" --jobs "$jobs" --out-dir "$dir" "${no_shrink[@]}" \
    >"$out" 2>"$out.err" || rc=$?
  failed=$(sed -n 's/^\(PASS\|FAIL\) swarm: \([0-9]*\) of .*/\2/p' "$out" | tail -n 1)
  if [ -z "$failed" ] || [ "$rc" -gt 1 ]; then
    if [ "$rc" -eq 124 ]; then
      printf '?\ttimed out\n'
    elif [ "$rc" -gt 128 ]; then
      printf '?\tcrashed (signal %s)\n' $((rc - 128))
    else
      printf '?\texit %s\n' "$rc"
    fi
    return 1
  fi
  violation=$(awk '/^  runs with a violation/ {on = 1; next}
                   on && /^    [^ ]/ {sub(/^ +/, ""); n = $NF; $NF = ""; sub(/ +$/, "");
                                      if (n + 0 > best) {best = n + 0; name = $0}; next}
                   on {exit} END {print name}' "$out")
  printf '%s\t%s\n' "$failed" "$violation"
}

echo "== checking the unmutated pong-sim: ${#scenarios[@]} scenarios"
if ! first=$(run_scenarios "$logs/base-scenario.log"); then
  die "the unmutated code fails ${first%%$'\t'*}: ${first#*$'\t'} (fix that first)"
fi
base_runs=$swarm_runs
[ "$swarm_rate" -gt "$base_runs" ] && base_runs=$swarm_rate
if [ "$base_runs" -gt 0 ]; then
  echo "== checking the unmutated pong-sim: a $base_runs-run swarm (seed $seed)"
  swarm=$(run_swarm "$base_runs" "$logs/base-swarm.log" "$scratch/swarm-base") ||
    die "the unmutated swarm did not report: ${swarm#*$'\t'} ($logs/base-swarm.log, kept with --keep)"
  [ "${swarm%%$'\t'*}" -eq 0 ] ||
    die "the unmutated swarm fails ${swarm%%$'\t'*} runs (${swarm#*$'\t'}); fix that first"
fi
echo "   baseline checked in $(($(date +%s) - start)) s"

# ---------------------------------------------------------------------------------------------
rows=()
killed=0
survived=0
unbuilt=0
index=0
for p in "${patches[@]}"; do
  index=$((index + 1))
  name=${p##*/}
  name=${name%.patch}
  class=$(header "$p" class)
  t0=$(date +%s)
  echo "== [$index/${#patches[@]}] $name ($class): $(header "$p" what)"
  if ! git -C "$src" apply --check "$p" 2>"$logs/$name.apply.log"; then
    cat "$logs/$name.apply.log" >&2
    die "tests/mutations/$name.patch does not apply to the working tree (regenerate it)"
  fi
  git -C "$src" apply "$p"
  applied=$p
  verdict=""
  rate="-"
  if ! build_sim "$logs/$name.build.log"; then
    verdict="DID NOT BUILD"
    unbuilt=$((unbuilt + 1))
    echo "   did not build: $(grep -m1 -E 'error' "$logs/$name.build.log" || true)"
  else
    if first=$(run_scenarios "$logs/$name.scenario.log"); then
      if [ "$swarm_runs" -gt 0 ]; then
        if ! swarm=$(run_swarm "$swarm_runs" "$logs/$name.swarm.log" "$scratch/swarm-$name"); then
          verdict="swarm: ${swarm#*$'\t'}"  # A hang or a crash is a kill too.
        elif [ "${swarm%%$'\t'*}" -gt 0 ]; then
          verdict="swarm: ${swarm#*$'\t'} (${swarm%%$'\t'*}/$swarm_runs runs)"
        fi
      fi
    else
      verdict="${first%%$'\t'*}: ${first#*$'\t'}"
    fi
    if [ "$swarm_rate" -gt 0 ]; then
      if swarm=$(run_swarm "$swarm_rate" "$logs/$name.rate.log" "$scratch/rate-$name"); then
        failed=${swarm%%$'\t'*}
        violation=${swarm#*$'\t'}
        rate=$(awk -v f="$failed" -v n="$swarm_rate" 'BEGIN {printf "%.1f%%", 100 * f / n}')
        echo "   swarm kill rate: $rate ($failed/$swarm_rate runs${violation:+, mostly $violation})"
        # The measuring swarm is a check like the short one: what it finds is a kill.
        if [ -z "$verdict" ] && [ "$failed" -gt 0 ]; then
          verdict="swarm: $violation ($failed/$swarm_rate runs)"
        fi
      else
        rate="?"
        echo "   swarm kill rate: unknown, the swarm did not report (${swarm#*$'\t'})"
        [ -n "$verdict" ] || verdict="swarm: ${swarm#*$'\t'}"
      fi
    fi
    if [ -n "$verdict" ]; then
      killed=$((killed + 1))
    else
      verdict="SURVIVED"
      survived=$((survived + 1))
    fi
    echo "   $verdict"
  fi
  git -C "$src" apply -R "$p"
  applied=""
  rows+=("$name	$class	$verdict	$rate	$(($(date +%s) - t0))")
done

# ---------------------------------------------------------------------------------------------
echo
if [ "$swarm_rate" -gt 0 ]; then
  printf '%-34s %-12s %-9s %5s  %s\n' MUTATION CLASS "SWARM/$swarm_rate" TIME KILLED-BY
else
  printf '%-34s %-12s %5s  %s\n' MUTATION CLASS TIME KILLED-BY
fi
for row in "${rows[@]}"; do
  IFS=$'\t' read -r name class verdict rate secs <<<"$row"
  if [ "$swarm_rate" -gt 0 ]; then
    printf '%-34s %-12s %-9s %4ss  %s\n' "$name" "$class" "$rate" "$secs" "$verdict"
  else
    printf '%-34s %-12s %4ss  %s\n' "$name" "$class" "$secs" "$verdict"
  fi
done
total=${#patches[@]}
echo
echo "mutation score: $killed/$total killed ($survived survived, $unbuilt did not build);" \
  "$(($(date +%s) - start)) s in all"
[ "$survived" -eq 0 ] && [ "$unbuilt" -eq 0 ]
