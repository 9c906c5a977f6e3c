#!/usr/bin/env bash
# `plm sync` against the spotify-emulator with a fixed latency and a rate budget (issue 3).
# Scenario A: user `bench` owning 300 playlists × 100 tracks (a generated seed, demo catalog).
# Scenario B: the default demo seed, `demo-pro` (330 playlists, one of them 10,000 tracks).
# For each: a first sync (fresh data dir), then a re-sync of the unchanged account. For A also a
# fault run (fresh emulator and data dir) with 429 storms and 5xx bursts, checked against the
# emulator's own copy of the playlists. Prints calls, planned calls, the emulator's call and 429
# counts, wall time against the lower bound the latency and budget allow, and plm's peak RSS.
#
# Scenario C (issue 13): user `many` with 2,000 playlists (a generated seed: 1,920 of 20 tracks,
# 60 of 80 and 20 of 200, interleaved: 2,120 item pages and 40 listing pages), to measure the
# sync with several playlists in flight (PLM_SYNC_IN_FLIGHT); not part of `all`.
#
# Usage: bench/sync.sh [--scenario a|b|c|all] [--latency MS] [--budget N] [--in-flight N]
#   --scenario a|b|c|all  which scenario to run (default all = a and b; the fault run comes with A)
#   --latency MS        emulator latency per Web API call, 0-2000 (default 100)
#   --budget N          calls per rolling 30 s, for the emulator and plm alike, 1-100000 (default 300)
#   --in-flight N       PLM_SYNC_IN_FLIGHT: playlists read at once, 1-16 (default 4)
#
# Needs /usr/bin/time (Debian package `time`), curl and python3.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"
scenario=all
latency=100
budget=300
in_flight=4
while (($# > 0)); do
  case "$1" in
    --scenario)
      [[ $# -ge 2 && "$2" =~ ^(a|b|c|all)$ ]] || {
        echo "--scenario expects a, b, c or all" >&2
        exit 2
      }
      scenario="$2"
      shift
      ;;
    --latency)
      [[ $# -ge 2 && "$2" =~ ^[0-9]+$ && "$2" -le 2000 ]] || {
        echo "--latency expects 0-2000 milliseconds" >&2
        exit 2
      }
      latency="$2"
      shift
      ;;
    --budget)
      [[ $# -ge 2 && "$2" =~ ^[0-9]+$ && "$2" -ge 1 && "$2" -le 100000 ]] || {
        echo "--budget expects 1-100000 calls per 30 s" >&2
        exit 2
      }
      budget="$2"
      shift
      ;;
    --in-flight)
      [[ $# -ge 2 && "$2" =~ ^[0-9]+$ && "$2" -ge 1 && "$2" -le 16 ]] || {
        echo "--in-flight expects 1-16 playlists" >&2
        exit 2
      }
      in_flight="$2"
      shift
      ;;
    -h | --help)
      sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "unknown option '$1' (see --help)" >&2
      exit 2
      ;;
  esac
  shift
done

for tool in cmake curl python3; do
  command -v "$tool" >/dev/null || {
    echo "$tool not found (scripts/setup.sh installs it)" >&2
    exit 1
  }
done
[[ -x /usr/bin/time ]] || {
  echo "/usr/bin/time not found (install the Debian package 'time')" >&2
  exit 1
}

echo "building plm and spotify-emulator (release preset)..." >&2
(cd "$repo" && cmake --preset release >/dev/null && cmake --build --preset release --target plm spotify-emulator) >&2
emulator="$repo/build/release/tools/spotify-emulator/spotify-emulator"
plm="$repo/build/release/programs/plm/plm"

work="$(mktemp -d)"
emulator_pid=""
# shellcheck disable=SC2317  # invoked by the EXIT trap and by start_emulator
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

# Scenario A's seed: 300 explicit playlists of 100 catalog tracks each, owned by `bench`.
python3 - "$work/seed_a.json" <<'EOF'
import json, sys
seed = {
    "$comment": "bench/sync.sh scenario A: 300 playlists x 100 tracks",
    "users": [{"id": "bench", "display_name": "Sync Bench"}],
    "playlists": [{"owner": "bench", "name": f"Bench playlist {i:03d}", "random_tracks": 100}
                  for i in range(1, 301)],
}
with open(sys.argv[1], "w") as f:
    json.dump(seed, f)
EOF

# Scenario C's seed: 2,000 playlists owned by `many`; every 100th of 200 tracks (four pages),
# every other 25th of 80 (two pages), the rest of 20 (one page).
python3 - "$work/seed_c.json" <<'EOF'
import json, sys
def tracks(i):
    return 200 if i % 100 == 0 else 80 if i % 25 == 0 else 20
seed = {
    "$comment": "bench/sync.sh scenario C: 2,000 playlists, 2,120 item pages",
    "users": [{"id": "many", "display_name": "Many Playlists"}],
    "playlists": [{"owner": "many", "name": f"Many playlist {i:04d}", "random_tracks": tracks(i)}
                  for i in range(1, 2001)],
}
with open(sys.argv[1], "w") as f:
    json.dump(seed, f)
EOF

base=""
# start_emulator USER [emulator args...]: a fresh emulator that auto-approves USER.
start_emulator() {
  local user="$1"
  shift
  stop_emulator
  rm -f "$work/port"
  "$emulator" --host 127.0.0.1 --port 0 --port-file "$work/port" \
    --client-id bench --client-secret s --redirect-uri http://127.0.0.1/callback \
    --auto-approve --auto-approve-user "$user" \
    --latency-ms "$latency" --rate-budget "$budget" "$@" >"$work/emulator.out" 2>"$work/emulator.err" &
  emulator_pid=$!
  # Wait for the port file: at most 60 s.
  local port=""
  for _ in $(seq 600); do
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
    echo "the emulator did not write its port within 60 s" >&2
    exit 1
  }
  base="http://127.0.0.1:$port"
}

