#!/usr/bin/env bash
# Runs every test: installs what is missing, builds the release and the ASan/UBSan presets, and runs
# the whole ctest suite on both. Tests start the servers they need themselves on free loopback
# ports (the emulator, plm); a throwaway PostgreSQL server is started around the run by
# scripts/with-postgres.sh so the storage contract suite covers both databases.
#
# Usage: scripts/test.sh [ctest arguments...]      e.g. scripts/test.sh -L unit
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh release
scripts/setup.sh asan

# The core links the standard library only; header-only libraries would still compile, so check.
if grep -rEn '#include <(boost|sqlite3|libpq|pqxx|hiredis|curl|nlohmann|sodium)' src/core; then
  echo "src/core must not include adapter libraries" >&2
  exit 1
fi

jobs=$(nproc)
status=0
for preset in release asan; do
  echo "== ctest ($preset)"
  if ! scripts/with-postgres.sh ctest --preset "$preset" -j "$jobs" "$@"; then status=1; fi
done
exit $status
