#!/usr/bin/env bash
# A/B of two server builds on the same data, alternating, so a change is measured against the
# machine's noise rather than against a figure from another day (docs/BENCHMARKS.md).
#
#   bench/ab.sh BIN_A BIN_B sqlite|postgres [ROUNDS]
#
# Seeds a province once (`BIN_B seed --members 126000`), then ROUNDS times (default 2) for A and
# then B: the server pinned to core 0, oha to core 1, closed loop (32 connections, DURATION s,
# default 10) on the bare baseline `/livez`, the member's home data (`POST /api/session`), the
# meeting card (`POST /api/next_meetings`) and the server-rendered meeting page, signed in as
# demo member 0900000001. Prints req/s and the ratio to that server's baseline in that round.
# Each binary reads hash.txt beside it; SITE_ROOT is the site both serve (default target/site).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
A=$1; B=$2; db=$3; ROUNDS=${4:-2}
DURATION=${DURATION:-10}
PORT=${PORT:-3481}
BASE=http://127.0.0.1:$PORT
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
command -v oha >/dev/null || { echo "oha is needed: cargo install oha --locked" >&2; exit 1; }

if [ "$db" = sqlite ]; then
  rm -rf /tmp/sotay-ab && mkdir -p /tmp/sotay-ab
  url=sqlite:///tmp/sotay-ab/ab.db
else
  psql "$PG_ADMIN_URL" -qc 'DROP DATABASE IF EXISTS sotay_ab' -c 'CREATE DATABASE sotay_ab'
  url=${PG_ADMIN_URL%/*}/sotay_ab
fi
echo "\$ DATABASE_URL=$url $B seed --members 126000"
DATABASE_URL=$url RUST_LOG=warn "$B" seed --members 126000 > /dev/null

pid=""
stop() { [ -z "$pid" ] || { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; }; }
trap stop EXIT
start() {
  DATABASE_URL=$url LEPTOS_SITE_ADDR=127.0.0.1:$PORT LEPTOS_SITE_ROOT=${SITE_ROOT:-target/site} RUST_LOG=warn \
    taskset -c 0 "$1" serve > "$OUT/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 400); do curl -fs -o /dev/null "$BASE/healthz" && return 0; sleep 0.05; done
  cat "$OUT/server.log" >&2; exit 1
}
rps() { # name, oha arguments
  local json="$OUT/$1.json"; shift
  taskset -c 1 oha --no-tui -w --output-format json -z "${DURATION}s" -c 32 "$@" > "$json"
  python3 - "$json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
codes = d.get("statusCodeDistribution", {})
bad = sum(n for k, n in codes.items() if not str(k).startswith("2")) + sum(d.get("errorDistribution", {}).values())
print(f'{d["summary"]["requestsPerSec"]:.0f}' + (f" ({bad} failed)" if bad else ""))
PY
}
form=(-m POST -T application/x-www-form-urlencoded -H 'Accept: application/json')

printf 'round build    baseline  session (ratio)   next_meetings (ratio)   meeting page (ratio)\n'
for round in $(seq 1 "$ROUNDS"); do
  for name in A B; do
    bin=$A; [ $name = B ] && bin=$B
    start "$bin"
    cookie=$(curl -fs -c - -o /dev/null -X POST -H 'Accept: application/json' -H 'Content-Type: application/x-www-form-urlencoded' \
      --data 'identifier=0900000001&password=sotay2026&next=%2F' "$BASE/api/sign_in" | awk '$6 == "sotay_session" {print "sotay_session=" $7}')
    meeting=$(curl -fs -X POST -H "Cookie: $cookie" -H 'Accept: application/json' "$BASE/api/next_meetings" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
    base=$(rps base "$BASE/livez")
    s=$(rps session "${form[@]}" -H "Cookie: $cookie" "$BASE/api/session")
    n=$(rps next "${form[@]}" -H "Cookie: $cookie" "$BASE/api/next_meetings")
    p=$(rps page -H "Cookie: $cookie" "$BASE/sinh-hoat/$meeting")
    ratio() { python3 -c "print(f'{int(\"$1\".split()[0]) / int(\"$base\".split()[0]):.3f}')"; }
    printf '%-5s %-7s %8s  %6s (%s×)   %6s (%s×)         %6s (%s×)\n' "$round" "$name" "$base" "$s" "$(ratio "$s")" "$n" "$(ratio "$n")" "$p" "$(ratio "$p")"
    stop
  done
done
