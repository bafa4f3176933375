#!/usr/bin/env bash
# INSERT throughput: `mailbridge-bench postgres-insert` (PostgresPool over libpq) against
# pgbench doing the same statements, in one run, on the stack's PostgreSQL, alternating
# which goes first, for several rounds; each figure is the median over rounds.
#
#   scenario  ours                                     pgbench baseline
#   single    one INSERT per round trip, 1 connection   -c 1 -M extended (and -M prepared)
#   values    multi-row VALUES, BATCH rows, all params  -c 1, the same rows as literals
#                                                        (pgbench allows only 255 parameters)
#   unnest    INSERT … SELECT FROM unnest(3 arrays)     -c 1 -M extended, the same statement and parameters
#   pool      pool.query from 16 tasks, pool of 4       -c 4 -j 2 -M extended
#   leased    4 tasks, each holding one leased           the same pgbench -c 4 run
#             connection for all its rows
# Batches run inside BEGIN … COMMIT in both. Rows: (id bigint, tenant text, 200-byte
# payload text, created_at = now()), into a fresh table without indexes per round.
#
# Usage: ops/bench/postgres-insert.sh [-n ROWS] [-b BATCH_ROWS] [-s BATCH_SIZE] [-r ROUNDS]
#          [-- extra postgres-insert options]
# Needs the stack (ops/stack/up.sh) and the release binary (run-all.sh builds it).
set -euo pipefail
# shellcheck source=ops/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

rows=20000 batch_rows=200000 batch_size=500 rounds=3 pool_size=4 tasks=16 payload_size=200 extra=()
while (($#)); do
  case $1 in
    -n) rows=$2; shift 2 ;;
    -b) batch_rows=$2; shift 2 ;;
    -s) batch_size=$2; shift 2 ;;
    -r) rounds=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) die "unknown option $1 (see the header of $0)" ;;
  esac
done
((rows % pool_size == 0)) || die "-n must be a multiple of $pool_size (pgbench -c $pool_size runs -t n/$pool_size each)"
((batch_rows % batch_size == 0)) || die "-b must be a multiple of the batch size $batch_size"

load_stack_env
need_bench_bin
command -v pgbench >/dev/null || die "pgbench not found (package postgresql-client)"
url=$MAILBRIDGE_TEST_POSTGRES_URL
work=$(mktemp -d)
table=""
cleanup() {
  [[ -n $table ]] && psql -X -q "$url" -c "DROP TABLE IF EXISTS $table" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

payload=$(printf '%*s' "$payload_size" '' | tr ' ' x)
batches=$((batch_rows / batch_size))
psql_q() { psql -X -q -v ON_ERROR_STOP=1 -tA "$url" "$@"; }

# pgbench scripts. pgbench sends each :variable as a $n parameter in extended mode.
# TABLE is replaced per round.
cat >"$work/single.sql" <<'SQL'
\set id random(1, 1000000000)
INSERT INTO TABLE (id, tenant, payload, created_at) VALUES (:id, :tenant, :payload, now());
SQL
cat >"$work/unnest.sql" <<'SQL'
BEGIN;
INSERT INTO TABLE (id, tenant, payload, created_at) SELECT id, tenant, payload, now() FROM unnest(CAST(:ids AS bigint[]), CAST(:tenants AS text[]), CAST(:payloads AS text[])) AS batch(id, tenant, payload);
COMMIT;
SQL
awk -v n="$batch_size" -v p="$payload" 'BEGIN {
  print "BEGIN;"
  print "INSERT INTO TABLE (id, tenant, payload, created_at) VALUES"
  for (i = 1; i <= n; i++) printf "(%d, '\''tenant-%d'\'', '\''%s'\'', now())%s\n", i, i % 16, p, (i < n ? "," : ";")
  print "COMMIT;" }' >"$work/values.sql"
