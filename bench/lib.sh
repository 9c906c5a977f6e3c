# shellcheck shell=bash
# Shared by the scripts in bench/ (source it): what every report starts with.

# bench_describe REPO: the commit measured (marked when tracked files have changes) and the machine,
# with its load average (the VM is shared: figures mean little without it).
bench_describe() {
  local repo="$1" commit
  commit="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  [[ -z "$(git -C "$repo" status --porcelain --untracked-files=no 2>/dev/null)" ]] || commit="$commit (uncommitted changes)"
  echo "commit: $commit"
  echo "machine: $(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo); load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

# bench_google_benchmark REPO TARGET REPETITIONS OUT [FLAGS...]: builds the Google Benchmark binary
# TARGET (under build/release/bench) with the release preset, describes the run, and runs it with
# REPETITIONS repetitions (aggregates only), writing its JSON results to OUT.
bench_google_benchmark() {
  local repo="$1" target="$2" repetitions="$3" out="$4"
  shift 4
  echo "building $target (release preset)..." >&2
  (cd "$repo" && cmake --preset release >/dev/null && cmake --build --preset release --target "$target") >&2
  bench_describe "$repo"
  echo
  "$repo/build/release/bench/$target" --benchmark_repetitions="$repetitions" \
    --benchmark_display_aggregates_only=true --benchmark_out="$out" --benchmark_out_format=json "$@"
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
}
