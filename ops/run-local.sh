#!/usr/bin/env bash
# Runs Mailbridge locally on one machine: installs what is missing, starts the embedded stack
# (PostgreSQL, the tansu broker, an S3-compatible store, SMTP and IMAP servers), builds the
# executables, applies migrations and creates the topics. The stack keeps running afterwards;
# stop it with `ops/stack/down.sh`.
#
# Of the pipeline's services, the webhook receipt service (`mailbridge-webhooks`) exists: it is
# started in the background and installed on a Jira simulator site. The others are open issues;
# the `mailbridge` operator CLI is exercised.
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

echo "== webhook receipt service (mailbridge-webhooks)"
swift build --product mailbridge-webhooks
webhooks="$(swift build --product mailbridge-webhooks --show-bin-path)/mailbridge-webhooks"
# Local-only secrets, made once and kept in .stack like the KEK above.
credentials_file="$repo/.stack/credentials-key.conf"
[ -s "$credentials_file" ] || { umask 077; echo "local-cred-1:$(openssl rand -base64 32)" >"$credentials_file"; }
hash_key_file="$repo/.stack/log-hash.key"
[ -s "$hash_key_file" ] || { umask 077; openssl rand -base64 32 >"$hash_key_file"; }
webhooks_port="${MAILBRIDGE_WEBHOOKS_PORT:-58180}"
health_port="${MAILBRIDGE_HEALTH_PORT:-58190}"
webhooks_url="http://127.0.0.1:$webhooks_port"
webhooks_pidfile="$repo/.stack/webhooks.pid"
if [ -s "$webhooks_pidfile" ] && kill -0 "$(cat "$webhooks_pidfile")" 2>/dev/null; then
  kill "$(cat "$webhooks_pidfile")"
  for _ in $(seq 50); do kill -0 "$(cat "$webhooks_pidfile")" 2>/dev/null || break; sleep 0.2; done
fi
MAILBRIDGE_WEBHOOKS_HOST=127.0.0.1 MAILBRIDGE_WEBHOOKS_PORT="$webhooks_port" MAILBRIDGE_HEALTH_PORT="$health_port" \
  MAILBRIDGE_APP_BASE_URL="$webhooks_url" MAILBRIDGE_INSTALL_KEYS_DIR="$MAILBRIDGE_TEST_JIRA_INSTALL_KEYS_DIR" \
  MAILBRIDGE_CREDENTIALS_KEY_FILE="$credentials_file" MAILBRIDGE_CREDENTIALS_KEY_ACTIVE=local-cred-1 \
  MAILBRIDGE_LOG_HASH_KEY="$(cat "$hash_key_file")" \
  nohup "$webhooks" >"$repo/.stack/webhooks.log" 2>&1 </dev/null &
echo $! >"$webhooks_pidfile"
for _ in $(seq 60); do curl -fsS -o /dev/null "http://127.0.0.1:$health_port/readyz" 2>/dev/null && break; sleep 0.5; done
curl -fsS "http://127.0.0.1:$health_port/readyz" || { echo "mailbridge-webhooks did not become ready; see .stack/webhooks.log" >&2; exit 1; }
# A simulator site "local" whose Connect app points at the service, then a signed install.
python3 - "$MAILBRIDGE_TEST_JIRA_URL" "$webhooks_url" <<'PY'
import json, sys, urllib.request
jira, base = sys.argv[1], sys.argv[2]
events = ["jira:issue_created", "jira:issue_updated", "jira:issue_deleted", "comment_created", "comment_updated", "comment_deleted"]
site = {"name": "local", "replace": True,
        "projects": [{"key": "LOCAL", "name": "Local", "issueTypes": ["Task"], "projectTypeKey": "software"}],
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

cat <<INFO

Mailbridge's local stack is running:
  PostgreSQL  $MAILBRIDGE_TEST_POSTGRES_URL
  Kafka       $MAILBRIDGE_TEST_KAFKA_BROKERS (tansu)
  S3          $MAILBRIDGE_TEST_S3_ENDPOINT (moto)
  SMTP        $MAILBRIDGE_TEST_SMTP_URL   IMAP $MAILBRIDGE_TEST_IMAP_URL
Webhooks    $webhooks_url (descriptor: $webhooks_url/atlassian-connect.json; health http://127.0.0.1:$health_port/readyz)
            log .stack/webhooks.log; stop: kill \$(cat .stack/webhooks.pid)
Operator CLI: MAILBRIDGE_POSTGRES_URL=… MAILBRIDGE_KAFKA_BROKERS=… MAILBRIDGE_KEK_FILE=$kek_file MAILBRIDGE_KEK_ACTIVE=local-1 $mailbridge --help
Stop everything: ops/stack/down.sh
INFO
