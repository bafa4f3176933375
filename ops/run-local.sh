#!/usr/bin/env bash
# Runs Mailbridge locally on one machine: installs what is missing, starts the embedded stack
# (PostgreSQL, the tansu broker, an S3-compatible store, SMTP and IMAP servers), builds the
# executables, applies migrations and creates the topics. The stack keeps running afterwards;
# stop it with `ops/stack/down.sh`.
#
# The outbound pipeline runs: `mailbridge-webhooks`, `mailbridge-renderer` and `mailbridge-sender`
# are started in the background, the app is installed on a Jira simulator site "local" (the demo
# tenant), a notification scheme and the tenant's SMTP settings are set, and an issue created in
# Jira arrives as a mail in the local mailbox (`ops/mailbox.sh` shows it). The inbound pipeline
# is an open issue; the `mailbridge` operator CLI is exercised.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

# shellcheck source=ops/local-prelude.sh
source "$repo/ops/local-prelude.sh"

swift build --product mailbridge
mailbridge="$(swift build --product mailbridge --show-bin-path)/mailbridge"
export MAILBRIDGE_POSTGRES_URL="$MAILBRIDGE_TEST_POSTGRES_URL"
export MAILBRIDGE_KAFKA_BROKERS="$MAILBRIDGE_TEST_KAFKA_BROKERS"

echo "== database migrations"
"$mailbridge" migrate --directory "$repo/Shared/Schema/Migrations"
echo "== Kafka topics"
"$mailbridge" kafka create-topics --partitions 3
echo "== consumer groups"
"$mailbridge" kafka groups

# A local key-encryption key, made once and kept in .stack (never use it beyond this machine).
kek_file="$repo/.stack/kek.conf"
[ -s "$kek_file" ] || { umask 077; echo "local-1:$(openssl rand -base64 32)" >"$kek_file"; }
export MAILBRIDGE_KEK_FILE="$kek_file" MAILBRIDGE_KEK_ACTIVE=local-1
echo "== encryption keys of the demo tenant"
"$mailbridge" keys rotate --tenant demo
"$mailbridge" keys status
echo "== a sample reply, as the inbound pipeline reads it"
"$mailbridge" mail parse "$repo/Tests/MailTests/Corpus/outlook-reply.eml"
echo "-- its visible text:"
"$mailbridge" mail visible "$repo/Tests/MailTests/Corpus/outlook-reply.eml"

echo "== services: mailbridge-webhooks, mailbridge-renderer, mailbridge-sender"
for product in mailbridge-webhooks mailbridge-renderer mailbridge-sender; do swift build --product "$product"; done
bin="$(swift build --show-bin-path)"
# Local-only secrets, made once and kept in .stack like the KEK above.
credentials_file="$repo/.stack/credentials-key.conf"
[ -s "$credentials_file" ] || { umask 077; echo "local-cred-1:$(openssl rand -base64 32)" >"$credentials_file"; }
hash_key_file="$repo/.stack/log-hash.key"
[ -s "$hash_key_file" ] || { umask 077; openssl rand -base64 32 >"$hash_key_file"; }
blind_key_file="$repo/.stack/blind-index.key"
[ -s "$blind_key_file" ] || { umask 077; openssl rand -base64 32 >"$blind_key_file"; }
export MAILBRIDGE_CREDENTIALS_KEY_FILE="$credentials_file" MAILBRIDGE_CREDENTIALS_KEY_ACTIVE=local-cred-1
export MAILBRIDGE_LOG_HASH_KEY="$(cat "$hash_key_file")" MAILBRIDGE_BLIND_INDEX_KEY="$(cat "$blind_key_file")"
export MAILBRIDGE_NOTIFICATION_FROM=jira@local.test MAILBRIDGE_OBJECT_STORE=directory MAILBRIDGE_OBJECT_STORE_DIR="$repo/.stack/objects"
webhooks_port="${MAILBRIDGE_WEBHOOKS_PORT:-58180}"
webhooks_url="http://127.0.0.1:$webhooks_port"
health_webhooks="${MAILBRIDGE_HEALTH_PORT:-58190}"
health_renderer="${MAILBRIDGE_RENDERER_HEALTH_PORT:-58191}"
health_sender="${MAILBRIDGE_SENDER_HEALTH_PORT:-58192}"

# start_service NAME HEALTH_PORT [VAR=value…]: (re)starts $bin/mailbridge-NAME in the background
# with .stack/NAME.pid and .stack/NAME.log, and waits until /readyz answers.
start_service() {
  local name="$1" health="$2" pidfile="$repo/.stack/$1.pid"
  shift 2
  if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    kill "$(cat "$pidfile")"
    for _ in $(seq 50); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.2; done
  fi
  env MAILBRIDGE_HEALTH_PORT="$health" "$@" nohup "$bin/mailbridge-$name" >"$repo/.stack/$name.log" 2>&1 </dev/null &
  echo $! >"$pidfile"
  for _ in $(seq 60); do curl -fsS -o /dev/null "http://127.0.0.1:$health/readyz" 2>/dev/null && break; sleep 0.5; done
  curl -fsS -o /dev/null "http://127.0.0.1:$health/readyz" || { echo "mailbridge-$name did not become ready; see .stack/$name.log" >&2; exit 1; }
  echo "mailbridge-$name ready (health http://127.0.0.1:$health/readyz, log .stack/$name.log)"
}
start_service webhooks "$health_webhooks" MAILBRIDGE_WEBHOOKS_HOST=127.0.0.1 MAILBRIDGE_WEBHOOKS_PORT="$webhooks_port" \
  MAILBRIDGE_APP_BASE_URL="$webhooks_url" MAILBRIDGE_INSTALL_KEYS_DIR="$MAILBRIDGE_TEST_JIRA_INSTALL_KEYS_DIR"
