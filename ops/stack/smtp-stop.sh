#!/usr/bin/env bash
# Stop the test SMTP server and wait until it has exited.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if pid=$(pidfile_pid "$STACK/smtp/smtp.pid"); then stop_pid "$pid" smtp; fi
rm -f "$STACK/smtp/smtp.pid"
