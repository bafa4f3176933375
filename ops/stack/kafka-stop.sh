#!/usr/bin/env bash
# Stop the tansu broker and wait until the process has exited (and the port is
# free), so kafka-start.sh can bind it again.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if pid=$(pidfile_pid "$STACK/kafka/tansu.pid"); then stop_pid "$pid" tansu; fi
rm -f "$STACK/kafka/tansu.pid"
for ((i = 0; i < 100; i++)); do port_open "$KAFKA_PORT" || exit 0; sleep 0.1; done
die "port $KAFKA_PORT still in use after stopping tansu"
