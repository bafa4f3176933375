#!/usr/bin/env bash
# Start the Jira Cloud simulator (ops/jira-simulator) on 127.0.0.1:$JIRA_PORT (58080, or
# MAILBRIDGE_JIRA_PORT) with the demo site of ops/jira-simulator/demo-seed.json. Public keys of
# signed install callbacks go to .stack/jira-sim/keys (file name = kid); one log line per request
# in .stack/jira-sim/jira-sim.log. The contract is ../shared/contracts/jira-platform-openapi.v3.json
# (or MAILBRIDGE_JIRA_CONTRACT).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

JIRA_PORT="${MAILBRIDGE_JIRA_PORT:-${STACK_JIRA_PORT:-58080}}"
SIM_DIR="$REPO/ops/jira-simulator"
PIDFILE="$STACK/jira-sim/jira-sim.pid"
LOGFILE="$STACK/jira-sim/jira-sim.log"
CONTRACT="${MAILBRIDGE_JIRA_CONTRACT:-$REPO/../shared/contracts/jira-platform-openapi.v3.json}"
need_file "$VENV/bin/python"
[[ -f $CONTRACT ]] || die "Jira contract $CONTRACT not found (set MAILBRIDGE_JIRA_CONTRACT)"

jira_ready() { curl -fsS -o /dev/null --max-time 2 "http://$HOST:$JIRA_PORT/__sim/health"; }

if pid=$(pidfile_pid "$PIDFILE"); then
  log "jira simulator already running (pid $pid)"
else
  port_free_or_die "$JIRA_PORT"
  log "starting jira simulator on $HOST:$JIRA_PORT"
  start_daemon "$PIDFILE" "$LOGFILE" "$VENV/bin/python" "$SIM_DIR/jira_simulator.py" \
    --host "$HOST" --port "$JIRA_PORT" --seed "$SIM_DIR/demo-seed.json" \
    --keys-dir "$STACK/jira-sim/keys" --contract "$CONTRACT"
  pid=$(cat "$PIDFILE")
fi
wait_until "jira simulator" "$LOGFILE" "$pid" jira_ready
log "jira simulator ready on http://$HOST:$JIRA_PORT (demo site: http://$HOST:$JIRA_PORT/site/demo)"
