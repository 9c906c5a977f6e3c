#!/usr/bin/env bash
# The main job on an embedded default: installs what is missing, builds, and starts the Spotify
# emulator with the demo catalog and the demo music professional ("Nova Sound Records", 300+
# playlists), a registered demo app and a ready access token, then prints how to reach it.
# Ctrl-C stops it.
#
# Environment: PLM_DEMO_PORT (default 8888; 0 picks a free port), PLM_DEMO_FULL_CATALOG=1 to load
# ../shared/catalog-data (about 80,000 tracks) instead of the committed demo catalog.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh release >/dev/null

port="${PLM_DEMO_PORT:-8888}"
client_id="plm-demo"
client_secret="plm-demo-secret"
port_file="$(mktemp)"
catalog_flag=(--demo-only)
if [[ "${PLM_DEMO_FULL_CATALOG:-0}" == "1" ]]; then catalog_flag=(); fi

build/release/tools/spotify-emulator/spotify-emulator \
  --port "$port" --port-file "$port_file" "${catalog_flag[@]}" \
  --client-id "$client_id" --client-secret "$client_secret" \
  --redirect-uri "http://127.0.0.1/callback" >/dev/null &
emulator=$!
trap 'kill "$emulator" 2>/dev/null; rm -f "$port_file"' EXIT INT TERM

for _ in $(seq 1 200); do
  [[ -s "$port_file" ]] && break
  if ! kill -0 "$emulator" 2>/dev/null; then echo "demo: the emulator did not start" >&2; exit 1; fi
  sleep 0.05
done
port="$(cat "$port_file")"
base="http://127.0.0.1:$port"
scopes="playlist-read-private playlist-read-collaborative playlist-modify-public playlist-modify-private ugc-image-upload user-read-private"
token="$(curl -s -X POST "$base/__emulator/tokens" \
  -d "{\"client_id\":\"$client_id\",\"user_id\":\"demo-pro\",\"scopes\":\"$scopes\"}" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"
playlists="$(curl -s -H "Authorization: Bearer $token" "$base/v1/me/playlists?limit=1" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')"

cat <<TEXT
Spotify Web API emulator running at $base
  demo user:    demo-pro ("Nova Sound Records"), $playlists playlists
  demo app:     client id $client_id, secret $client_secret, redirect URI http://127.0.0.1/callback
  access token: $token

Try:
  curl -H "Authorization: Bearer $token" "$base/v1/me/playlists?limit=5"
  curl -H "Authorization: Bearer $token" "$base/v1/search?type=track&q=artist:Drake"
  open $base/authorize?client_id=$client_id&response_type=code&redirect_uri=http://127.0.0.1/callback&scope=playlist-read-private
  curl "$base/__emulator/stats"

Use the plm command line against it (in another terminal):
  export PLM_DATA_DIR=\$(mktemp -d) PLM_SPOTIFY_CLIENT_ID=$client_id PLM_SPOTIFY_CLIENT_SECRET=$client_secret \\
         PLM_SPOTIFY_API_URL=$base/v1 PLM_SPOTIFY_ACCOUNTS_URL=$base PLM_SPOTIFY_RATE_BUDGET=3000
  build/release/programs/plm/plm connect      # open the printed URL, choose demo-pro, Agree
  build/release/programs/plm/plm sync
  build/release/programs/plm/plm playlists --search jazz

Admin API and flags: build/release/tools/spotify-emulator/spotify-emulator --help, docs/emulator.md
Press Ctrl-C to stop.
TEXT
wait "$emulator"
