#!/usr/bin/env bash
# Installs the Debian packages the project needs (only those missing), then configures and
# builds one CMake preset. Both README commands start here.
#   scripts/setup.sh [PRESET]     PRESET: default (optimised + debug info) or asan
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-default}

packages=(cmake ninja-build g++ pkg-config clang clang-format libclang-rt-14-dev
  libasio-dev libcereal-dev libcli11-dev libtomlplusplus-dev libgtest-dev libgmock-dev
  libbenchmark-dev librapidcheck-dev libsqlite3-dev libpq-dev libsodium-dev postgresql libsdl2-dev libsdl2-ttf-dev
  fonts-dejavu-core xvfb iproute2 jq python3 sqlite3 nlohmann-json3-dev parallel prometheus
  tshark)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all Debian packages present"
fi

werror=()
[ "${CI:-}" = "true" ] && werror=(-DDP_WERROR=ON)
cmake --preset "$preset" "${werror[@]}" > /dev/null
cmake --build --preset "$preset" -j "$(nproc)"
