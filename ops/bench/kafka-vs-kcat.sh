#!/usr/bin/env bash
# Acknowledged produce throughput: kcat (librdkafka's own producer loop) against
# `mailbridge-bench kafka-produce` (KafkaProducer, one awaited send per record), in one
# run, on the stack's tansu broker, with the same records and settings:
#   N records with a 1024-byte value and keys tenant-0..15 (round-robin), into a fresh
#   3-partition topic per run, acks=all, enable.idempotence=true, linger.ms=5.
# Both are timed as whole processes (start, connect, produce, flush at exit), alternating
# which goes first, for several rounds; the ratio is median(ours) / median(kcat).
# Both also get enable.metrics.push=false: with librdkafka 2.8's default (true),
# rd_kafka_destroy() stalls for exactly 1 s in about one exit in three (a timed wait for
# KIP-714 telemetry termination), in kcat and in ours alike, which is noise, not throughput.
#
# Usage: ops/bench/kafka-vs-kcat.sh [-n MESSAGES] [-r ROUNDS] [-w IN_FLIGHT] [-p PARTITIONS]
#          [-X key=value]... [-k key=value]... [--verify] [-- extra kafka-produce options]
#   -X sets a librdkafka property on both producers (e.g. -X linger.ms=20).
#   -k sets one on kcat only (e.g. -k queue.buffering.max.messages=1000 caps kcat's
#      outstanding records at our window).
#   --verify consumes every topic afterwards and checks it holds N records.
# Needs the stack (ops/stack/up.sh) and the release binary (run-all.sh builds it).
set -euo pipefail
# shellcheck source=ops/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

messages=50000 size=1024 keys=16 rounds=3 in_flight=1000 partitions=3 verify=0
settings=() kcat_only=() extra=()
while (($#)); do
  case $1 in
    -n) messages=$2; shift 2 ;;
    -r) rounds=$2; shift 2 ;;
    -w) in_flight=$2; shift 2 ;;
    -p) partitions=$2; shift 2 ;;
    -X) settings+=("$2"); shift 2 ;;
    -k) kcat_only+=("$2"); shift 2 ;;
    --verify) verify=1; shift ;;
    --) shift; extra=("$@"); break ;;
    *) die "unknown option $1 (see the header of $0)" ;;
  esac
done

load_stack_env
need_bench_bin
command -v kcat >/dev/null || die "kcat not found; run ops/install-deps.sh"
brokers=$MAILBRIDGE_TEST_KAFKA_BROKERS
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The records kcat reads: "tenant-<i mod keys>:<size x's>", the same keys and values
# kafka-produce sends (key = tenant-<i mod keys>, value = size x's).
awk -v n="$messages" -v size="$size" -v keys="$keys" 'BEGIN {
  v = sprintf("%*s", size, ""); gsub(/ /, "x", v)
  for (i = 0; i < n; i++) printf "tenant-%d:%s\n", i % keys, v }' >"$work/records"

kcat_settings=(-X acks=all -X enable.idempotence=true -X linger.ms=5 -X client.id=kcat-bench -X enable.metrics.push=false)
ours_settings=(--set enable.metrics.push=false)
for s in ${settings[@]+"${settings[@]}"}; do
  kcat_settings+=(-X "$s")
  ours_settings+=(--set "$s")
done
for s in ${kcat_only[@]+"${kcat_only[@]}"}; do kcat_settings+=(-X "$s"); done

machine_summary
echo "kafka-vs-kcat: $messages records of $size B, keys tenant-0..$((keys - 1)), fresh $partitions-partition topics on $brokers, acks=all, idempotence, linger.ms=5 (unless -X), enable.metrics.push=false, $rounds rounds"
echo "  kcat: $(kcat -V 2>&1 | grep -o 'librdkafka [0-9.]*' | head -n1)${kcat_only[*]+, kcat only: ${kcat_only[*]}}; ours: window $in_flight${settings[*]+; both: ${settings[*]}}${extra[*]+; ours also: ${extra[*]}}"

