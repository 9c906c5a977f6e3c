#!/usr/bin/env bash
# Edits of one playlist through `plm playlist edit ID --to FILE` against the spotify-emulator with
# a fixed latency and a rate budget (issue 9 §6). User `bench` owns three playlists of 100, 1,000
# and 10,000 random catalog tracks. Scenarios, each a desired list computed from the emulator's own
# copy (seeded, so runs compare):
#   moves-N     20 single tracks dragged elsewhere (a session of drag and drop), N = 100/1k/10k
#   shuffle-N   a full random reorder, N = 100 and 1,000 (10,000 would take ~10,000 moves: its plan
#               is printed with --dry-run only)
#   mixed-1000  10 moves, 5 insertions of 1-5 new tracks, 5 removals, on the 1,000-track playlist
#   shuffle-1000-replace  a full reorder with --allow-replace: plm rewrites the list when cheaper
# For each: the Spotify calls the emulator counted against a lower bound (the breakpoint bound for
# the moves, ⌈breakpoints/3⌉, plus one removal request when anything goes and ⌈added/100⌉ adds)
# and against rewriting the whole playlist as most tools do (a PUT of 100 and appends of 100:
# ⌈n/100⌉ calls, and every kept track's added_at lost); the wall time against the bound the
# latency and the budget allow; and the emulator's final list checked against the desired one.
#
# Usage: bench/edit.sh [--latency MS] [--budget N] [--seed S]
#   --latency MS  emulator latency per Web API call, 0-2000 (default 100)
#   --budget N    calls per rolling 30 s, for the emulator and plm alike (default 300)
#   --seed S      the random edits' seed (default 1)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
# shellcheck source=bench/lib.sh
source bench/lib.sh
latency=100
budget=300
seed=1
while (($# > 0)); do
  case "$1" in
    --latency) latency="${2:?}"; shift ;;
    --budget) budget="${2:?}"; shift ;;
    --seed) seed="${2:?}"; shift ;;
    -h | --help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ "$latency" =~ ^[0-9]+$ && "$latency" -le 2000 ]] || { echo "--latency expects 0-2000" >&2; exit 2; }
[[ "$budget" =~ ^[0-9]+$ && "$budget" -ge 1 ]] || { echo "--budget expects a positive number" >&2; exit 2; }
[[ "$seed" =~ ^[0-9]+$ ]] || { echo "--seed expects a number" >&2; exit 2; }

echo "building plm and spotify-emulator (release preset)..." >&2
cmake --preset release >/dev/null
cmake --build --preset release --target plm spotify-emulator >&2
# shellcheck source=scripts/lib/stack.sh
source scripts/lib/stack.sh
stack_init build/release
work="$STACK_WORK"

python3 - "$work/seed.json" <<'EOF'
import json, sys
seed = {
    "$comment": "bench/edit.sh: three playlists to edit",
    "users": [{"id": "bench", "display_name": "Edit Bench"}],
    "playlists": [{"owner": "bench", "name": f"Edit {n}", "random_tracks": n} for n in (100, 1000, 10000)],
}
json.dump(seed, open(sys.argv[1], "w"))
EOF
stack_start_emulator "http://127.0.0.1/" --demo-only --seed "$work/seed.json" \
  --auto-approve --auto-approve-user bench --latency-ms "$latency" --rate-budget "$budget"
export PLM_SPOTIFY_REDIRECT_URI=http://127.0.0.1/callback PLM_SPOTIFY_RATE_BUDGET="$budget" \
  PLM_SPOTIFY_MAX_WAIT_S=120
admin() { curl -sS --fail --max-time 60 -X "$1" -H 'Content-Type: application/json' ${3:+-d "$3"} "$STACK_SPOTIFY/__emulator/$2"; }

# Headless connect (the emulator auto-approves), then the first sync: not measured.
url="$("$STACK_PLM" connect --print-url | head -n 1)"
location="$(curl -sS --max-time 30 -o /dev/null -w '%{http_code} %{redirect_url}' "$url")"
[[ "$location" == "303 "* ]] || stack_fail "GET of the authorize URL answered '$location'"
"$STACK_PLM" connect --callback "${location#303 }" >/dev/null
echo "syncing the three playlists (not measured)..." >&2
"$STACK_PLM" sync >/dev/null

