#!/usr/bin/env bash
# Paste to add (issue 11 §5): `plm match` on the labelled lines of ../shared/matching-eval against
# the spotify-emulator loaded with ../shared/catalog-data in dev2026 mode (its defaults), plm
# knowing nothing from syncs: no account, a client-credentials token.
#   (a) quality      all lines of dev.jsonl, no latency, no rate limit: score.py's per-family
#                    table and summary line, the calls by endpoint, searches per line
#   (b) speed        the first N lines (default 1,000) at --latency MS and --budget N calls per
#                    rolling 30 s (emulator and plm alike): calls, searches per line (text lines
#                    and all), wall time against the rate bound 30 s x floor((C-1)/budget) and the
#                    latency bound C x latency / 4 (plm match keeps 4 lines in flight), 429s
#   (c) stored       the URI and link lines of those N, (1) with a client-credentials token and
#                    (2) with a connected account whose synced playlist holds their tracks: (2)
#                    must cost 0 calls
#   (d) baseline     the same N lines through bench/match_baseline.py (one plain search per line,
#                    the line as q, limit 1, the first result taken), same latency and budget:
#                    precision, recall and calls beside plm's
# Runs are 31 s apart under the budget, so each starts with an empty window; each plm run has a
# fresh data directory (no lookup cache, no remembered choice carried over).
#
# Usage: bench/match.sh [--latency MS] [--budget N] [--lines N] [--eval DIR]
#   --latency MS  emulator latency per Web API call in (b)-(d), 0-2000 (default 100)
#   --budget N    calls per rolling 30 s in (b)-(d), for the emulator and plm alike (default 240,
#                 the realistic profile's development-mode budget)
#   --lines N     lines for (b)-(d), 1-1200 (default 1000)
#   --eval DIR    the matching-eval directory (default ../shared/matching-eval next to the repo)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
# shellcheck source=bench/lib.sh
source bench/lib.sh
latency=100
budget=240
lines=1000
eval_dir="$repo/../shared/matching-eval"
while (($# > 0)); do
  case "$1" in
    --latency) latency="${2:?}"; shift ;;
    --budget) budget="${2:?}"; shift ;;
    --lines) lines="${2:?}"; shift ;;
    --eval) eval_dir="${2:?}"; shift ;;
    -h | --help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ "$latency" =~ ^[0-9]+$ && "$latency" -le 2000 ]] || { echo "--latency expects 0-2000" >&2; exit 2; }
[[ "$budget" =~ ^[0-9]+$ && "$budget" -ge 1 ]] || { echo "--budget expects a positive number" >&2; exit 2; }
[[ "$lines" =~ ^[0-9]+$ && "$lines" -ge 1 && "$lines" -le 1200 ]] || { echo "--lines expects 1-1200" >&2; exit 2; }
[[ -f "$eval_dir/dev.jsonl" && -f "$eval_dir/score.py" ]] || { echo "no dev.jsonl and score.py in $eval_dir" >&2; exit 2; }
eval_dir="$(cd "$eval_dir" && pwd)"

echo "building plm and spotify-emulator (release preset)..." >&2
cmake --preset release >/dev/null
cmake --build --preset release --target plm spotify-emulator >&2
# shellcheck source=scripts/lib/stack.sh
source scripts/lib/stack.sh
stack_init build/release
work="$STACK_WORK"
secret="bench-secret"

# The eval's lines, all and the first N (with their cases, for score.py), and the URI and link
# lines among those N with a seed whose user `bench` holds their tracks in one playlist.
python3 - "$eval_dir/dev.jsonl" "$lines" "$work" <<'EOF'
import json, sys
cases = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
n, work = int(sys.argv[2]), sys.argv[3]
def write(name, rows, key):
    with open(f"{work}/{name}", "w", encoding="utf-8") as out:
        for row in rows:
            out.write((json.dumps(row, ensure_ascii=False) if key is None else row[key]) + "\n")
