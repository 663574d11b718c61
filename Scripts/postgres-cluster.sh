#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster on loopback for the tests of `hcard serve --postgres`
# (Docs/serve.md, "Several nodes on PostgreSQL").
#
#   Scripts/postgres-cluster.sh start DIR [PORT]   initdb in DIR/data, start on 127.0.0.1:PORT
#                                                  (default 55432), create database hcard_test,
#                                                  print the URL
#   Scripts/postgres-cluster.sh stop DIR           stop it (fast shutdown) and remove DIR
#
# The server runs as user postgres (PostgreSQL refuses root), trusts loopback connections only,
# and is not durable (fsync off): it lives for one test run. HCARD_PG_DURABLE=1 keeps PostgreSQL's
# durable defaults (fsync, synchronous commit, full page writes) for benchmarks (bench serve).
set -euo pipefail
command="${1:?start|stop}"
dir="${2:?directory}"
port="${3:-55432}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$bin/pg_ctl" ] || { echo "postgres-cluster: no PostgreSQL server (apt-get install postgresql-15)" >&2; exit 1; }
as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$command" in
start)
    settings="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    [ "${HCARD_PG_DURABLE:-0}" != 1 ] || settings=""
    mkdir -p "$dir"
    [ "$(id -u)" -ne 0 ] || chown postgres "$dir"
    as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-h 127.0.0.1 -p $port -k $dir $settings -c max_connections=200" \
        start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    as_postgres "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE hcard_test" >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/hcard_test"
    ;;
stop)
    [ -d "$dir/data" ] && as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    rm -rf "$dir"
    ;;
*) echo "postgres-cluster: unknown command $command (start|stop)" >&2; exit 2 ;;
esac
