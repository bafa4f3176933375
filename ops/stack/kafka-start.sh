#!/usr/bin/env bash
# Start the tansu Kafka-compatible broker on 127.0.0.1:$KAFKA_PORT, storing
# topics and committed offsets in the moto S3 bucket, so data survives a broker
# restart (as long as moto keeps running). Needs s3-start.sh first.
# MAILBRIDGE_KAFKA_STORAGE=memory://tansu/ switches to in-memory storage.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PIDFILE="$STACK/kafka/tansu.pid"
LOGFILE="$STACK/kafka/tansu.log"
TANSU="$DEPS/bin/tansu"
STORAGE="${MAILBRIDGE_KAFKA_STORAGE:-${STACK_KAFKA_STORAGE:-s3://$KAFKA_BUCKET/}}"
need_file "$TANSU"

# A real protocol check: a metadata request with kcat (if installed).
kafka_ready() {
  port_open "$KAFKA_PORT" || return 1
  if command -v kcat >/dev/null; then kcat -b "$HOST:$KAFKA_PORT" -L -m 3 >/dev/null 2>&1; fi
}

if pid=$(pidfile_pid "$PIDFILE"); then
  log "tansu already running (pid $pid)"
else
  if [[ $STORAGE == s3://* ]]; then
    curl -fsS -o /dev/null --max-time 3 "http://$HOST:$S3_PORT/$KAFKA_BUCKET" ||
      die "S3 bucket http://$HOST:$S3_PORT/$KAFKA_BUCKET not reachable; run s3-start.sh first"
  fi
  # tansu panics if the port is still taken (e.g. by a broker still exiting).
  port_free_or_die "$KAFKA_PORT"
  log "starting tansu on $HOST:$KAFKA_PORT (storage $STORAGE)"
  mkdir -p "$STACK/kafka"
  echo "---- start $(date -Is)" >>"$LOGFILE"
  start_daemon "$PIDFILE" "$LOGFILE" env \
    AWS_ACCESS_KEY_ID="$S3_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$S3_SECRET_KEY" \
    AWS_DEFAULT_REGION="$S3_REGION" AWS_REGION="$S3_REGION" \
    AWS_ENDPOINT="http://$HOST:$S3_PORT" AWS_ALLOW_HTTP=true \
    "$TANSU" broker --cluster-id mailbridge \
      --listener-url "tcp://$HOST:$KAFKA_PORT" \
      --advertised-listener-url "tcp://$HOST:$KAFKA_PORT" \
      --storage-engine "$STORAGE"
  pid=$(cat "$PIDFILE")
fi
wait_until tansu "$LOGFILE" "$pid" kafka_ready
log "tansu ready on $HOST:$KAFKA_PORT"