ids="{$(seq -s, 1 "$batch_size")}"
tenants=$(awk -v n="$batch_size" 'BEGIN { printf "{"; for (i = 1; i <= n; i++) printf "%s\"tenant-%d\"", (i > 1 ? "," : ""), i % 16; printf "}" }')
payloads=$(awk -v n="$batch_size" -v p="$payload" 'BEGIN { printf "{"; for (i = 1; i <= n; i++) printf "%s\"%s\"", (i > 1 ? "," : ""), p; printf "}" }')
((${#payloads} < 120000)) || die "batch too large for a pgbench -D argument (${#payloads} bytes); lower -s"

# pgbench_run NAME SCRIPT ROWS_PER_TRANSACTION PGBENCH-OPTIONS... -> rows/s
pgbench_run() {
  local name=$1 script=$2 per=$3 tps; shift 3
  sed "s/TABLE/$table/" "$work/$script" >"$work/run-$script"
  pgbench -n "$@" -f "$work/run-$script" -D tenant=tenant-1 -D "payload=$payload" \
    -D "ids=$ids" -D "tenants=$tenants" -D "payloads=$payloads" "$url" >"$work/pgbench.out" 2>&1 ||
    { cat "$work/pgbench.out" >&2; die "pgbench $name failed"; }
  grep -q 'number of failed transactions: 0 ' "$work/pgbench.out" ||
    { cat "$work/pgbench.out" >&2; die "pgbench $name had failed transactions"; }
  tps=$(awk '/^tps = / { print $3 }' "$work/pgbench.out")
  awk -v t="$tps" -v p="$per" 'BEGIN { printf "%.0f", t * p }'
}

declare -A ours pg
add() { local -n a=$1; a[$2]="${a[$2]:-} $3"; }

run_pgbench() {
  table="mailbridge_bench_pgbench_$(run_suffix)_$1"
  psql_q -c "CREATE TABLE $table (id bigint NOT NULL, tenant text NOT NULL, payload text NOT NULL, created_at timestamptz NOT NULL)"
  local single prepared values unnest pool count expected
  single=$(pgbench_run single single.sql 1 -c 1 -M extended -t "$rows")
  prepared=$(pgbench_run prepared single.sql 1 -c 1 -M prepared -t "$rows")
  values=$(pgbench_run values values.sql "$batch_size" -c 1 -M extended -t "$batches")
  unnest=$(pgbench_run unnest unnest.sql "$batch_size" -c 1 -M extended -t "$batches")
  pool=$(pgbench_run pool single.sql 1 -c "$pool_size" -j 2 -M extended -t $((rows / pool_size)))
  count=$(psql_q -c "SELECT count(*) FROM $table")
  expected=$((3 * rows + 2 * batch_rows))
  ((count == expected)) || die "pgbench table $table has $count rows, expected $expected"
  psql_q -c "DROP TABLE $table"
  table=""
  add pg single "$single"; add pg prepared "$prepared"; add pg values "$values"; add pg unnest "$unnest"
  add pg pool "$pool"; add pg leased "$pool"
  printf '  round %d  pgbench           single %7s  prepared %7s  values %7s  unnest %7s  pool %7s rows/s\n' \
    "$1" "$single" "$prepared" "$values" "$unnest" "$pool"
}

run_ours() {
  "$BENCH_BIN" postgres-insert --url "$url" --rows "$rows" --batch-rows "$batch_rows" --batch-size "$batch_size" \
    --pool-size "$pool_size" --tasks "$tasks" --payload-size "$payload_size" ${extra[@]+"${extra[@]}"} >"$work/ours.out" ||
    { cat "$work/ours.out"; die "mailbridge-bench postgres-insert failed"; }
  local s
  for s in single values unnest pool leased; do add ours "$s" "$(figure "postgres_insert_${s}_rows_per_s" "$work/ours.out")"; done
  printf '  round %d  mailbridge-bench  single %7s  %17s  values %7s  unnest %7s  pool %7s  leased %7s rows/s\n' "$1" \
    "$(figure postgres_insert_single_rows_per_s "$work/ours.out")" "" \
    "$(figure postgres_insert_values_rows_per_s "$work/ours.out")" \
    "$(figure postgres_insert_unnest_rows_per_s "$work/ours.out")" \
    "$(figure postgres_insert_pool_rows_per_s "$work/ours.out")" \
    "$(figure postgres_insert_leased_rows_per_s "$work/ours.out")"
}

machine_summary
echo "postgres-insert: $(psql_q -c 'SHOW server_version') on ${url##*@}; single/pool/leased $rows rows, batches $batch_rows rows in $batch_size-row statements; pool $pool_size connections ($tasks tasks; pgbench -c $pool_size); $rounds rounds"
for ((round = 1; round <= rounds; round++)); do
  if ((round % 2)); then run_pgbench "$round"; run_ours "$round"; else run_ours "$round"; run_pgbench "$round"; fi
done

echo "  medians (rows/s):"
printf '    %-8s %12s %12s %8s\n' scenario mailbridge pgbench ratio
results=()
for s in single values unnest pool leased; do
  # shellcheck disable=SC2086  # word-split the per-round lists
  o=$(median ${ours[$s]}) p=$(median ${pg[$s]})
  printf '    %-8s %12s %12s %8s\n' "$s" "$o" "$p" "$(ratio "$o" "$p")"
  results+=("postgres_insert_${s}_rows_per_s=$o" "pgbench_insert_${s}_rows_per_s=$p" "postgres_insert_${s}_ratio_vs_pgbench=$(ratio "$o" "$p")")
done
# shellcheck disable=SC2086
prepared=$(median ${pg[prepared]}) single=$(median ${ours[single]})
printf '    %-8s %12s %12s %8s   (pgbench -M prepared: no parse per statement)\n' prepared - "$prepared" "$(ratio "$single" "$prepared")"
echo "# results"
printf '%s\n' "${results[@]}"
echo "pgbench_insert_single_prepared_rows_per_s=$prepared"
echo "postgres_insert_single_ratio_vs_pgbench_prepared=$(ratio "$single" "$prepared")"
