#!/usr/bin/env bash
# Installs everything plm needs to build and test on Debian 12, then configures and builds.
# Idempotent and fast when everything is already there: apt runs only for missing packages,
# and the build is incremental.
#
# Usage: scripts/setup.sh [preset]      (preset: dev (default), asan, release)
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian 12 packages. Never name unversioned Boost dev packages (they are 1.74 and conflict with
# 1.81, see ../shared/docs/stack.md section 8).
PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache clang-format
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libcurl4-openssl-dev nlohmann-json3-dev libyaml-cpp-dev
  libsodium-dev libsqlite3-dev libpq-dev libpqxx-dev postgresql
  libgtest-dev libgmock-dev libbenchmark-dev
  wrk curl python3 time nghttp2-server openssl
)

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

preset="${1:-dev}"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
