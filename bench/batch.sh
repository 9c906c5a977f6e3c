#!/usr/bin/env bash
# Batch edits through `plm batch` against the spotify-emulator with a fixed latency and a rate
# budget (issue 10 §6). User `bench` owns 300 playlists of 100 random catalog tracks; every fifth
# of them (60) holds the same marker track first. A collaborative playlist of 10,000 tracks owned
# by someone else (`bench` may change its items, and it is not `owned`) serves the preview of one
# big playlist. The first sync runs at an unlimited budget (not measured); then the emulator's
# window is set to the budget and, 31 s apart so each starts with an empty window:
#   (a) add-300      `plm batch add --playlists owned --position 3 URI`: a track none holds, at
#                    position 3 of all 300 playlists
#   (b) remove-60    `plm batch remove --playlists owned MARKER`: the marker out of the 60 that
#                    hold it (240 unchanged)
#   (c) preview-300  (a)'s --dry-run over the 300 playlists of 100 tracks
#   (d) preview-10k  `plm batch sort --playlists ID --by title --dry-run` on the 10,000 tracks
# For (a) and (b): the Spotify calls the emulator counted, by endpoint, against the lower bound
# (per changed playlist: one snapshot confirmation and its one write) and the wall time against
# the rate-limit bound at the budget (C calls take 30 s x floor((C-1)/budget): the first budget's
# worth goes at once) and the latency bound (C x latency), and against the sequential bound (the
# calls after the last window opens still take the latency each: 30 s x k + ((C-1) mod budget +
# 1) x latency, k = floor((C-1)/budget)); the emulator's lists are checked. For
# (c) and (d): wall time and no call sent.
#
# Usage: bench/batch.sh [--latency MS] [--budget N]
#   --latency MS  emulator latency per Web API call, 0-2000 (default 100)
#   --budget N    calls per rolling 30 s, for the emulator and plm alike (default 90)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
# shellcheck source=bench/lib.sh
source bench/lib.sh
latency=100
budget=90
while (($# > 0)); do
  case "$1" in
    --latency) latency="${2:?}"; shift ;;
    --budget) budget="${2:?}"; shift ;;
    -h | --help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ "$latency" =~ ^[0-9]+$ && "$latency" -le 2000 ]] || { echo "--latency expects 0-2000" >&2; exit 2; }
[[ "$budget" =~ ^[0-9]+$ && "$budget" -ge 1 ]] || { echo "--budget expects a positive number" >&2; exit 2; }

echo "building plm and spotify-emulator (release preset)..." >&2
cmake --preset release >/dev/null
cmake --build --preset release --target plm spotify-emulator >&2
# shellcheck source=scripts/lib/stack.sh
source scripts/lib/stack.sh
stack_init build/release
work="$STACK_WORK"
catalog="$repo/tools/spotify-emulator/catalog/data/demo_catalog.csv"

# The marker: the catalog's first track (the random fill may put it in a few more playlists; the
# lower bound counts the playlists that held it).
python3 - "$work/seed.json" "$catalog" "$work/marker" <<'EOF'
import csv, json, sys
marker = "spotify:track:" + next(csv.DictReader(open(sys.argv[2])))["track_id"]
open(sys.argv[3], "w").write(marker + "\n")
playlists = [{"owner": "bench", "name": f"Batch {i:03}", "random_tracks": 100 - (i % 5 == 0),
              **({"tracks": [marker]} if i % 5 == 0 else {})} for i in range(300)]
playlists.append({"owner": "other", "name": "Big 10000", "collaborative": True, "public": False,
                  "random_tracks": 10000, "followers": ["bench"]})
json.dump({"$comment": "bench/batch.sh", "users": [{"id": "bench", "display_name": "Batch Bench"},
                                                   {"id": "other", "display_name": "Other"}],
           "playlists": playlists}, open(sys.argv[1], "w"))
EOF
marker="$(cat "$work/marker")"
stack_start_emulator "http://127.0.0.1/" --demo-only --seed "$work/seed.json" \
  --auto-approve --auto-approve-user bench --latency-ms "$latency" --rate-budget 100000
export PLM_SPOTIFY_REDIRECT_URI=http://127.0.0.1/callback PLM_SPOTIFY_RATE_BUDGET=100000 \
  PLM_SPOTIFY_MAX_WAIT_S=120
admin() { curl -sS --fail --max-time 60 -X "$1" -H 'Content-Type: application/json' ${3:+-d "$3"} "$STACK_SPOTIFY/__emulator/$2"; }

url="$("$STACK_PLM" connect --print-url | head -n 1)"
location="$(curl -sS --max-time 30 -o /dev/null -w '%{http_code} %{redirect_url}' "$url")"
[[ "$location" == "303 "* ]] || stack_fail "GET of the authorize URL answered '$location'"
"$STACK_PLM" connect --callback "${location#303 }" >/dev/null
echo "syncing 301 playlists (not measured)..." >&2
"$STACK_PLM" sync --quiet >/dev/null
admin POST rate-limits "{\"window_budget\": $budget}" >/dev/null
export PLM_SPOTIFY_RATE_BUDGET="$budget"
# The added track: the first catalog track no owned playlist holds, so all 300 change.
added="$(admin GET users/bench/playlists | python3 -c '
import csv, json, sys
held = {e["uri"] for p in json.load(sys.stdin) if p["owner_id"] == "bench" for e in p["entries"]}
print(next(u for u in ("spotify:track:" + r["track_id"] for r in csv.DictReader(open(sys.argv[1])))
           if u not in held))' "$catalog")"
