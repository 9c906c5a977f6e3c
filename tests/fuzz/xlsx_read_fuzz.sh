#!/usr/bin/env bash
# Compiles the .xlsx reader's libFuzzer target (src/exchange/xlsx_read_fuzz.cpp) with clang++ and
# ASan/UBSan, linked with Debian's libzip and pugixml, then runs it for a bounded time from a seed
# corpus that SEEDS_PROGRAM (plm_xlsx_fuzz_seeds, built by CMake) writes at run time: workbooks of
# write_xlsx, hand-built ones, and the same parts unzipped (the target's second kind of input).
# The ctest XlsxReadFuzz runs this; a missing clang++, libFuzzer (clang-14, libclang-rt-14-dev),
# libzip-dev or libpugixml-dev fails it.
#
# Usage: tests/fuzz/xlsx_read_fuzz.sh OUT_DIR SEEDS_PROGRAM [SECONDS]   (default 60; or
#        PLM_FUZZ_SECONDS)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=tests/fuzz/lib.sh
source "$root/tests/fuzz/lib.sh"
out="${1:?usage: xlsx_read_fuzz.sh OUT_DIR SEEDS_PROGRAM [SECONDS]}"
seeds_program="${2:?usage: xlsx_read_fuzz.sh OUT_DIR SEEDS_PROGRAM [SECONDS]}"
seconds="${3:-${PLM_FUZZ_SECONDS:-30}}"
mkdir -p "$out/corpus" "$out/seeds"

clangxx="$(fuzz_clangxx xlsx_read_fuzz)"
if ! pkg-config --exists libzip; then
  echo "xlsx_read_fuzz: no libzip (scripts/setup.sh installs libzip-dev)" >&2
  exit 1
fi
zip_cflags="$(pkg-config --cflags libzip)"
zip_libs="$(pkg-config --libs libzip)"

"$seeds_program" "$out/seeds"

fuzz_build xlsx_read_fuzz "$clangxx" "$root" "$out" "$out/xlsx_read_fuzz" \
  "src/exchange/xlsx_read_fuzz.cpp src/exchange/xlsx_reader.cpp src/exchange/zip.cpp
   src/core/exchange/workbook.cpp" \
  "src/exchange/xlsx.hpp src/exchange/xlsx_read_fuzz.hpp src/exchange/zip_archive.hpp
   src/exchange/xlsx_common.hpp src/core/exchange/utf8.hpp src/core/exchange/workbook.hpp
   src/core/result.hpp" \
  "$zip_cflags" "$zip_libs -lpugixml"

# -timeout: one input taking over 5 s is a hang (every limit is meant to refuse a hostile file in
# under a second); -max_len 64 kB: room for a small workbook; -rss_limit_mb: the reader's limits
# (200 MB unpacked) keep it well below.
exec "$out/xlsx_read_fuzz" -max_total_time="$seconds" -timeout=5 -max_len=65536 \
  -rss_limit_mb=2048 -dict="$root/tests/fuzz/xlsx_read.dict" -print_final_stats=1 \
  "$out/corpus" "$out/seeds"
