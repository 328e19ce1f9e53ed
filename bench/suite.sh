#!/usr/bin/env bash
# The server benchmark suite of the performance issue (#8). See docs/BENCHMARKS.md, "Server
# suite", for what each figure means and the recorded runs.
#
#   bench/suite.sh sqlite|postgres|both
#
# For each database: a fresh province (`sotay seed --members 126000`), the release server on
# core 0 (taskset), the load generator (oha, from crates.io) on core 1, then
#   1. throughput, closed loop: the bare baseline `/livez`, the member's home data
#      (`POST /api/session`, `POST /api/next_meetings`) and the server-rendered meeting page,
#      signed in; each reported as a ratio to the baseline of the same run
#   2. sign-in (argon2id) per second with the server on one core
#   3. mixed load at a fixed 1,100 req/s: 80% reads, 15% static, 4% comments, 1% meeting
#      writes (four oha processes at fixed rates, latency corrected for coordinated omission)
#   4. memory with 2,000 open connections over a soak (SOAK seconds, default 600): resident
#      memory sampled every 30 s
#   5. the 13,000-meeting burst of the meetings issue (server/examples/burst.rs, its own
#      360,000-member register; client and server in one process, not pinned), when the
#      example is built (BURST=0 skips it)
# Every figure is printed after the command that produced it; a summary table at the end.
#
# Build: cargo leptos build --release --precompress --split && cargo build --release -p server --example burst
# Settings (environment): BIN (default $CARGO_TARGET_DIR/release/sotay), BURST (default
# $CARGO_TARGET_DIR/release/examples/burst), OHA (default oha on
# PATH), DURATION (closed-loop seconds, 15), MIXED (seconds, 60), SOAK (seconds, 600),
# PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres), PORT (3480), OUT (a directory
# for the raw oha JSON, default a temporary one).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

which_db=${1:-both}
BIN=${BIN:-$CARGO_TARGET_DIR/release/sotay}
OHA=${OHA:-oha}
BURST=${BURST:-$CARGO_TARGET_DIR/release/examples/burst}
DURATION=${DURATION:-15}
MIXED=${MIXED:-60}
SOAK=${SOAK:-600}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
PORT=${PORT:-3480}
OUT=${OUT:-$(mktemp -d)}
cookie=""
BASE=http://127.0.0.1:$PORT
SERVER_CORE=0
LOAD_CORE=1

[ -x "$BIN" ] || { echo "no release server at $BIN: cargo leptos build --release --precompress --split" >&2; exit 1; }
command -v "$OHA" >/dev/null || { echo "oha is needed: cargo install oha --locked" >&2; exit 1; }
command -v taskset >/dev/null || { echo "taskset is needed (util-linux)" >&2; exit 1; }
ulimit -n 16384 2>/dev/null || ulimit -n 8192
mkdir -p "$OUT"
summary="$OUT/summary.md"
: > "$summary"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=""; fi
}
trap stop_server EXIT

start_server() {
  local url=$1
  DATABASE_URL=$url LEPTOS_SITE_ADDR=127.0.0.1:$PORT LEPTOS_SITE_ROOT=${SITE_ROOT:-target/site} RUST_LOG=warn \
    taskset -c $SERVER_CORE "$BIN" serve > "$OUT/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 400); do
    curl -fs -o /dev/null "$BASE/healthz" && return 0
    sleep 0.05
  done
  echo "the server did not start; its log:" >&2; cat "$OUT/server.log" >&2; exit 1
}

rss_kb() { ps -o rss= -p "$server_pid" | tr -d ' '; }

# oha's JSON summary → "rps p50 p99 errors non2xx" (latencies in ms).
oha_stats() {
  python3 - "$1" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
s, p = d["summary"], d.get("latencyPercentiles", {})
codes = d.get("statusCodeDistribution", {})
errors = sum(d.get("errorDistribution", {}).values())
non2xx = sum(n for c, n in codes.items() if not str(c).startswith("2"))
ms = lambda v: (v or 0) * 1000
print(f'{s["requestsPerSec"]:.0f} {ms(p.get("p50")):.1f} {ms(p.get("p99")):.1f} {errors} {non2xx}')
EOF
}

