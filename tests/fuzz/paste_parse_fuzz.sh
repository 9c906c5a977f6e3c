#!/usr/bin/env bash
# Compiles the paste parser's libFuzzer target (src/core/matching/paste_parse_fuzz.cpp) with
# clang++ and ASan/UBSan, then runs it for a bounded time from the seed corpus in
# tests/fuzz/paste_parse_seeds. The ctest PasteParseFuzz runs this; a missing clang++ or libFuzzer
# (Debian: clang-14 and libclang-rt-14-dev, installed by scripts/setup.sh) fails it.
#
# Usage: tests/fuzz/paste_parse_fuzz.sh OUT_DIR [SECONDS]     (default 20; or PLM_FUZZ_SECONDS)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:?usage: paste_parse_fuzz.sh OUT_DIR [SECONDS]}"
seconds="${2:-${PLM_FUZZ_SECONDS:-20}}"
mkdir -p "$out/corpus"
# shellcheck source=tests/fuzz/lib.sh
source "$root/tests/fuzz/lib.sh"

clangxx="$(fuzz_clangxx paste_parse_fuzz)"
binary="$out/paste_parse_fuzz"
fuzz_build paste_parse_fuzz "$clangxx" "$root" "$out" "$binary" \
  "src/core/matching/paste_parse_fuzz.cpp src/core/matching/paste_parse.cpp
   src/core/model/text.cpp" \
  "src/core/matching/paste_parse.hpp src/core/model/text.hpp src/core/result.hpp" "" ""

# -timeout: a single input taking over 5 s is a hang; -max_len covers pastes past the
# 10,000-line limit; the dictionary holds the separators and shapes the parser looks for.
exec "$binary" -max_total_time="$seconds" -timeout=5 -max_len=12000 -rss_limit_mb=2048 \
  -dict="$root/tests/fuzz/paste_parse.dict" -print_final_stats=1 \
  "$out/corpus" "$root/tests/fuzz/paste_parse_seeds"
