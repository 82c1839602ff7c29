#!/usr/bin/env bash
# Rolling restart of a running cluster, for an upgrade or a configuration change, without a
# failover: each server in turn is drained (`pong-ctl drain`: a leader hands over to a
# caught-up follower first), restarted, and waited for until the cluster is healthy again
# (`pong-ctl status`: one leader, every server answering and caught up). Followers go first,
# the leader last, so the leadership moves once.
#
#   scripts/rolling-restart.sh [--ctl PATH] [--restart CMD] [--wait-s N] [--max-lag N]
#                              [-- PONG-CTL FLAGS...]
#
#   --restart CMD   how to restart one server; {id} is replaced by its id in hex without
#                   leading zeros (as given to pong-server --id). Default:
#                   "systemctl restart pong-server@{id}" (docs/pong-server@.service, whose
#                   instance name is the id).
#   --wait-s N      how long each server may take to come back healthy (default 60)
#   --max-lag N     entries a server may be behind the leader to count as caught up (100)
#   after --         flags for every pong-ctl call: --discovery-address, --discovery-port,
#                   --server, --key-file, ...
#
# Exit status: 0 when every server was restarted and the cluster is healthy; 1 otherwise (it
# stops at the first server that fails, leaving the others untouched); 2 on a bad flag.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
ctl=${PONG_CTL:-}
if [ -z "$ctl" ]; then
  if [ -x "$here/build/bin/pong-ctl" ]; then ctl=$here/build/bin/pong-ctl; else ctl=pong-ctl; fi
fi
restart='systemctl restart pong-server@{id}'
wait_s=60
max_lag=100
ctl_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --ctl) ctl=$2; shift 2 ;;
    --restart) restart=$2; shift 2 ;;
    --wait-s) wait_s=$2; shift 2 ;;
    --max-lag) max_lag=$2; shift 2 ;;
    --) shift; ctl_args=("$@"); break ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "rolling-restart: unknown flag '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$wait_s" =~ ^[0-9]+$ ]] || { echo "rolling-restart: --wait-s must be a number" >&2; exit 2; }
[[ "$max_lag" =~ ^[0-9]+$ ]] || { echo "rolling-restart: --max-lag must be a number" >&2; exit 2; }
command -v "$ctl" >/dev/null || { echo "rolling-restart: no pong-ctl at '$ctl' (--ctl)" >&2; exit 2; }

status_json() { "$ctl" "${ctl_args[@]}" status --json --max-lag "$max_lag" "$@"; }
now_s() { date +%s.%N; }
log() { printf '%s rolling-restart: %s\n' "$(date +%T.%3N)" "$*"; }

# The servers, followers first and the leader last (ids without leading zeros).
if ! before=$(status_json); then
  echo "$before"
  log "the cluster is not healthy before the restart; nothing done"
  exit 1
fi
mapfile -t order < <(python3 -c '
import json, sys
s = json.load(sys.stdin)["servers"]
for x in sorted(s, key=lambda x: x["leader"]):
    print(x["id"].lstrip("0") or "0")' <<<"$before")
count=${#order[@]}
log "$count servers; order: ${order[*]} (the leader last)"

started=$(now_s)
for id in "${order[@]}"; do
  t0=$(now_s)
  if ! out=$("$ctl" "${ctl_args[@]}" drain "$id" 2>&1); then
    log "server $id: drain failed: $out"
    exit 1
  fi
  log "server $id: $out"
  cmd=${restart//\{id\}/$id}
  issued=$(now_s)
  if ! bash -c "$cmd"; then
    log "server $id: the restart command failed: $cmd"
    exit 1
  fi
  # Back when it answers with an uptime shorter than the time since the restart was issued, and
  # every one of the servers answers, one leads and none lags.
  deadline=$(($(date +%s) + wait_s))
  until json=$(status_json --servers "$count" 2>/dev/null) &&
    python3 -c '
import json, sys, time
id, issued = sys.argv[1], float(sys.argv[2])
s = {x["id"].lstrip("0") or "0": x for x in json.load(sys.stdin)["servers"]}
sys.exit(0 if id in s and s[id]["uptime_s"] < time.time() - issued + 0.5 else 1)' \
      "$id" "$issued" <<<"$json"; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "server $id: not back and caught up within ${wait_s}s"
      status_json --servers "$count" || true
      exit 1
    fi
    sleep 0.2
  done
  log "server $id: restarted and caught up in $(python3 -c "print(f'{$(now_s) - $t0:.1f}')") s"
done
leader=$(python3 -c 'import json,sys; print((json.load(sys.stdin)["leader"] or "none").lstrip("0"))' \
  <<<"$(status_json)")
log "done: $count servers restarted in $(python3 -c "print(f'{$(now_s) - $started:.1f}')") s; server $leader leads"
