#!/usr/bin/env bash
# Start-up time and memory of the spotify-emulator, with the demo catalog (--demo-only) and with the
# full shared catalog (../shared/catalog-data next to the repo).
# For each: RUNS starts (default 3); each measures the wall time from launch to the
# "spotify-emulator listening on ..." line and the peak RSS (VmHWM) at that moment, then stops the
# emulator. Prints every run and the median.
#
# Usage: bench/emulator_startup.sh [--runs N]   (N: 1-9, default 3)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"
runs=3
while (($# > 0)); do
  case "$1" in
    --runs)
      [[ $# -ge 2 && "$2" =~ ^[1-9]$ ]] || {
        echo "--runs expects 1-9" >&2
        exit 2
      }
      runs="$2"
      shift
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

echo "building spotify-emulator (release preset)..." >&2
(cd "$repo" && cmake --preset release >/dev/null && cmake --build --preset release --target spotify-emulator) >&2
emulator="$repo/build/release/tools/spotify-emulator/spotify-emulator"

full_dir="$repo/../shared/catalog-data"
[[ -d "$full_dir" ]] || {
  echo "$full_dir not found: the full-catalog runs need it" >&2
  exit 1
}
full_dir="$(cd "$full_dir" && pwd)"

work="$(mktemp -d)"
emulator_pid=""
# shellcheck disable=SC2317  # invoked by traps and after each run
stop_emulator() {
  if [[ -n "$emulator_pid" ]] && kill -0 "$emulator_pid" 2>/dev/null; then
    kill -TERM "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
  emulator_pid=""
}
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
  stop_emulator
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# One start: sets run_ms (launch to the "listening" line) and run_hwm_kb (VmHWM at that moment).
start_once() {
  local fifo="$work/stdout" line="" start end
  rm -f "$fifo"
  mkfifo "$fifo"
  start="$EPOCHREALTIME"
  "$emulator" --host 127.0.0.1 --port 0 "$@" >"$fifo" 2>"$work/stderr" &
  emulator_pid=$!
  exec {out}<"$fifo"
  # Blocks until the line arrives (the emulator flushes it); at most 120 s.
  if ! IFS= read -r -t 120 -u "$out" line || [[ "$line" != "spotify-emulator listening on "* ]]; then
    exec {out}<&-
    echo "no 'listening' line within 120 s (got '$line'):" >&2
    cat "$work/stderr" >&2
    exit 1
  fi
  end="$EPOCHREALTIME"
  run_hwm_kb="$(awk '$1 == "VmHWM:" {print $2}' "/proc/$emulator_pid/status")"
  exec {out}<&-
  run_ms="$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.0f", (b - a) * 1000}')"
  stop_emulator
}

median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

bench_describe "$repo"

measure() {
  local label="$1"
  shift
  local times=() hwms=() i
  for ((i = 1; i <= runs; i++)); do
    start_once "$@"
    times+=("$run_ms")
    hwms+=("$run_hwm_kb")
    echo "  $label run $i: ${run_ms} ms to listening, VmHWM ${run_hwm_kb} kB"
  done
  echo "  ($(grep -m1 'catalog' "$work/stderr" | sed 's/^spotify-emulator: //'))"
  echo "RESULT $label: median ${runs} runs: $(median "${times[@]}") ms to listening," \
    "VmHWM $(median "${hwms[@]}") kB ($(awk -v k="$(median "${hwms[@]}")" 'BEGIN {printf "%.1f", k / 1024}') MiB)"
}

echo "== demo catalog (--demo-only)"
measure demo --demo-only
echo "== full catalog (--catalog-dir $full_dir)"
measure full --catalog-dir "$full_dir"