write("all.txt", cases, "line")
write("first.txt", cases[:n], "line")
write("first.jsonl", cases[:n], None)
links = [c for c in cases[:n] if c["family"] in ("uri", "url")]
write("links.txt", links, "line")
write("links.jsonl", links, None)
tracks = list(dict.fromkeys(c["accept"][0] for c in links))
json.dump({"$comment": "bench/match.sh", "users": [{"id": "bench", "display_name": "Match Bench"}],
           "playlists": [{"owner": "bench", "name": "Pasted links", "tracks": tracks}]},
          open(f"{work}/seed.json", "w"))
EOF
link_lines="$(wc -l <"$work/links.txt")"

stack_start_emulator "http://127.0.0.1/" --client-secret "$secret" --seed "$work/seed.json" \
  --auto-approve --auto-approve-user bench
export PLM_SPOTIFY_CLIENT_SECRET="$secret" PLM_SPOTIFY_REDIRECT_URI=http://127.0.0.1/callback \
  PLM_SPOTIFY_RATE_BUDGET=100000 PLM_SPOTIFY_MAX_WAIT_S=120
admin() { curl -sS --fail --max-time 60 -X "$1" -H 'Content-Type: application/json' ${3:+-d "$3"} "$STACK_SPOTIFY/__emulator/$2"; }
[[ "$(admin GET config | stack_json '["mode"]')" == dev2026 ]] || stack_fail "the emulator is not in dev2026 mode"

bench_describe "$repo"
echo "emulator: $(grep -m1 -i 'catalog' "$work/emulator.log" || echo 'default catalog'); mode dev2026"
echo "eval: $eval_dir/dev.jsonl ($(wc -l <"$work/all.txt") lines); (b)-(d): the first $lines, --latency-ms $latency, budget $budget per 30 s (plm: PLM_SPOTIFY_RATE_BUDGET=$budget)"
echo

# run NAME INPUT DATA_DIR command...: runs the command with INPUT on stdin and a fresh
# PLM_DATA_DIR, resets the emulator's stats first; writes NAME.out, NAME.err, NAME.stats,
# NAME.wall (seconds) and NAME.rc.
run() {
  local name="$1" input="$2" data="$3" start end rc=0
  shift 3
  admin DELETE stats >/dev/null
  start="$(date +%s%N)"
  PLM_DATA_DIR="$data" timeout 3600 "$@" <"$input" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
  end="$(date +%s%N)"
  admin GET stats >"$work/$name.stats"
  echo "$rc" >"$work/$name.rc"
  python3 -c "print(($end - $start) / 1e9)" >"$work/$name.wall"
  ((rc == 0 || rc == 5)) || { echo "$name exited with $rc:" >&2; tail -5 "$work/$name.err" >&2; }
}

