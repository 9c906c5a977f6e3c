#!/usr/bin/env bash
# Throughput and latency of `plm serve` for the playlists list: GET /api/playlists (the demo
# account's 330 playlists, signed in with a session cookie) driven by wrk -t2 at 64 connections
# over loopback. Two timed runs: without and with `Accept-Encoding: gzip` (what browsers send).
# Prints wrk's report, a RESULT line per run, the response sizes and plm's peak RSS (VmHWM).
# Target (issue 4): at least 20,000 requests/s with p99 under 5 ms on 2 cores.
#
# Usage: bench/web_playlists.sh [--duration SECONDS] [--connections N]
# wrk and plm serve share the machine's cores.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

duration=10
connections=64
while (($# > 0)); do
  case "$1" in
    --duration) duration="${2:?}"; shift ;;
    --connections) connections="${2:?}"; shift ;;
    -h | --help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ "$duration" =~ ^[0-9]+$ && "$connections" =~ ^[0-9]+$ ]] || { echo "numbers expected" >&2; exit 2; }

cmake --preset release >/dev/null
cmake --build --preset release --target plm spotify-emulator >/dev/null
source scripts/lib/stack.sh
stack_init build/release

port="$(stack_free_port)"
public="http://127.0.0.1:$port/"
stack_start_emulator "$public" --demo-only --auto-approve
export PLM_SPOTIFY_RATE_BUDGET=3000 PLM_USER=bench
stack_add_user bench bench-password admin
stack_start_plm "$public" "127.0.0.1:$port"
csrf="$(stack_sign_in "$public" bench bench-password)"
stack_connect "$public" "$csrf" >/dev/null
"$STACK_PLM" sync >/dev/null
cookie="$(awk '$6 == "plm_session" { print "plm_session=" $7 }' "$STACK_COOKIES")"
url="${public}api/playlists"

total="$(curl -sS -H "Cookie: $cookie" "$url" | stack_json '["total"]')"
plain_bytes="$(curl -sS -H "Cookie: $cookie" -o /dev/null -w '%{size_download}' "$url")"
gzip_bytes="$(curl -sS -H "Cookie: $cookie" -H 'Accept-Encoding: gzip' -o /dev/null -w '%{size_download}' "$url")"
echo "GET /api/playlists: $total playlists, $plain_bytes bytes ($gzip_bytes gzip)"
[[ "$total" == 330 ]] || stack_fail "expected 330 playlists"

plm_pid="$STACK_APP_PID"
run() {  # run LABEL [extra wrk args]
  local label="$1"; shift
  wrk -t2 -c"$connections" -d2s -H "Cookie: $cookie" "$@" "$url" >/dev/null  # warm-up
  local cpu_before; cpu_before="$(awk '{print $14 + $15}' "/proc/$plm_pid/stat")"
  local report; report="$(wrk -t2 -c"$connections" -d"${duration}s" --latency -H "Cookie: $cookie" "$@" "$url")"
  local cpu_after; cpu_after="$(awk '{print $14 + $15}' "/proc/$plm_pid/stat")"
  echo "$report"
  local rps p50 p99 errors
  rps="$(awk '/^Requests\/sec/ {print $2}' <<<"$report")"
  p50="$(awk '$1 == "50%" {print $2}' <<<"$report")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$report")"
  errors="$(awk '/Non-2xx/ {print $NF}' <<<"$report")"
  echo "RESULT $label: ${rps} req/s, p50 $p50, p99 $p99, non-2xx ${errors:-0}," \
    "plm CPU $(( (cpu_after - cpu_before) / $(getconf CLK_TCK) )) s of ${duration} s"
  if [[ -n "$errors" ]]; then stack_fail "non-2xx responses"; fi
}
run "identity, -c$connections"
run "gzip, -c$connections" -H 'Accept-Encoding: gzip'
echo "plm serve peak RSS: $(awk '/VmHWM/ {print $2, $3}' "/proc/$plm_pid/status")"
