#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests of the PostgreSQL store.
#   scripts/postgres_test_cluster.sh start DIR   starts one, writes its URL to DIR/url
#   scripts/postgres_test_cluster.sh stop DIR    stops it and deletes its files
# The cluster lives in a fresh directory under /tmp (DIR/cluster names it), listens
# on a Unix socket there only, and trusts its one user, app. Tests create a database
# of their own in it (tests/server/postgres_database.h). PostgreSQL refuses to run as
# root, so as root the cluster runs as the postgres user.
set -euo pipefail

command=${1:-}
dir=${2:-}
if [ -z "$command" ] || [ -z "$dir" ]; then
  sed -n '2,4p' "$0" >&2
  exit 2
fi

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "postgres_test_cluster.sh: PostgreSQL's server is not installed; run scripts/setup.sh" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop() {
  [ -f "$dir/cluster" ] || return 0
  local cluster
  cluster=$(cat "$dir/cluster")
  if [ -d "$cluster/data" ]; then
    as_owner "$bin/pg_ctl" -D "$cluster/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$cluster"
  rm -f "$dir/cluster" "$dir/url"
}

case "$command" in
  start)
    mkdir -p "$dir"
    stop
    cluster=$(mktemp -d /tmp/nodelock-pg.XXXXXX)
    echo "$cluster" >"$dir/cluster"
    mkdir -p "$cluster/socket"
    [ "$(id -u)" = 0 ] && chown -R postgres: "$cluster"
    as_owner "$bin/initdb" -D "$cluster/data" -A trust -U app --no-sync -E UTF8 --locale=C \
      >"$cluster/initdb.log" 2>&1 || { cat "$cluster/initdb.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w \
      -o "-k $cluster/socket -c listen_addresses='' -c max_connections=300" start >/dev/null ||
      { cat "$cluster/server.log" >&2; exit 1; }
    echo "postgresql:///postgres?host=$cluster/socket&user=app" >"$dir/url"
    cat "$dir/url"
    ;;
  stop) stop ;;
  *) echo "postgres_test_cluster.sh: unknown command $command (start or stop)" >&2; exit 2 ;;
esac
