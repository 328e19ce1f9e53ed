#!/usr/bin/env bash
# Command 1 of README: install what is missing, build, migrate, load the demo data into an
# empty database, and serve http://127.0.0.1:3000 (override with LEPTOS_SITE_ADDR).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh

export DATABASE_URL="${DATABASE_URL:-sqlite://data/sotay.db}"
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"

cargo leptos build --split
bin="$CARGO_TARGET_DIR/debug/sotay"
"$bin" migrate >/dev/null
"$bin" seed --if-empty
echo
echo "==> http://$LEPTOS_SITE_ADDR  (Ctrl-C to stop)"
exec "$bin" serve
