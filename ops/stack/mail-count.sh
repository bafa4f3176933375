#!/usr/bin/env bash
# Print how many messages a user's INBOX holds on disk (Maildir new/ + cur/).
# Usage: mail-count.sh [USER]   (default: catchall@example.test); works
# whether or not Dovecot is running.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

user=${1:-$CATCHALL_USER}
md="$MAIL_ROOT/${user,,}/Maildir"
n=0
for d in "$md/new" "$md/cur"; do
  [[ -d $d ]] && n=$((n + $(find "$d" -maxdepth 1 -type f | wc -l)))
done
echo "$n"
