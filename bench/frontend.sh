#!/usr/bin/env bash
# The front end's two figures: the size of the built app (gzip), and the time until the
# 10,000-track playlist page is interactive in Chromium.
# 1. Builds frontend/ (`npm run build`) and prints every file of frontend/dist with its raw and gzip
#    bytes (the .gz the build writes), totals for JS, CSS and HTML, and the first load (index.html
#    and what it references): frontend/e2e/bench/size.mjs.
# 2. Starts the emulator and `plm serve` (the e2e harness), seeds `demo-pro` with 2,000 playlists
#    (the emulator's admin API), connects and syncs it, and loads the 10,000-track playlist page
#    and the playlists page N times each in headless Chromium at 1366x900, with the HTTP cache
#    disabled; prints each run and a RESULT line per metric (median, min, max): first row visible,
#    TTI, longest task, total blocking time, the scroll to the end, rows in the DOM, JS heap; on
#    the playlists page the DOM size, tab stops, search/clear/sort/filter to the rows painted and
#    scrolling frames a second. Then the same with the CPU throttled (CDP):
#    frontend/e2e/bench/tti.ts.
#
# Usage: bench/frontend.sh [--runs N] [--throttle RATE] [--playlists N] [--page P] [--profile DIR]
#                          [--json FILE]
#   --runs N        page loads per page and variant (default 5)
#   --throttle RATE CPU slow-down of the second variant (default 4, like a slower laptop; 1: none)
#   --playlists N   the demo account's playlists (default 2000; 330 is the emulator's default seed)
#   --page P        only this page: playlist (the 10,000-track one; with --playlists 330 it skips
#                   seeding, the quickest way to measure it) or playlists
#   --profile DIR   also trace and CPU-profile one more load of each page (at the throttled rate)
#                   into DIR, and print what each task over 50 ms did
#   --json FILE     also write every run's figures to FILE
#
# Needs node/npm (frontend/node_modules: npm ci), /usr/bin/chromium (or CHROMIUM_PATH). Chromium,
# plm serve and the emulator share the machine's cores.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

runs=5
throttle=4
playlists=2000
extra=()
while (($# > 0)); do
  case "$1" in
    --runs) runs="${2:?}"; shift ;;
    --throttle) throttle="${2:?}"; shift ;;
    --playlists) playlists="${2:?}"; shift ;;
    --profile | --json) extra+=("$1" "$(realpath -m "${2:?}")"); shift ;;
    --page) extra+=("$1" "${2:?}"); shift ;;
    -h | --help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ "$runs" =~ ^[1-9][0-9]*$ && "$throttle" =~ ^[1-9][0-9]*$ && "$playlists" =~ ^[1-9][0-9]*$ ]] || { echo "positive integers expected" >&2; exit 2; }

command -v npm >/dev/null || { echo "npm is missing" >&2; exit 1; }
[[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]] || {
  echo "${CHROMIUM_PATH:-/usr/bin/chromium} is missing: apt-get install -y --no-install-recommends chromium" >&2
  exit 1
}
[[ -d frontend/node_modules ]] || (cd frontend && npm ci --no-audit --no-fund)

cmake --preset release >/dev/null
cmake --build --preset release --target plm spotify-emulator >/dev/null

echo "== build"
(cd frontend && npm run --silent build >/dev/null)
echo "== size"
node frontend/e2e/bench/size.mjs

echo "== page loads in Chromium ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
throttle_args=()
if ((throttle > 1)); then throttle_args=(--throttle "$throttle"); fi
seed_args=()
if ((playlists != 330)); then seed_args=(--playlists "$playlists"); fi
(cd frontend && npm run --silent bench:tti -- --runs "$runs" "${seed_args[@]}" "${throttle_args[@]}" "${extra[@]}")
