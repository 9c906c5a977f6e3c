# shellcheck shell=bash
# Starts the Spotify emulator and `plm serve` on free loopback ports, each in a temporary
# directory, for the demo, the proxy test and the benchmarks (one copy of the start-up dance).
# Source it from the repository root, then:
#
#   stack_init [BUILD_DIR]                  work dir, binaries, cleanup trap (default build/release)
#   stack_start_emulator PUBLIC_URL [flags] emulator whose registered app redirects to
#                                           PUBLIC_URL/api/spotify/callback -> STACK_SPOTIFY
#   stack_start_plm PUBLIC_URL [LISTEN]     plm serve (env PLM_*) -> STACK_APP_PORT, STACK_APP_PID, STACK_APP,
#                                           STACK_ORIGIN (what browsers send as Origin)
#   stack_add_user NAME PASSWORD ROLE
#   stack_sign_in BASE NAME PASSWORD        cookie jar in STACK_COOKIES; prints the CSRF token
#   stack_connect BASE CSRF                 connects the emulator's demo account; prints its id
#
# Environment the functions honour: STACK_CLIENT_ID (default plm-local), STACK_CURL (extra curl
# arguments, e.g. --cacert for HTTPS). Every process started here is stopped on exit.

stack_fail() { echo "FAIL: $*" >&2; exit 1; }

stack_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Servers write their port to a file once they listen; wait for it (or for the process to die).
stack_wait_for_file() {
  local file="$1" what="$2" pid="${3:-}"
  for _ in $(seq 1 600); do
    [[ -s "$file" ]] && return 0
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then stack_fail "$what exited during start-up"; fi
    sleep 0.05
  done
  stack_fail "$what did not start"
}

stack_init() {
  STACK_BUILD="${1:-build/release}"
  STACK_PLM="$STACK_BUILD/programs/plm/plm"
  STACK_EMULATOR="$STACK_BUILD/tools/spotify-emulator/spotify-emulator"
  STACK_CLIENT_ID="${STACK_CLIENT_ID:-plm-local}"
  for binary in "$STACK_PLM" "$STACK_EMULATOR"; do
    [[ -x "$binary" ]] || stack_fail "$binary is missing (run scripts/setup.sh release)"
  done
  STACK_WORK="$(mktemp -d)"
  STACK_COOKIES="$STACK_WORK/cookies"
  # Everything lives in the temporary directory: never the caller's own plm data or database.
  unset PLM_CONFIG PLM_DATABASE_URL PLM_SECRET_KEY PLM_SECRET_KEY_FILE PLM_USER PLM_PUBLIC_URL
  export PLM_DATA_DIR="$STACK_WORK/data"
  STACK_PIDS=()
  trap stack_cleanup EXIT
  trap 'exit 130' INT TERM
}

stack_cleanup() {
  local status=$?
  for pid in "${STACK_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ -f "$STACK_WORK/nginx.pid" ]]; then kill "$(cat "$STACK_WORK/nginx.pid")" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  if ((status != 0 && status != 130)); then
    echo "--- plm serve log (tail)" >&2; tail -n 40 "$STACK_WORK/plm.log" 2>/dev/null >&2 || true
    if [[ -f "$STACK_WORK/error.log" ]]; then
      echo "--- nginx error log (tail)" >&2; tail -n 20 "$STACK_WORK/error.log" >&2 || true
    fi
  fi
  rm -rf "$STACK_WORK"
}

stack_start_emulator() {
  local public="$1"; shift
  "$STACK_EMULATOR" --port "${STACK_EMULATOR_PORT:-0}" --port-file "$STACK_WORK/emulator.port" \
    --client-id "$STACK_CLIENT_ID" --redirect-uri "${public}api/spotify/callback" \
    --redirect-uri "http://127.0.0.1/callback" "$@" >"$STACK_WORK/emulator.log" 2>&1 &
  STACK_PIDS+=($!)
  stack_wait_for_file "$STACK_WORK/emulator.port" "the Spotify emulator" $!
  STACK_SPOTIFY="http://127.0.0.1:$(cat "$STACK_WORK/emulator.port")"
  export PLM_SPOTIFY_CLIENT_ID="$STACK_CLIENT_ID" PLM_SPOTIFY_API_URL="$STACK_SPOTIFY/v1" \
    PLM_SPOTIFY_ACCOUNTS_URL="$STACK_SPOTIFY"
}

stack_start_plm() {
  local public="$1" listen="${2:-127.0.0.1:0}"
  export PLM_PUBLIC_URL="$public"
  STACK_ORIGIN="$(stack_origin "$public")"
  "$STACK_PLM" serve --listen "$listen" --port-file "$STACK_WORK/plm.port" >"$STACK_WORK/plm.log" 2>&1 &
  STACK_APP_PID=$!
  STACK_PIDS+=($!)
  stack_wait_for_file "$STACK_WORK/plm.port" "plm serve" $!
  STACK_APP_PORT="$(cat "$STACK_WORK/plm.port")"
  STACK_APP="http://127.0.0.1:$STACK_APP_PORT/"
}

stack_add_user() {
  printf '%s\n' "$2" | "$STACK_PLM" user add "$1" --role "$3" --password-stdin >/dev/null
}

stack_json() {  # stack_json '["a"]["b"]' < json
  python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d"+sys.argv[1]))' "$1"
}

stack_origin() { python3 -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(p.scheme+"://"+p.netloc)' "$1"; }

# curl with the session cookie and the app's own Origin (as a browser sends it).
stack_curl() {
  # shellcheck disable=SC2086
  curl -sS --max-time 60 ${STACK_CURL:-} -b "$STACK_COOKIES" -c "$STACK_COOKIES" \
    -H "Origin: ${STACK_ORIGIN:?}" "$@"
}

stack_sign_in() {
  local base="$1" name="$2" password="$3"
  stack_curl -H 'Content-Type: application/json' \
    -d "{\"username\":\"$name\",\"password\":\"$password\"}" "${base}api/session" |
    stack_json '["csrf_token"]'
}

stack_connect() {
  local base="$1" csrf="$2" authorize_url callback landing
  authorize_url="$(stack_curl -X POST -H "X-CSRF-Token: $csrf" "${base}api/accounts/connect" |
    stack_json '["authorize_url"]')"
  # The emulator runs with --auto-approve: /authorize redirects straight to the callback.
  callback="$(curl -sS --max-time 30 -o /dev/null -w '%{redirect_url}' "$authorize_url")"
  [[ "$callback" == "${base}api/spotify/callback?"* ]] || stack_fail "consent redirected to '$callback'"
  landing="$(stack_curl -o /dev/null -w '%{redirect_url}' "$callback")"
  [[ "$landing" == "${base}accounts?connected="* ]] || stack_fail "callback redirected to '$landing'"
  echo "${landing##*connected=}"
}
