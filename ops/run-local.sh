#!/usr/bin/env bash
# Runs Mailbridge locally on one machine: installs what is missing, starts the embedded stack
# (PostgreSQL, the tansu broker, an S3-compatible store, SMTP and IMAP servers), builds the
# executables, applies migrations and creates the topics. The stack keeps running afterwards;
# stop it with `ops/stack/down.sh`.
#
# Today the pipeline's services do not exist yet (see the open issues); this starts everything
# that does: the servers and the `mailbridge` operator CLI, which it exercises.
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

cat <<INFO

Mailbridge's local stack is running:
  PostgreSQL  $MAILBRIDGE_TEST_POSTGRES_URL
  Kafka       $MAILBRIDGE_TEST_KAFKA_BROKERS (tansu)
  S3          $MAILBRIDGE_TEST_S3_ENDPOINT (moto)
  SMTP        $MAILBRIDGE_TEST_SMTP_URL   IMAP $MAILBRIDGE_TEST_IMAP_URL
Operator CLI: MAILBRIDGE_POSTGRES_URL=… MAILBRIDGE_KAFKA_BROKERS=… MAILBRIDGE_KEK_FILE=$kek_file MAILBRIDGE_KEK_ACTIVE=local-1 $mailbridge --help
Stop everything: ops/stack/down.sh
INFO
