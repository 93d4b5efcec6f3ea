#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests: a fresh cluster in a temp folder, on a free loopback port, one database.
#
#   bash scripts/pg.sh start   prints OMS_TEST_PG_URL=postgres://... and writes the URL to .cache/pg/url
#   bash scripts/pg.sh stop    stops the server and removes its data
#   bash scripts/pg.sh url     prints the URL of the running server
#   bash scripts/pg.sh restart restarts it in place (same data and port; OMS_PG_RESTART_MODE, default immediate)
#
# The server binaries come from Debian's postgresql package (installed with apt-get when none is found).
# PostgreSQL refuses to run as root, so when run as root the cluster is owned and run by the `postgres` user.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="${OMS_PG_STATE_DIR:-$root/.cache/pg}"
db_name="oms_test"
db_user="oms"

log() { echo "pg.sh: $*" >&2; }

find_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && { echo "$d"; return 0; }
  done
  if command -v pg_config >/dev/null 2>&1; then
    d="$(pg_config --bindir)"
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  fi
  return 1
}

ensure_server() {
  local d
  if d="$(find_bindir)"; then echo "$d"; return 0; fi
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    log "no PostgreSQL server binaries found; install Debian's postgresql package"
    return 1
  fi
  log "installing PostgreSQL from apt"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2
  apt-get install -y --no-install-recommends postgresql >&2
  find_bindir
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});'
}

# Runs a command as the unprivileged owner of the cluster.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

cmd_start() {
  if [ -f "$state/url" ] && [ -f "$state/datadir" ] && [ -f "$(cat "$state/datadir")/postmaster.pid" ]; then
    log "already running"
    echo "OMS_TEST_PG_URL=$(cat "$state/url")"
    return 0
  fi
  local bindir tmp data port password
  bindir="$(ensure_server)"
  mkdir -p "$state"
  tmp="$(mktemp -d /tmp/oms-pg.XXXXXX)"
  data="$tmp/data"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    chown postgres "$tmp"
  fi
  chmod 700 "$tmp"
  port="$(free_port)"
  password="$(node -e 'console.log(require("crypto").randomBytes(12).toString("hex"))')"
  printf '%s\n' "$password" > "$tmp/pwfile"
  [ "$(id -u)" = 0 ] && chown postgres "$tmp/pwfile"
  as_owner "$bindir/initdb" -D "$data" -U "$db_user" --pwfile="$tmp/pwfile" -A scram-sha-256 -E UTF8 \
    --locale=C.UTF-8 >"$tmp/initdb.log" 2>&1 || as_owner "$bindir/initdb" -D "$data" -U "$db_user" \
    --pwfile="$tmp/pwfile" -A scram-sha-256 -E UTF8 --no-locale >"$tmp/initdb.log" 2>&1 || {
    cat "$tmp/initdb.log" >&2; log "initdb failed"; return 1; }
  rm -f "$tmp/pwfile"
  # Only loopback TCP; the socket goes into the temp folder (no /var/run/postgresql needed). fsync off: the data
  # is thrown away, and the tests measure behaviour, not durability (benchmarks set OMS_PG_FSYNC=on).
  as_owner "$bindir/pg_ctl" -D "$data" -l "$tmp/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$tmp -c fsync=${OMS_PG_FSYNC:-off} -c max_connections=200" \
    >&2 || { cat "$tmp/server.log" >&2; log "server did not start"; return 1; }
  PGPASSWORD="$password" as_owner env PGPASSWORD="$password" "$bindir/psql" -h 127.0.0.1 -p "$port" -U "$db_user" \
    -d postgres -v ON_ERROR_STOP=1 -q -c "CREATE DATABASE $db_name" >&2
  local url="postgres://$db_user:$password@127.0.0.1:$port/$db_name"
  printf '%s\n' "$url" > "$state/url"
  chmod 600 "$state/url"
  printf '%s\n' "$data" > "$state/datadir"
  printf '%s\n' "$bindir" > "$state/bindir"
  log "$("$bindir/postgres" --version) on 127.0.0.1:$port, data in $data"
  echo "OMS_TEST_PG_URL=$url"
}

cmd_stop() {
  if [ ! -f "$state/datadir" ]; then
    log "not running"
    return 0
  fi
  local data bindir
  data="$(cat "$state/datadir")"
  bindir="$(cat "$state/bindir" 2>/dev/null || find_bindir)"
  if [ -f "$data/postmaster.pid" ]; then
    as_owner "$bindir/pg_ctl" -D "$data" -m immediate -w -t 30 stop >&2 || true
  fi
  case "$data" in
    /tmp/oms-pg.*/data) rm -rf "$(dirname "$data")" ;;
  esac
  rm -f "$state/url" "$state/datadir" "$state/bindir"
  log "stopped"
}

# Restarts the server in place (same data, port and password): `-m immediate` is a crash, as a power cut would be.
cmd_restart() {
  [ -f "$state/datadir" ] || { log "not running"; return 1; }
  local data bindir
  data="$(cat "$state/datadir")"
  bindir="$(cat "$state/bindir" 2>/dev/null || find_bindir)"
  as_owner "$bindir/pg_ctl" -D "$data" -l "$(dirname "$data")/server.log" -m "${OMS_PG_RESTART_MODE:-immediate}" -w -t 60 restart >&2
  log "restarted"
}

case "${1:-}" in
  start) cmd_start ;;
  restart) cmd_restart ;;
  stop) cmd_stop ;;
  url) cat "$state/url" ;;
  *) echo "usage: $0 start|stop|restart|url" >&2; exit 2 ;;
esac
