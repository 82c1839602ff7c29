#!/usr/bin/env bash
# Saves pictures of the SDL2 pong-client, drawn under a virtual X server (Xvfb), each against
# its own fresh cluster of three pong-servers on loopback (127.255.255.255, a random port)
# with headless bots as the other players. The window client plays with --bot too, so the
# pictures show live play. Everything this script starts is stopped when it exits.
#
# Usage: scripts/screenshot.sh [build-dir] [output.png] [MODE]
#        scripts/screenshot.sh [build-dir] [output-dir] all
# MODE (default playing):
#   playing            a Pong match in progress (default output docs/screenshot.png)
#   game-over          the end of a Pong match: the result with the leaderboard
#   waiting            a lone Pong player still seated some 20 s in, past the 5 s forfeit
#   racing-countdown   a race's 3-2-1 before GO, three racers on the grid
#   racing             a race in progress: traffic, your car, two rivals, the standings
#   racing-game-over   the end of a race: the result, your personal best and the top 10
#   spectator          a race watched from a follower, with the WATCHING banner
#   lobby              the first screen: name, game, quick match or a named room, live rooms
#   chat-lobby         the lobby with its chat: lines from two players, one of ours, a draft
#   chat-waiting       a lone Pong player in room friday, chatting in pong:friday
#   chat-playing       a Pong match in play with the chat input open (Tab) over the field
#   chat-unavailable   a Pong match in play with no pong-chat running: "chat unavailable"
#   all                every picture of docs/screenshots/ (lobby, racing-countdown, racing,
#                      racing-game-over, spectator, and the chat-* ones) into output-dir
#                      (default docs/screenshots)
# The pictures without chat- are taken with --no-chat. SHOT_CHAT=1 takes any of them with a
# chat cluster (three pong-chat) and a few lines in the lobby's and the rooms' channels.
# SHOT_AFTER_S overrides how many seconds in the frame is saved at the earliest (default 8):
# e.g. SHOT_AFTER_S=30 with game-over shows the result after the room has closed.
# SHOT_KEEP=DIR keeps the servers' and clients' output there (their logs) for a look.
# SHOT_EXTRA="--flag value ..." adds flags to the window's pong-client (split on spaces), e.g.
# SHOT_CHAT=1 SHOT_EXTRA="--screenshot-chat-draft hi" racing: a race with the chat open.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
mode=${3:-playing}
bin=$build/bin
for exe in pong-server pong-client pong-chat pong-chat-client; do
  [[ -x $bin/$exe ]] || { echo "screenshot.sh: $bin/$exe not built" >&2; exit 1; }
done
command -v xvfb-run >/dev/null || { echo "screenshot.sh: xvfb-run not found (apt install xvfb)" >&2; exit 1; }

