#!/usr/bin/env bash
# MIME parse throughput: the Mail library (`mailbridge-bench mime-parse`) against Python's
# `email` package (policy.default) and GMime 3, on one corpus, with the same work per message:
# parse, read Subject/From/To/Date, walk every part (into message/rfc822 too) and decode every
# leaf (transfer encoding, and text to UTF-8). Each side loads the whole corpus into memory,
# makes one untimed warm-up pass and then times the same number of passes in process; MB/s is
# corpus bytes (10^6) per wall-clock second, ratios are swift / python and swift / gmime.
# The cpu_ figures divide by the process CPU time instead (steadier on a busy machine).
# Then the peak RSS of each parsing one 25 MB message once (`--one`), with the peak RSS of the
# same command on the smallest corpus message as the start-up baseline.
#
#   corpus   .bench/mime-corpus/ from ops/bench/mime_corpus.py (rebuilt when it or its inputs
#            change): the shared mail-gem fixtures, Tests/MailTests/Corpus/, 300 generated
#            business messages; about 420 files, 44 MB. Every regular file below it is one
#            message (its fingerprint lives outside, in .bench/.mime-corpus.stamp)
#   python   ops/bench/mime_parse_python.py (.deps/venv/bin/python, else python3)
#   gmime    ops/bench/gmime-driver.c, compiled into .bench/gmime-driver (libgmime-3.0-dev)
#   swift    mailbridge-bench mime-parse --corpus DIR --iterations N / --one FILE, release build
#            in .build-bench (skipped with MIME_BENCH_SKIP_SWIFT=1; MAILBRIDGE_BENCH_BIN set
#            means: use that binary, do not build). It prints swift_mb_per_s= and
#            swift_messages_per_s=; optional swift_cpu_mb_per_s= (CPU-time based) adds the
#            mime_parse_cpu_ratio_* lines, optional swift_corpus_files= / swift_corpus_bytes=
#            are checked against the corpus
#
# Usage: ops/bench/mime-parse.sh [-i ITERATIONS] [-c CORPUS_DIR] [-b BIG_FILE]
# Needs no stack. Python takes ~2 s of CPU per pass, so the default 3 passes take ~10 s.
set -euo pipefail
# shellcheck source=ops/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

iterations=3
corpus="$REPO/.bench/mime-corpus"
big="$REPO/.bench/mime-big-25mb.eml"
while (($#)); do
  case $1 in
    -i) iterations=$2; shift 2 ;;
    -c) corpus=$2; shift 2 ;;
    -b) big=$2; shift 2 ;;
    *) die "unknown option $1 (see the header of $0)" ;;
  esac
done
[[ $iterations =~ ^[1-9][0-9]*$ ]] || die "-i wants a positive number of passes"
skip_swift=${MIME_BENCH_SKIP_SWIFT:-0}

PY="$REPO/.deps/venv/bin/python"
[[ -x $PY ]] || PY=$(command -v python3) || die "no python3"
DRIVER="$REPO/.bench/gmime-driver"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$REPO"

# ------------------------------------------------------------------ inputs and builds
"$PY" "$BENCH_SCRIPTS/mime_corpus.py" "$corpus" >"$work/corpus.out" || { cat "$work/corpus.out"; die "mime_corpus.py failed"; }
log "$(head -n1 "$work/corpus.out")"
"$PY" "$BENCH_SCRIPTS/mime_corpus.py" --big "$big" --megabytes 25 >"$work/big.out" || { cat "$work/big.out"; die "mime_corpus.py --big failed"; }
log "$(head -n1 "$work/big.out")"
corpus_files=$(figure corpus_files "$work/corpus.out")
corpus_bytes=$(figure corpus_bytes "$work/corpus.out")
# The start-up baseline for the RSS figures: the smallest corpus message.
small=$(find "$corpus" -mindepth 1 -name '.*' -prune -o -type f -printf '%s %p\n' | sort -n | head -n1 | cut -d' ' -f2-)
[[ -n $small ]] || die "no messages in $corpus"

pkg-config --exists gmime-3.0 || die "gmime-3.0 missing; run ops/install-deps.sh (libgmime-3.0-dev)"
if [[ ! -x $DRIVER || $BENCH_SCRIPTS/gmime-driver.c -nt $DRIVER ]]; then
  log "compiling $DRIVER"
  # shellcheck disable=SC2046  # pkg-config prints several flags
  cc -O2 -Wall -o "$DRIVER" "$BENCH_SCRIPTS/gmime-driver.c" $(pkg-config --cflags --libs gmime-3.0)
fi

if [[ $skip_swift == 1 ]]; then
  log "MIME_BENCH_SKIP_SWIFT=1: Python and GMime only"
elif [[ -z ${MAILBRIDGE_BENCH_BIN:-} ]]; then
  log "building mailbridge-bench (release, scratch path .build-bench)"
  swift build -c release --scratch-path .build-bench --product mailbridge-bench >&2
fi
[[ $skip_swift == 1 ]] || need_bench_bin

