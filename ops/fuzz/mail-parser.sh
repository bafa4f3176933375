#!/usr/bin/env bash
# Fuzz the Mail parser with libFuzzer + AddressSanitizer for a while, then report.
#
# Usage: ops/fuzz/mail-parser.sh [DURATION] [-- LIBFUZZER_ARGS...]
#   DURATION: 90, 90s, 30m or 2h (default 60s).
#
# Build: swiftc -sanitize=fuzzer,address -parse-as-library -O -g compiles every source of the
# Mail target (the list comes from `swift package describe`) together with
# Tests/MailFuzz/MailParserFuzz.swift (the LLVMFuzzerTestOneInput entry, no `import Mail`) as one
# module named Mail, into .build-fuzz/mail-parser-fuzz. Mail's package dependencies (today
# swift-crypto's Crypto) are built uninstrumented by SwiftPM in the private scratch path
# .build-fuzz (`swift build -c release --scratch-path .build-fuzz --target Crypto`, ~5 min
# the first time); their modules come from .build-fuzz/release/Modules and the object files of
# their target closure (targetDependencyMap in .build-fuzz/release/description.json) are
# linked in. Nothing is rebuilt when no input changed.
# Corpus: .build-fuzz/corpus, seeded (file name = SHA-1 of the content) from
# Tests/MailTests/Corpus/ and ../shared/testdata/mail-gem-fixtures/; new inputs libFuzzer finds
# stay there for the next run. Options: -max_len=65536 -timeout=10 -print_final_stats=1;
# crashes, leaks, timeouts and OOMs go to .build-fuzz/crashes/. The whole libFuzzer output is
# in .build-fuzz/logs/. Ends with `# results` and fuzz_mail_parser_*=value lines; exits 1
# when this run found something (libFuzzer stops at the first finding).
#
# Test hooks: MAIL_FUZZ_SOURCES="a.swift b.swift" replaces the Mail target's sources and
# MAIL_FUZZ_ENTRY=file.swift the entry file (e.g. to check the toolchain with a stub parser).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FUZZ="$REPO/.build-fuzz"
BIN="$FUZZ/mail-parser-fuzz"
ENTRY="${MAIL_FUZZ_ENTRY:-$REPO/Tests/MailFuzz/MailParserFuzz.swift}"
FIXTURES="$REPO/../shared/testdata/mail-gem-fixtures"
TESTS_CORPUS="$REPO/Tests/MailTests/Corpus"
CORPUS="$FUZZ/corpus"
CRASHES="$FUZZ/crashes"

log() { printf '[fuzz] %s\n' "$*" >&2; }
die() { printf '[fuzz] ERROR: %s\n' "$*" >&2; exit 2; }

duration=60s
if (($#)) && [[ $1 != -- ]]; then duration=$1; shift; fi
if (($#)) && [[ $1 == -- ]]; then shift; fi
extra=("$@")
[[ $duration =~ ^([0-9]+)([smh]?)$ ]] || die "duration '$duration': use e.g. 90, 90s, 30m, 2h"
case ${BASH_REMATCH[2]} in
  m) seconds=$((BASH_REMATCH[1] * 60)) ;;
  h) seconds=$((BASH_REMATCH[1] * 3600)) ;;
  *) seconds=$((BASH_REMATCH[1])) ;;
esac
((seconds > 0)) || die "duration must be positive"

# The Swift runtime's crash backtracer (swift-backtrace) hangs when a fuzz target traps under
# libFuzzer here; libFuzzer's and ASan's own handlers report the crash instead.
export SWIFT_BACKTRACE=enable=no
SWIFTC=$(command -v swiftc) || die "swiftc not on PATH"
TOOLBIN=$(dirname "$(readlink -f "$SWIFTC")")
[[ -x $TOOLBIN/llvm-symbolizer ]] && export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-$TOOLBIN/llvm-symbolizer}
link_flags=()
[[ -x $TOOLBIN/ld.lld ]] && link_flags=(-use-ld=lld) # gold prints hundreds of ASan warnings
mkdir -p "$FUZZ/logs" "$CORPUS" "$CRASHES"
cd "$REPO"