pids=()
work=
stop_cluster() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
  if [[ -n $work ]]; then
    if [[ -n ${SHOT_KEEP:-} ]]; then mkdir -p "$SHOT_KEEP" && cp "$work"/*.out "$SHOT_KEEP"/ 2>/dev/null || true; fi
    rm -rf "$work"
  fi
  work=
}
trap stop_cluster EXIT INT TERM

# BMP -> PNG with the standard library only (no PIL): 24/32-bit uncompressed BMPs.
bmp_to_png() {
  python3 - "$1" "$2" <<'PY'
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
}

# Three servers on a random port of loopback; extra arguments go to every server. The chat's
# discovery port is drawn too, so that no other pong-chat on this host answers the window:
# without start_chat_cluster nothing does ("chat unavailable").
start_cluster() {
  work=$(mktemp -d /tmp/dp-screenshot-XXXXXX)
  local port=$((20000 + RANDOM % 20000))
  chat_port=$((port + 1))
  net=(--discovery-address 127.255.255.255 --discovery-port "$port")
  chat=(--no-chat)
  for i in 1 2 3; do
    "$bin/pong-server" "${net[@]}" --control-port 0 --client-port 0 --cluster-size 3 \
      --log-dir "$work/s$i" --data-dir "$work/data$i" "$@" >"$work/s$i.out" 2>&1 &
    pids+=($!)
  done
  sleep 1
}

# Three pong-chat on loopback at the chat's port (after start_cluster); the window then
# shows its chat panel.
start_chat_cluster() {
  for i in 1 2 3; do
    "$bin/pong-chat" --discovery-address 127.255.255.255 --discovery-port "$chat_port" \
      --control-port 0 --client-port 0 --cluster-size 3 --log-dir "$work/c$i" \
      --data-dir "$work/chat$i" >"$work/c$i.out" 2>&1 &
    pids+=($!)
  done
  chat_on
}

# The window's chat panel, at the chat's port (whether or not a pong-chat answers there).
chat_on() { chat=(--chat-discovery-port "$chat_port"); }

# NAME CHANNEL LINE...: pong-chat-client sends the lines and waits until each is delivered.
chat_say() {
  local name=$1 channel=$2
  shift 2
  printf '%s\n' "$@" | "$bin/pong-chat-client" --name "$name" --channel "$channel" --quiet \
    --discovery-address 127.255.255.255 --discovery-port "$chat_port" --timeout-s 30 \
    >>"$work/chat-$name.out" 2>&1 || { echo "screenshot.sh: chat from $name failed" >&2; cat "$work/chat-$name.out" >&2; exit 1; }
}

# A few lines in CHANNEL from ada and sam, as if they were talking.
chat_talk() {
  local channel=$1
  chat_say ada "$channel" "hi all! anyone up for a match?"
  chat_say sam "$channel" "me, in a minute" "first to 5 wins, loser buys the coffee"
  chat_say ada "$channel" "deal — café after, see you in room friday"
}

# A headless bot: NAME SKILL, then pong-client flags (--game, --room, ...). BOT_DELAY_S
# starts it that much later (in the background).
start_bot() {
  local name=$1 skill=$2
  shift 2
  (sleep "${BOT_DELAY_S:-0}" && exec "$bin/pong-client" --headless --bot --skill "$skill" \
    --name "$name" "${net[@]}" --timeout-s 180 "$@") >"$work/bot-$name.out" 2>&1 &
  pids+=($!)
}

# The window client saves a BMP at the moment asked for; OUT.png from it.
window_shot() {
  local out=$1
  shift
  local extra=()
  read -r -a extra <<<"${SHOT_EXTRA:-}"
  xvfb-run -a -s "-screen 0 1280x1024x24" \
    "$bin/pong-client" "${net[@]}" "${chat[@]}" --timeout-s 200 --screenshot "$work/shot.bmp" "$@" \
    "${extra[@]}" \
    >"$work/window.out" 2>&1 ||
    { cat "$work/window.out" >&2; exit 1; }
  [[ -s $work/shot.bmp ]] || { echo "screenshot.sh: no BMP written" >&2; cat "$work/window.out" >&2; exit 1; }
  mkdir -p "$(dirname "$out")"
  bmp_to_png "$work/shot.bmp" "$out"
}

shoot() {
  local mode=$1 out=$2 after_s=${SHOT_AFTER_S:-8}
  # SHOT_CHAT=1: the same picture with the chat's panel, and something said in every channel.
  with_chat() {
    if [[ -n ${SHOT_CHAT:-} ]]; then
      start_chat_cluster
      chat_talk lobby
      chat_talk pong:friday
    fi
  }
  case $mode in
    playing|game-over|waiting)
      local shot_at=$mode match=()
      [[ $mode == game-over ]] && match=(--target-score 3)  # A shorter match.
      # No opponent ever comes: the window saves its frame once the wait for a match in play
      # gives up (pong-client's grace of 20 s past --screenshot-after-s).
      [[ $mode == waiting ]] && { shot_at=playing; after_s=${SHOT_AFTER_S:-0}; }
      start_cluster "${match[@]}"
      with_chat
      [[ $mode != waiting ]] && start_bot rival 35
      window_shot "$out" --bot --skill 90 --name you --screenshot-after-s "$after_s" \
        --screenshot-at "$shot_at"
      ;;
    racing-countdown|racing|racing-game-over)
      local shot_at=${mode#racing-}
      [[ $mode == racing ]] && shot_at=playing
      [[ $mode == racing-countdown ]] && after_s=0
      [[ $mode == racing-game-over ]] && after_s=0
      start_cluster
      with_chat
      # Rivals that crash sooner than the window's bot: the race ends, and "you" win it. The
      # third racer joins a second later, while the countdown of "you" and ada runs.
      start_bot ada 30 --game racing
      BOT_DELAY_S=1.5 start_bot lin 20 --game racing
      window_shot "$out" --game racing --bot --skill 75 --name you \
        --screenshot-after-s "$after_s" --screenshot-at "$shot_at"
      ;;
    spectator)
      start_cluster
      with_chat
      start_bot ada 60 --game racing
      start_bot lin 45 --game racing
      start_bot max 70 --game racing
      window_shot "$out" --game racing --watch "" --screenshot-after-s "$after_s" \
        --screenshot-at playing
      ;;
    lobby)
      start_cluster
      with_chat
      start_bot ada 60 --game racing
      start_bot lin 45 --game racing
      start_bot max 50 --room friday
      start_bot sam 50 --room friday
      start_bot kim 50
      window_shot "$out" --lobby --name you --game racing --screenshot-after-s "${SHOT_AFTER_S:-10}" --screenshot-at lobby
      ;;
    chat-lobby)
      start_cluster
      start_chat_cluster
      start_bot ada 60 --game racing
      start_bot lin 45 --game racing
      start_bot max 50 --room friday
      start_bot sam 50 --room friday
      chat_talk lobby
      window_shot "$out" --lobby --name you --game racing --screenshot-after-s "${SHOT_AFTER_S:-10}" \
        --screenshot-at lobby --screenshot-chat-send "hi! racing anyone?" \
        --screenshot-chat-draft "sure, quick match in 1 min"
      ;;
    chat-waiting)
      # Alone in room friday past the forfeit (as "waiting" above), talking in its channel.
      start_cluster
      start_chat_cluster
      chat_talk pong:friday
      window_shot "$out" --room friday --name you --screenshot-after-s 0 --screenshot-at playing \
        --screenshot-chat-send "I'm in friday, waiting for you"
      ;;
    chat-playing)
      start_cluster
      start_chat_cluster
      start_bot rival 35 --room friday
      chat_talk pong:friday
      window_shot "$out" --room friday --bot --skill 90 --name you --screenshot-after-s "$after_s" \
        --screenshot-at playing --screenshot-chat-send "gl hf" \
        --screenshot-chat-draft "nice serve, typing never moves my paddle"
      ;;
    chat-unavailable)
      # No pong-chat at all: the match is played as ever, the panel says so.
      start_cluster
      chat_on
      start_bot rival 35
      window_shot "$out" --bot --skill 90 --name you --screenshot-after-s "$after_s" \
        --screenshot-at playing --screenshot-chat-send "hello?" \
        --screenshot-chat-draft "is the chat down?"
      ;;
    *)
      echo "screenshot.sh: MODE must be playing, game-over, waiting, racing-countdown, racing," \
        "racing-game-over, spectator, lobby, chat-lobby, chat-waiting, chat-playing," \
        "chat-unavailable or all, not '$mode'" >&2
      exit 2
      ;;
  esac
  stop_cluster
}

if [[ $mode == all ]]; then
  dir=${2:-$root/docs/screenshots}
  for m in lobby racing-countdown racing racing-game-over spectator chat-lobby chat-waiting \
    chat-playing chat-unavailable; do
    shoot "$m" "$dir/$m.png"
  done
else
  shoot "$mode" "${2:-$root/docs/screenshot.png}"
fi
