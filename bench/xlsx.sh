#!/usr/bin/env bash
# What the .xlsx adapter costs (issue 14 §5): builds plm_xlsx_bench (bench/xlsx_bench.cpp) with
# the release preset and runs it: read_xlsx of hostile files (a zip bomb declaring 201 MB, the
# same bomb with headers that claim 1,000 bytes, 150 MB of tiny elements, an XML bomb, a sheet
# of 20,001 rows), each
# refused, with its time and peak memory; then write_xlsx + read_xlsx of a workbook of the
# export's shape (an index sheet and PLAYLISTS sheets of TRACKS rows, default 300 x 100), run
# REPETITIONS times (default 3). Each measurement runs in its own forked process. No database,
# no Spotify: the whole export and import are bench/exchange.sh.
#
# Usage: bench/xlsx.sh [--playlists N] [--tracks N] [--repetitions N]
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 0
fi
echo "building plm_xlsx_bench (release preset)..." >&2
(cd "$repo" && cmake --preset release >/dev/null &&
  cmake --build --preset release --target plm_xlsx_bench) >&2
bench_describe "$repo"
echo
"$repo/build/release/bench/plm_xlsx_bench" "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
