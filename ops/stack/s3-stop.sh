#!/usr/bin/env bash
# Stop the moto S3 server and wait until it has exited.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if pid=$(pidfile_pid "$STACK/s3/moto.pid"); then stop_pid "$pid" moto; fi
rm -f "$STACK/s3/moto.pid"
