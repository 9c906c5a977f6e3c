#!/usr/bin/env bash
# What the shared rate budget costs per Spotify call: runs the Google Benchmark binary
# plm_rate_ledger_bench (bench/rate_ledger_bench.cpp) on SQLite and, through
# scripts/with-postgres.sh (a throwaway server), on PostgreSQL. Each admitted call is a try_admit
# and a record_answer (two write transactions) with the window in its steady state, by one thread
# and by two on one client ID (a connection each, as two processes). Prints, per database and
# thread count, the median over REPETITIONS (default 5) of the time per call and calls per second.
#
# Usage: bench/rate_ledger.sh [--repetitions N] [--sqlite-only] [-- extra benchmark flags]
#   --repetitions N  1-20, default 5
#   --sqlite-only    leave PostgreSQL out (no server started)
# With PLM_TEST_POSTGRES_URL set, that database is used instead of a throwaway server (e.g. one
# with fsync on: scripts/with-postgres.sh turns durability off).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"
repetitions=5
postgres=1
extra=()
while (($# > 0)); do
  case "$1" in
    --repetitions)
      [[ "${2:-}" =~ ^([1-9]|1[0-9]|20)$ ]] || { echo "--repetitions expects 1-20" >&2; exit 2; }
      repetitions="$2"
      shift
      ;;
    --sqlite-only) postgres=0 ;;
    --) shift; extra=("$@"); break ;;
    -h | --help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
command -v python3 >/dev/null || { echo "python3 not found" >&2; exit 1; }

echo "building plm_rate_ledger_bench (release preset)..." >&2
(cd "$repo" && cmake --preset release >/dev/null &&
  cmake --build --preset release --target plm_rate_ledger_bench) >&2
bench="$repo/build/release/bench/plm_rate_ledger_bench"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

bench_describe "$repo"
echo "SQLite in $(df -T "${TMPDIR:-/tmp}" | awk 'NR == 2 {print $2}') ${TMPDIR:-/tmp} (WAL, synchronous=NORMAL, as plm opens it)"
echo

run=("$bench" --benchmark_repetitions="$repetitions" --benchmark_display_aggregates_only=true
  --benchmark_out="$work/result.json" --benchmark_out_format=json "${extra[@]}")
if ((postgres)) && [[ -n "${PLM_TEST_POSTGRES_URL:-}" ]]; then
  echo "PostgreSQL: the database at PLM_TEST_POSTGRES_URL"
  "${run[@]}"
elif ((postgres)); then
  echo "PostgreSQL: scripts/with-postgres.sh (fsync, synchronous_commit and full_page_writes off)"
  "$repo/scripts/with-postgres.sh" "${run[@]}"
else
  env -u PLM_TEST_POSTGRES_URL "${run[@]}"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

echo
python3 - "$work/result.json" <<'EOF'
import json
import sys

scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}
runs = json.load(open(sys.argv[1]))["benchmarks"]
has_aggregates = any(b.get("run_type") == "aggregate" for b in runs)
for b in runs:
    if has_aggregates and b.get("aggregate_name") != "median":
        continue
    # real_time is the wall time per call over all threads (items_per_second is its inverse).
    us = b["real_time"] * scale[b["time_unit"]]
    print(f"RESULT {b['run_name']}: {us:.0f} us per call (try_admit + record_answer), "
          f"{b.get('items_per_second', 0):,.0f} calls/s, refused {int(b.get('refused', 0))}")
EOF
