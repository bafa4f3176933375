#!/usr/bin/env bash
# Restart the tansu broker (data and committed offsets are kept in S3).
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
"$here/kafka-stop.sh"
"$here/kafka-start.sh"
