#!/usr/bin/env bash
# Golden transcripts: every scenario under scenarios/ has its expected transcript (timeline,
# expectations, invariants, figures and trace digest; `pong-sim run FILE --transcript`)
# checked in beside it as FILE.golden, so a change of behaviour shows up as a diff in review.
#
#   scripts/golden.sh check [SCENARIO...]     compare (default: every scenario); exit 1 on a diff
#   scripts/golden.sh rewrite [SCENARIO...]   write the transcripts after an intended change
#
# PONG_SIM names the binary (default: build/bin/pong-sim). Paths are taken relative to the
# repository root, so the transcripts do not depend on where the checkout lives.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-}
case "$mode" in
  check|rewrite) shift ;;
  -h|--help|"")
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
    [ -n "$mode" ] && exit 0 || exit 2 ;;
  *) echo "golden.sh: unknown mode '$mode' (check or rewrite)" >&2; exit 2 ;;
esac
sim=${PONG_SIM:-build/bin/pong-sim}
[ -x "$sim" ] || { echo "golden.sh: no $sim (build first: bash scripts/setup.sh)" >&2; exit 2; }
if [ $# -eq 0 ]; then
  mapfile -t files < <(find scenarios -name '*.toml' | sort)
else
  files=()
  for f in "$@"; do files+=("$(realpath --relative-to=. "$f")"); done
fi
failed=0
for f in "${files[@]}"; do
  golden="${f%.toml}.golden"
  actual=$("$sim" run "$f" --transcript || true)
  if [ "$mode" = rewrite ]; then
    printf '%s\n' "$actual" > "$golden"
    echo "wrote $golden"
  elif [ ! -f "$golden" ]; then
    echo "MISSING $golden (write it with: scripts/golden.sh rewrite $f)"
    failed=1
  elif ! diff -u --label "$golden (expected)" --label "$f (this build)" "$golden" \
         <(printf '%s\n' "$actual"); then
    echo "DIFFERS $f: if the change is intended, run: scripts/golden.sh rewrite $f"
    failed=1
  fi
done
exit $failed
