#!/bin/sh
# Runs one pong-server for 1 s on loopback (random discovery port, ephemeral others) and
# checks that it exited 0, elected itself and wrote its log and state files.
set -u
server="$1"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
port=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 12000))
"$server" --id 5eed --discovery-address 127.255.255.255 --discovery-port "$port" \
  --control-port 0 --client-port 0 --log-dir "$dir" --run-for-s 1 > "$dir/stdout" 2>&1
code=$?
cat "$dir/stdout"
[ "$code" -eq 0 ] || { echo "exit code $code, expected 0"; exit 1; }
grep -q "became-leader" "$dir/stdout" || { echo "no became-leader line"; exit 1; }
grep -q "became-leader" "$dir"/pong-server-*.log || { echo "never became leader"; exit 1; }
grep -q "handed over leadership" "$dir"/pong-server-*.log || { echo "no handover on shutdown"; exit 1; }
grep -q "final role=" "$dir"/pong-server-*.log || { echo "no final stats in log"; exit 1; }
ls "$dir"/*.state > /dev/null || { echo "no state file"; exit 1; }
