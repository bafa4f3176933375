#!/usr/bin/env bash
# Runs the whole test suite on a fresh Debian 12 machine: installs what is missing, starts the
# local server stack, builds, runs `swift test` against the real servers, stops the stack.
# Extra arguments go to `swift test` (e.g. `ops/test.sh --filter KafkaTests`).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

"$repo/ops/install-deps.sh"
export PKG_CONFIG_PATH="/usr/local/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"

"$repo/ops/stack/up.sh" >/dev/null
trap '"$repo/ops/stack/down.sh" >/dev/null 2>&1 || true' EXIT
# shellcheck source=/dev/null
source "$repo/.stack/env.sh"

swift build --build-tests
swift test --skip-build "$@"
