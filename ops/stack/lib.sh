# Shared settings and helpers for the ops/stack scripts. Source it, don't run it.
# shellcheck shell=bash disable=SC2034  # settings are used by the sourcing scripts

# Test runners may call the restart scripts with a minimal PATH.
PATH="$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

STACK_SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$STACK_SCRIPTS/../.." && pwd)"
STACK="$REPO/.stack"
DEPS="$REPO/.deps"
VENV="$DEPS/venv"

# Settings chosen by the last up.sh (so restart scripts run by tests reuse the
# same ports even without the override variables in their environment).
if [[ -f $STACK/config.sh ]]; then
  # shellcheck source=/dev/null
  source "$STACK/config.sh"
fi

# Fixed loopback ports, overridable from the environment.
HOST=127.0.0.1
PG_PORT="${MAILBRIDGE_PG_PORT:-${STACK_PG_PORT:-55432}}"
KAFKA_PORT="${MAILBRIDGE_KAFKA_PORT:-${STACK_KAFKA_PORT:-59092}}"
S3_PORT="${MAILBRIDGE_S3_PORT:-${STACK_S3_PORT:-59000}}"
SMTP_PORT="${MAILBRIDGE_SMTP_PORT:-${STACK_SMTP_PORT:-52525}}"
IMAP_PORT="${MAILBRIDGE_IMAP_PORT:-${STACK_IMAP_PORT:-51143}}"
STARTUP_TIMEOUT="${MAILBRIDGE_STARTUP_TIMEOUT:-${STACK_STARTUP_TIMEOUT:-30}}"

# Fixed credentials used by the tests.
PG_BIN=/usr/lib/postgresql/15/bin
PG_DB=mailbridge_test
PG_USER=mailbridge
PG_PASSWORD=mailbridge
S3_REGION=us-east-1
S3_ACCESS_KEY="test"
S3_SECRET_KEY="test"
KAFKA_BUCKET=tansu
MAIL_DOMAIN=example.test
MAIL_USERS=(mailbridge catchall inbox)   # local parts; all have password "secret"
MAIL_PASSWORD=secret
SMTP_USER="mailbridge@$MAIL_DOMAIN"
OAUTH_TOKEN=test-oauth-token             # bearer token accepted for $SMTP_USER
CATCHALL_USER="catchall@$MAIL_DOMAIN"

TLS_DIR="$STACK/tls"
TLS_CA="$TLS_DIR/ca.pem"
TLS_CERT="$TLS_DIR/server.pem"
TLS_KEY="$TLS_DIR/server.key"
MAIL_ROOT="$STACK/mail"
DOVECOT_DIR="$STACK/dovecot"
DOVECOT_CONF="$DOVECOT_DIR/dovecot.conf"

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }

# True if the pid is a live (non-zombie) process.
pid_alive() {
  local pid=$1 state
  [[ -n $pid ]] || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z && $state != X ]]
}

# Pid from a pid file if that process is still alive, else nothing.
pidfile_pid() {
  local f=$1 pid
  [[ -f $f ]] || return 1
  pid=$(head -n1 "$f" | tr -dc '0-9')
  pid_alive "$pid" && echo "$pid"
}

# Send SIGTERM (then SIGKILL after a grace period) and wait until it is gone.
stop_pid() {
  local pid=$1 name=$2 grace=${3:-15} i
  pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    pid_alive "$pid" || { log "$name stopped (pid $pid)"; return 0; }
    sleep 0.1
  done
  log "$name (pid $pid) ignored SIGTERM, killing"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do pid_alive "$pid" || return 0; sleep 0.1; done
  die "$name (pid $pid) did not exit"
}

# Start a command detached (own session, no tty), logging to a file.
start_daemon() {
  local pidfile=$1 logfile=$2; shift 2
  mkdir -p "$(dirname "$pidfile")" "$(dirname "$logfile")"
  setsid "$@" >>"$logfile" 2>&1 </dev/null &
  echo $! >"$pidfile"
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

port_free_or_die() {
  if port_open "$1"; then
    die "port $HOST:$1 is already in use by another process ($(ss -ltnpH "sport = :$1" 2>/dev/null | sed 's/.*users://'))"
  fi
}

# First line the server sends after connecting (SMTP/IMAP greeting).
read_banner() (
  exec 3<>"/dev/tcp/$HOST/$1" || exit 1
  IFS= read -r -t 3 line <&3 || exit 1
  printf '%s\n' "${line%$'\r'}"
)

log_tail() { [[ -f $1 ]] && { echo "---- last lines of $1:" >&2; tail -n 30 "$1" >&2; }; return 0; }

# wait_until NAME LOGFILE PID CHECK-COMMAND...: poll CHECK until it succeeds,
# the process dies or STARTUP_TIMEOUT elapses; print the log tail on failure.
wait_until() {
  local name=$1 logfile=$2 pid=$3 i; shift 3
  for ((i = 0; i < STARTUP_TIMEOUT * 10; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if [[ -n $pid ]] && ! pid_alive "$pid"; then
      log_tail "$logfile"; die "$name exited during startup"
    fi
    sleep 0.1
  done
  log_tail "$logfile"
  die "$name not ready after ${STARTUP_TIMEOUT}s"
}

need_file() { [[ -e $1 ]] || die "$1 not found; run ops/install-deps.sh first"; }
