#!/usr/bin/env bash
# wrk on loopback against mailbridge-webhooks, with valid signed Jira webhooks, side by side in
# one run with nginx answering a static 200 (the machine's ceiling for one HTTP request):
#   full  — verify JWT + qsh, tenant lookup, seal with the tenant key, produce and wait for the
#           broker's acknowledgement (acks=all), 200;
#   drop  — verify JWT + qsh, tenant lookup, no notification scheme for the project: 204;
#   drop with distinct tokens — the same, each request with a token not seen for a while
#           (BENCH_DISTINCT_TOKENS, 8192, cycled: more than the verified-token cache holds, so
#           every token is checked in full), beside nginx sent the same requests by the same
#           wrk script (wrk builds each request in Lua, which costs wrk more);
#   static — the service's descriptor (GET, a fixed answer): the HTTP layer alone, for reference;
#   full at BENCH_SATURATION_CONNECTIONS — the full path's throughput when the machine is busy.
# Prints name=value lines after "# results", among them webhook_ratio_vs_nginx_full and
# webhook_ratio_vs_nginx_drop (requests/s of the service over nginx's, same connections) and
# webhook_ratio_vs_nginx_drop_distinct_tokens.
#
# Needs the stack (ops/stack/up.sh), wrk and nginx (Debian packages), and the release binary:
#   swift build -c release --scratch-path .build-bench --product mailbridge-webhooks
# The broker's storage changes the full path's figures: a fresh in-memory tansu gives the
# service's own; tansu on moto or a broker holding earlier runs' records gives the broker's:
#   MAILBRIDGE_KAFKA_STORAGE=memory://tansu/ ops/stack/kafka-restart.sh
# (the results name it: broker_storage=…).
# Settings: BENCH_DURATION (seconds per run, 15), BENCH_CONNECTIONS (32),
# BENCH_SATURATION_CONNECTIONS (128), BENCH_THREADS (2), BENCH_LOG_LEVEL (the service's log
# level, notice), BENCH_LINGER (the producer's linger, the service's default 1ms),
# BENCH_DISTINCT_TOKENS (8192).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
load_stack_env

WEBHOOKS_BIN="${MAILBRIDGE_WEBHOOKS_BIN:-$REPO/.build-bench/release/mailbridge-webhooks}"
[[ -x $WEBHOOKS_BIN ]] ||
  die "$WEBHOOKS_BIN missing; build it: swift build -c release --scratch-path .build-bench --product mailbridge-webhooks"
command -v wrk >/dev/null || die "wrk missing (apt-get install wrk)"
command -v nginx >/dev/null || die "nginx missing (apt-get install nginx)"
command -v psql >/dev/null || die "psql missing (apt-get install postgresql-client)"
PYTHON="$REPO/.deps/venv/bin/python"
DURATION="${BENCH_DURATION:-15}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
SATURATION_CONNECTIONS="${BENCH_SATURATION_CONNECTIONS:-128}"
THREADS="${BENCH_THREADS:-2}"

# The operator CLI (debug build is fine: it only migrates and creates topics).
(cd "$REPO" && swift build --product mailbridge >/dev/null)
CLI="$(cd "$REPO" && swift build --product mailbridge --show-bin-path)/mailbridge"

