#!/usr/bin/env bash
# S3 put throughput: the AWS CLI (`aws s3 cp FILE s3://bucket/key`) against
# `mailbridge-bench object-store --skip-get` (S3ObjectStore with its defaults: path-style,
# signed payloads, multipart above 16 MiB in 8 MiB parts sent one after another), in one run,
# on the stack's moto S3, for random files of 1, 16 and 64 MiB (head -c …M /dev/urandom).
# Both are timed as whole processes, alternating which goes first, for several rounds; MB/s
# is 10^6 bytes per second and ratios are median(ours) / median(aws).
#
# The AWS CLI is Python: its process start-up (~0.5 s) is part of its time. The script also
# times `aws --version` and prints a start-up-corrected ratio: aws's time minus the median
# `aws --version` time against ours in process (the put alone, from S3ObjectStore.put to its
# return). The raw ratio is whole process against whole process. Note the CLI's own defaults
# differ: multipart above 8 MiB in 8 MiB parts, up to 10 parts in parallel, and botocore adds
# a CRC32 checksum; over http it signs payloads, as we do.
# A fresh bucket is created for the run (aws s3 mb) and removed at exit (aws s3 rb --force).
# Then `mailbridge-bench seal` measures AES-256-GCM seal/open throughput in memory.
#
# Usage: ops/bench/s3-vs-awscli.sh [-r ROUNDS] [-s "SIZES_MIB"] [-m SEAL_MEGABYTES]
# Needs the stack (ops/stack/up.sh), the release binary (run-all.sh builds it) and the AWS CLI
# in .deps/venv (ops/install-deps.sh).
set -euo pipefail
# shellcheck source=ops/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

rounds=5 sizes="1 16 64" seal_mb=64
while (($#)); do
  case $1 in
    -r) rounds=$2; shift 2 ;;
    -s) sizes=$2; shift 2 ;;
    -m) seal_mb=$2; shift 2 ;;
    *) die "unknown option $1 (see the header of $0)" ;;
  esac
done

load_stack_env
need_bench_bin
AWS="$REPO/.deps/venv/bin/aws"
[[ -x $AWS ]] || die "$AWS missing; run ops/install-deps.sh"
endpoint=$MAILBRIDGE_TEST_S3_ENDPOINT
export AWS_ACCESS_KEY_ID=$MAILBRIDGE_TEST_S3_ACCESS_KEY
export AWS_SECRET_ACCESS_KEY=$MAILBRIDGE_TEST_S3_SECRET_KEY
export AWS_DEFAULT_REGION=$MAILBRIDGE_TEST_S3_REGION
unset AWS_PROFILE AWS_SESSION_TOKEN
work=$(mktemp -d)
# No user configuration: the CLI's defaults only.
export AWS_CONFIG_FILE=$work/aws-config AWS_SHARED_CREDENTIALS_FILE=$work/aws-credentials
bucket="mailbridge-bench-s3-$(date +%s)-$$"
bucket_made=0
cleanup() {
  if ((bucket_made)); then "$AWS" --endpoint-url "$endpoint" s3 rb "s3://$bucket" --force >/dev/null 2>&1 || log "could not remove bucket $bucket"; fi
  rm -rf "$work"
}
trap cleanup EXIT

# mbps BYTES SECONDS -> MB/s (10^6 bytes) with one decimal.
mbps() { awk -v b="$1" -v s="$2" 'BEGIN { if (s < 0.001) s = 0.001; printf "%.1f", b / 1e6 / s }'; }
# fmedian V... -> the median of floats (mean of the middle two for an even count), one decimal.
fmedian() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) exit 1
    if (NR % 2) printf "%.3f", v[(NR + 1) / 2]; else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

machine_summary
echo "s3-vs-awscli: put of random files of ${sizes// / MiB, } MiB to a fresh bucket on moto at $endpoint, $rounds rounds each, alternating"
echo "  $("$AWS" --version 2>&1); ours: S3ObjectStore defaults (signed payloads, multipart > 16 MiB, 8 MiB parts, sequential)"

"$AWS" --endpoint-url "$endpoint" s3 mb "s3://$bucket" >/dev/null
bucket_made=1

startups=()
for ((i = 1; i <= 5; i++)); do
  start=$(now); "$AWS" --version >/dev/null 2>&1; end=$(now)
  startups+=("$(elapsed "$start" "$end")")
done
startup=$(fmedian "${startups[@]}")
echo "  aws --version (CLI start-up): median $startup s of ${startups[*]}"