# ------------------------------------------------------------------ throughput
# run NAME CMD... -> runs one side on the corpus, echoes its human lines, checks that it saw
# the corpus the script built (when it reports corpus_files= / corpus_bytes=).
run() {
  local name=$1 out="$work/$1.out"
  shift
  "$@" >"$out" 2>"$work/$name.err" || { cat "$out" "$work/$name.err" >&2; die "$name failed: $*"; }
  sed -n '/^# results/q; s/^/  /p' "$out"
  local files bytes
  files=$(grep "^${name}_corpus_files=" "$out" | cut -d= -f2) || true
  bytes=$(grep "^${name}_corpus_bytes=" "$out" | cut -d= -f2) || true
  [[ -z $files || $files == "$corpus_files" ]] || die "$name read $files files, the corpus has $corpus_files"
  [[ -z $bytes || $bytes == "$corpus_bytes" ]] || die "$name read $bytes bytes, the corpus has $corpus_bytes"
}

machine_summary
echo "mime-parse: $corpus_files messages, $(awk -v b="$corpus_bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB ($corpus), 1 warm-up + $iterations timed passes each"
run python "$PY" "$BENCH_SCRIPTS/mime_parse_python.py" --corpus "$corpus" --iterations "$iterations"
run gmime "$DRIVER" --corpus "$corpus" --iterations "$iterations"
[[ $skip_swift == 1 ]] || run swift "$BENCH_BIN" mime-parse --corpus "$corpus" --iterations "$iterations"

# ------------------------------------------------------------------ peak RSS
# peak_rss_kb OUT CMD... -> the peak resident set size of CMD in KiB (GNU time, else getrusage).
peak_rss_kb() {
  local out=$1
  shift
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f '%M' -o "$work/rss" "$@" >"$out" 2>&1 || { cat "$out" >&2; die "failed: $*"; }
    tail -n1 "$work/rss"
  else
    "$PY" - "$@" <<'EOF' 2>"$out"
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=sys.stderr)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
EOF
  fi
}
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

sides=(python gmime)
[[ $skip_swift == 1 ]] || sides+=(swift)
declare -A rss base cmd
cmd[python]="$PY $BENCH_SCRIPTS/mime_parse_python.py"
cmd[gmime]="$DRIVER"
cmd[swift]="$BENCH_BIN mime-parse"
echo "peak RSS, one parse of $big ($(awk -v b="$(stat -c %s "$big")" 'BEGIN { printf "%.1f", b / 1e6 }') MB); baseline: $small"
for side in "${sides[@]}"; do
  # shellcheck disable=SC2086  # cmd holds a program and its fixed arguments
  rss[$side]=$(peak_rss_kb "$work/$side-one.out" ${cmd[$side]} --one "$big")
  # shellcheck disable=SC2086
  base[$side]=$(peak_rss_kb "$work/$side-base.out" ${cmd[$side]} --one "$small")
  printf '  %-7s %8s MB  (baseline %s MB)  %s\n' "$side" "$(mb "${rss[$side]}")" "$(mb "${base[$side]}")" \
    "$(grep -v '=' "$work/$side-one.out" | grep -v '^#' | head -n1)"
done

# ------------------------------------------------------------------ summary
declare -A label=([python]="Python $("$PY" -c 'import platform; print(platform.python_version())') email"
  [gmime]="GMime $(pkg-config --modversion gmime-3.0)" [swift]="Mail (Swift)")
echo
printf '%-22s %10s %12s %12s %14s %14s\n' parser "MB/s" "messages/s" "CPU MB/s" "RSS 25MB msg" "RSS baseline"
for side in "${sides[@]}"; do
  cpu=$(grep "^${side}_cpu_mb_per_s=" "$work/$side.out" | cut -d= -f2) || true
  printf '%-22s %10s %12s %12s %11s MB %11s MB\n' "${label[$side]}" "$(figure "${side}_mb_per_s" "$work/$side.out")" \
    "$(figure "${side}_messages_per_s" "$work/$side.out")" "${cpu:--}" "$(mb "${rss[$side]}")" "$(mb "${base[$side]}")"
done

echo "# results"
echo "mime_corpus_files=$corpus_files"
echo "mime_corpus_bytes=$corpus_bytes"
echo "mime_parse_iterations=$iterations"
for side in "${sides[@]}"; do
  for name in mb_per_s messages_per_s; do echo "${side}_$name=$(figure "${side}_$name" "$work/$side.out")"; done
  cpu=$(grep "^${side}_cpu_mb_per_s=" "$work/$side.out" | cut -d= -f2) || true
  [[ -z $cpu ]] || echo "${side}_cpu_mb_per_s=$cpu"
  echo "${side}_peak_rss_25mb_mb=$(mb "${rss[$side]}")"
  echo "${side}_peak_rss_baseline_mb=$(mb "${base[$side]}")"
done
if [[ $skip_swift != 1 ]]; then
  swift_mbps=$(figure swift_mb_per_s "$work/swift.out")
  echo "mime_parse_ratio_vs_python=$(ratio "$swift_mbps" "$(figure python_mb_per_s "$work/python.out")")"
  echo "mime_parse_ratio_vs_gmime=$(ratio "$swift_mbps" "$(figure gmime_mb_per_s "$work/gmime.out")")"
  swift_cpu=$(grep '^swift_cpu_mb_per_s=' "$work/swift.out" | cut -d= -f2) || true
  if [[ -n $swift_cpu ]]; then
    echo "mime_parse_cpu_ratio_vs_python=$(ratio "$swift_cpu" "$(figure python_cpu_mb_per_s "$work/python.out")")"
    echo "mime_parse_cpu_ratio_vs_gmime=$(ratio "$swift_cpu" "$(figure gmime_cpu_mb_per_s "$work/gmime.out")")"
  fi
fi