work="$(mktemp -d)"
service_pid=""
nginx_pid=""
cleanup() {
  [[ -n $service_pid ]] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null
  [[ -n $nginx_pid ]] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  [[ -n ${site:-} ]] && curl -fsS -o /dev/null -X DELETE "$MAILBRIDGE_TEST_JIRA_URL/__sim/sites/$site" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
suffix="$(run_suffix)"
prefix="mailbridge-bench-wh-$suffix."
site="bench-wh-$suffix"
client_key="bench-client-$suffix"
secret="$(openssl rand -hex 24)"
port="$(free_port)"
health_port="$(free_port)"
nginx_port="$(free_port)"
base="http://127.0.0.1:$port"

export MAILBRIDGE_POSTGRES_URL="$MAILBRIDGE_TEST_POSTGRES_URL" MAILBRIDGE_KAFKA_BROKERS="$MAILBRIDGE_TEST_KAFKA_BROKERS"
"$CLI" migrate --directory "$REPO/Shared/Schema/Migrations" >/dev/null
"$CLI" kafka create-topics --prefix "$prefix" --partitions 3 >/dev/null

log "starting mailbridge-webhooks on $base (topics $prefix*)"
MAILBRIDGE_WEBHOOKS_HOST=127.0.0.1 MAILBRIDGE_WEBHOOKS_PORT="$port" MAILBRIDGE_HEALTH_PORT="$health_port" \
  MAILBRIDGE_APP_BASE_URL="$base" MAILBRIDGE_INSTALL_KEYS_DIR="$MAILBRIDGE_TEST_JIRA_INSTALL_KEYS_DIR" \
  MAILBRIDGE_TOPIC_PREFIX="$prefix" MAILBRIDGE_KEK_KEYS="bench-kek:$(openssl rand -base64 32)" MAILBRIDGE_KEK_ACTIVE=bench-kek \
  MAILBRIDGE_CREDENTIALS_KEY_KEYS="bench-cred:$(openssl rand -base64 32)" MAILBRIDGE_CREDENTIALS_KEY_ACTIVE=bench-cred \
  MAILBRIDGE_LOG_HASH_KEY="$(openssl rand -base64 32)" MAILBRIDGE_LOG_LEVEL="${BENCH_LOG_LEVEL:-notice}" \
  MAILBRIDGE_WEBHOOKS_SCHEME_REFRESH=500ms MAILBRIDGE_WEBHOOKS_KAFKA_LINGER="${BENCH_LINGER:-1ms}" \
  "$WEBHOOKS_BIN" >"$work/webhooks.log" 2>&1 </dev/null &
service_pid=$!
for _ in $(seq 60); do curl -fsS -o /dev/null "http://127.0.0.1:$health_port/readyz" 2>/dev/null && break; sleep 0.5; done
curl -fsS -o /dev/null "http://127.0.0.1:$health_port/readyz" || { cat "$work/webhooks.log" >&2; die "the service did not become ready"; }

# A simulator site whose app points at the service, installed with Atlassian's signed install;
# a notification scheme for project BENCH only; a token and the two bodies for wrk.
"$PYTHON" - "$MAILBRIDGE_TEST_JIRA_URL" "$base" "$site" "$client_key" "$secret" "$work" "${BENCH_DISTINCT_TOKENS:-8192}" <<'PY'
import hashlib, json, sys, time, urllib.request
import jwt  # PyJWT: a signer independent of ours
jira, base, site, client_key, secret, work, distinct = sys.argv[1:]
def post(path, body):
    request = urllib.request.Request(jira + path, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)
post("/__sim/sites", {"name": site, "replace": True,
     "projects": [{"key": "BENCH", "name": "Bench", "issueTypes": ["Task"], "projectTypeKey": "software"}],
     "apps": [{"key": "mailbridge", "clientKey": client_key, "sharedSecret": secret, "baseUrl": base, "installed": False,
               "lifecycle": {e: "/lifecycle/" + e for e in ("installed", "uninstalled", "enabled", "disabled")},
               "webhooks": [{"event": "jira:issue_created", "url": "/webhooks/jira"}]}]})
status = post(f"/__sim/sites/{site}/lifecycle", {"event": "installed", "app": "mailbridge"})["status"]
if status != 200:
    sys.exit(f"signed install answered {status}")
now = int(time.time())
qsh = hashlib.sha256(b"POST&/webhooks/jira&").hexdigest()
token = jwt.encode({"iss": client_key, "iat": now, "exp": now + 900, "qsh": qsh}, secret, algorithm="HS256")
for name, project in (("full", "BENCH"), ("drop", "OTHER")):
    body = {"timestamp": now * 1000, "webhookEvent": "jira:issue_created", "issue_event_type_name": "issue_created",
            "issue": {"id": "10001", "key": f"{project}-1", "fields": {"project": {"key": project}, "summary": "Printer on fire",
                      "description": "x" * 1500}}}
    with open(f"{work}/{name}.lua", "w") as lua:
        lua.write(f'wrk.method = "POST"\nwrk.body = {json.dumps(json.dumps(body))}\n'
                  f'wrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "JWT {token}"\n'
                  f'wrk.headers["X-Atlassian-Webhook-Identifier"] = "bench-{name}"\n')
with open(f"{work}/nginx.lua", "w") as lua:
    lua.write(open(f"{work}/full.lua").read())
# The drop body with a different token on each request, cycled (each token's exp differs).
tokens = [jwt.encode({"iss": client_key, "iat": now, "exp": now + 900 + i, "qsh": qsh}, secret, algorithm="HS256")
          for i in range(int(distinct))]
drop_body = [line for line in open(f"{work}/drop.lua") if line.startswith("wrk.body")][0]
with open(f"{work}/drop_distinct.lua", "w") as lua:
    lua.write('wrk.method = "POST"\n' + drop_body)
    lua.write("local tokens = {\n" + ",\n".join(json.dumps(t) for t in tokens) + "}\n")
    lua.write("local count = #tokens\nlocal index = 0\n")
    lua.write('request = function()\n  index = index % count + 1\n'
              '  return wrk.format(nil, nil, {["Content-Type"] = "application/json", ["Authorization"] = "JWT " .. tokens[index],'
              ' ["X-Atlassian-Webhook-Identifier"] = "bench-drop-distinct"}, nil)\nend\n')
PY
tenant="$(psql "$MAILBRIDGE_TEST_POSTGRES_URL" -Atc "SELECT tenant_id FROM tenants WHERE client_key = '$client_key'")"
[[ -n $tenant ]] || die "the install did not record the tenant"
psql "$MAILBRIDGE_TEST_POSTGRES_URL" -qc \
  "INSERT INTO notification_schemes (tenant_id, project_key, event) VALUES ('$tenant', 'BENCH', 'jira:issue_created')"
sleep 1.5  # the scheme cache polls every 500 ms

cat >"$work/nginx.conf" <<NGINX
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_buffer_size 64k;
  server { listen 127.0.0.1:$nginx_port; location / { return 200; } }
}
NGINX
nginx -c "$work/nginx.conf" -p "$work" &
nginx_pid=$!
for _ in $(seq 50); do curl -fsS -o /dev/null "http://127.0.0.1:$nginx_port/" 2>/dev/null && break; sleep 0.1; done

