#!/usr/bin/env bash
# Stop our Dovecot instance and wait until the master process has exited.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if pid=$(pidfile_pid "$DOVECOT_DIR/run/master.pid"); then stop_pid "$pid" dovecot; fi
