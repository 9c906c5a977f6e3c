#!/usr/bin/env bash
# What the edit engine costs to plan and what its plans cost in Spotify calls: runs the Google
# Benchmark binary plm_edit_plan_bench (bench/edit_plan_bench.cpp), which plans seeded random
# pairs (a shuffle, five dragged blocks, mixed edits) of 100, 1,000 and 10,000 items. Prints, per
# case, the median planning time over REPETITIONS (default 5), the plan's write requests and range
# moves against the breakpoint lower bound, and what replace-everything would cost (requests and
# added_at dates lost) against what the plan loses. No Spotify and no emulator: the wall time
# against the emulator needs the edit job (issue 9 §2).
#
# Usage: bench/edit_plan.sh [--repetitions N] [-- extra benchmark flags]
#   --repetitions N  1-20, default 5
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"
repetitions=5
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 0
fi
if [[ "${1:-}" == "--repetitions" ]]; then
  [[ "${2:-}" =~ ^([1-9]|1[0-9]|20)$ ]] || { echo "--repetitions expects 1-20" >&2; exit 2; }
  repetitions="$2"
  shift 2
fi
[[ $# -eq 0 || "$1" == "--" ]] || { echo "unknown option '$1' (see --help)" >&2; exit 2; }
[[ $# -eq 0 ]] || shift
command -v python3 >/dev/null || { echo "python3 not found" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
bench_google_benchmark "$repo" plm_edit_plan_bench "$repetitions" "$work/result.json" "$@"

echo
python3 - "$work/result.json" <<'PY'
import json
import sys

scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}
runs = json.load(open(sys.argv[1]))["benchmarks"]
has_aggregates = any(b.get("run_type") == "aggregate" for b in runs)
for b in runs:
    if has_aggregates and b.get("aggregate_name") != "median":
        continue
    us = b["real_time"] * scale[b["time_unit"]]
    time = f"{us / 1000:.2f} ms" if us >= 1000 else f"{us:.0f} us"
    print(f"RESULT {b['run_name']}: plans in {time}; {int(b['calls'])} calls "
          f"({int(b['moves'])} range moves, bound {int(b['move_bound'])}), "
          f"added_at lost {int(b['added_at_lost'])}; replace-everything "
          f"{int(b['replace_calls'])} calls, added_at lost {int(b['replace_lost'])}")
PY
