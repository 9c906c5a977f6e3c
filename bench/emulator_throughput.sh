#!/usr/bin/env bash
# Throughput of the spotify-emulator for one page of playlist items:
#   GET /v1/playlists/{id}/items?limit=50 with a valid bearer token, driven by wrk over loopback.
# Two timed runs: wrk -t2 -c64 and wrk -t2 -c8 (default 10 s each, after a 2 s warm-up).
# Prints requests/s, p50/p99 latency, the emulator's CPU time and its peak RSS (VmHWM).
#
# Usage: bench/emulator_throughput.sh [--full] [--duration SECONDS]
#   --full              load the full shared catalog (../shared/catalog-data next to the repo);
#                       default: the committed demo catalog (--demo-only)
#   --duration SECONDS  length of each timed run, 1-60 (default 10)
#
# wrk and the emulator run on the same machine and share its cores.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"
full=0
duration=10
while (($# > 0)); do
  case "$1" in
    --full) full=1 ;;
    --duration)
      [[ $# -ge 2 && "$2" =~ ^[0-9]+$ && "$2" -ge 1 && "$2" -le 60 ]] || {
        echo "--duration expects 1-60 seconds" >&2
        exit 2
      }
      duration="$2"
      shift
      ;;
    -h | --help)
      sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "unknown option '$1' (see --help)" >&2
      exit 2
      ;;
  esac
  shift
done

for tool in cmake wrk curl python3; do
  command -v "$tool" >/dev/null || {
    echo "$tool not found (scripts/setup.sh installs it)" >&2
    exit 1
  }
done

echo "building spotify-emulator (release preset)..." >&2
(cd "$repo" && cmake --preset release >/dev/null && cmake --build --preset release --target spotify-emulator) >&2
emulator="$repo/build/release/tools/spotify-emulator/spotify-emulator"

catalog_args=(--demo-only)
catalog_name="demo catalog (--demo-only)"
if ((full)); then
  catalog_dir="$repo/../shared/catalog-data"
  [[ -d "$catalog_dir" ]] || {
    echo "--full: $catalog_dir not found" >&2
    exit 1
  }
  catalog_dir="$(cd "$catalog_dir" && pwd)"
  catalog_args=(--catalog-dir "$catalog_dir")
  catalog_name="full catalog ($catalog_dir)"
fi

work="$(mktemp -d)"
emulator_pid=""
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
  if [[ -n "$emulator_pid" ]] && kill -0 "$emulator_pid" 2>/dev/null; then
    kill -TERM "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$emulator" --host 127.0.0.1 --port 0 --port-file "$work/port" \
  --client-id bench --client-secret s "${catalog_args[@]}" >"$work/emulator.out" 2>"$work/emulator.err" &
emulator_pid=$!

# Wait for the port file: at most 120 s (the full catalog takes a few seconds to load).
port=""
for _ in $(seq 1200); do
  if ! kill -0 "$emulator_pid" 2>/dev/null; then
    echo "the emulator exited during start-up:" >&2
    cat "$work/emulator.err" >&2
    exit 1
  fi
  if [[ -s "$work/port" ]]; then
    port="$(tr -d '[:space:]' <"$work/port")"
    [[ "$port" =~ ^[0-9]+$ ]] && break
    port=""
  fi
  sleep 0.1
done
[[ -n "$port" ]] || {
  echo "the emulator did not write its port within 120 s" >&2
  exit 1
}
base="http://127.0.0.1:$port"

token="$(curl -sS --fail -X POST -H 'Content-Type: application/json' \
  -d '{"client_id":"bench","user_id":"demo-pro","scopes":"playlist-read-private playlist-read-collaborative"}' \
  "$base/__emulator/tokens" | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')"

