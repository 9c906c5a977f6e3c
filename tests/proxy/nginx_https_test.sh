#!/usr/bin/env bash
# plm behind a reverse proxy: Debian's nginx terminates HTTPS on a free loopback port and forwards
# https://127.0.0.1:PORT/plm/ to `plm serve` (which sees paths without the prefix). Proves that the
# single-page app, the session cookie (Secure, HttpOnly, SameSite, Path=/plm/), CSRF, the Spotify
# OAuth round trip (through the emulator's consent page) and the server-sent events of a sync all
# work under a URL prefix over TLS. Every server runs in a temporary directory on free ports.
#
# Usage: tests/proxy/nginx_https_test.sh [BUILD_DIR]     (default build/release)
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/stack.sh

stack_init "${1:-build/release}"
[[ -x /usr/sbin/nginx ]] || stack_fail "nginx is missing (run scripts/setup.sh)"
[[ -f frontend/dist/index.html ]] || stack_fail "frontend/dist is missing (run scripts/setup.sh)"
fail() { stack_fail "$@"; }
pass() { echo "ok: $*"; }

proxy_port="$(stack_free_port)"
public="https://127.0.0.1:$proxy_port/plm/"
stack_start_emulator "$public" --demo-only --auto-approve
export PLM_SPOTIFY_RATE_BUDGET=3000
password="proxy-test-password"
stack_add_user alice "$password" admin
stack_start_plm "$public"

# nginx: TLS with a throwaway self-signed certificate, prefix stripped, no buffering (SSE).
work="$STACK_WORK"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1" -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
cat >"$work/nginx.conf" <<CONF
daemon on;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $work/client_body;
  proxy_temp_path $work/proxy;
  fastcgi_temp_path $work/fastcgi;
  uwsgi_temp_path $work/uwsgi;
  scgi_temp_path $work/scgi;
  server {
    listen 127.0.0.1:$proxy_port ssl;
    ssl_certificate $work/cert.pem;
    ssl_certificate_key $work/key.pem;
    location /plm/ {
      proxy_pass http://127.0.0.1:$STACK_APP_PORT/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-Proto https;
      proxy_set_header X-Forwarded-For \$remote_addr;
      proxy_buffering off;
      proxy_read_timeout 1h;
    }
  }
}
CONF
/usr/sbin/nginx -c "$work/nginx.conf" -p "$work" -e "$work/error.log"
stack_wait_for_file "$work/nginx.pid" "nginx"
export STACK_CURL="--cacert $work/cert.pem"
tls=(curl -sS --max-time 30 --cacert "$work/cert.pem")

# The app shell: base href of the prefix, assets reachable under it and cached for good.
index="$("${tls[@]}" "$public")"
grep -q '<base href="/plm/">' <<<"$index" || fail "index.html has no <base href=\"/plm/\">"
asset="$(grep -oE 'assets/[^"]+\.js' <<<"$index" | head -1)"
[[ -n "$asset" ]] || fail "index.html names no script under assets/"
asset_headers="$("${tls[@]}" -o /dev/null -D - -H 'Accept-Encoding: gzip' "$public$asset")"
grep -qi '^HTTP/1.1 200' <<<"$asset_headers" || fail "asset $asset not served under the prefix"
grep -qi 'immutable' <<<"$asset_headers" || fail "asset $asset is not cached as immutable"
grep -q '<base href="/plm/">' <<<"$("${tls[@]}" "${public}playlists")" ||
  fail "an app route does not answer with the app shell"
pass "app shell and assets under /plm/ over HTTPS"

[[ "$("${tls[@]}" "${public}healthz" | stack_json '["status"]')" == ok ]] || fail "healthz"
pass "healthz through the proxy"

# Sign in: the cookie must be Secure, HttpOnly, SameSite and scoped to the prefix.
stack_curl -o "$work/login.json" -D "$work/login.headers" -H 'Content-Type: application/json' \
  -d "{\"username\":\"alice\",\"password\":\"$password\"}" "${public}api/session"
grep -qi '^HTTP/1.1 200' "$work/login.headers" || fail "sign-in: $(cat "$work/login.json")"
cookie_line="$(grep -i '^set-cookie: plm_session=' "$work/login.headers")" || fail "no plm_session cookie"
for attribute in Secure HttpOnly 'SameSite=' 'Path=/plm/'; do
  grep -qi "$attribute" <<<"$cookie_line" || fail "session cookie lacks $attribute: $cookie_line"
done
csrf="$(stack_json '["csrf_token"]' <"$work/login.json")"
pass "sign-in sets a Secure, HttpOnly, SameSite cookie with Path=/plm/"

status_of() { stack_curl -o /dev/null -w '%{http_code}' "$@"; }
[[ "$(status_of -X POST "${public}api/accounts/connect")" == 403 ]] ||
  fail "a write without the CSRF token was accepted"
pass "CSRF token required through the proxy"

# Connect the demo Spotify account: the emulator consents at once and redirects to the callback,
# which must come back through the proxy to the app's accounts page.
account_id="$(stack_connect "$public" "$csrf")"
pass "Spotify connected through the proxy (account $account_id)"

# Sync with live progress: the event stream must flow through nginx while the job runs.
stack_curl -N --max-time 300 "${public}api/events" >"$work/events" 2>/dev/null &
events_pid=$!
STACK_PIDS+=("$events_pid")
stack_wait_for_file "$work/events" "the event stream"
job_id="$(stack_curl -X POST -H "X-CSRF-Token: $csrf" "${public}api/accounts/$account_id/sync" |
  stack_json '["id"]')"
final=""
for _ in $(seq 1 3000); do  # the demo account has 330 playlists, one of 10,000 tracks
  final="$(grep '^data:' "$work/events" | sed 's/^data: *//' | python3 -c '
import json, sys
for line in sys.stdin:
    try: event = json.loads(line)
    except ValueError: continue
    if event.get("id") == sys.argv[1] and event.get("state") in ("succeeded", "failed", "cancelled"):
        print(event["state"]); break' "$job_id")"
  [[ -n "$final" ]] && break
  sleep 0.1
done
[[ "$final" == succeeded ]] || fail "the sync's final event through the proxy: '${final:-none}'"
progress_events="$(grep -c '^event: job' "$work/events" || true)"
((progress_events >= 2)) || fail "expected progress events, saw $progress_events"
pass "sync progress streamed through the proxy ($progress_events job events)"
job_state="$(stack_curl "${public}api/jobs/$job_id" | stack_json '["job"]["state"]')"
[[ "$job_state" == succeeded ]] || fail "GET api/jobs/$job_id through the proxy: '$job_state'"
pass "the finished job read back through the proxy"

total="$(stack_curl "${public}api/playlists" | stack_json '["total"]')"
[[ "$total" == 330 ]] || fail "expected the demo account's 330 playlists, got $total"
pass "330 playlists listed through the proxy"

[[ "$(status_of -X DELETE -H "X-CSRF-Token: $csrf" "${public}api/session")" == 204 ]] || fail "sign-out"
[[ "$(status_of "${public}api/session")" == 401 ]] || fail "the session survived sign-out"
pass "sign-out through the proxy"
echo "nginx HTTPS proxy test: all checks passed"
