#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server: a fresh cluster in a temporary directory, on a
# free loopback port, with fsync off (tests only). Exports
#   PLM_TEST_POSTGRES_URL=postgresql://plm@127.0.0.1:PORT/plm_test
# runs the command, then stops the server and deletes the directory, and exits with the command's
# status. Works as root (the server then runs as the `postgres` user: initdb refuses root) and as an
# ordinary user. Nothing touches the packaged cluster or a fixed port, so runs can overlap.
#
# Usage: scripts/with-postgres.sh <command> [arguments...]
#   e.g. scripts/with-postgres.sh ctest --preset dev -L contract
set -euo pipefail

if (($# == 0)); then
  echo "usage: $0 <command> [arguments...]" >&2
  exit 2
fi

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [[ -z $pg_bin || ! -x $pg_bin/initdb ]]; then
  echo "with-postgres: PostgreSQL server binaries not found under /usr/lib/postgresql; run scripts/setup.sh" >&2
  exit 1
fi

as_server_user=()
if [[ $(id -u) -eq 0 ]]; then
  as_server_user=(runuser -u postgres --)
fi
# The server user may not be allowed into the caller's directory (e.g. /root): run from the temp dir.
server() { (cd "$work_dir" && "${as_server_user[@]}" "$@"); }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

work_dir=$(mktemp -d "${TMPDIR:-/tmp}/plm-postgres.XXXXXX")
data_dir="$work_dir/data"
started=0
cleanup() {
  if ((started)); then
    server "$pg_bin/pg_ctl" -D "$data_dir" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work_dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ((${#as_server_user[@]})); then
  # mktemp makes the directory 0700 root; the server user needs to own it.
  chown postgres:postgres "$work_dir"
fi

server "$pg_bin/initdb" -D "$data_dir" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
  --no-sync >"$work_dir/initdb.log" 2>&1 || {
  cat "$work_dir/initdb.log" >&2
  exit 1
}

# Another process may take the free port before the server binds it: try a few times.
for attempt in 1 2 3; do
  port=$(free_port)
  if server "$pg_bin/pg_ctl" -D "$data_dir" -l "$data_dir/server.log" -w -t 30 start \
    -o "-p $port -k $work_dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    >/dev/null; then
    started=1
    break
  fi
  echo "with-postgres: server did not start on port $port (attempt $attempt)" >&2
done
if ((!started)); then
  cat "$data_dir/server.log" >&2 || true
  exit 1
fi

for _ in $(seq 1 50); do
  if "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then break; fi
  sleep 0.1
done

psql_admin=("$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres)
"${psql_admin[@]}" -c "CREATE ROLE plm LOGIN" -c "CREATE DATABASE plm_test OWNER plm" >/dev/null

export PLM_TEST_POSTGRES_URL="postgresql://plm@127.0.0.1:$port/plm_test"
echo "with-postgres: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') at $PLM_TEST_POSTGRES_URL" >&2

set +e
"$@"
status=$?
set -e
exit $status
