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
# memory, or kill our services as processes run on their own after the rest: beside other suites
# they would break them or be disturbed by them. Extra arguments run exactly what they select, once.
isolated='serverRestart|brokerRestart|LargeObjectTests|ProcessCrashTests'
if (($#)); then
  swift test --skip-build "$@"
else
  swift test --skip-build --skip "$isolated"
  swift test --skip-build --filter "$isolated"
fi
