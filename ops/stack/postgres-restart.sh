#!/usr/bin/env bash
# Restart the test PostgreSQL cluster (same data dir, same port). Used by tests
# via $MAILBRIDGE_TEST_POSTGRES_RESTART.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
"$here/postgres-stop.sh"
"$here/postgres-start.sh"
