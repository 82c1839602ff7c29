#!/bin/sh
# Runs one pong-server for 1 s on loopback (random discovery port, ephemeral others) and
# checks that it exited 0, elected itself, wrote its log and keeps its id and term in its
# database; a second run on the same data directory continues from that term.
set -u
server="$1"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
port=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 12000))
"$server" --id 5eed --discovery-address 127.255.255.255 --discovery-port "$port" \
  --control-port 0 --client-port 0 --log-dir "$dir" --data-dir "$dir/data" --run-for-s 1 \
  > "$dir/stdout" 2>&1
code=$?
cat "$dir/stdout"
[ "$code" -eq 0 ] || { echo "exit code $code, expected 0"; exit 1; }
grep -q "became-leader" "$dir/stdout" || { echo "no became-leader line"; exit 1; }
grep -q "became-leader" "$dir"/pong-server-*.log || { echo "never became leader"; exit 1; }
grep -q "handed over leadership" "$dir"/pong-server-*.log || { echo "no handover on shutdown"; exit 1; }
grep -q "final role=" "$dir"/pong-server-*.log || { echo "no final stats in log"; exit 1; }
[ -f "$dir/data/server.db" ] || { echo "no database in the data directory"; exit 1; }
# Again on the same data directory, without --id: the same id, a newer term.
"$server" --discovery-address 127.255.255.255 --discovery-port "$port" --control-port 0 \
  --client-port 0 --log-dir "$dir" --data-dir "$dir/data" --run-for-s 1 > "$dir/stdout2" 2>&1
code=$?
cat "$dir/stdout2"
[ "$code" -eq 0 ] || { echo "second run: exit code $code, expected 0"; exit 1; }
grep -q "became-leader peer=00005eed epoch=2/00005eed" "$dir/stdout2" ||
  { echo "the second run did not keep the id and take a newer term"; exit 1; }
# A second server on a directory in use is refused with a clear error.
"$server" --discovery-address 127.255.255.255 --discovery-port "$port" --control-port 0 \
  --client-port 0 --log-dir "$dir" --data-dir "$dir/data" --run-for-s 2 > "$dir/first" 2>&1 &
first=$!
sleep 0.3
"$server" --discovery-address 127.255.255.255 --discovery-port "$port" --control-port 0 \
  --client-port 0 --log-dir "$dir" --data-dir "$dir/data" --run-for-s 1 > "$dir/second" 2>&1
code=$?
wait "$first"
[ "$code" -eq 1 ] || { echo "a second server on a directory in use: exit $code, expected 1"; exit 1; }
grep -q "in use by another pong-server" "$dir/second" || { cat "$dir/second"; exit 1; }
