#!/usr/bin/env bash
# Stop the whole local test stack and wait until every process has exited.
# down.sh --clean also deletes all state in .stack/ (databases, mail, logs, certs).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
JIRA_PORT="${MAILBRIDGE_JIRA_PORT:-${STACK_JIRA_PORT:-58080}}"

# Services ops/run-local.sh started go first (they use the servers below).
for pidfile in "$STACK"/webhooks.pid "$STACK"/renderer.pid "$STACK"/sender.pid; do
  [[ -s $pidfile ]] || continue
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && die "$(basename "$pidfile" .pid) (pid $pid) did not stop"
    log "$(basename "$pidfile" .pid) stopped (pid $pid)"
  fi
  rm -f "$pidfile"
done

"$STACK_SCRIPTS/stop-jira-sim.sh"
"$STACK_SCRIPTS/smtp-stop.sh"
"$STACK_SCRIPTS/imap-stop.sh"
"$STACK_SCRIPTS/kafka-stop.sh"
"$STACK_SCRIPTS/s3-stop.sh"
"$STACK_SCRIPTS/postgres-stop.sh"

# Any of our servers still running, or a port still taken, is a bug.
for pat in "postgres -D $STACK/postgres/data" "$VENV/bin/moto_server" \
  "$DEPS/bin/tansu broker" "dovecot -c $DOVECOT_CONF" "$STACK_SCRIPTS/smtp_server.py" \
  "$REPO/ops/jira-simulator/jira_simulator.py"; do
  if left=$(pgrep -af -- "$pat"); then die "still running: $left"; fi
done
for p in "$PG_PORT" "$KAFKA_PORT" "$S3_PORT" "$SMTP_PORT" "$IMAP_PORT" "$JIRA_PORT"; do
  if port_open "$p"; then die "port $HOST:$p is still in use"; fi
done

if [[ ${1:-} == --clean ]]; then
  rm -rf "$STACK"
  log "removed $STACK"
fi
log "stack down"