admin GET users/bench/playlists >"$work/playlists.json"
id_of() { python3 -c 'import json,sys; print(next(p["id"] for p in json.load(open(sys.argv[1])) if p["name"] == sys.argv[2]))' "$work/playlists.json" "$1"; }
catalog="$repo/tools/spotify-emulator/catalog/data/demo_catalog.csv"

bench_describe "$repo"
echo "emulator: --latency-ms $latency --rate-budget $budget (per 30 s); plm: PLM_SPOTIFY_RATE_BUDGET=$budget; seed $seed"
echo "bound: max(C x latency, 30 s x floor((C-1)/budget)) for C emulator calls; ratio = wall / bound"
echo

rows=()
failed=0
# run_scenario NAME PLAYLIST_NAME KIND [FLAGS]: desired list, the edit, the figures. FLAGS go to
# plm playlist edit (--dry-run, --allow-replace).
run_scenario() {
  local name="$1" playlist="$2" kind="$3" flags="${4:-}" dry="" id start end rc=0
  [[ "$flags" == *--dry-run* ]] && dry=1
  id="$(id_of "$playlist")"
  admin GET users/bench/playlists | python3 -c '
import json, sys
p = next(p for p in json.load(sys.stdin) if p["id"] == sys.argv[1])
json.dump([[("" if e.get("unavailable") else e["uri"]), e.get("added_at", "")] for e in p["entries"]],
          open(sys.argv[2], "w"))' \
    "$id" "$work/$name.before.json"
  python3 - "$work/$name.before.json" "$work/$name.desired" "$kind" "$seed" "$catalog" <<'EOF'
import csv, json, random, sys
before, out, kind, seed, catalog = [u for u, _ in json.load(open(sys.argv[1]))], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
rng = random.Random(f"{seed}/{kind}/{len(before)}")
items = list(before)
def move_one():
    i = rng.randrange(len(items)); uri = items.pop(i); items.insert(rng.randrange(len(items) + 1), uri)
if kind == "moves":
    for _ in range(20): move_one()
elif kind == "shuffle":
    rng.shuffle(items)
elif kind == "mixed":
    with open(catalog) as f:
        rows = list(csv.DictReader(f))
    fresh = ["spotify:track:" + r["track_id"] for r in rows]
    fresh = [u for u in fresh if u not in set(before)]
    for _ in range(10): move_one()
    for _ in range(5):
        pos = rng.randrange(len(items) + 1)
        for k in range(rng.randint(1, 5)): items.insert(pos + k, fresh.pop(rng.randrange(len(fresh))))
    for _ in range(5):
        singles = [i for i, u in enumerate(items) if items.count(u) == 1 and u in before]
        items.pop(rng.choice(singles))
with open(out, "w") as f:
    f.write("\n".join(items) + "\n")
EOF
  admin DELETE stats >/dev/null
  start="$(date +%s%N)"
  # shellcheck disable=SC2086
  timeout 3600 "$STACK_PLM" playlist edit "$id" --to "$work/$name.desired" --json $flags \
    >"$work/$name.out" 2>"$work/$name.err" || rc=$?
  end="$(date +%s%N)"
  admin GET stats >"$work/$name.stats"
  admin GET users/bench/playlists >"$work/$name.after.json"
  ((rc == 0)) || { echo "plm playlist edit ($name) exited with $rc:" >&2; cat "$work/$name.err" >&2; }
  python3 - "$work" "$name" "$id" "$rc" "$latency" "$budget" "$(((end - start) / 1000000))" "$dry" <<'EOF' || failed=1
import json, math, sys
work, name, pid, rc, latency, budget, wall_ms, dry = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]), sys.argv[8]
before_held = json.load(open(f"{work}/{name}.before.json"))
before = [u for u, _ in before_held]
desired = [l for l in open(f"{work}/{name}.desired").read().split("\n") if l]
after_held = next(p for p in json.load(open(f"{work}/{name}.after.json")) if p["id"] == pid)["entries"]
after = [("" if e.get("unavailable") else e["uri"]) for e in after_held]
stats = json.load(open(f"{work}/{name}.stats"))
calls = stats["total"]
# Writes are what the lower bound is about; reads are the snapshot confirmation, the settling of
# unknown outcomes and the catalog data of added tracks the CLI has none for (GET /tracks/{id}).
writes = sum(v for k, v in stats.get("by_endpoint", {}).items() if k.split(" ")[0] in ("POST", "PUT", "DELETE"))
reads = calls - writes
# Match kept items by URI and occurrence; the permutation of the kept ones gives the breakpoints.
from collections import defaultdict
slots = defaultdict(list)
for i, u in enumerate(before): slots[u].append(i)
used = defaultdict(int); perm = []; added = 0
for u in desired:
    k = used[u]; used[u] += 1
    if k < len(slots[u]): perm.append(slots[u][k])
    else: added += 1