# ------------------------------------------------------------------ toolchain probe
probe="$FUZZ/probe"
mkdir -p "$probe"
cat >"$probe/probe.swift" <<'EOF'
@_cdecl("LLVMFuzzerTestOneInput") public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    return bytes.count > 2 && bytes[0] == 0x4D ? 0 : 0
}
EOF
"$SWIFTC" -sanitize=fuzzer,address -parse-as-library -O "${link_flags[@]}" "$probe/probe.swift" -o "$probe/probe" \
  >"$probe/build.log" 2>&1 || { cat "$probe/build.log" >&2; die "swiftc -sanitize=fuzzer,address does not work with $SWIFTC"; }
"$probe/probe" -runs=200 >"$probe/run.log" 2>&1 || { tail -n 20 "$probe/run.log" >&2; die "the probe fuzz target does not run"; }
log "toolchain: $("$SWIFTC" --version 2>&1 | head -n1), libFuzzer + ASan OK"

# ------------------------------------------------------------------ sources and dependencies
swift package --scratch-path "$FUZZ" describe --type json >"$FUZZ/describe.json" 2>"$FUZZ/describe.err" ||
  { cat "$FUZZ/describe.err" >&2; die "swift package describe failed"; }
read_target() { # -> lines "source PATH", "product NAME", "target NAME" for the Mail target
  python3 - "$FUZZ/describe.json" <<'EOF'
import json, os, sys
d = json.load(open(sys.argv[1]))
t = next(t for t in d["targets"] if t["name"] == "Mail")
for s in t.get("sources", []):
    print("source", os.path.join(d["path"], t["path"], s))
for p in t.get("product_dependencies", []):
    print("product", p)
for p in t.get("target_dependencies", []):
    print("target", p)
EOF
}
sources=() products=()
while read -r kind value; do
  case $kind in
    source) sources+=("$value") ;;
    product) products+=("$value") ;;
    target) die "Mail depends on the package target $value; teach $0 to compile it into the fuzz module" ;;
  esac
