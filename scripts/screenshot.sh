#!/usr/bin/env bash
# Saves docs/screenshot.png: a Pong match in progress, drawn by the SDL2 pong-client under a
# virtual X server (Xvfb), against a local cluster of three pong-servers on loopback and one
# headless bot as the opponent. The window client plays with --bot too, so the picture shows
# a live rally. Everything this script starts is stopped when it exits.
#
# Usage: scripts/screenshot.sh [build-dir] [output.png] [playing|game-over|waiting]
#        (defaults: build, docs/screenshot.png, playing; game-over waits for the end of a match
#        and shows the result with the leaderboard; waiting starts no opponent, and shows the
#        lone player still seated some 20 s in, well past the leader's 5 s forfeit timeout)
# SHOT_AFTER_S overrides how many seconds in the frame is saved at the earliest (default 8):
# e.g. SHOT_AFTER_S=30 with game-over shows the result after the room has closed.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
out=${2:-$root/docs/screenshot.png}
at=${3:-playing}
after_s=${SHOT_AFTER_S:-8}
shot_at=$at
case $at in
  playing) match=() ;;
  game-over) match=(--target-score 3) ;;  # A shorter match.
  # No opponent ever comes: the window saves its frame once the wait for a match in play
  # gives up (pong-client's grace of 20 s past --screenshot-after-s).
  waiting) match=(); shot_at=playing; after_s=${SHOT_AFTER_S:-0} ;;
  *) echo "screenshot.sh: third argument must be playing, game-over or waiting, not '$at'" >&2
     exit 2 ;;
esac
bin=$build/bin
for exe in pong-server pong-client; do
  [[ -x $bin/$exe ]] || { echo "screenshot.sh: $bin/$exe not built" >&2; exit 1; }
done
command -v xvfb-run >/dev/null || { echo "screenshot.sh: xvfb-run not found (apt install xvfb)" >&2; exit 1; }

work=$(mktemp -d /tmp/dp-screenshot-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

port=$((20000 + RANDOM % 20000))
net=(--discovery-address 127.255.255.255 --discovery-port "$port")
for i in 1 2 3; do
  "$bin/pong-server" "${net[@]}" --control-port 0 --client-port 0 --log-dir "$work/s$i" \
    --data-dir "$work/data$i" "${match[@]}" \
    >"$work/s$i.out" 2>&1 &
  pids+=($!)
done
sleep 1
if [[ $at != waiting ]]; then
  "$bin/pong-client" --headless --bot --skill 35 --name rival "${net[@]}" --timeout-s 120 \
    >"$work/bot.out" 2>&1 &
  pids+=($!)
fi

# The window client saves a BMP once a match is in play (at least 8 s in, so the score moved).
# SHOT_KEEP=DIR keeps the servers' and clients' output there (their logs) for a look.
xvfb-run -a -s "-screen 0 1280x720x24" \
  "$bin/pong-client" --bot --skill 90 --name you "${net[@]}" --timeout-s 90 \
  --screenshot "$work/shot.bmp" --screenshot-after-s "$after_s" --screenshot-at "$shot_at" \
  >"$work/window.out" 2>&1 ||
  { cat "$work/window.out" >&2; exit 1; }
if [[ -n ${SHOT_KEEP:-} ]]; then mkdir -p "$SHOT_KEEP" && cp "$work"/*.out "$SHOT_KEEP"/; fi
[[ -s $work/shot.bmp ]] || { echo "screenshot.sh: no BMP written" >&2; cat "$work/window.out" >&2; exit 1; }

# BMP -> PNG with the standard library only (no PIL): 24/32-bit uncompressed BMPs.
mkdir -p "$(dirname "$out")"
python3 - "$work/shot.bmp" "$out" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
if data[:2] != b"BM":
    sys.exit("not a BMP")
offset, = struct.unpack_from("<I", data, 10)
width, height, _, bpp, compression = struct.unpack_from("<iiHHI", data, 18)
if bpp not in (24, 32) or compression not in (0, 3):
    sys.exit(f"unsupported BMP: {bpp} bpp, compression {compression}")
step = bpp // 8
stride = (width * step + 3) & ~3
rows = []
for y in range(abs(height)):
    src = y if height < 0 else abs(height) - 1 - y  # Positive height: stored bottom-up.
    row = data[offset + src * stride: offset + src * stride + width * step]
    rgb = bytearray(width * 3)
    rgb[0::3] = row[2::step]
    rgb[1::3] = row[1::step]
    rgb[2::3] = row[0::step]
    rows.append(b"\x00" + bytes(rgb))
def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, abs(height), 8, 2, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b"")
open(sys.argv[2], "wb").write(png)
print(f"saved {sys.argv[2]} ({width}x{abs(height)})")
PY