start_service renderer "$health_renderer"
start_service sender "$health_sender" MAILBRIDGE_SMTP_CA_FILE="$MAILBRIDGE_TEST_TLS_CA"
# A simulator site "local" whose Connect app points at the service, then a signed install.
python3 - "$MAILBRIDGE_TEST_JIRA_URL" "$webhooks_url" <<'PY'
import json, sys, urllib.request
jira, base = sys.argv[1], sys.argv[2]
events = ["jira:issue_created", "jira:issue_updated", "jira:issue_deleted", "comment_created", "comment_updated", "comment_deleted"]
site = {"name": "local", "replace": True,
        "projects": [{"key": "LOCAL", "name": "Local", "issueTypes": ["Task"], "projectTypeKey": "software"}],
        "fields": [{"name": "Email participants", "type": "textarea", "id": "customfield_10050"}],
        "users": [{"accountId": "local-ada", "displayName": "Ada Lovelace", "emailAddress": "ada@local.test", "hideEmail": False,
                   "active": True, "accountType": "atlassian", "apiTokens": ["ada-token"]},
                  {"accountId": "local-bob", "displayName": "Bob Builder", "emailAddress": "bob@local.test", "hideEmail": False,
                   "active": True, "accountType": "atlassian"}],
        "apps": [{"key": "mailbridge", "clientKey": "local-client-key", "baseUrl": base, "scopes": ["READ", "WRITE"], "installed": False,
                  "lifecycle": {e: "/lifecycle/" + e for e in ("installed", "uninstalled", "enabled", "disabled")},
                  "webhooks": [{"event": e, "url": "/webhooks/jira"} for e in events]}]}
def post(path, body):
    request = urllib.request.Request(jira + path, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)
post("/__sim/sites", site)
delivery = post("/__sim/sites/local/lifecycle", {"event": "installed", "app": "mailbridge"})
print(f"signed install of simulator site 'local' -> mailbridge-webhooks answered {delivery['status']}")
PY

echo "== the demo tenant: a notification scheme and its SMTP connection"
tenant="$(psql "$MAILBRIDGE_POSTGRES_URL" -Atc "SELECT tenant_id FROM tenants WHERE client_key = 'local-client-key'")"
[ -n "$tenant" ] || { echo "the install did not record the demo tenant; see .stack/webhooks.log" >&2; exit 1; }
"$mailbridge" scheme import --tenant "$tenant" "$repo/ops/samples/local-scheme.json"
smtp_port="${MAILBRIDGE_TEST_SMTP_URL##*:}"
MAILBRIDGE_SMTP_PASSWORD="$MAILBRIDGE_TEST_SMTP_PASSWORD" "$mailbridge" smtp set --tenant "$tenant" --host 127.0.0.1 --port "$smtp_port" \
  --security starttls --auth password --username "$MAILBRIDGE_TEST_SMTP_USER" --envelope-from "$MAILBRIDGE_TEST_SMTP_USER"
sleep 3 # the webhook service re-reads notification schemes every 2 s

echo "== a Jira event becomes a mail: Ada creates an issue assigned to Bob, with Dana as an email participant"
summary="The printer on floor 2 is on fire ($(date -u +%H:%M:%S))"
python3 - "$MAILBRIDGE_TEST_JIRA_URL" "$summary" <<'PY'
import base64, json, sys, urllib.request
jira, summary = sys.argv[1], sys.argv[2]
fields = {"project": {"key": "LOCAL"}, "issuetype": {"name": "Task"}, "summary": summary,
          "assignee": {"accountId": "local-bob"},
          "description": {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Smoke since 9:00."}]}]},
          "customfield_10050": {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Dana <dana@local.test>"}]}]}}
auth = "Basic " + base64.b64encode(b"ada@local.test:ada-token").decode()
request = urllib.request.Request(jira + "/site/local/rest/api/3/issue", json.dumps({"fields": fields}).encode(),
                                 {"Content-Type": "application/json", "Authorization": auth})
with urllib.request.urlopen(request, timeout=30) as answer:
    print("created " + json.load(answer)["key"] + " in Jira (simulator site 'local')")
PY
"$repo/.deps/venv/bin/python" "$repo/ops/mailbox.py" --wait-for "$summary" 2

cat <<INFO

Mailbridge runs locally:
  PostgreSQL  $MAILBRIDGE_TEST_POSTGRES_URL
  Kafka       $MAILBRIDGE_TEST_KAFKA_BROKERS (tansu)
  S3          $MAILBRIDGE_TEST_S3_ENDPOINT (moto); sealed mail objects in .stack/objects
  SMTP        $MAILBRIDGE_TEST_SMTP_URL   IMAP $MAILBRIDGE_TEST_IMAP_URL
  Jira        $MAILBRIDGE_TEST_JIRA_URL/site/local (simulator; the demo tenant $tenant)
Services    mailbridge-webhooks $webhooks_url (descriptor: $webhooks_url/atlassian-connect.json)
            mailbridge-renderer, mailbridge-sender; health on 127.0.0.1:$health_webhooks/$health_renderer/$health_sender; logs .stack/*.log
Look at the delivered mail:   ops/mailbox.sh          (ops/mailbox.sh --raw 1 for the source)
Operator CLI: MAILBRIDGE_POSTGRES_URL=… MAILBRIDGE_KAFKA_BROKERS=… MAILBRIDGE_KEK_FILE=$kek_file MAILBRIDGE_KEK_ACTIVE=local-1 $mailbridge --help
Stop everything: ops/stack/down.sh
INFO
