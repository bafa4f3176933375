#!/usr/bin/env bash
# Stop the Jira simulator and wait until it has exited.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if pid=$(pidfile_pid "$STACK/jira-sim/jira-sim.pid"); then stop_pid "$pid" "jira simulator"; fi
rm -f "$STACK/jira-sim/jira-sim.pid"