# Runs plm with a data dir of its own and the emulator's URLs; the rest as arguments.
run_plm() {
  local data_dir="$1"
  shift
  env PLM_CONFIG= PLM_DATA_DIR="$data_dir" PLM_SPOTIFY_CLIENT_ID=bench PLM_SPOTIFY_CLIENT_SECRET=s \
    PLM_SPOTIFY_REDIRECT_URI=http://127.0.0.1/callback \
    PLM_SPOTIFY_API_URL="$base/v1" PLM_SPOTIFY_ACCOUNTS_URL="$base" \
    PLM_SPOTIFY_RATE_BUDGET="$budget" PLM_SPOTIFY_MAX_WAIT_S=60 PLM_SYNC_IN_FLIGHT="$in_flight" "$@"
}

# Headless connect: --print-url, GET it (auto-approved: 303 to the redirect URI), --callback.
connect() {
  local data_dir="$1" url location
  url="$(run_plm "$data_dir" timeout 30 "$plm" connect --print-url | head -n 1)"
  location="$(curl -sS --max-time 30 -o /dev/null -w '%{http_code} %{redirect_url}' "$url")"
  [[ "$location" == "303 "* ]] || {
    echo "GET of the authorize URL answered '$location', not a 303" >&2
    exit 1
  }
  run_plm "$data_dir" timeout 30 "$plm" connect --callback "${location#303 }" >/dev/null
  # Start the measured sync with an empty window at the emulator (same budget; this clears its
  # windows), so that the bound below holds. plm's ledger (in the data dir, shared by every plm
  # process since issue 8) still counts connect's GET /me: one call on the safe side.
  admin POST rate-limits "{\"window_budget\": $budget}" >/dev/null
}

admin() { curl -sS --fail --max-time 30 -X "$1" -H 'Content-Type: application/json' ${3:+-d "$3"} "$base/__emulator/$2"; }

# run_sync LABEL DATA_DIR: one `plm --json sync` under /usr/bin/time -v (bounded at 30 min), with the
# emulator's stats cleared first. Leaves $work/LABEL.{json,time,stats} and sets sync_rc.
sync_rc=0
run_sync() {
  local label="$1" data_dir="$2" start end
  admin DELETE stats >/dev/null
  start="$(date +%s%N)"
  sync_rc=0
  run_plm "$data_dir" timeout 1800 /usr/bin/time -v -o "$work/$label.time" \
    "$plm" --json sync >"$work/$label.json" 2>"$work/$label.err" || sync_rc=$?
  end="$(date +%s%N)"
  echo "$(((end - start) / 1000000))" >"$work/$label.wall_ms"
  admin GET stats >"$work/$label.stats"
  if ((sync_rc != 0)); then
    echo "plm sync ($label) exited with $sync_rc:" >&2
    cat "$work/$label.err" >&2
  fi
}

