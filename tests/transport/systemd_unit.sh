#!/bin/sh
# docs/pong-server@.service is a unit systemd accepts: `systemd-analyze verify` on an instance
# of it, with ExecStart pointed at the pong-server just built, prints nothing and exits 0 (an
# unknown key or a bad value is a warning on stderr, which fails the test too); and
# `systemd-analyze security` rates its exposure at most 3 of 10. Skipped (77) where
# systemd-analyze is missing.
#   systemd_unit.sh UNIT PONG_SERVER
set -u
unit="$1"
server="$2"
command -v systemd-analyze > /dev/null 2>&1 || { echo "SKIPPED: no systemd-analyze"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sed "s|/usr/local/bin/pong-server|$server|" "$unit" > "$dir/pong-server@.service"
grep -q "^ExecStart=$server " "$dir/pong-server@.service" ||
  { echo "ExecStart does not start /usr/local/bin/pong-server"; exit 1; }
systemd-analyze verify --man=no "$dir/pong-server@test.service" > "$dir/out" 2>&1
code=$?
cat "$dir/out"
[ "$code" -eq 0 ] || { echo "systemd-analyze verify exited $code"; exit 1; }
[ ! -s "$dir/out" ] || { echo "systemd-analyze verify printed warnings"; exit 1; }
if systemd-analyze security --help 2>/dev/null | grep -q -- --offline; then
  systemd-analyze security --offline=true --threshold=30 "$dir/pong-server@test.service" \
    > "$dir/security" 2>&1
  code=$?
  tail -n 1 "$dir/security"
  [ "$code" -eq 0 ] || { cat "$dir/security"; echo "exposure above 3.0"; exit 1; }
fi
echo "PASSED"