# Closed-loop load for DURATION seconds; prints and returns the stats line.
load() {
  local name=$1; shift
  local json="$OUT/$db-$name.json"
  local conns=${CONNS:-32}
  printf '$ taskset -c %s %s --no-tui -w --output-format json -z %ss -c %s %s\n' "$LOAD_CORE" "$OHA" "$DURATION" "$conns" "${*//$cookie/…}" >&2
  taskset -c $LOAD_CORE "$OHA" --no-tui -w --output-format json -z "${DURATION}s" -c "$conns" "$@" > "$json"
  oha_stats "$json"
}

form=(-m POST -T application/x-www-form-urlencoded -H 'Accept: application/json')

sign_in() { # phone
  curl -fs -c - -o /dev/null -X POST -H 'Accept: application/json' -H 'Content-Type: application/x-www-form-urlencoded' \
    --data "identifier=$1&password=sotay2026&next=%2F" "$BASE/api/sign_in" \
    | awk '$6 == "sotay_session" {print "sotay_session=" $7}'
}

bench_db() {
  db=$1
  local url
  say "$db: a fresh province"
  if [ "$db" = sqlite ]; then
    rm -rf /tmp/sotay-suite && mkdir -p /tmp/sotay-suite
    url=sqlite:///tmp/sotay-suite/suite.db
  else
    psql "$PG_ADMIN_URL" -qc 'DROP DATABASE IF EXISTS sotay_suite' -c 'CREATE DATABASE sotay_suite'
    url=${PG_ADMIN_URL%/*}/sotay_suite
  fi
  run env DATABASE_URL=$url RUST_LOG=warn "$BIN" seed --members 126000
  start_server "$url"
  local rss_idle

  # The reader (demo member 0900000001); the writer, a member of another cell (0900000005), so
  # the comments of the mixed load do not pile up on the meeting page being read.
  cookie=$(sign_in 0900000001)
  local writer; writer=$(sign_in 0900000005)
  [ -n "$cookie" ] && [ -n "$writer" ] || { echo "sign-in failed" >&2; exit 1; }
  first_meeting() { curl -fs -X POST -H "Cookie: $1" -H 'Accept: application/json' "$BASE/api/next_meetings" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])'; }
  local meeting writer_meeting
  meeting=$(first_meeting "$cookie")
  writer_meeting=$(first_meeting "$writer")
  curl -fs -o /dev/null -H "Cookie: $cookie" "$BASE/sinh-hoat/$meeting" || { echo "meeting page $meeting failed" >&2; exit 1; }
  local css; css=$(cd "${SITE_ROOT:-target/site}" && ls pkg/*.css | head -n 1)

  say "$db: 1. throughput (closed loop, 32 connections, ${DURATION} s each)"
  local base home next page
  base=$(load baseline "$BASE/livez");                                               echo "baseline /livez: $base"
  home=$(load session "${form[@]}" -H "Cookie: $cookie" "$BASE/api/session");        echo "home data /api/session: $home"
  next=$(load next_meetings "${form[@]}" -H "Cookie: $cookie" "$BASE/api/next_meetings"); echo "home data /api/next_meetings: $next"
  page=$(load meeting_page -H "Cookie: $cookie" "$BASE/sinh-hoat/$meeting");           echo "meeting page /sinh-hoat/$meeting: $page"

  say "$db: 2. sign-in (argon2id), server on one core"
  local signin
  signin=$(CONNS=4 load sign_in "${form[@]}" -d 'identifier=0900000001&password=sotay2026&next=%2F' "$BASE/api/sign_in")
  echo "sign-in: $signin"

  say "$db: 3. mixed load, 1,100 req/s for ${MIXED} s"
  local pids=() kinds=(reads_session reads_next reads_page static comments writes)
  # 80% reads (440 home data + 220 meeting list + 220 meeting page), 15% static, 4% comments, 1% meeting writes
  local c1="taskset -c $LOAD_CORE $OHA --no-tui -w --output-format json --latency-correction -z ${MIXED}s"
  set -x
  $c1 -q 440 -c 64 "${form[@]}" -H "Cookie: $cookie" "$BASE/api/session" > "$OUT/$db-mixed-reads_session.json" & pids+=($!)
  $c1 -q 220 -c 32 "${form[@]}" -H "Cookie: $cookie" "$BASE/api/next_meetings" > "$OUT/$db-mixed-reads_next.json" & pids+=($!)
  $c1 -q 220 -c 64 -H "Cookie: $cookie" "$BASE/sinh-hoat/$meeting" > "$OUT/$db-mixed-reads_page.json" & pids+=($!)
  $c1 -q 165 -c 32 -H 'Accept-Encoding: br, gzip' "$BASE/$css" > "$OUT/$db-mixed-static.json" & pids+=($!)
  $c1 -q 44 -c 16 "${form[@]}" -H "Cookie: $writer" -d "id=$writer_meeting&body=G%C3%B3p+%C3%BD+th%E1%BB%AD+t%E1%BA%A3i" "$BASE/api/comment" > "$OUT/$db-mixed-comments.json" & pids+=($!)
  $c1 -q 11 -c 8 "${form[@]}" -H "Cookie: $writer" -d "id=$writer_meeting&answer=se_den&reason=" "$BASE/api/rsvp" > "$OUT/$db-mixed-writes.json" & pids+=($!)
  { set +x; } 2>/dev/null
  wait "${pids[@]}"
  local mixed
  mixed=$(python3 - "$OUT" "$db" "${kinds[@]}" <<'EOF'
import json, sys
out, db, kinds = sys.argv[1], sys.argv[2], sys.argv[3:]
total = errors = non2xx = 0; rps = 0.0; worst99 = 0.0; lines = []
for k in kinds:
    d = json.load(open(f"{out}/{db}-mixed-{k}.json"))
    s, p = d["summary"], d["latencyPercentiles"]
    codes = d.get("statusCodeDistribution", {})
    e = sum(d.get("errorDistribution", {}).values()); n = sum(v for c, v in codes.items() if not str(c).startswith("2"))
    errors += e; non2xx += n; rps += s["requestsPerSec"]; worst99 = max(worst99, p["p99"] * 1000)
    lines.append(f'{k}: {s["requestsPerSec"]:.0f} req/s, p50 {p["p50"]*1000:.1f} ms, p99 {p["p99"]*1000:.1f} ms, errors {e}, non-2xx {n}')
print("; ".join(lines), file=sys.stderr)
print(f"{rps:.0f} {worst99:.1f} {errors} {non2xx}")
EOF
)
  echo "mixed (total req/s, worst p99 ms, errors, non-2xx): $mixed"

  local rss_after_mixed; rss_after_mixed=$(rss_kb)
  echo "resident memory after the mixed load: $((rss_after_mixed / 1024)) MB"

  say "$db: 4. memory with 2,000 open connections, ${SOAK} s"
  # A fresh process: what the allocator kept from the mixed load's queues is not the connections'.
  stop_server
  start_server "$url"
  rss_idle=$(rss_kb)
  echo "fresh server: $((rss_idle / 1024)) MB"
  local samples=()
  echo "\$ taskset -c $LOAD_CORE $OHA --no-tui -w --output-format json -z ${SOAK}s -c 2000 -q 200 ${form[*]} -H 'Cookie: …' $BASE/api/session"
  taskset -c $LOAD_CORE "$OHA" --no-tui -w --output-format json -z "${SOAK}s" -c 2000 -q 200 "${form[@]}" -H "Cookie: $cookie" "$BASE/api/session" > "$OUT/$db-soak.json" &
  local soak_pid=$!
  local t=0
  while kill -0 $soak_pid 2>/dev/null; do
    sleep 30; t=$((t + 30))
    kill -0 $soak_pid 2>/dev/null || break
    local conns; conns=$(ss -tn state established "( sport = :$PORT )" | tail -n +2 | wc -l)
    samples+=("$(rss_kb)")
    echo "t=${t}s RSS $(rss_kb) KB, established connections $conns"
  done
  wait $soak_pid || true
  local soak; soak=$(oha_stats "$OUT/$db-soak.json")
  echo "soak (rps p50 p99 errors non-2xx): $soak"
  local first=${samples[0]:-0} last=${samples[-1]:-0} peak=0
  for s in "${samples[@]}"; do [ "$s" -gt "$peak" ] && peak=$s; done
  stop_server

  local burst="(not run)"
  if [ "$BURST" != 0 ] && [ -x "$BURST" ]; then
    say "$db: 5. the 13,000-meeting burst"
    local burl
    if [ "$db" = sqlite ]; then burl=sqlite:///tmp/sotay-suite/burst.db
    else psql "$PG_ADMIN_URL" -qc 'DROP DATABASE IF EXISTS sotay_suite_burst' -c 'CREATE DATABASE sotay_suite_burst'; burl=${PG_ADMIN_URL%/*}/sotay_suite_burst; fi
    run env DATABASE_URL=$burl RUST_LOG=warn "$BURST" --members 360000 --cells 13000 --concurrency 256 --readers 64 | tee "$OUT/$db-burst.txt"
    burst=$(grep '^burst:' "$OUT/$db-burst.txt" | sed 's/^burst: //')
  fi

  read -r b_rps _ _ _ _ <<< "$base"
  row() { # name stats
    read -r rps p50 p99 err bad <<< "$2"
    printf '| %s | %s | %s req/s | %.2f × | %s / %s ms | %s |\n' "$db" "$1" "$rps" "$(echo "$rps / $b_rps" | bc -l)" "$p50" "$p99" "$((err + bad))" >> "$summary"
  }
  row "baseline \`GET /livez\`" "$base"
  row "home data \`POST /api/session\`" "$home"
  row "home data \`POST /api/next_meetings\`" "$next"
  row "meeting page \`GET /sinh-hoat/$meeting\` (SSR)" "$page"
  row "sign-in \`POST /api/sign_in\` (argon2id, server on 1 core)" "$signin"
  read -r m_rps m_p99 m_err m_bad <<< "$mixed"
  printf '| %s | mixed load at 1,100 req/s | %s req/s | | worst p99 %s ms | %s |\n' "$db" "$m_rps" "$m_p99" "$((m_err + m_bad))" >> "$summary"
  printf '| %s | memory: fresh %s MB; 2,000 connections: first sample %s MB, last %s MB, peak %s MB (%s s); after the mixed load %s MB | | | | |\n' \
    "$db" "$((rss_idle / 1024))" "$((first / 1024))" "$((last / 1024))" "$((peak / 1024))" "$SOAK" "$((rss_after_mixed / 1024))" >> "$summary"
  printf '| %s | burst: %s | | | | |\n' "$db" "$burst" >> "$summary"
}

case "$which_db" in
  sqlite) bench_db sqlite ;;
  postgres) bench_db postgres ;;
  both) bench_db sqlite; bench_db postgres ;;
  *) echo "usage: bench/suite.sh sqlite|postgres|both" >&2; exit 2 ;;
esac

say "Summary ($(date -u +%F), $(git rev-parse --short HEAD), raw results in $OUT)"
echo "| database | figure | throughput | ratio to baseline | p50 / p99 | errors |"
echo "|---|---|---|---|---|---|"
cat "$summary"