printf 'wrk.method = "GET"\n' >"$work/static.lua"

# run NAME SCRIPT URL [CONNECTIONS] -> wrk output in $work/NAME.out (after a 3 s warm-up)
run() {
  local connections="${4:-$CONNECTIONS}"
  wrk -t"$THREADS" -c"$connections" -d3s -s "$work/$2.lua" "$3" >/dev/null
  log "wrk $1: ${DURATION}s, $connections connections"
  wrk -t"$THREADS" -c"$connections" -d"${DURATION}s" --latency -s "$work/$2.lua" "$3" | tee "$work/$1.out" >&2
}
# The full path answers 200 and the drop path 204; wrk counts any other answer as non-2xx.
run nginx nginx "http://127.0.0.1:$nginx_port/webhooks/jira"
run full full "$base/webhooks/jira"
run drop drop "$base/webhooks/jira"
run static static "$base/atlassian-connect.json"
run nginx_distinct drop_distinct "http://127.0.0.1:$nginx_port/webhooks/jira"
run drop_distinct drop_distinct "$base/webhooks/jira"
run full_saturated full "$base/webhooks/jira" "$SATURATION_CONNECTIONS"

rps() { awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$work/$1.out"; }
errors() { awk '/Non-2xx or 3xx responses:/ { n = $5 } /Socket errors:/ { n += 1 } END { print n + 0 }' "$work/$1.out"; }
# percentile NAME P -> milliseconds
percentile() {
  awk -v p="$2%" '$1 == p { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }; printf "%.2f", v }' "$work/$1.out"
}
for name in nginx full drop static nginx_distinct drop_distinct full_saturated; do
  [[ $(errors "$name") == 0 ]] || die "$name: wrk saw non-2xx answers or socket errors (see above)"
done
# The service's own counters say which path each run took (wrk only sees 2xx).
metrics="$(curl -fsS "http://127.0.0.1:$health_port/metrics")"
accepted="$(awk '/^mailbridge_webhooks_received_total\{outcome="accepted"\}/ { print $2 }' <<<"$metrics")"
dropped="$(awk '/^mailbridge_webhooks_received_total\{outcome="dropped-no-notification"\}/ { print $2 }' <<<"$metrics")"
other="$(awk '/^mailbridge_webhooks_received_total\{/ && !/outcome="(accepted|dropped-no-notification)"/ { n += $2 } END { print n + 0 }' <<<"$metrics")"
[[ ${accepted:-0} -gt 0 && ${dropped:-0} -gt 0 && $other == 0 ]] ||
  die "unexpected outcomes: accepted=${accepted:-0} dropped=${dropped:-0} other=$other"

echo "# results"
echo "webhook_duration_seconds=$DURATION"
echo "webhook_connections=$CONNECTIONS"
echo "webhook_saturation_connections=$SATURATION_CONNECTIONS"
echo "broker_storage=$(grep -o 'storage: [^ ]*' "$REPO/.stack/kafka/tansu.log" 2>/dev/null | tail -1 | cut -d' ' -f2)"
echo "producer_linger=${BENCH_LINGER:-1ms}"
echo "webhook_accepted_total=$accepted"
echo "webhook_dropped_total=$dropped"
for name in nginx full drop static nginx_distinct drop_distinct full_saturated; do
  echo "webhook_${name}_rps=$(rps "$name")"
  echo "webhook_${name}_p50_ms=$(percentile "$name" 50)"
  echo "webhook_${name}_p99_ms=$(percentile "$name" 99)"
done
echo "webhook_ratio_vs_nginx_full=$(ratio "$(rps full)" "$(rps nginx)")"
echo "webhook_ratio_vs_nginx_drop=$(ratio "$(rps drop)" "$(rps nginx)")"
echo "webhook_ratio_static_vs_nginx=$(ratio "$(rps static)" "$(rps nginx)")   # the HTTP layer's own ceiling"
echo "webhook_ratio_vs_nginx_full_saturated=$(ratio "$(rps full_saturated)" "$(rps nginx)")"
echo "webhook_ratio_vs_nginx_drop_distinct_tokens=$(ratio "$(rps drop_distinct)" "$(rps nginx_distinct)")"