# report LABEL KIND: prints the figures of one sync and appends a summary row. KIND is `first`
# (calls must equal planned_calls), `resync` (calls must equal ceil(P/50)) or `faults`.
rows=()
failed=0
report() {
  local label="$1" kind="$2" line
  python3 - "$work" "$label" "$kind" "$latency" "$budget" "$sync_rc" "$in_flight" <<'EOF'
import json, math, re, sys
work, label, kind, latency_ms, budget, rc, in_flight = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
stats = json.load(open(f"{work}/{label}.stats"))
wall = int(open(f"{work}/{label}.wall_ms").read()) / 1000
rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(f"{work}/{label}.time").read()).group(1))
try:
    r = json.load(open(f"{work}/{label}.json"))
except ValueError:
    r = {}
calls = r.get("calls", -1)
planned = r.get("planned_calls", -1)
playlists = r.get("playlists", 0)
emu_calls = stats["total"]
emu_429 = stats["rate_limited"]
# Lower bound on wall time for C calls: the listing's L pages one after another and the other
# calls N at a time, (L + (C - L) / N) x latency; and the rolling window (budget calls per 30 s,
# the first window free) makes call 1 + k*budget wait 30 s x k after call 1. Issue 13's bound,
# max(C x latency / N, budget bound), is printed too (it lets the listing overlap as well).
c = emu_calls
listing = min(c, math.ceil(playlists / 50))
budget_bound = 30 * ((c - 1) // budget) if c > 0 else 0
bound = max((listing + (c - listing) / in_flight) * latency_ms / 1000, budget_bound)
issue_bound = max(c * latency_ms / 1000 / in_flight, budget_bound)
ratio = wall / bound if bound > 0 else float("nan")
ok = rc == 0
expect = "exit 0"
if kind == "first":
    ok = ok and calls == planned and emu_calls == calls
    expect = "exit 0, calls == planned_calls == emulator calls, no 429"
elif kind == "resync":
    lb = math.ceil(playlists / 50)
    ok = ok and calls == lb and emu_calls == lb
    expect = f"exit 0, calls == ceil(P/50) = {lb} == emulator calls, no 429"
if kind != "faults":
    ok = ok and emu_429 == 0
else:
    injected = sum(rule["count"] for rule in json.load(open(f"{work}/faults.json"))["rules"])
    ok = ok and stats["faults"] == injected
    expect = f"exit 0, all {injected} injected faults sent"
print(f"RESULT {label}: exit {rc}, {playlists} playlists ({r.get('read', '?')} read, {r.get('unchanged', '?')} unchanged), "
      f"calls {calls} / planned {planned}, emulator calls {emu_calls} (429s {emu_429}, faults {stats['faults']}), "
      f"retries {r.get('retries', '?')}, rate_limited {r.get('rate_limited', '?')}, waited {r.get('waited_ms', 0) / 1000:.1f} s, "
      f"wall {wall:.2f} s, bound {bound:.1f} s (issue 13's {issue_bound:.1f} s), ratio {ratio:.3f}, peak RSS {rss_kb} kB"
      + (f"; target wall <= 1.15 x bound: {'met' if ratio <= 1.15 else 'missed'}" if kind != "faults" else "")
      + f"; check ({expect}): {'ok' if ok else 'FAILED'}")
with open(f"{work}/{label}.row", "w") as row:
    print(f"{label}|{rc}|{playlists}|{calls}|{planned}|{emu_calls}|{emu_429}|{r.get('retries', '?')}|{r.get('rate_limited', '?')}|{wall:.2f}|{bound:.1f}|{ratio:.3f}|{rss_kb / 1024:.1f}|{'ok' if ok else 'FAIL'}", file=row)
EOF
  line="$(cat "$work/$label.row")"
  rows+=("$line")
  [[ "$line" == *"|ok" ]] || failed=1
}

