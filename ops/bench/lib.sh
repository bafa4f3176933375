# Shared settings and helpers for the ops/bench scripts. Source it, don't run it.
# shellcheck shell=bash disable=SC2034  # settings are used by the sourcing scripts

BENCH_SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH_SCRIPTS/../.." && pwd)"
STACK_ENV="$REPO/.stack/env.sh"
# The release binary built by run-all.sh (override to compare another build).
BENCH_BIN="${MAILBRIDGE_BENCH_BIN:-$REPO/.build-bench/release/mailbridge-bench}"

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }

# The MAILBRIDGE_TEST_* variables written by ops/stack/up.sh (the stack must be up).
load_stack_env() {
  [[ -f $STACK_ENV ]] || die "$STACK_ENV missing; start the stack with ops/stack/up.sh"
  # shellcheck source=/dev/null
  source "$STACK_ENV"
}

need_bench_bin() {
  [[ -x $BENCH_BIN ]] ||
    die "$BENCH_BIN missing; build it: swift build -c release --scratch-path .build-bench --product mailbridge-bench"
}

# A suffix that makes topic and table names unique to this run.
run_suffix() { printf '%s_%s' "$(date +%s)" "$$"; }

# Seconds since the epoch with nanoseconds, for wall-clock timing of whole processes.
now() { date +%s.%N; }

# elapsed START END -> seconds (float).
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# rate COUNT SECONDS -> per second (integer).
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }

# ratio A B -> A/B with three decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

# median V... -> the median (of integer rates; the rounded mean of the middle two for an even count).
median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) exit 1
    if (NR % 2) printf "%s", v[(NR + 1) / 2]; else printf "%.0f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# figure NAME FILE -> the value of the last NAME=value line in FILE.
figure() {
  local value
  value=$(grep "^$1=" "$2" | tail -n1 | cut -d= -f2-) || true
  [[ -n $value ]] || die "no $1= line in $2"
  printf '%s' "$value"
}

# Human-readable machine facts for the report.
machine_summary() {
  printf 'machine: %s cores (%s), %s, kernel %s\n' "$(nproc)" \
    "$(lscpu | awk -F: '/^Model name/ { gsub(/^ +/, "", $2); print $2; exit }')" \
    "$(. /etc/os-release && echo "$PRETTY_NAME")" "$(uname -r)"
}
