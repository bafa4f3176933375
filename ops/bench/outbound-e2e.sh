#!/usr/bin/env bash
# The outbound pipeline end to end, and its fairness: signed jira:issue_created webhooks →
# mailbridge-webhooks → jira.events → mailbridge-renderer (Jira GET, render, sealed mail in the
# object store) → mail.outbound → mailbridge-sender → SMTP sink (ops/bench/smtp_sink.py).
#
# Tenant A floods BENCH_EVENTS webhooks (split over BENCH_TENANTS flooding tenants A1..An) as fast
# as the webhook service accepts them; after BENCH_QUIET_AFTER of them were accepted, tenant B
# sends one. Every webhook has a unique X-Atlassian-Webhook-Identifier and yields exactly one mail
# to one fixed address (scheme: created → addresses). The run waits until every mail reached the
# sink and fails if one is missing, duplicated or unexpected (matched by Message-ID + recipient).
# Before the flood, the sink's own rate is measured alone (smtp_sink.py blast).
# Prints name=value lines after "# results": smtp_sink_per_s, webhook_accept_per_s,
# e2e_notifications_per_s, quiet_tenant_delay_s, and per-stage counts.
#
# The stack keeps the broker's (tansu's) data in moto's S3, which saturates long before Mailbridge
# does; for figures of Mailbridge, run with the broker's storage in memory first:
#   MAILBRIDGE_KAFKA_STORAGE=memory://tansu/ ops/stack/kafka-restart.sh
# (the results name the storage: broker_storage=…).
# Needs the stack (ops/stack/up.sh), psql, and the release binaries:
#   for p in mailbridge-webhooks mailbridge-renderer mailbridge-sender; do
#     swift build -c release --scratch-path .build-bench --product $p; done
# Settings: BENCH_EVENTS (10000), BENCH_CONNECTIONS (32), BENCH_TENANTS (flooding tenants, 1),
# BENCH_QUIET_AFTER (1000), BENCH_OBJECT_STORE (directory|s3, directory), BENCH_TIMEOUT (seconds
# to wait for the mails after the flood, 540), BENCH_SINK_MESSAGES (20000), BENCH_LOG_LEVEL (notice),
# BENCH_RENDERER_LANES (64), BENCH_KEEP (1: keep the work directory and print its path),
# BENCH_JIRA_URL, BENCH_JIRA_KEYS_DIR, BENCH_JIRA_PID (another Jira simulator than the stack's),
# BENCH_STAGE (all, or renderer: no sender; waits until the renderer's /metrics counted every
# event rendered and prints renderer_only_per_s — where the time goes, stage by stage).
set -euo pipefail
shopt -s extglob
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
load_stack_env
# Another Jira simulator (e.g. a patched copy) instead of the stack's, and where it writes install keys.
JIRA_URL="${BENCH_JIRA_URL:-$MAILBRIDGE_TEST_JIRA_URL}"
JIRA_KEYS_DIR="${BENCH_JIRA_KEYS_DIR:-$MAILBRIDGE_TEST_JIRA_INSTALL_KEYS_DIR}"

BIN="${MAILBRIDGE_BENCH_RELEASE_DIR:-$REPO/.build-bench/release}"
STAGE="${BENCH_STAGE:-all}"
[[ $STAGE == all || $STAGE == renderer ]] || die "BENCH_STAGE must be all or renderer"
products=(mailbridge-webhooks mailbridge-renderer)
[[ $STAGE == all ]] && products+=(mailbridge-sender)
for product in "${products[@]}"; do
  [[ -x $BIN/$product ]] ||
    die "$BIN/$product missing; build it: swift build -c release --scratch-path .build-bench --product $product"
done
command -v psql >/dev/null || die "psql missing (apt-get install postgresql-client)"
PYTHON="$REPO/.deps/venv/bin/python"
EVENTS="${BENCH_EVENTS:-10000}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
FLOODERS="${BENCH_TENANTS:-1}"
QUIET_AFTER="${BENCH_QUIET_AFTER:-1000}"
OBJECT_STORE="${BENCH_OBJECT_STORE:-directory}"
TIMEOUT="${BENCH_TIMEOUT:-540}"
SINK_MESSAGES="${BENCH_SINK_MESSAGES:-20000}"
LOG_LEVEL="${BENCH_LOG_LEVEL:-notice}"
[[ $OBJECT_STORE == directory || $OBJECT_STORE == s3 ]] || die "BENCH_OBJECT_STORE must be directory or s3"

