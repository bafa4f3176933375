#!/usr/bin/env bash
# Stop the test PostgreSQL cluster (fast shutdown) and wait until it has exited.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DATA="$STACK/postgres/data"
[[ -s $DATA/PG_VERSION ]] || exit 0
as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }

if as_pg "$PG_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null
  log "postgres stopped"
fi