# The first playlist owned by demo-pro with at least 50 items, as the admin API lists them.
read -r playlist_id playlist_size < <(curl -sS --fail "$base/__emulator/users/demo-pro/playlists" | python3 -c '
import json, sys
for p in json.load(sys.stdin):
    if p["owner_id"] == "demo-pro" and len(p["entries"]) >= 50:
        print(p["id"], len(p["entries"]))
        break
else:
    sys.exit("demo-pro owns no playlist with 50 or more items")
')
url="$base/v1/playlists/$playlist_id/items?limit=50"

# One request by hand: it must be a 200 with 50 items.
status="$(curl -sS -o "$work/page.json" -w '%{http_code}' -H "Authorization: Bearer $token" "$url")"
[[ "$status" == 200 ]] || {
  echo "GET $url returned $status, not 200:" >&2
  head -c 500 "$work/page.json" >&2
  exit 1
}
page_bytes="$(wc -c <"$work/page.json")"
python3 -c 'import json, sys; n = len(json.load(open(sys.argv[1]))["items"]); sys.exit(0 if n == 50 else f"page has {n} items, not 50")' "$work/page.json"

# wrk script: the bearer header, and a machine-readable summary line at the end.
cat >"$work/bench.lua" <<EOF
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer $token"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("SUMMARY requests=%d duration_us=%d rps=%.0f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f bad_status=%d socket_errors=%d timeouts=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.connect + e.read + e.write, e.timeout))
end
EOF

clk_tck="$(getconf CLK_TCK)"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$emulator_pid/stat"; }
# Busy ticks of the whole machine (all cores): user + nice + system + irq + softirq + steal.
machine_ticks() { awk '$1 == "cpu" {print $2 + $3 + $4 + $7 + $8 + $9; exit}' /proc/stat; }
status_kb() { awk -v key="$1:" '$1 == key {print $2}' "/proc/$emulator_pid/status"; }

bench_describe "$repo"
echo "wrk and the emulator share the cores"
echo "emulator: $(grep -m1 'catalog' "$work/emulator.err" | sed 's/^spotify-emulator: //'); 2 server threads (default)"
echo "catalog: $catalog_name"
echo "request: GET /v1/playlists/$playlist_id/items?limit=50 (playlist of $playlist_size items; response $page_bytes bytes)"
echo "RSS before the timed runs (after the set-up calls above): VmRSS $(status_kb VmRSS) kB, VmHWM $(status_kb VmHWM) kB"

wrk -t2 -c8 -d2s -s "$work/bench.lua" "$url" >/dev/null # warm-up, not reported

failed=0
for connections in 64 8; do
  echo
  echo "== wrk -t2 -c$connections -d${duration}s --timeout 10s --latency"
  before="$(cpu_ticks)"
  machine_before="$(machine_ticks)"
  wrk -t2 -c"$connections" -d"${duration}s" --timeout 10s --latency -s "$work/bench.lua" "$url" | tee "$work/wrk.out"
  after="$(cpu_ticks)"
  machine_after="$(machine_ticks)"
  summary="$(grep '^SUMMARY ' "$work/wrk.out")"
  field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$summary"; }
  cpu_s="$(awk -v t=$((after - before)) -v hz="$clk_tck" 'BEGIN {printf "%.1f", t / hz}')"
  rest_s="$(awk -v t=$((machine_after - machine_before - (after - before))) -v hz="$clk_tck" 'BEGIN {printf "%.1f", t / hz}')"
  echo "RESULT c=$connections: $(field rps) requests/s, p50 $(field p50_ms) ms, p99 $(field p99_ms) ms," \
    "$(field requests) requests, non-2xx/3xx $(field bad_status), socket errors $(field socket_errors), timeouts $(field timeouts)," \
    "emulator CPU ${cpu_s} s, wrk + everything else ${rest_s} s (of $(($(nproc) * duration)) core-seconds)"
  if [[ "$(field bad_status)" != 0 || "$(field socket_errors)" != 0 || "$(field timeouts)" != 0 ||
    "$(field requests)" == 0 ]]; then
    echo "FAIL: some responses were not 200, or the run had socket errors or timeouts (> 10 s)" >&2
    failed=1
  fi
done

echo
echo "emulator peak RSS after the runs: VmHWM $(status_kb VmHWM) kB (VmRSS now $(status_kb VmRSS) kB)"
exit "$failed"
