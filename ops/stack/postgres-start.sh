#!/usr/bin/env bash
# Start the throwaway PostgreSQL 15 cluster in .stack/postgres (created on first
# run) on 127.0.0.1:$PG_PORT, with database mailbridge_test / user mailbridge.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PG_DIR="$STACK/postgres"
DATA="$PG_DIR/data"
SOCK="$PG_DIR/run"
LOGFILE="$PG_DIR/postgres.log"
need_file "$PG_BIN/initdb"

# initdb refuses to run as root: the cluster belongs to the "postgres" OS user.
as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }

mkdir -p "$PG_DIR"
chown postgres:postgres "$PG_DIR"
as_pg mkdir -p "$SOCK"

if [[ ! -s $DATA/PG_VERSION ]]; then
  log "initdb $DATA"
  rm -rf "$DATA"
  as_pg "$PG_BIN/initdb" -D "$DATA" -U postgres --auth-local=trust \
    --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 ||
    { log_tail "$PG_DIR/initdb.log"; die "initdb failed"; }
  # Loopback only; the unix socket lives in our own run dir.
  cat >>"$DATA/postgresql.conf" <<CONF

# --- mailbridge test cluster
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$SOCK'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
fi
# Follow a changed port override.
sed -i "s/^port = .*/port = $PG_PORT/" "$DATA/postgresql.conf"

if as_pg "$PG_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  log "postgres already running"
else
  port_free_or_die "$PG_PORT"
  log "starting postgres on $HOST:$PG_PORT"
  as_pg "$PG_BIN/pg_ctl" -D "$DATA" -l "$LOGFILE" -w -t "$STARTUP_TIMEOUT" start >/dev/null ||
    { log_tail "$LOGFILE"; die "postgres failed to start"; }
fi
wait_until postgres "$LOGFILE" "" "$PG_BIN/pg_isready" -q -h "$HOST" -p "$PG_PORT"

# Role and database (idempotent).
psql_admin() { as_pg psql -X -q -v ON_ERROR_STOP=1 -h "$SOCK" -p "$PG_PORT" -U postgres -d postgres "$@"; }
if [[ -z $(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'") ]]; then
  psql_admin -c "CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASSWORD' CREATEDB"
fi
if [[ -z $(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'") ]]; then
  psql_admin -c "CREATE DATABASE $PG_DB OWNER $PG_USER"
fi
# Real protocol check over TCP with the test credentials.
PGPASSWORD=$PG_PASSWORD psql -X -q -h "$HOST" -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -tAc 'SELECT 1' >/dev/null ||
  { log_tail "$LOGFILE"; die "cannot connect to $PG_DB as $PG_USER"; }
log "postgres ready on $HOST:$PG_PORT"