big="$(admin GET users/bench/playlists | python3 -c 'import json,sys; print(next(p["id"] for p in json.load(sys.stdin) if p["name"] == "Big 10000"))')"

bench_describe "$repo"
echo "emulator: --latency-ms $latency, window budget $budget calls per 30 s (set after the first sync);"
echo "plm: PLM_SPOTIFY_RATE_BUDGET=$budget; 300 owned playlists x 100 tracks, marker in 60"
echo "rate bound: max(C x latency, 30 s x floor((C-1)/budget)) for C emulator calls; sequential bound:"
echo "  max(C x latency, 30 s x k + ((C-1) mod budget + 1) x latency), k = floor((C-1)/budget); ratio = wall / bound"
echo

rows=()
failed=0
# run_scenario NAME CHECK plm-arguments...: times `plm --json ARGS`, then the figures. CHECK names
# what the emulator must show afterwards (add, remove, none).
run_scenario() {
  local name="$1" check="$2" start end rc=0
  shift 2
  echo "waiting 31 s for an empty rate window..." >&2
  sleep 31
  admin DELETE stats >/dev/null
  start="$(date +%s%N)"
  timeout 3600 "$STACK_PLM" --json "$@" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
  end="$(date +%s%N)"
  admin GET stats >"$work/$name.stats"
  admin GET users/bench/playlists >"$work/$name.after.json"
  ((rc == 0)) || { echo "plm $* ($name) exited with $rc:" >&2; tail -5 "$work/$name.err" >&2; }
  python3 - "$work" "$name" "$check" "$rc" "$latency" "$budget" "$(((end - start) / 1000000))" \
    "$marker" "$added" <<'EOF' || failed=1
import json, sys
work, name, check, rc, latency, budget, wall_ms, marker, added = sys.argv[1:10]
rc, latency, budget, wall = int(rc), int(latency), int(budget), int(wall_ms) / 1000
stats = json.load(open(f"{work}/{name}.stats"))
calls = stats["total"]
by_endpoint = ", ".join(f"{k} {v}" for k, v in sorted(stats.get("by_endpoint", {}).items()))
try:
    out = json.load(open(f"{work}/{name}.out"))
except ValueError:
    out = {}
owned = [p for p in json.load(open(f"{work}/{name}.after.json")) if p["owner_id"] == "bench"]
uris = lambda p: [e["uri"] for e in p["entries"]]
if check == "none":
    statuses = {}
    for p in out.get("playlists", []):
        statuses[p["status"]] = statuses.get(p["status"], 0) + 1
    ok = rc == 0 and calls == 0 and out.get("dry_run") is True
    print(f"RESULT {name}: wall {wall:.2f} s, Spotify calls {calls} (none expected), planned calls "
          f"{out.get('calls')}, expected {out.get('expected_seconds')} s, statuses {statuses}; "
          f"check: {'ok' if ok else 'FAILED'}")
    row = f"{name}|{len(out.get('playlists', []))}|{calls}|0|-|{wall:.2f}|-|-|-|-|{'ok' if ok else 'FAIL'}"
else:
    done = [p for p in out.get("playlists", []) if p["status"] == "done"]
    if check == "add":
        good = all(uris(p)[2] == added and uris(p).count(added) == 1 for p in owned)
    else:
        good = all(marker not in uris(p) for p in owned)
    lower = 2 * len(done)
    bound = max(calls * latency / 1000, 30 * ((calls - 1) // budget) if calls > 0 else 0)
    # One call after the other: the window lets call j go at 30 s x floor(j/budget) at the
    # earliest, and each call takes the latency, so the last one ends no earlier than this.
    k = (calls - 1) // budget if calls > 0 else 0
    schedule = max(calls * latency / 1000, 30 * k + ((calls - 1) % budget + 1) * latency / 1000 if calls > 0 else 0)
    ok = rc == 0 and good and out.get("state") == "succeeded"
    print(f"RESULT {name}: {len(done)} playlists changed of {len(out.get('playlists', []))}; Spotify "
          f"calls {calls} ({by_endpoint}; 429s {stats.get('rate_limited', 0)}), lower bound {lower}; "
          f"plm counted {out.get('calls')}; wall {wall:.2f} s, bound {bound:.1f} s, ratio "
          f"{wall / bound if bound else float('nan'):.3f}, sequential bound {schedule:.1f} s, ratio "
          f"{wall / schedule if schedule else float('nan'):.3f}; check (exit 0, emulator lists): "
          f"{'ok' if ok else 'FAILED'}")
    row = (f"{name}|{len(done)}|{calls}|{lower}|{stats.get('rate_limited', 0)}|{wall:.2f}|{bound:.1f}|"
           f"{wall / bound if bound else 0:.3f}|{schedule:.1f}|{wall / schedule if schedule else 0:.3f}|"
           f"{'ok' if ok else 'FAIL'}")
open(f"{work}/{name}.row", "w").write(row + "\n")
sys.exit(0 if ok else 1)
EOF
  [[ -f "$work/$name.row" ]] && rows+=("$(cat "$work/$name.row")")
}

run_scenario preview-300 none batch add --playlists owned --position 3 "$added" --dry-run
run_scenario preview-10k none batch sort --playlists "$big" --by title --dry-run
run_scenario add-300 add batch add --playlists owned --position 3 "$added"
run_scenario remove-60 remove batch remove --playlists owned "$marker"

echo
echo "| scenario | playlists changed | calls | lower bound | 429s | wall s | rate bound s | ratio | sequential bound s | ratio | check |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for row in "${rows[@]}"; do echo "| ${row//|/ | } |"; done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$failed"
