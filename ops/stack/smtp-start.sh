#!/usr/bin/env bash
# Start the aiosmtpd test SMTP server (ops/stack/smtp_server.py) on
# 127.0.0.1:$SMTP_PORT: STARTTLS, AUTH PLAIN/LOGIN/XOAUTH2/OAUTHBEARER, delivery
# into the Dovecot Maildirs (.stack/mail/<user>/Maildir). Needs imap-start.sh
# first (it writes the user and token files).
# MAILBRIDGE_SMTP_AUTH_OPTIONAL=1 accepts mail without AUTH.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PIDFILE="$STACK/smtp/smtp.pid"
LOGFILE="$STACK/smtp/smtp.log"
need_file "$VENV/bin/python"
[[ -f $DOVECOT_DIR/users ]] || die "$DOVECOT_DIR/users missing; run imap-start.sh first"
"$STACK_SCRIPTS/tls.sh"

smtp_ready() { [[ $(read_banner "$SMTP_PORT") == 220* ]]; }

if pid=$(pidfile_pid "$PIDFILE"); then
  log "smtp already running (pid $pid)"
else
  port_free_or_die "$SMTP_PORT"
  extra=()
  [[ ${MAILBRIDGE_SMTP_AUTH_OPTIONAL:-0} == 1 ]] && extra+=(--auth-optional)
  log "starting smtp on $HOST:$SMTP_PORT"
  start_daemon "$PIDFILE" "$LOGFILE" "$VENV/bin/python" "$STACK_SCRIPTS/smtp_server.py" \
    --host "$HOST" --port "$SMTP_PORT" \
    --users "$DOVECOT_DIR/users" --tokens "$DOVECOT_DIR/oauth-tokens" \
    --mail-root "$MAIL_ROOT" --catchall "$CATCHALL_USER" \
    --cert "$TLS_CERT" --key "$TLS_KEY" "${extra[@]}"
  pid=$(cat "$PIDFILE")
fi
wait_until smtp "$LOGFILE" "$pid" smtp_ready
log "smtp ready on $HOST:$SMTP_PORT"