# check_store LABEL DATA_DIR USER: stored playlists (ids, track counts, and the URIs of 5 of
# them in order) must match GET /__emulator/users/USER/playlists. Readable owned playlists only.
check_store() {
  local label="$1" data_dir="$2" user="$3" id
  admin GET "users/$user/playlists" >"$work/$label.emulator.json"
  run_plm "$data_dir" timeout 60 "$plm" --json playlists >"$work/$label.playlists.json"
  mkdir -p "$work/$label.show"
  # Five playlists spread over the list (first, last and three between).
  for id in $(python3 -c '
import json, sys
p = [x["id"] for x in json.load(open(sys.argv[1])) if x["owner_id"] == sys.argv[2]]
print(*sorted({p[i * (len(p) - 1) // 4] for i in range(5)}))' "$work/$label.emulator.json" "$user"); do
    run_plm "$data_dir" timeout 60 "$plm" --json playlist show "$id" >"$work/$label.show/$id.json"
  done
  python3 - "$work" "$label" "$user" <<'EOF' || failed=1
import json, os, sys
work, label, user = sys.argv[1:4]
emu = {p["id"]: p for p in json.load(open(f"{work}/{label}.emulator.json")) if p["owner_id"] == user}
stored = {p["id"]: p for p in json.load(open(f"{work}/{label}.playlists.json"))}
bad = [i for i in emu if i not in stored or stored[i]["track_count"] != len(emu[i]["entries"])]
shown = sorted(os.listdir(f"{work}/{label}.show"))
for name in shown:
    pid = name[:-5]
    items = json.load(open(f"{work}/{label}.show/{name}"))["items"]
    want = [e["uri"] for e in emu[pid]["entries"]]
    got = [i.get("uri") for i in items]
    if got != want:
        bad.append(f"{pid} (items differ: {len(got)} stored, {len(want)} in the emulator)")
print(f"STORE {label}: {len(emu)} playlists owned by {user} in the emulator, {len(stored)} stored; "
      f"track counts compared for all, items (URIs in order) for {len(shown)}: "
      + ("match" if not bad else f"MISMATCH {bad[:5]}"))
sys.exit(1 if bad else 0)
EOF
}

bench_describe "$repo"
echo "emulator: --latency-ms $latency --rate-budget $budget (per 30 s), demo catalog (--demo-only); plm: PLM_SPOTIFY_RATE_BUDGET=$budget PLM_SYNC_IN_FLIGHT=$in_flight"
echo "bound: max((L + (C-L)/N) x latency, 30 s x floor((C-1)/budget)) for C emulator calls, L = ceil(P/50) listing pages, N in flight; ratio = wall / bound"

# Scenario A or B: first sync, then the re-sync of the unchanged account.
run_scenario() {
  local name="$1" user="$2" data_dir="$work/data-$1"
  shift 2
  echo
  echo "== scenario $name: user $user"
  start_emulator "$user" "$@"
  connect "$data_dir"
  run_sync "$name-first" "$data_dir"
  report "$name-first" first
  ((sync_rc == 0)) && check_store "$name-first" "$data_dir" "$user"
  run_sync "$name-resync" "$data_dir"
  report "$name-resync" resync
}

if [[ "$scenario" == a || "$scenario" == all ]]; then
  run_scenario A bench --demo-only --seed "$work/seed_a.json"

  echo
  echo "== scenario A with faults: fresh emulator and data dir"
  start_emulator bench --demo-only --seed "$work/seed_a.json"
  connect "$work/data-A-faults"
  # Counted over Web API calls from now (the sync's first call is number 1): two storms of eight
  # 429s (Retry-After 1 s) from the 50th and the 250th call, three 503s on item pages from the
  # 200th, two 502s from the 400th. Eight is the longest storm plm waits out within one call
  # (RetrySettings::max_rate_limit_retries); a ninth 429 in a row ends the sync with exit code 4.
  cat >"$work/faults.json" <<'EOF'
{"rules":[
    {"kind":"rate_limit","retry_after_s":1,"nth":50,"count":8},
    {"kind":"rate_limit","retry_after_s":1,"nth":250,"count":8},
    {"kind":"status","status":503,"nth":200,"count":3,"path_contains":"/items"},
    {"kind":"status","status":502,"nth":400,"count":2}]}
EOF
  admin POST faults "$(cat "$work/faults.json")" >/dev/null
  run_sync A-faults "$work/data-A-faults"
  report A-faults faults
  if ((sync_rc == 0)); then
    check_store A-faults "$work/data-A-faults" bench
  else
    failed=1
  fi
fi

if [[ "$scenario" == b || "$scenario" == all ]]; then
  run_scenario B demo-pro --demo-only
fi

if [[ "$scenario" == c ]]; then
  run_scenario C many --demo-only --seed "$work/seed_c.json"
fi
stop_emulator

echo
echo "== summary (latency $latency ms, budget $budget calls / 30 s, $in_flight in flight; wall and bound in s, RSS in MiB)"
{
  echo "run|exit|playlists|calls|planned|emu calls|emu 429s|retries|rate_limited|wall|bound|ratio|peak RSS|check"
  printf '%s\n' "${rows[@]}"
} | column -t -s '|'
exit "$failed"
