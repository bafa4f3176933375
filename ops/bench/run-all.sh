#!/usr/bin/env bash
# Build the release benchmark binary, make sure the local stack is up, and run every
# benchmark: ops/bench/kafka-vs-kcat.sh, ops/bench/postgres-insert.sh, ops/bench/s3-vs-awscli.sh,
# then ops/bench/mime-parse.sh (no stack needed; it reuses the binary built here).
# Build products go to the private scratch path .build-bench (never .build).
# Usage: ops/bench/run-all.sh   (about 3 minutes after the first build)
set -euo pipefail
# shellcheck source=ops/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$REPO"
log "building mailbridge-bench (release, scratch path .build-bench)"
swift build -c release --scratch-path .build-bench --product mailbridge-bench >&2
log "starting the stack if needed (ops/stack/up.sh is idempotent)"
"$REPO/ops/stack/up.sh" >/dev/null

echo "== $(date -Iseconds), $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo 'no git')"
echo "== kafka-vs-kcat: batch send, both queue everything (the headline ratio)"
"$BENCH_SCRIPTS/kafka-vs-kcat.sh" -w 50000 -- --batch 1000
echo "== kafka-vs-kcat: one awaited send per record, window 1000"
"$BENCH_SCRIPTS/kafka-vs-kcat.sh"
echo "== postgres-insert"
"$BENCH_SCRIPTS/postgres-insert.sh"
echo "== s3-vs-awscli" && "$BENCH_SCRIPTS/s3-vs-awscli.sh"
echo "== mime-parse" && MAILBRIDGE_BENCH_BIN="$BENCH_BIN" "$BENCH_SCRIPTS/mime-parse.sh"
