#!/usr/bin/env bash
# Compiles the paste parser's libFuzzer target (src/core/matching/paste_parse_fuzz.cpp) with
# clang++ and ASan/UBSan, then runs it for a bounded time from the seed corpus in
# tests/fuzz/paste_parse_seeds. The ctest PasteParseFuzz runs this; a missing clang++ or libFuzzer
# (Debian: clang-14 and libclang-rt-14-dev, installed by scripts/setup.sh) fails it.
#
# Usage: tests/fuzz/paste_parse_fuzz.sh OUT_DIR [SECONDS]     (default 30; or PLM_FUZZ_SECONDS)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:?usage: paste_parse_fuzz.sh OUT_DIR [SECONDS]}"
seconds="${2:-${PLM_FUZZ_SECONDS:-30}}"
mkdir -p "$out/corpus"

clangxx="${PLM_FUZZ_CXX:-$(command -v clang++-14 || command -v clang++ || true)}"
if [[ -z "$clangxx" ]]; then
  echo "paste_parse_fuzz: no clang++ (scripts/setup.sh installs clang-14 and libclang-rt-14-dev)" >&2
  exit 1
fi

sources=(src/core/matching/paste_parse_fuzz.cpp src/core/matching/paste_parse.cpp
  src/core/model/text.cpp)
binary="$out/paste_parse_fuzz"
# Rebuild only when a source or header changed since the last build.
stale=0
if [[ ! -x "$binary" ]]; then stale=1; fi
for file in "${sources[@]}" src/core/matching/paste_parse.hpp src/core/model/text.hpp \
  src/core/result.hpp; do
  if [[ "$root/$file" -nt "$binary" ]]; then stale=1; fi
done
if ((stale)); then
  start=$(date +%s)
  (cd "$root" && "$clangxx" -std=c++20 -O1 -g -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I src \
    "${sources[@]}" -o "$binary")
  echo "paste_parse_fuzz: compiled in $(($(date +%s) - start)) s"
fi

# -timeout: a single input taking over 5 s is a hang; -max_len covers pastes past the
# 10,000-line limit; the dictionary holds the separators and shapes the parser looks for.
exec "$binary" -max_total_time="$seconds" -timeout=5 -max_len=12000 -rss_limit_mb=2048 \
  -dict="$root/tests/fuzz/paste_parse.dict" -print_final_stats=1 \
  "$out/corpus" "$root/tests/fuzz/paste_parse_seeds"
