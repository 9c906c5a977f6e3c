#!/usr/bin/env bash
# Search speed of the emulator's catalog index on the full shared catalog: runs the Google Benchmark
# binary spotify_emulator_search_bench (tools/spotify-emulator/catalog/search_bench.cpp) against
# ../shared/catalog-data next to the repo, then prints one line per query: the median over
# REPETITIONS (default 5) of the mean time of one search_tracks call (first page of 20), and the
# number of matches. Also: catalog load and index build times, and the median and worst query.
#
# Usage: bench/search.sh [--repetitions N] [-- extra benchmark flags]   (N: 1-20, default 5)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"
repetitions=5
extra=()
while (($# > 0)); do
  case "$1" in
    --repetitions)
      [[ $# -ge 2 && "$2" =~ ^[0-9]+$ && "$2" -ge 1 && "$2" -le 20 ]] || {
        echo "--repetitions expects 1-20" >&2
        exit 2
      }
      repetitions="$2"
      shift
      ;;
    --)
      shift
      extra=("$@")
      break
      ;;
    -h | --help)
      sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "unknown option '$1' (see --help)" >&2
      exit 2
      ;;
  esac
  shift
done

command -v python3 >/dev/null || {
  echo "python3 not found" >&2
  exit 1
}

echo "building spotify_emulator_search_bench (release preset)..." >&2
(cd "$repo" && cmake --preset release >/dev/null &&
  cmake --build --preset release --target spotify_emulator_search_bench) >&2
bench="$repo/build/release/tools/spotify-emulator/catalog/spotify_emulator_search_bench"

catalog_dir="$repo/../shared/catalog-data"
[[ -d "$catalog_dir" ]] || {
  echo "$catalog_dir not found: this benchmark needs the full catalog" >&2
  exit 1
}
catalog_dir="$(cd "$catalog_dir" && pwd)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

bench_describe "$repo"
echo "catalog: $catalog_dir"
echo

"$bench" "$catalog_dir" --benchmark_repetitions="$repetitions" --benchmark_display_aggregates_only=true \
  --benchmark_out="$work/result.json" --benchmark_out_format=json "${extra[@]}" 2> >(tee "$work/stderr" >&2)

echo
python3 - "$work/result.json" "$work/stderr" <<'EOF'
import json
import re
import statistics
import sys

result = json.load(open(sys.argv[1]))
loaded = re.search(r"loaded .*", open(sys.argv[2]).read())
if loaded:
    print("catalog:", loaded.group(0))

scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}
# With repetitions, keep the median aggregate of each benchmark; with one run, the run itself.
runs = result["benchmarks"]
has_aggregates = any(b.get("run_type") == "aggregate" for b in runs)
medians = {}
for b in runs:
    if has_aggregates and b.get("aggregate_name") != "median":
        continue
    medians[b["run_name"]] = b

for name, b in medians.items():
    if name.startswith(("BM_LoadCatalog", "BM_BuildIndex")):
        print(f"{name}: {b['real_time'] * scale[b['time_unit']] / 1000:.1f} ms (median)")

searches = [b for name, b in medians.items() if name.startswith("BM_Search/")]
print()
print(f"{'query':45} {'median us/call':>15} {'matches':>9}")
times = []
for b in searches:
    us = b["real_time"] * scale[b["time_unit"]]
    times.append(us)
    print(f"{b.get('label', b['run_name']):45} {us:15.1f} {int(b.get('total', 0)):9d}")
if "BM_SearchArtistsAndAlbums" in medians:
    b = medians["BM_SearchArtistsAndAlbums"]
    print(f"{'artists + albums: miles davis':45} {b['real_time'] * scale[b['time_unit']]:15.1f}")
if times:
    p50 = statistics.median(times)
    print()
    print(f"RESULT search_tracks over {len(times)} queries: p50 {p50:.1f} us ({p50 / 1000:.3f} ms),"
          f" worst {max(times):.1f} us; target p50 < 5 ms: {'met' if p50 < 5000 else 'MISSED'}")
EOF