suffix=$(run_suffix)
topics=()
kcat_rates=() ours_rates=() ours_inprocess=()

create_topic() {
  "$BENCH_BIN" kafka-create-topic --brokers "$brokers" --topic "$1" --partitions "$partitions" >/dev/null
  topics+=("$1")
}

run_kcat() {
  local topic="mailbridge-bench-kcat-${suffix}-$1" start end secs
  create_topic "$topic"
  start=$(now)
  kcat -P -b "$brokers" -t "$topic" -K : "${kcat_settings[@]}" -l "$work/records" 2>"$work/kcat.err" ||
    { cat "$work/kcat.err" >&2; die "kcat failed"; }
  end=$(now)
  # kcat reports failed deliveries on stderr and still exits 0.
  if grep -qi 'fail\|error' "$work/kcat.err"; then cat "$work/kcat.err" >&2; die "kcat reported delivery errors"; fi
  secs=$(elapsed "$start" "$end")
  kcat_rates+=("$(rate "$messages" "$secs")")
  printf '  round %d  kcat              %7.3f s  %8s msgs/s\n' "$1" "$secs" "${kcat_rates[-1]}"
}

run_ours() {
  local topic="mailbridge-bench-ours-${suffix}-$1" start end secs
  create_topic "$topic"
  start=$(now)
  "$BENCH_BIN" kafka-produce --brokers "$brokers" --topic "$topic" --messages "$messages" --size "$size" \
    --keys "$keys" --in-flight "$in_flight" ${ours_settings[@]+"${ours_settings[@]}"} ${extra[@]+"${extra[@]}"} >"$work/ours.out" ||
    { cat "$work/ours.out"; die "mailbridge-bench kafka-produce failed"; }
  end=$(now)
  secs=$(elapsed "$start" "$end")
  ours_rates+=("$(rate "$messages" "$secs")")
  ours_inprocess+=("$(figure kafka_produce_msgs_per_s "$work/ours.out")")
  printf '  round %d  mailbridge-bench  %7.3f s  %8s msgs/s  (in process, first send to last ack: %s msgs/s; ack p50 %s ms, p99 %s ms; shutdown %s s)\n' \
    "$1" "$secs" "${ours_rates[-1]}" "${ours_inprocess[-1]}" \
    "$(figure kafka_produce_ack_p50_ms "$work/ours.out")" "$(figure kafka_produce_ack_p99_ms "$work/ours.out")" \
    "$(elapsed "$(figure kafka_produce_seconds "$work/ours.out")" "$(figure kafka_produce_seconds_with_shutdown "$work/ours.out")")"
}

for ((round = 1; round <= rounds; round++)); do
  if ((round % 2)); then run_kcat "$round"; run_ours "$round"; else run_ours "$round"; run_kcat "$round"; fi
done

if ((verify)); then
  for topic in "${topics[@]}"; do
    count=$(timeout 120 kcat -C -b "$brokers" -t "$topic" -o beginning -e -q -f '%p\n' | wc -l)
    ((count == messages)) || die "topic $topic holds $count records, expected $messages"
  done
  echo "  verified: each of the ${#topics[@]} topics holds $messages records"
fi

kcat_median=$(median "${kcat_rates[@]}")
ours_median=$(median "${ours_rates[@]}")
inprocess_median=$(median "${ours_inprocess[@]}")
mb() { awk -v r="$1" -v s="$size" 'BEGIN { printf "%.1f", r * s / 1e6 }'; }
echo "  median kcat             $kcat_median msgs/s ($(mb "$kcat_median") MB/s)"
echo "  median mailbridge-bench $ours_median msgs/s ($(mb "$ours_median") MB/s); in process $inprocess_median msgs/s"
echo "# results"
echo "kafka_kcat_msgs_per_s=$kcat_median"
echo "kafka_mailbridge_msgs_per_s=$ours_median"
echo "kafka_mailbridge_inprocess_msgs_per_s=$inprocess_median"
echo "kafka_produce_ratio_vs_kcat=$(ratio "$ours_median" "$kcat_median")"
