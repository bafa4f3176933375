#!/usr/bin/env bash
# Start moto's S3-compatible server on 127.0.0.1:$S3_PORT (in-memory: data is
# lost when it stops) and create the bucket the Kafka broker stores into.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PIDFILE="$STACK/s3/moto.pid"
LOGFILE="$STACK/s3/moto.log"
need_file "$VENV/bin/moto_server"

s3_ready() { curl -fsS -o /dev/null --max-time 2 "http://$HOST:$S3_PORT/"; }

if pid=$(pidfile_pid "$PIDFILE"); then
  log "moto already running (pid $pid)"
else
  port_free_or_die "$S3_PORT"
  log "starting moto S3 on $HOST:$S3_PORT"
  start_daemon "$PIDFILE" "$LOGFILE" "$VENV/bin/moto_server" -H "$HOST" -p "$S3_PORT"
  pid=$(cat "$PIDFILE")
fi
wait_until moto "$LOGFILE" "$pid" s3_ready

# Bucket for the broker (moto does not check signatures; PUT is idempotent).
curl -fsS -o /dev/null -X PUT "http://$HOST:$S3_PORT/$KAFKA_BUCKET" ||
  die "could not create bucket $KAFKA_BUCKET"
log "moto ready on $HOST:$S3_PORT"