# added_at lost: kept items (the k-th copy of a URI before and after) whose added_at changed.
lost = 0
if after == desired:
    seen = defaultdict(int)
    for j, u in enumerate(desired):
        k = seen[u]; seen[u] += 1
        if k < len(slots[u]) and after_held[j].get("added_at", "") != before_held[slots[u][k]][1]: lost += 1
kept = sorted(perm); rank = {v: r for r, v in enumerate(kept)}; perm = [rank[v] for v in perm]
framed = [-1] + perm + [len(perm)]
bp = sum(1 for a, b in zip(framed, framed[1:]) if b != a + 1)
removed = len(before) - len(kept)
lower = math.ceil(bp / 3) + (1 if removed else 0) + math.ceil(added / 100)
replace_calls = max(1, math.ceil(len(desired) / 100))
bound = max(calls * latency / 1000, 30 * ((calls - 1) // budget) if calls > 0 else 0)
wall = wall_ms / 1000
try:
    plan = json.load(open(f"{work}/{name}.out"))
except ValueError:
    plan = {}
if dry:
    ok = rc == 0 and calls == 0 and after == before
    planned = plan.get("preview", {}).get("calls", plan.get("calls", "?"))
    print(f"RESULT {name} (dry run): n={len(before)}, planned write calls {planned}, lower bound {lower} "
          f"(breakpoints {bp}), replace {replace_calls} calls losing {len(kept)} added_at; "
          f"Spotify calls {calls}; check (exit 0, no call, list unchanged): {'ok' if ok else 'FAILED'}")
    row = f"{name} (dry run)|{len(before)}|{planned} (planned writes)|{lower}|{replace_calls}|{len(kept)}|0|-|-|-|{'ok' if ok else 'FAIL'}"
else:
    ok = rc == 0 and after == desired
    print(f"RESULT {name}: n={len(before)} -> {len(desired)} (+{added} -{removed}), Spotify calls {calls} "
          f"({writes} writes, {reads} reads; 429s {stats['rate_limited']}), lower bound on writes {lower} (breakpoints {bp}), replace {replace_calls} "
          f"calls losing {len(kept)} added_at; plm lost {lost} added_at; wall {wall:.2f} s, bound {bound:.1f} s, "
          f"ratio {wall / bound if bound else float('nan'):.2f}; check (exit 0, emulator list == desired): "
          f"{'ok' if ok else 'FAILED'}")
    row = f"{name}|{len(before)}|{calls} ({writes} + {reads})|{lower}|{replace_calls}|{len(kept)}|{lost}|{wall:.2f}|{bound:.1f}|{wall / bound if bound else 0:.2f}|{'ok' if ok else 'FAIL'}"
open(f"{work}/{name}.row", "w").write(row + "\n")
sys.exit(0 if ok else 1)
EOF
  [[ -f "$work/$name.row" ]] && rows+=("$(cat "$work/$name.row")")
}

run_scenario moves-100 "Edit 100" moves
run_scenario moves-1000 "Edit 1000" moves
run_scenario moves-10000 "Edit 10000" moves
run_scenario shuffle-100 "Edit 100" shuffle
run_scenario shuffle-1000 "Edit 1000" shuffle
run_scenario shuffle-10000 "Edit 10000" shuffle --dry-run
run_scenario mixed-1000 "Edit 1000" mixed
# What a user who accepts losing the added_at dates gets for a full reorder: one rewrite.
run_scenario shuffle-1000-replace "Edit 1000" shuffle --allow-replace

echo
echo "| scenario | n | calls (writes + reads) | lower bound on writes | replace calls | added_at lost by replace | added_at lost | wall s | bound s | ratio | check |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for row in "${rows[@]}"; do echo "| ${row//|/ | } |"; done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$failed"
