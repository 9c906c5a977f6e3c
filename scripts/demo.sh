#!/usr/bin/env bash
# The main command: installs what is missing, builds, and starts the Spotify emulator (the demo
# music professional "Nova Sound Records" with 330 playlists, one of 10,000 tracks) together with
# the plm web application, with a demo login whose Spotify account is already connected and
# synced. Open the printed address and sign in. Ctrl-C stops everything.
#
# Usage: scripts/demo.sh [--realistic]
#   --realistic (or PLM_DEMO_REALISTIC=1): the emulator behaves like Spotify towards a
#   development-mode app (rate budget, quota, 40-150 ms latency, growing penalties, occasional
#   5xx, writes applied behind a 502; docs/emulator.md "Profiles"), its faults seeded by
#   PLM_DEMO_SEED (default 1). plm keeps to a budget below the emulator's; the first sync takes
#   about 1.5 minutes instead of seconds.
#
# Environment: PLM_DEMO_PORT (the app, default 8080), PLM_DEMO_SPOTIFY_PORT (the emulator, default
# 8888; 0 picks free ports), PLM_DEMO_FULL_CATALOG=1 to load ../shared/catalog-data (about 80,000
# tracks) instead of the committed demo catalog.
set -euo pipefail
cd "$(dirname "$0")/.."

realistic="${PLM_DEMO_REALISTIC:-0}"
for argument in "$@"; do
  case "$argument" in
    --realistic) realistic=1 ;;
    *) echo "usage: scripts/demo.sh [--realistic]" >&2; exit 2 ;;
  esac
done

scripts/setup.sh release >/dev/null
source scripts/lib/stack.sh
STACK_CLIENT_ID=plm-demo
stack_init build/release

app_port="${PLM_DEMO_PORT:-8080}"
if [[ "$app_port" == 0 ]]; then app_port="$(stack_free_port)"; fi
public="http://127.0.0.1:$app_port/"
catalog_flag=(--demo-only)
if [[ "${PLM_DEMO_FULL_CATALOG:-0}" == "1" ]]; then catalog_flag=(); fi
profile_flags=()
export PLM_SPOTIFY_RATE_BUDGET=3000 PLM_USER=demo
if [[ "$realistic" == "1" ]]; then
  profile_flags=(--profile realistic --fault-seed "${PLM_DEMO_SEED:-1}")
  # Below the realistic emulator's 240 calls per 30 s, as plm must stay below Spotify's.
  PLM_SPOTIFY_RATE_BUDGET=230
fi
# The emulator approves consent at once for the demo account, so "Connect" in the app (and the
# connection made below) needs no click on its consent page.
STACK_EMULATOR_PORT="${PLM_DEMO_SPOTIFY_PORT:-8888}" \
  stack_start_emulator "$public" "${catalog_flag[@]}" --auto-approve "${profile_flags[@]}"
user=demo
password=demo-password
stack_add_user "$user" "$password" admin
stack_start_plm "$public" "127.0.0.1:$app_port"

csrf="$(stack_sign_in "$public" "$user" "$password")"
account_id="$(stack_connect "$public" "$csrf")"
if [[ "$realistic" == "1" ]]; then
  echo "demo: realistic emulator (seed ${PLM_DEMO_SEED:-1}): reading the demo account's playlists" \
    "(about 700 Spotify calls at Spotify's pace, about 1.5 minutes)..."
else
  echo "demo: reading the demo account's playlists (about 700 Spotify calls on the emulator)..."
fi
"$STACK_PLM" sync

cat <<TEXT

plm is running at $public
  sign in as:   $user / $password   (admin; Spotify account "Nova Sound Records" connected, id $account_id)
  Spotify:      the emulator at $STACK_SPOTIFY (consent approves at once for demo-pro)$(
    [[ "$realistic" == "1" ]] && printf '\n                profile realistic, seed %s: GET %s/__emulator/profile' \
      "${PLM_DEMO_SEED:-1}" "$STACK_SPOTIFY")
  health:       ${public}healthz      metrics: ${public}metrics

The same data from the command line (in another terminal):
  export PLM_DATA_DIR=$PLM_DATA_DIR PLM_SPOTIFY_CLIENT_ID=$STACK_CLIENT_ID \\
         PLM_SPOTIFY_API_URL=$STACK_SPOTIFY/v1 PLM_SPOTIFY_ACCOUNTS_URL=$STACK_SPOTIFY PLM_USER=$user
  build/release/programs/plm/plm playlists --search jazz
  build/release/programs/plm/plm accounts

Emulator flags and admin API: build/release/tools/spotify-emulator/spotify-emulator --help, docs/emulator.md
Press Ctrl-C to stop (the demo's data lives in a temporary directory and goes with it).
TEXT
wait "${STACK_PIDS[@]}"
