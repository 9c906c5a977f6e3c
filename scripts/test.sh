#!/usr/bin/env bash
# Runs every test: installs what is missing, builds the release and the ASan/UBSan presets, and runs
# the whole ctest suite on both. Each test starts the servers it needs itself (on free loopback
# ports), so nothing has to be running beforehand.
#
# Usage: scripts/test.sh [ctest arguments...]      e.g. scripts/test.sh -L unit
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh release
scripts/setup.sh asan

jobs=$(nproc)
status=0
for preset in release asan; do
  echo "== ctest ($preset)"
  if ! ctest --preset "$preset" -j "$jobs" "$@"; then status=1; fi
done
exit $status
