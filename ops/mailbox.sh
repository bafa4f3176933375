#!/usr/bin/env bash
# Shows the newest mails in the local stack's catch-all mailbox (where every address the local
# SMTP server does not know lands — the demo's notifications among them), read over IMAP.
#   ops/mailbox.sh            the newest 3 mails: headers and text
#   ops/mailbox.sh 10         the newest 10
#   ops/mailbox.sh --raw 1    the newest one as received (RFC 5322 source)
#   ops/mailbox.sh --wait-for TEXT [N]   wait (up to 90 s) for mail whose subject contains TEXT; show those
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[[ -f $repo/.stack/env.sh ]] || { echo "the local stack is not running (ops/run-local.sh starts it)" >&2; exit 1; }
# shellcheck source=/dev/null
source "$repo/.stack/env.sh"
exec "$repo/.deps/venv/bin/python" "$repo/ops/mailbox.py" "$@"