# figures NAME CASES: score.py's table for NAME.out against CASES, then one RESULT line.
figures() {
  local name="$1" cases="$2"
  python3 "$eval_dir/score.py" "$cases" "$work/$name.out" | tee "$work/$name.score"
  python3 - "$work" "$name" "$cases" "$latency" "$budget" <<'EOF'
import json, sys
work, name, cases, latency, budget = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
stats = json.load(open(f"{work}/{name}.stats"))
wall = float(open(f"{work}/{name}.wall").read())
rc = open(f"{work}/{name}.rc").read().strip()
families = [json.loads(l)["family"] for l in open(cases, encoding="utf-8")]
lines = len(families)
text = sum(f not in ("uri", "url", "isrc") for f in families)
calls = stats["total"]
by_endpoint = stats.get("by_endpoint", {})
searches = sum(v for k, v in by_endpoint.items() if "/search" in k)
lookups = calls - searches
summary = open(f"{work}/{name}.score").read().strip().splitlines()[-1]
# plm's own count per line ("calls"; identical lines after the first say 0), by kind of line.
kinds = {"uri": "uri/link", "url": "uri/link", "isrc": "isrc"}
per_kind = {}
for family, raw in zip(families, open(f"{work}/{name}.out", encoding="utf-8")):
    calls_of_line = json.loads(raw).get("calls")
    if calls_of_line is not None:
        per_kind.setdefault(kinds.get(family, "text"), []).append(calls_of_line)
by_kind = ", ".join(f"{k} {sum(v) / len(v):.2f}" for k, v in sorted(per_kind.items()))
limited = budget if name != "quality" else 0
rate_bound = 30 * ((calls - 1) // limited) if limited and calls > 0 else 0
latency_bound = calls * (latency if limited else 0) / 1000 / (1 if name.startswith("baseline") else 4)
bound = max(rate_bound, latency_bound)
print(f"RESULT {name}: {lines} lines, exit {rc}; {summary}; calls {calls} (searches {searches}, "
      f"track lookups {lookups}; {' '.join(f'{k} {v}' for k, v in sorted(by_endpoint.items()))}); "
      f"429s {stats.get('rate_limited', 0)}; searches per line {searches / lines:.2f} "
      f"(per text line {searches / text if text else 0:.2f}), calls per line {calls / lines:.2f}"
      + (f" (plm's count by kind of line: {by_kind})" if by_kind else "") + "; "
      f"wall {wall:.1f} s" + (f", rate bound {rate_bound:.0f} s, latency bound {latency_bound:.1f} s, "
      f"ratio to the larger {wall / bound if bound else float('nan'):.2f}" if limited else ""))
open(f"{work}/{name}.row", "w").write(
    f"{name}|{lines}|{summary.replace(' ', ', ')}|{calls}|{searches / lines:.2f}|"
    f"{stats.get('rate_limited', 0)}|{wall:.1f}|{bound:.0f}\n")
EOF
}

echo "== (a) quality: $(wc -l <"$work/all.txt") lines, no latency, no rate limit, client credentials"
run quality "$work/all.txt" "$work/data-quality" "$STACK_PLM" match
figures quality "$eval_dir/dev.jsonl"
echo

admin POST faults "{\"latency\": {\"fixed_ms\": $latency}}" >/dev/null
admin POST rate-limits "{\"window_budget\": $budget}" >/dev/null
export PLM_SPOTIFY_RATE_BUDGET="$budget"
empty_window() { echo "waiting 31 s for an empty rate window..." >&2; sleep 31; }

echo "== (b) speed: the first $lines lines, client credentials"
empty_window
run speed "$work/first.txt" "$work/data-speed" "$STACK_PLM" match
figures speed "$work/first.jsonl"
echo

echo "== (c) stored: the $link_lines URI and link lines of those $lines"
empty_window
run links-cc "$work/links.txt" "$work/data-links-cc" "$STACK_PLM" match
figures links-cc "$work/links.jsonl"
# A connected account whose synced playlist holds the tracks (the sync's calls are not counted).
synced="$work/data-links-synced"
url="$(PLM_DATA_DIR="$synced" "$STACK_PLM" connect --print-url | head -n 1)"
location="$(curl -sS --max-time 30 -o /dev/null -w '%{http_code} %{redirect_url}' "$url")"
[[ "$location" == "303 "* ]] || stack_fail "GET of the authorize URL answered '$location'"
PLM_DATA_DIR="$synced" "$STACK_PLM" connect --callback "${location#303 }" >/dev/null
PLM_DATA_DIR="$synced" "$STACK_PLM" sync --quiet >/dev/null
run links-synced "$work/links.txt" "$synced" "$STACK_PLM" match
figures links-synced "$work/links.jsonl"
[[ "$(stack_json '["total"]' <"$work/links-synced.stats")" == 0 ]] ||
  echo "NOTE: the URI and link lines cost calls although their tracks are stored" >&2
echo

echo "== (d) baseline: one plain search per line (limit 1, first result), the first $lines lines"
empty_window
run baseline "$work/first.txt" "$work/data-baseline" python3 bench/match_baseline.py \
  --api "$STACK_SPOTIFY/v1" --accounts "$STACK_SPOTIFY" --client-id "$STACK_CLIENT_ID" \
  --client-secret "$secret" --limit 1
tail -1 "$work/baseline.err"
figures baseline "$work/first.jsonl"
echo

echo "| run | lines | score.py summary | calls | searches per line | 429s | wall s | bound s |"
echo "|---|---|---|---|---|---|---|---|"
for name in quality speed links-cc links-synced baseline; do
  [[ -f "$work/$name.row" ]] && { row="$(cat "$work/$name.row")"; echo "| ${row//|/ | } |"; }
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
