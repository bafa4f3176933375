# Sourced by ops/run-local.sh and ops/test.sh: installs what is missing, points pkg-config at the
# librdkafka the install built, starts the local stack and exports its MAILBRIDGE_TEST_* variables.
# Expects $repo to be the repository root.
"$repo/ops/install-deps.sh"
export PKG_CONFIG_PATH="/usr/local/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
"$repo/ops/stack/up.sh" >/dev/null
# shellcheck source=/dev/null
source "$repo/.stack/env.sh"
