#!/usr/bin/env bash
# Installs everything plm needs to build and test on Debian 12, then configures and builds.
# Idempotent and fast when everything is already there: apt runs only for missing packages,
# and the build is incremental.
#
# Usage: scripts/setup.sh [preset]      (preset: dev (default), asan, release)
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian 12 packages. Never name unversioned Boost dev packages (they are 1.74 and conflict with
# 1.81, see ../shared/docs/stack.md section 8). chromium runs the end-to-end tests (driven by
# playwright-core) and nginx is the reverse proxy of the proxy test; neither is started here. lld
# links faster than GNU ld (cmake/plm_build_time.cmake). libxlsxwriter, libzip and pugixml write and
# read .xlsx files (issue 14); python3-openpyxl and LibreOffice Calc (headless, no GUI) make and
# re-save the workbooks of the interoperability tests; zsh and fish check the completion scripts.
PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache clang-format clang-14 libclang-rt-14-dev lld
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libcurl4-openssl-dev nlohmann-json3-dev libyaml-cpp-dev
  libsodium-dev libsqlite3-dev libpq-dev libpqxx-dev postgresql libjq-dev
  libxlsxwriter-dev libzip-dev libpugixml-dev python3-openpyxl libreoffice-calc-nogui zsh fish
  libgtest-dev libgmock-dev libbenchmark-dev
  wrk curl python3 time nghttp2-server openssl zlib1g-dev
  chromium nginx
)
# Node.js >= 20.19 and npm come with the machine (NodeSource's nodejs package, npm 11). Debian 12's
# own nodejs is 18, too old for Vite 8, so it is never installed from here: stop with a clear
# message instead.
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number);
                process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' 2>/dev/null ||
   ! command -v npm >/dev/null; then
  echo "setup: the front end needs Node.js >= 20.19 with npm (found: $(node --version 2>/dev/null ||
    echo none)); install it from https://nodejs.org or NodeSource, then run this again" >&2
  exit 1
fi

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

# The web front end: dependencies from the npm registry (exact versions from package-lock.json),
# built into frontend/dist, which `plm serve` serves. Skipped when nothing changed since the last
# build (the stamp holds a hash of the sources and the lock file).
if [[ -f frontend/package.json ]]; then
  stamp=frontend/node_modules/.plm-build-stamp
  sources_hash="$( (find frontend/src frontend/scripts frontend/index.html frontend/package.json \
    frontend/package-lock.json frontend/tsconfig.json frontend/vite.config.ts -type f -print0 \
    2>/dev/null | LC_ALL=C sort -z | xargs -0 cat) | sha256sum | cut -d' ' -f1)"
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$sources_hash" || ! -f frontend/dist/index.html ]]; then
    (cd frontend && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build)
    echo "$sources_hash" >"$stamp"
  fi
fi