# The operator CLI (a debug build is fine: it migrates, creates topics, imports schemes, reads offsets).
CLI="${MAILBRIDGE_CLI:-$REPO/.build/debug/mailbridge}"
[[ -x $CLI ]] || die "$CLI missing; build it: swift build --product mailbridge"

work="$(mktemp -d /tmp/outbound-e2e.XXXXXX)"
pids=()
sites=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for site in "${sites[@]}"; do
    curl -fsS -o /dev/null -X DELETE "$JIRA_URL/__sim/sites/$site" 2>/dev/null || true
  done
  if [[ -n ${bench_db_created:-} ]]; then
    psql "$MAILBRIDGE_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" 2>/dev/null || true
  fi
  if [[ ${BENCH_KEEP:-0} == 1 ]]; then log "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 143' TERM INT

free_port() { "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# wait_ready NAME HEALTH_PORT LOG
wait_ready() {
  for _ in $(seq 120); do curl -fsS -o /dev/null "http://127.0.0.1:$2/readyz" 2>/dev/null && return; sleep 0.5; done
  tail -n 30 "$3" >&2
  die "$1 did not become ready (log above)"
}
# metric HEALTH_PORT NAME_REGEX -> the sum of the matching samples of the service's /metrics
metric() { curl -fsS "http://127.0.0.1:$1/metrics" | awk -v re="^$2" '$0 ~ re { n += $NF } END { print n + 0 }'; }

suffix="$(run_suffix)"
prefix="mailbridge-bench-e2e-$suffix."
site_prefix="bench-e2e-$suffix"
domain="mailbridge.bench.test"
web_port="$(free_port)"; web_health="$(free_port)"; renderer_health="$(free_port)"; sender_health="$(free_port)"
base="http://127.0.0.1:$web_port"

# A database of its own: the sender's parked-mail releaser and usage alerts go over every tenant
# of their database, which must not touch (or be touched by) the tests sharing the stack.
database="bench_e2e_$suffix"
psql "$MAILBRIDGE_TEST_POSTGRES_URL" -qc "CREATE DATABASE $database"
bench_db_created=1
DATABASE_URL="${MAILBRIDGE_TEST_POSTGRES_URL%/*}/$database"
export MAILBRIDGE_POSTGRES_URL="$DATABASE_URL" MAILBRIDGE_KAFKA_BROKERS="$MAILBRIDGE_TEST_KAFKA_BROKERS"
export MAILBRIDGE_TOPIC_PREFIX="$prefix" MAILBRIDGE_LOG_LEVEL="$LOG_LEVEL"
kek="$(openssl rand -base64 32)"; credentials_key="$(openssl rand -base64 32)"
hash_key="$(openssl rand -base64 32)"; blind_key="$(openssl rand -base64 32)"
export MAILBRIDGE_KEK_KEYS="bench-kek:$kek" MAILBRIDGE_KEK_ACTIVE=bench-kek
export MAILBRIDGE_CREDENTIALS_KEY_KEYS="bench-cred:$credentials_key" MAILBRIDGE_CREDENTIALS_KEY_ACTIVE=bench-cred
export MAILBRIDGE_LOG_HASH_KEY="$hash_key" MAILBRIDGE_BLIND_INDEX_KEY="$blind_key"
export MAILBRIDGE_NOTIFICATION_FROM="jira@$domain" MAILBRIDGE_MESSAGE_ID_DOMAIN="$domain"
export MAILBRIDGE_OBJECT_STORE="$OBJECT_STORE"
if [[ $OBJECT_STORE == s3 ]]; then
  bucket="bench-e2e-$(date +%s)-$$"
  export MAILBRIDGE_S3_ENDPOINT="$MAILBRIDGE_TEST_S3_ENDPOINT" MAILBRIDGE_S3_REGION="$MAILBRIDGE_TEST_S3_REGION" \
    MAILBRIDGE_S3_BUCKET="$bucket" MAILBRIDGE_S3_ACCESS_KEY="$MAILBRIDGE_TEST_S3_ACCESS_KEY" \
    MAILBRIDGE_S3_SECRET_KEY="$MAILBRIDGE_TEST_S3_SECRET_KEY"
  AWS_ACCESS_KEY_ID="$MAILBRIDGE_TEST_S3_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$MAILBRIDGE_TEST_S3_SECRET_KEY" \
    "$REPO/.deps/venv/bin/aws" --endpoint-url "$MAILBRIDGE_TEST_S3_ENDPOINT" --region "$MAILBRIDGE_TEST_S3_REGION" \
    s3 mb "s3://$bucket" >/dev/null
else
  export MAILBRIDGE_OBJECT_STORE_DIR="$work/objects"
fi

"$CLI" migrate --directory "$REPO/Shared/Schema/Migrations" >/dev/null
"$CLI" kafka create-topics --prefix "$prefix" --partitions 3 >/dev/null

# 1. The sink, and its own rate alone (recipients @blast.invalid, ignored by the count below).
"$PYTHON" "$BENCH_SCRIPTS/smtp_sink.py" serve --log "$work/sink.log" --port-file "$work/sink.port" 2>"$work/sink.err" &
pids+=($!)
sink_pid=$!
for _ in $(seq 50); do [[ -s $work/sink.port ]] && break; sleep 0.1; done
sink_port="$(cat "$work/sink.port")"
log "SMTP sink on 127.0.0.1:$sink_port; its own rate: $SINK_MESSAGES messages over 16 connections"
"$PYTHON" "$BENCH_SCRIPTS/smtp_sink.py" blast --port "$sink_port" --messages "$SINK_MESSAGES" --connections 16 >"$work/blast.out"

# 2. The three services.
log "starting mailbridge-webhooks on $base, mailbridge-renderer, mailbridge-sender (topics $prefix*, objects: $OBJECT_STORE)"
MAILBRIDGE_WEBHOOKS_HOST=127.0.0.1 MAILBRIDGE_WEBHOOKS_PORT="$web_port" MAILBRIDGE_HEALTH_PORT="$web_health" \
  MAILBRIDGE_APP_BASE_URL="$base" MAILBRIDGE_INSTALL_KEYS_DIR="$JIRA_KEYS_DIR" \
  MAILBRIDGE_WEBHOOKS_SCHEME_REFRESH=500ms \
  "$BIN/mailbridge-webhooks" >"$work/webhooks.log" 2>&1 </dev/null &
pids+=($!)
webhooks_pid=$!
MAILBRIDGE_HEALTH_PORT="$renderer_health" MAILBRIDGE_RENDERER_GROUP="bench-renderer-$suffix" MAILBRIDGE_RENDERER_LANES="${BENCH_RENDERER_LANES:-64}" \
  "$BIN/mailbridge-renderer" >"$work/renderer.log" 2>&1 </dev/null &
pids+=($!)
renderer_pid=$!
if [[ $STAGE == all ]]; then
  MAILBRIDGE_HEALTH_PORT="$sender_health" MAILBRIDGE_SENDER_GROUP="bench-sender-$suffix" \
    "$BIN/mailbridge-sender" >"$work/sender.log" 2>&1 </dev/null &
  pids+=($!)
  sender_pid=$!
fi
wait_ready mailbridge-webhooks "$web_health" "$work/webhooks.log"
wait_ready mailbridge-renderer "$renderer_health" "$work/renderer.log"
[[ $STAGE == all ]] && wait_ready mailbridge-sender "$sender_health" "$work/sender.log"

# 3. Tenants: one simulator site each (signed install), issues, a scheme, SMTP settings → the sink.
for name in $(seq -f 'a%g' 1 "$FLOODERS") b; do sites+=("$site_prefix-$name"); done
"$PYTHON" "$BENCH_SCRIPTS/outbound_e2e.py" setup --jira "$JIRA_URL" --webhooks "$base" \
  --postgres "$DATABASE_URL" --site-prefix "$site_prefix" --flooders "$FLOODERS" --work "$work" >"$work/tenants.txt"
while read -r name tenant _; do
  "$CLI" scheme import --tenant "$tenant" "$work/scheme-$name.json" >/dev/null
  # No plan row: capacity unlimited. Plain SMTP without login to the sink.
  "$CLI" smtp set --tenant "$tenant" --host 127.0.0.1 --port "$sink_port" --security none --auth none \
    --envelope-from "bounces@$domain" >/dev/null
done <"$work/tenants.txt"
sleep 2.5 # the webhook service re-reads notification_schemes every 500 ms here, the renderer's scheme cache lives 2 s

# 4. The flood, B's webhook, and the wait for every mail; CPU used by each process meanwhile
# (the stack's servers are shared: their share includes whatever else used them).
stack_pid() { [[ -f $REPO/.stack/$1 ]] && head -n1 "$REPO/.stack/$1"; }
cpu="webhooks=$webhooks_pid,renderer=$renderer_pid,sink=$sink_pid"
[[ $STAGE == all ]] && cpu+=",sender=$sender_pid"
for entry in tansu=kafka/tansu.pid moto=s3/moto.pid jira_sim=jira-sim/jira-sim.pid; do
  pid="$(stack_pid "${entry#*=}")" && [[ -n $pid ]] && cpu+=",${entry%%=*}=$pid"
done
[[ -n ${BENCH_JIRA_PID:-} ]] && cpu="${cpu/jira_sim=*([0-9])/jira_sim=$BENCH_JIRA_PID}"
pid="$(stack_pid postgres/data/postmaster.pid)" && [[ -n $pid ]] && cpu+=",postgres=postmaster:$pid"
log "machine load before the flood: $(cut -d' ' -f1-3 /proc/loadavg)"
set +e
"$PYTHON" "$BENCH_SCRIPTS/outbound_e2e.py" run --port "$web_port" --site-prefix "$site_prefix" --events "$EVENTS" \
  --connections "$CONNECTIONS" --quiet-after "$QUIET_AFTER" --sink-log "$work/sink.log" --domain "$domain" \
  --timeout "$TIMEOUT" --work "$work" --until "${STAGE/all/sink}" \
  --renderer-metrics "http://127.0.0.1:$renderer_health/metrics" --cpu "$cpu" >"$work/run.out"
status=$?
set -e
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

# Per-stage counts: what each service says it did, and the committed offsets of each consumer group.
offsets() { # GROUP TOPIC -> the sum of the group's committed offsets (= records consumed, topics are new per run)
  "$CLI" kafka offsets --group "$1" --topic "$2" 2>/dev/null | awk '$NF ~ /^[0-9]+$/ { n += $NF } END { print n + 0 }'
}
echo "# results"
cat "$work/blast.out"
cat "$work/run.out"
echo "webhooks_accepted_total=$(metric "$web_health" 'mailbridge_webhooks_received_total\{outcome="accepted"\}')"
echo "renderer_rendered_total=$(metric "$renderer_health" 'mailbridge_renderer_events_total\{outcome="rendered"\}')"
echo "renderer_not_rendered_total=$(metric "$renderer_health" 'mailbridge_renderer_events_total\{outcome="(no-|dead)')"
echo "jira_events_consumed=$(offsets "bench-renderer-$suffix" "${prefix}jira.events")"
echo "mail_outbound_consumed=$(offsets "bench-sender-$suffix" "${prefix}mail.outbound")"
if [[ $STAGE == all ]]; then
  curl -fsS "http://127.0.0.1:$sender_health/metrics" | { grep -E '^mailbridge_sender_[a-z_]+(\{[^}]*\})? ' || true; } | sed 's/ /=/'
fi
echo "machine_load_after=${load_after// /,}"
echo "broker_storage=$(grep -o 'storage: [^ ]*' "$REPO/.stack/kafka/tansu.log" | tail -1 | cut -d' ' -f2)"
[[ $status == 0 ]] || die "the run failed (exit $status): see the mails_* lines above; logs in $work (BENCH_KEEP=1 keeps them)"
