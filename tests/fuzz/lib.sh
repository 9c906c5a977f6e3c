# shellcheck shell=bash
# Shared by the fuzz scripts (source it): the clang++ they compile with and the build of a
# libFuzzer target with ASan/UBSan, redone only when a source or header changed.

# fuzz_clangxx NAME: prints the clang++ to use, or fails with NAME's message when there is none.
fuzz_clangxx() {
  local clangxx="${PLM_FUZZ_CXX:-$(command -v clang++-14 || command -v clang++ || true)}"
  if [[ -z "$clangxx" ]]; then
    echo "$1: no clang++ (scripts/setup.sh installs clang-14 and libclang-rt-14-dev)" >&2
    return 1
  fi
  echo "$clangxx"
}

# fuzz_build NAME CLANGXX ROOT OUT BINARY "SOURCES" "HEADERS" "COMPILE_FLAGS" "LINK_FLAGS":
# compiles each source (paths relative to ROOT) into OUT, two at a time (the suite runs on 2
# cores), and links BINARY, unless BINARY is newer than every source and header.
fuzz_build() {
  local name="$1" clangxx="$2" root="$3" out="$4" binary="$5"
  # Lists of words (no globs in them): split on blanks and line breaks.
  # shellcheck disable=SC2206
  local -a sources=($6) headers=($7) compile_flags=($8) link_flags=($9)
  local stale=0 file
  if [[ ! -x "$binary" ]]; then stale=1; fi
  for file in "${sources[@]}" "${headers[@]}"; do
    if [[ "$root/$file" -nt "$binary" ]]; then stale=1; fi
  done
  ((stale)) || return 0
  local start pids=() objects=() source object
  start=$(date +%s)
  for source in "${sources[@]}"; do
    object="$out/$(basename "$source" .cpp).o"
    objects+=("$object")
    (cd "$root" && "$clangxx" -std=c++20 -O1 -g -fno-omit-frame-pointer \
      -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I src \
      "${compile_flags[@]}" -c "$source" -o "$object") &
    pids+=($!)
    if ((${#pids[@]} == 2)); then
      wait "${pids[0]}" "${pids[1]}"
      pids=()
    fi
  done
  for source in "${pids[@]}"; do wait "$source"; done
  "$clangxx" -fsanitize=fuzzer,address,undefined "${objects[@]}" "${link_flags[@]}" -o "$binary"
  echo "$name: compiled in $(($(date +%s) - start)) s"
}
