#!/usr/bin/env bash
# Runs the whole test suite on a fresh Debian 12 machine: installs what is missing, starts the
# local server stack, builds, runs `swift test` against the real servers, stops the stack.
# Extra arguments go to `swift test` (e.g. `ops/test.sh --filter KafkaTests`).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

# shellcheck source=ops/local-prelude.sh
source "$repo/ops/local-prelude.sh"
trap '"$repo/ops/stack/down.sh" >/dev/null 2>&1 || true' EXIT

# The Jira simulator's own tests (auth, qsh vectors, contract check, faults); no stack needed.
"$repo/.deps/venv/bin/python" "$repo/ops/jira-simulator/test_simulator.py"

swift build --build-tests
# Tests that restart a shared server (Postgres, the broker, SMTP), measure the whole process's
# memory, or kill our services as processes run after the rest, each group on its own: beside
# other tests they would break them or be disturbed by them (a Postgres restart refuses the
# connections of a test running beside it). Extra arguments run exactly what they select, once.
isolated=(serverRestart brokerRestart smtpRestart LargeObjectTests ProcessCrashTests)
if (($#)); then
  swift test --skip-build "$@"
else
  swift test --skip-build --skip "$(IFS='|'; echo "${isolated[*]}")"
  for group in "${isolated[@]}"; do
    swift test --skip-build --filter "$group"
  done
fi