done < <(read_target)
if [[ -n ${MAIL_FUZZ_SOURCES:-} ]]; then read -r -a sources <<<"$MAIL_FUZZ_SOURCES"; fi
((${#sources[@]})) || die "no Mail sources found"
[[ -f $ENTRY ]] || die "$ENTRY missing"

dep_flags=() dep_objects=()
if ((${#products[@]})); then
  for p in "${products[@]}"; do
    log "building $p (release, scratch path .build-fuzz, uninstrumented)"
    swift build -c release --scratch-path "$FUZZ" --target "$p" >"$FUZZ/logs/deps.log" 2>&1 ||
      { tail -n 30 "$FUZZ/logs/deps.log" >&2; die "swift build --target $p failed (a product whose main target has another name?)"; }
  done
  release="$FUZZ/release"
  # The object files of Mail's whole dependency closure, as SwiftPM computed it.
  mapfile -t closure < <(python3 -c '
import json, sys
print("\n".join(json.load(open(sys.argv[1]))["targetDependencyMap"]["Mail"]))' "$release/description.json")
  dep_flags+=(-I "$release/Modules")
  for t in "${closure[@]}"; do
    [[ -d $release/$t.build ]] || die "no $release/$t.build for the dependency $t"
    mapfile -t objects < <(find "$release/$t.build" -name '*.o' | sort)
    ((${#objects[@]})) || die "no object files in $release/$t.build"
    dep_objects+=("${objects[@]}")
    [[ -f $release/$t.build/module.modulemap ]] && dep_flags+=(-Xcc "-fmodule-map-file=$release/$t.build/module.modulemap")
  done
  log "dependencies: ${closure[*]} (${#dep_objects[@]} object files)"
fi

# ------------------------------------------------------------------ build the fuzz target
# shellcheck disable=SC2054  # -sanitize=fuzzer,address is one argument
cmd=("$SWIFTC" -sanitize=fuzzer,address -parse-as-library -O -g -swift-version 6 -module-name Mail
  "${link_flags[@]}" "${dep_flags[@]}" "${sources[@]}" "$ENTRY" "${dep_objects[@]}" -o "$BIN")
stale=0
if [[ ! -x $BIN || ! -f $BIN.cmd ]] || [[ "$(cat "$BIN.cmd")" != "${cmd[*]}" ]]; then
  stale=1
else
  for f in "${sources[@]}" "$ENTRY" "${dep_objects[@]}"; do [[ $f -nt $BIN ]] && { stale=1; break; }; done
fi
if ((stale)); then
  log "compiling ${#sources[@]} Mail sources + $(basename "$ENTRY") -> ${BIN#"$REPO"/}"
  rm -f "$BIN.cmd"
  "${cmd[@]}" >"$FUZZ/logs/build.log" 2>&1 || { cat "$FUZZ/logs/build.log" >&2; die "compiling the fuzz target failed"; }
  printf '%s' "${cmd[*]}" >"$BIN.cmd"
else
  log "${BIN#"$REPO"/} is up to date"
fi

# ------------------------------------------------------------------ seeds
seed_count=0
for dir in "$TESTS_CORPUS" "$FIXTURES"; do
  [[ -d $dir ]] || continue
  while IFS= read -r -d '' f; do
    name=$(sha1sum "$f" | cut -d' ' -f1)
    [[ -e $CORPUS/$name ]] || cp "$f" "$CORPUS/$name"
    seed_count=$((seed_count + 1))
  done < <(find "$dir" -type f ! -name '.*' ! -name LICENSE -print0)
done
corpus_before=$(find "$CORPUS" -type f | wc -l)
log "corpus ${CORPUS#"$REPO"/}: $corpus_before inputs ($seed_count seed files)"

# ------------------------------------------------------------------ run
stamp="$FUZZ/logs/.run-start"
touch "$stamp"
logfile="$FUZZ/logs/mail-parser-$(date +%Y%m%dT%H%M%S).log"
log "fuzzing for ${seconds}s; full output in ${logfile#"$REPO"/}"
set +e
"$BIN" -max_len=65536 -timeout=10 -max_total_time="$seconds" -print_final_stats=1 \
  -artifact_prefix="$CRASHES/" "${extra[@]}" "$CORPUS" 2>&1 |
  tee "$logfile" | grep --line-buffered -E 'INITED|pulse|DONE|ERROR|SUMMARY|deadly|Test unit written|==[0-9]+==' >&2
status=${PIPESTATUS[0]}
set -e

mapfile -t findings < <(find "$CRASHES" -type f -newer "$stamp" | sort)
fstat() { grep -m1 "^stat::$1:" "$logfile" | awk '{ print $2 }'; }
executions=$(fstat number_of_executed_units)
echo "mail-parser fuzz: ${seconds}s, libFuzzer exit status $status"
echo "  executions: ${executions:-unknown} ($(fstat average_exec_per_sec || true) exec/s), new inputs: $(fstat new_units_added || true), corpus: $(find "$CORPUS" -type f | wc -l) inputs, peak RSS $(fstat peak_rss_mb || true) MB"
if ((${#findings[@]})); then
  echo "  findings: ${#findings[@]}"
  for f in "${findings[@]}"; do echo "    ${f#"$REPO"/}"; done
  echo "  reproduce: SWIFT_BACKTRACE=enable=no ${BIN#"$REPO"/} ${findings[0]#"$REPO"/}"
  echo "  minimize:  SWIFT_BACKTRACE=enable=no ${BIN#"$REPO"/} -minimize_crash=1 -runs=100000 ${findings[0]#"$REPO"/}"
else
  echo "  findings: none"
fi
[[ -n $executions ]] || log "no final stats in $logfile; libFuzzer may have been killed (status $status)"
echo "# results"
echo "fuzz_mail_parser_seconds=$seconds"
echo "fuzz_mail_parser_executions=${executions:-0}"
echo "fuzz_mail_parser_new_units=$(fstat new_units_added || echo 0)"
echo "fuzz_mail_parser_findings=${#findings[@]}"
((${#findings[@]} == 0)) || exit 1
# libFuzzer failing without leaving an artifact (bad option, killed) is an error too.
((status == 0)) || die "libFuzzer exited with status $status"
