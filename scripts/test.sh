#!/usr/bin/env bash
# Runs every test: installs what is missing, builds the release and the ASan/UBSan presets and the
# front end, runs the ctest suite on both presets (the emulator's own on release only), the front end's checks and unit tests
# (Vitest), the end-to-end tests in Debian's chromium (playwright-core -> plm serve -> emulator), the
# end-to-end sync once more against the emulator's realistic profile (rate budget, latency, 5xx;
# seeded by PLM_E2E_EMULATOR_SEED, default 1) and the reverse-proxy test (nginx, HTTPS, URL prefix). Tests start the servers they need themselves on
# free loopback ports (the emulator, plm, nginx); a throwaway PostgreSQL server is started around
# the ctest runs by scripts/with-postgres.sh so the storage contract suite covers both databases.
#
# Usage: scripts/test.sh [ctest arguments...]      e.g. scripts/test.sh -L unit
#   With ctest arguments only ctest runs (the inner loop); without, everything runs.
set -euo pipefail
cd "$(dirname "$0")/.."

# The core links the standard library only; header-only libraries would still compile, so check.
if grep -rEn '#include <(boost|sqlite3|libpq|pqxx|hiredis|curl|nlohmann|sodium)' src/core; then
  echo "src/core must not include adapter libraries" >&2
  exit 1
fi

jobs=$(nproc)
status=0
scripts/setup.sh release
if (($# > 0)); then
  scripts/setup.sh asan
  for preset in release asan; do
    echo "== ctest ($preset)"
    if ! scripts/with-postgres.sh ctest --preset "$preset" -j "$jobs" "$@"; then status=1; fi
  done
  exit $status
fi

# The release suite runs while the ASan preset builds: much of it waits on real time (process
# tests at 100 ms per Spotify call, the shared budget's 30-s window, restarts), which the compiler
# fills. Its output is shown once the build is done, so the two do not interleave. (A fresh clone's
# whole run on 2 cores: README "Tests and CI".)
release_log=$(mktemp)
trap 'rm -f "$release_log"' EXIT
(scripts/with-postgres.sh ctest --preset release -j "$jobs" >"$release_log" 2>&1) &
release_suite=$!
scripts/setup.sh asan
echo "== ctest (release, run during the ASan build)"
release_status=0
wait "$release_suite" || release_status=$?
cat "$release_log"
if ((release_status != 0)); then status=1; fi
# The ASan/UBSan suite and the front end's stages (unit tests, then Chromium against plm serve and
# the emulator, mostly waiting on their latency) run side by side; the suite's output is shown at
# the end. The emulator's own suite (label `emulator`) runs on the release preset only: under ASan
# its code already runs inside every integration test's in-process emulator. So do the tests that
# repeat small cases at full scale (the demo's 330 playlists, 10,000-item playlists, long version
# chains, the whole shared catalog): the release suite runs them, and under ASan their code already
# runs at small sizes elsewhere; they alone took 2.5 minutes of the ASan suite's 10. Likewise the
# edit engine's property test (random pairs up to 10,000 items; the planner's cases run under ASan
# in its unit tests), one realistic edit repeated for 40 seeds (EditPlanOnEmulatorTest edits under
# the realistic profile under ASan), the paste parser over the whole dev set (libFuzzer runs it
# under its own sanitizers) and the matcher's quality floor over 200 lines (match_lines_test runs
# the matcher under ASan): 37 s more.
asan_scale_tests='TheDemoSeedsAccountIsServedWhole|SyncMakesTheLowerBoundOfCallsAndResyncOnlyLists'
asan_scale_tests+='|TenThousandItems|ItemsOfEveryVersionReadBackThroughLongChains'
asan_scale_tests+='|FullCatalog.LoadsTheSharedDataAndBuildsTheDefaultSeed'
asan_scale_tests+='|EditProperties.RandomPairsGiveExactlyTheDesiredList'
asan_scale_tests+='|EditsUnderTheRealisticProfileEndAsPlannedWhateverTheSeed'
asan_scale_tests+='|PasteParseEval.EveryDevLineGivesTheReadingTheMatcherNeeds'
asan_scale_tests+='|MatchQualityTest.HoldsItsFloorOnAFixedSliceOfTheDevSet'
asan_scale_tests+='|XlsxBadFiles.TooManyCellsAtFullScale'
asan_log=$(mktemp)
trap 'rm -f "$release_log" "$asan_log"' EXIT
(scripts/with-postgres.sh ctest --preset asan -j "$jobs" -LE emulator -E "$asan_scale_tests" \
  >"$asan_log" 2>&1) &
asan_suite=$!

if [[ -f frontend/package.json ]]; then
  echo "== front end: generated API types fresh, types, format, unit tests"
  (cd frontend && npm run --silent check:api && npm run --silent typecheck &&
    npm run --silent format:check && npm test --silent) || status=1
  echo "== end-to-end (chromium -> plm serve -> emulator)"
  e2e_bins=(PLM_BIN="$PWD/build/release/programs/plm/plm"
    PLM_EMULATOR_BIN="$PWD/build/release/tools/spotify-emulator/spotify-emulator")
  (cd frontend && env "${e2e_bins[@]}" npm run --silent e2e) || status=1
  # app.spec.ts only: connect and a full sync (~700 Spotify calls) are what meets Spotify's unkind
  # side; the other specs sync the same account for their pages. About 2 minutes (docs/web.md).
  echo "== end-to-end against the realistic emulator (seed ${PLM_E2E_EMULATOR_SEED:-1})"
  (cd frontend && env "${e2e_bins[@]}" PLM_E2E_EMULATOR_SEED="${PLM_E2E_EMULATOR_SEED:-1}" \
    npm run --silent e2e:realistic) || status=1
  echo "== reverse proxy (nginx, HTTPS, /plm/ prefix)"
  tests/proxy/nginx_https_test.sh build/release || status=1
fi

echo "== ctest (asan, run beside the front end's stages)"
asan_status=0
wait "$asan_suite" || asan_status=$?
cat "$asan_log"
if ((asan_status != 0)); then status=1; fi
exit $status
