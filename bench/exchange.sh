#!/usr/bin/env bash
# Export and import as a person runs them (issue 14 §5): `plm export` and `plm import` (release
# build) against the spotify-emulator. User `bench` owns PLAYLISTS playlists of TRACKS random
# catalog tracks (default 300 x 100); the first sync is not measured. Then, each REPETITIONS times
# (default 3), with /usr/bin/time (wall seconds and peak resident memory):
#   start-up     `plm accounts`: the CLI's own start (configuration, database, migrations check),
#                the part of every command below that is not export or import work
#   export-xlsx  `plm export -o all.xlsx` (every playlist, one workbook)
#   export-csv   `plm export --format csv -o all.zip` (one Exportify CSV per playlist, zipped)
#   import-xlsx  `plm import all.xlsx --json` (the preview: every row has a URI, so no matching and
#                no Spotify call; the plan is made by the edit engine on the stored items)
#   import-csv   `plm import all.zip --json`
# and hostile files made at run time with /usr/bin/python3's zipfile, each refused with exit 2:
#   zip-bomb     a workbook whose sheet unpacks to 1 GB of zeros (about 1 MB on disk)
#   zip-liar     the same bomb with local and central headers that claim 1,000 bytes
#   xml-bomb     a sheet with nested entities ("billion laughs")
#   xml-deep     a sheet of 200,000 nested elements (no DOCTYPE)
# Each figure: the best wall time, its CPU time (user + system: what the machine's other load
# does not inflate) and the largest peak memory. Checks: the emulator counted no call for any of them; every import preview says 0 to change;
# each hostile file exits 2 with the reason on stderr. Targets: export and import < 2 s of local
# work each (wall minus start-up), a hostile file refused < 1 s with bounded memory.
#
# Usage: bench/exchange.sh [--playlists N] [--tracks N] [--repetitions N]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
# shellcheck source=bench/lib.sh
source bench/lib.sh
playlists=300
tracks=100
repetitions=3
while (($# > 0)); do
  case "$1" in
    --playlists) playlists="${2:?}"; shift ;;
    --tracks) tracks="${2:?}"; shift ;;
    --repetitions) repetitions="${2:?}"; shift ;;
    -h | --help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
for n in "$playlists" "$tracks" "$repetitions"; do
  [[ "$n" =~ ^[0-9]+$ && "$n" -ge 1 ]] || { echo "counts must be positive numbers" >&2; exit 2; }
done

echo "building plm and spotify-emulator (release preset)..." >&2
cmake --preset release >/dev/null
cmake --build --preset release --target plm spotify-emulator >&2
# shellcheck source=scripts/lib/stack.sh
source scripts/lib/stack.sh
stack_init build/release
work="$STACK_WORK"

/usr/bin/python3 - "$work/seed.json" "$playlists" "$tracks" <<'EOF'
import json, sys
path, count, tracks = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
json.dump({"$comment": "bench/exchange.sh",
           "users": [{"id": "bench", "display_name": "Exchange Bench"}],
           "playlists": [{"owner": "bench", "name": f"Exchange {i:03}", "random_tracks": tracks}
                         for i in range(count)]}, open(path, "w"))
EOF
stack_start_emulator "http://127.0.0.1/" --demo-only --seed "$work/seed.json" \
  --auto-approve --auto-approve-user bench --rate-budget 100000
export PLM_SPOTIFY_REDIRECT_URI=http://127.0.0.1/callback PLM_SPOTIFY_RATE_BUDGET=100000
admin() { curl -sS --fail --max-time 60 -X "$1" -H 'Content-Type: application/json' ${3:+-d "$3"} "$STACK_SPOTIFY/__emulator/$2"; }
url="$("$STACK_PLM" connect --print-url | head -n 1)"
location="$(curl -sS --max-time 30 -o /dev/null -w '%{http_code} %{redirect_url}' "$url")"
[[ "$location" == "303 "* ]] || stack_fail "GET of the authorize URL answered '$location'"
"$STACK_PLM" connect --callback "${location#303 }" >/dev/null
echo "syncing $playlists playlists (not measured)..." >&2
"$STACK_PLM" sync --quiet >/dev/null

# The hostile files.
/usr/bin/python3 - "$work" <<'EOF'
import sys, zipfile
work = sys.argv[1]
types = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
         'content-types"><Override PartName="/xl/workbook.xml" ContentType="application/'
         'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')
book = ('<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Bomb" sheetId="1" r:id="rId1"/></sheets></workbook>')
rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '</Relationships>')
def workbook(path, sheet_writer):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("xl/workbook.xml", book)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        sheet_writer(z)
def zeros(z):
    with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
        chunk = b"\0" * (1 << 20)
        for _ in range(1024):
            f.write(chunk)
workbook(f"{work}/zip-bomb.xlsx", zeros)
# The liar: every size field of the sheet's entry says 1,000 bytes.
data = bytearray(open(f"{work}/zip-bomb.xlsx", "rb").read())
name = b"xl/worksheets/sheet1.xml"
for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
    at = 0
    while True:
        at = data.find(signature, at)
        if at < 0:
            break
        name_at = at + (30 if signature == b"PK\x03\x04" else 46)
        if data[name_at:name_at + len(name)] == name:
            data[at + offset:at + offset + 4] = (1000).to_bytes(4, "little")
        at += 4
