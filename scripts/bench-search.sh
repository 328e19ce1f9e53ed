#!/usr/bin/env bash
# Benchmark: library search over a large seeded library, through the real HTTP interface.
#   scripts/bench-search.sh [sqlite|postgres] [documents]    (defaults: sqlite 50000)
# Needs a release server: `source scripts/env.sh && cargo build --release -p server`.
# Prints, per query, the median and 95th percentile of 30 requests (curl time_total, local).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
backend=${1:-sqlite}
docs=${2:-50000}
port=3210
bin="$CARGO_TARGET_DIR/release/sotay"
work=$(mktemp -d)
case "$backend" in
  sqlite) url="sqlite://$work/bench.db" ;;
  postgres)
    psql -h 127.0.0.1 -U postgres -qc 'DROP DATABASE IF EXISTS sotay_bench_search' -c 'CREATE DATABASE sotay_bench_search'
    url="postgres://postgres@127.0.0.1:5432/sotay_bench_search" ;;
  *) echo "usage: $0 [sqlite|postgres] [documents]" >&2; exit 2 ;;
esac
export DATABASE_URL="$url" LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_HASH_FILES=false RUST_LOG=warn
echo "seeding 3000 members and $docs documents ($backend)…"
/usr/bin/time -f "seed: %e s" "$bin" seed --members 3000 --documents "$docs" >/dev/null
"$bin" serve & server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"; [ "$backend" = postgres ] && psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS sotay_bench_search" || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
jar="$work/cookies"
curl -sf -c "$jar" -H 'accept: application/json' --data 'identifier=0900000001&password=sotay2026&next=/' "http://127.0.0.1:$port/api/sign_in" >/dev/null
printf '%-34s %8s %8s %6s\n' query median p95 hits
for q in "nghi quyet 57" "Nghị quyết 57" "339-QĐ/TW" "ke hoach chuyen doi so" "cong tac kiem tra giam sat" "phong chong thien tai 2024" ""; do
  times=()
  for _ in $(seq 30); do
    t=$(curl -s -o "$work/out.json" -w '%{time_total}' -b "$jar" -H 'accept: application/json' \
      --data-urlencode "kind=van_ban" --data-urlencode "query=$q" --data "doc_type=&year=&level=&saved=false&offset=0" \
      "http://127.0.0.1:$port/api/library")
    times+=("$t")
  done
  hits=$(grep -o '"id":' "$work/out.json" | wc -l)
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  median=$(echo "$sorted" | sed -n '15p'); p95=$(echo "$sorted" | sed -n '29p')
  printf '%-34s %6.1fms %6.1fms %6s\n' "\"$q\"" "$(awk "BEGIN{print $median*1000}")" "$(awk "BEGIN{print $p95*1000}")" "$hits"
done