results=()
largest=""
for size in $sizes; do
  file="$work/file-${size}MiB"
  head -c "${size}M" /dev/urandom >"$file"
  bytes=$(stat -c %s "$file")
  aws_rates=() aws_corrected=() ours_rates=() ours_inprocess=()
  run_aws() {
    local start end secs
    start=$(now)
    "$AWS" --endpoint-url "$endpoint" s3 cp "$file" "s3://$bucket/awscli/${size}MiB-$1" --only-show-errors >"$work/aws.out" 2>&1 ||
      { cat "$work/aws.out" >&2; die "aws s3 cp failed"; }
    end=$(now)
    secs=$(elapsed "$start" "$end")
    aws_rates+=("$(mbps "$bytes" "$secs")")
    aws_corrected+=("$(mbps "$bytes" "$(awk -v a="$secs" -v b="$startup" 'BEGIN { printf "%.6f", a - b }')")")
    printf '  %3s MiB round %d  aws s3 cp         %7.3f s  %8s MB/s  (minus start-up: %s MB/s)\n' \
      "$size" "$1" "$secs" "${aws_rates[-1]}" "${aws_corrected[-1]}"
  }
  run_ours() {
    local start end secs
    start=$(now)
    "$BENCH_BIN" object-store --endpoint "$endpoint" --region "$AWS_DEFAULT_REGION" --access-key "$AWS_ACCESS_KEY_ID" \
      --secret-key "$AWS_SECRET_ACCESS_KEY" --bucket "$bucket" --file "$file" --rounds 1 --skip-get >"$work/ours.out" ||
      { cat "$work/ours.out"; die "mailbridge-bench object-store failed"; }
    end=$(now)
    secs=$(elapsed "$start" "$end")
    ours_rates+=("$(mbps "$bytes" "$secs")")
    ours_inprocess+=("$(figure s3_put_mb_per_s "$work/ours.out")")
    printf '  %3s MiB round %d  mailbridge-bench  %7.3f s  %8s MB/s  (in process: %s MB/s)\n' \
      "$size" "$1" "$secs" "${ours_rates[-1]}" "${ours_inprocess[-1]}"
  }
  for ((round = 1; round <= rounds; round++)); do
    if ((round % 2)); then run_aws "$round"; run_ours "$round"; else run_ours "$round"; run_aws "$round"; fi
  done
  aws_median=$(fmedian "${aws_rates[@]}")
  aws_corrected_median=$(fmedian "${aws_corrected[@]}")
  ours_median=$(fmedian "${ours_rates[@]}")
  inprocess_median=$(fmedian "${ours_inprocess[@]}")
  raw=$(ratio "$ours_median" "$aws_median")
  corrected=$(ratio "$inprocess_median" "$aws_corrected_median")
  printf '  %3s MiB median   aws %8.1f MB/s (minus start-up %8.1f)   ours %8.1f MB/s (in process %8.1f)   ratio raw %s, start-up-corrected %s\n' \
    "$size" "$aws_median" "$aws_corrected_median" "$ours_median" "$inprocess_median" "$raw" "$corrected"
  results+=(
    "s3_put_${size}mib_awscli_mb_per_s=$(printf '%.1f' "$aws_median")"
    "s3_put_${size}mib_awscli_minus_startup_mb_per_s=$(printf '%.1f' "$aws_corrected_median")"
    "s3_put_${size}mib_mailbridge_mb_per_s=$(printf '%.1f' "$ours_median")"
    "s3_put_${size}mib_mailbridge_inprocess_mb_per_s=$(printf '%.1f' "$inprocess_median")"
    "s3_put_ratio_vs_awscli_${size}mib=$raw"
    "s3_put_ratio_vs_awscli_${size}mib_startup_corrected=$corrected"
  )
  largest_raw=$raw largest_corrected=$corrected largest=$size
  rm -f "$file"
done

echo "== seal"
"$BENCH_BIN" seal --megabytes "$seal_mb" >"$work/seal.out" || { cat "$work/seal.out"; die "mailbridge-bench seal failed"; }
grep -v '^# results' "$work/seal.out" | grep -v '=' | sed 's/^/  /'

echo "# results"
echo "s3_awscli_startup_s=$startup"
printf '%s\n' "${results[@]}"
echo "s3_put_ratio_vs_awscli=$largest_raw"
echo "s3_put_ratio_vs_awscli_startup_corrected=$largest_corrected"
echo "s3_put_ratio_size_mib=$largest"
for name in aes_gcm_seal_mb_per_s aes_gcm_open_mb_per_s aes_gcm_stream_seal_mb_per_s aes_gcm_stream_open_mb_per_s; do
  echo "$name=$(figure "$name" "$work/seal.out")"
done