open(f"{work}/zip-liar.xlsx", "wb").write(bytes(data))
laughs = '<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
) + "]>"
def sheet(prologue, body):
    return lambda z: z.writestr(
        "xl/worksheets/sheet1.xml",
        '<?xml version="1.0"?>' + prologue + '<worksheet xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>' + body +
        '</t></is></c></row></sheetData></worksheet>')
workbook(f"{work}/xml-bomb.xlsx", sheet(laughs, "&lol9;"))
workbook(f"{work}/xml-deep.xlsx", sheet("", "<x>" * 200_000 + "</x>" * 200_000))
EOF

bench_describe "$repo"
echo "emulator: no latency; $playlists owned playlists x $tracks tracks; $repetitions repetitions each"
echo

failed=0
declare -A best_wall best_cpu best_memory
# measure NAME EXPECTED_EXIT plm-arguments...: times the command REPETITIONS times, keeps the best
# wall time and the largest peak memory, and checks its exit code and that no call was sent.
measure() {
  local name="$1" expected="$2" i rc wall memory user system
  shift 2
  best_wall[$name]=""
  best_memory[$name]=0
  for ((i = 0; i < repetitions; i++)); do
    admin DELETE stats >/dev/null
    rc=0
    /usr/bin/time -f '%e %M %U %S' -o "$work/$name.time" "$STACK_PLM" "$@" >"$work/$name.out" \
      2>"$work/$name.err" || rc=$?
    # The last line: a failing command adds "Command exited with non-zero status N" before it.
    read -r wall memory user system < <(tail -n 1 "$work/$name.time")
    if ((rc != expected)); then
      echo "FAIL $name: exit $rc (expected $expected): $(tail -n 3 "$work/$name.err")" >&2
      failed=1
    fi
    local calls
    calls="$(admin GET stats | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')"
    ((calls == 0)) || { echo "FAIL $name: $calls Spotify calls" >&2; failed=1; }
    if [[ -z "${best_wall[$name]}" ]] || awk "BEGIN {exit !($wall < ${best_wall[$name]})}"; then
      best_wall[$name]="$wall"
      best_cpu[$name]="$(awk "BEGIN {printf \"%.2f\", $user + $system}")"
    fi
    ((memory > best_memory[$name])) && best_memory[$name]="$memory"
  done
  echo "RESULT $name: best wall ${best_wall[$name]} s (CPU ${best_cpu[$name]} s), peak memory $((best_memory[$name] / 1024)) MB, exit $rc"
  [[ "$expected" == 2 ]] && echo "  stderr: $(head -c 300 "$work/$name.err")"
  return 0
}

measure start-up 0 accounts
measure export-xlsx 0 export -o "$work/all.xlsx"
measure export-csv 0 export --format csv -o "$work/all.zip"
measure import-xlsx 0 --json import "$work/all.xlsx"
/usr/bin/python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); sys.exit(0 if p["changed"] == 0 and p["calls"] == 0 else 1)' \
  "$work/import-xlsx.out" || { echo "FAIL import-xlsx: the preview changes something" >&2; failed=1; }
measure import-csv 0 --json import "$work/all.zip"
/usr/bin/python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); sys.exit(0 if p["changed"] == 0 and p["calls"] == 0 else 1)' \
  "$work/import-csv.out" || { echo "FAIL import-csv: the preview changes something" >&2; failed=1; }
for hostile in zip-bomb zip-liar xml-bomb xml-deep; do
  measure "$hostile" 2 import "$work/$hostile.xlsx"
done

echo
echo "file sizes: all.xlsx $(($(stat -c %s "$work/all.xlsx") / 1024)) KB, all.zip $(($(stat -c %s "$work/all.zip") / 1024)) KB, zip-bomb $(($(stat -c %s "$work/zip-bomb.xlsx") / 1024)) KB, xml-bomb $(($(stat -c %s "$work/xml-bomb.xlsx") / 1024)) KB"
echo
echo "| command | best wall s | minus start-up s | CPU s | peak memory MB | target |"
echo "|---|---|---|---|---|---|"
startup="${best_wall[start-up]}"
for name in start-up export-xlsx export-csv import-xlsx import-csv zip-bomb zip-liar xml-bomb \
  xml-deep; do
  local_work="$(awk "BEGIN {printf \"%.2f\", ${best_wall[$name]} - $startup}")"
  case "$name" in
    start-up) target="-"; local_work="-" ;;
    export-* | import-*) target="< 2 s: $(awk "BEGIN {print ($local_work < 2) ? \"met\" : \"MISSED\"}")" ;;
    *) target="< 1 s: $(awk "BEGIN {print (${best_wall[$name]} < 1) ? \"met\" : \"MISSED\"}")" ;;
  esac
  echo "| $name | ${best_wall[$name]} | $local_work | ${best_cpu[$name]} | $((best_memory[$name] / 1024)) | $target |"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$failed"
