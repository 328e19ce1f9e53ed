#!/usr/bin/env bash
# Lighthouse (npm lighthouse@12, Debian's Chromium, its default mobile emulation: a mid-range
# phone on slow 4G, simulated throttling) on sign-in, home, library and a meeting page, as the
# release build serves them (precompressed assets). See docs/BENCHMARKS.md, "Lighthouse".
#
#   cargo leptos build --release --precompress --split && bench/lighthouse.sh
#
# Settings (environment): BIN (default $CARGO_TARGET_DIR/release/sotay), SITE_ROOT (target/site),
# PORT (3490), OUT (a directory for the JSON reports, default a temporary one), RUNS (3: the
# median performance score of that many runs is reported, as Lighthouse advises).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

BIN=${BIN:-$CARGO_TARGET_DIR/release/sotay}
SITE_ROOT=${SITE_ROOT:-target/site}
PORT=${PORT:-3490}
OUT=${OUT:-$(mktemp -d)}
RUNS=${RUNS:-3}
BASE=http://127.0.0.1:$PORT

[ -x "$BIN" ] || { echo "no release server at $BIN: cargo leptos build --release --precompress --split" >&2; exit 1; }
if ! command -v lighthouse >/dev/null; then
  mkdir -p "$SOTAY_TOOLS"
  npm install --prefix "$SOTAY_TOOLS" --no-audit --no-fund lighthouse@12 >/dev/null
fi
mkdir -p "$OUT"

db=$(mktemp -d)/lh.db
DATABASE_URL=sqlite://$db RUST_LOG=warn "$BIN" seed > /dev/null
DATABASE_URL=sqlite://$db LEPTOS_SITE_ADDR=127.0.0.1:$PORT LEPTOS_SITE_ROOT=$SITE_ROOT RUST_LOG=warn "$BIN" serve > "$OUT/server.log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do curl -fs -o /dev/null "$BASE/healthz" && break; sleep 0.05; done

cookie=$(curl -fs -c - -o /dev/null -X POST -H 'Accept: application/json' \
  --data 'identifier=0900000001&password=sotay2026&next=%2F' "$BASE/api/sign_in" | awk '$6 == "sotay_session" {print "sotay_session=" $7}')
[ -n "$cookie" ] || { echo "sign-in failed" >&2; exit 1; }
meeting=$(curl -fs -X POST -H "Cookie: $cookie" -H 'Accept: application/json' "$BASE/api/next_meetings" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')

audit() { # name path [cookie]
  local name=$1 path=$2 headers='{}'
  [ -n "${3:-}" ] && headers="{\"Cookie\": \"$3\"}"
  for i in $(seq 1 "$RUNS"); do
    CHROME_PATH=/usr/bin/chromium lighthouse "$BASE$path" --quiet --output=json --output-path="$OUT/$name-$i.json" \
      --only-categories=performance,accessibility --extra-headers="$headers" \
      --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update" \
      || { echo "lighthouse failed on $path" >&2; exit 1; }
  done
  python3 - "$OUT" "$name" "$path" "$RUNS" <<'EOF'
import json, sys, statistics
out, name, path, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
reports = [json.load(open(f"{out}/{name}-{i}.json")) for i in range(1, runs + 1)]
perf = [round(r["categories"]["performance"]["score"] * 100) for r in reports]
a11y = [round(r["categories"]["accessibility"]["score"] * 100) for r in reports]
median = sorted(zip(perf, range(runs)))[runs // 2][1]
a = reports[median]["audits"]
m = lambda k: a[k]["displayValue"].replace("\u00a0", " ")
print(f"| {path} | {statistics.median(perf):.0f} ({', '.join(map(str, perf))}) | {min(a11y)} | "
      f"{m('first-contentful-paint')} | {m('largest-contentful-paint')} | {m('total-blocking-time')} | {m('cumulative-layout-shift')} | {m('speed-index')} |")
failed = [k for k, v in a.items() if v.get("scoreDisplayMode") == "binary" and v.get("score") == 0
          and k in {x["id"] for x in reports[median]["categories"]["accessibility"]["auditRefs"]}]
if failed:
    print(f"  accessibility audits failed on {path}: {', '.join(failed)}", file=sys.stderr)
EOF
}

echo "Lighthouse $(lighthouse --version), $(chromium --version), $(date -u +%F), $(git rev-parse --short HEAD); reports in $OUT"
echo "| page | performance (median of $RUNS) | accessibility | FCP | LCP | TBT | CLS | Speed Index |"
echo "|---|---|---|---|---|---|---|---|"
audit sign-in /dang-nhap
audit home / "$cookie"
audit library /van-ban "$cookie"
audit meeting "/sinh-hoat/$meeting" "$cookie"
