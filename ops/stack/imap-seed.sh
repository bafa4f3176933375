#!/usr/bin/env bash
# Append .eml files to a user's mailbox (default INBOX) through Dovecot.
# Usage: imap-seed.sh [-m MAILBOX] USER FILE...   (Dovecot must be running)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mailbox=INBOX
if [[ ${1:-} == -m ]]; then mailbox=$2; shift 2; fi
(($# >= 2)) || die "usage: $0 [-m MAILBOX] USER FILE..."
user=$1; shift
[[ -f $DOVECOT_CONF ]] || die "dovecot config missing; run imap-start.sh first"

for f in "$@"; do
  [[ -f $f ]] || die "no such file: $f"
  doveadm -c "$DOVECOT_CONF" save -u "$user" -m "$mailbox" <"$f"
done
log "saved $# message(s) to $user/$mailbox"
