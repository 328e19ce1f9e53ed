#!/usr/bin/env bash
# Client budgets of the performance issue (#8), checked on an existing release build; this
# script builds nothing. It fails (exit 1) when
#   - the wasm in the site's pkg/ is over WASM_GZIP_BUDGET bytes after `gzip -9` (300 KB), or
#   - the first load of the home page — the HTML of `/` as a running release server sends it,
#     plus every JS, wasm and CSS file that HTML references (and the JS modules those import),
#     plus every wasm chunk the split manifest names for the home page (it is a lazily loaded
#     route), each as the server sends it to a browser that accepts brotli and gzip — is over FIRST_LOAD_BUDGET bytes (400 KB).
# KB here is 1,000 bytes (the stricter reading).
#
# Usage (after `cargo leptos build --release --precompress --split`):
#   scripts/check-budgets.sh                      starts $SOTAY_BIN on a free port against an
#                                                 empty SQLite file, measures, stops it
#   BASE_URL=http://127.0.0.1:3000 scripts/check-budgets.sh
#                                                 measures an already running server instead
# Settings (environment): SITE_ROOT (default target/site), SOTAY_BIN (default
# $CARGO_TARGET_DIR/release/sotay), BASE_URL, WASM_GZIP_BUDGET (300000), FIRST_LOAD_BUDGET (400000).
set -euo pipefail
cd "$(dirname "$0")/.."

SITE_ROOT="${SITE_ROOT:-target/site}"
WASM_GZIP_BUDGET="${WASM_GZIP_BUDGET:-300000}"
FIRST_LOAD_BUDGET="${FIRST_LOAD_BUDGET:-400000}"
target_dir="${CARGO_TARGET_DIR:-$HOME/.cache/sotay/target}"
SOTAY_BIN="${SOTAY_BIN:-$target_dir/release/sotay}"

fail() { echo "check-budgets: $*" >&2; exit 1; }
fmt() { echo "$1" | sed -e ':a' -e 's/\B[0-9]\{3\}\>/,&/' -e 'ta'; }

command -v curl >/dev/null || fail "curl is needed"
pkg="$SITE_ROOT/pkg"
[ -d "$pkg" ] || fail "no $pkg: build first (cargo leptos build --release --precompress --split)"

shopt -s nullglob
wasms=("$pkg"/*.wasm)
[ "${#wasms[@]}" -ge 1 ] || fail "no .wasm in $pkg"

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

failures=()
wasm_gz_max=0

# 1. The wasm, gzip -9 (and brotli, for information).
echo "== wasm ($pkg)"
printf '%-48s %12s %12s %12s\n' file raw "gzip -9" brotli
for w in "${wasms[@]}"; do
  raw=$(stat -c %s "$w")
  gz=$(gzip -9c "$w" | wc -c)
  [ "$gz" -le "$wasm_gz_max" ] || wasm_gz_max=$gz
  if command -v brotli >/dev/null; then br=$(brotli -q 11 -c "$w" | wc -c)
  elif [ -f "$w.br" ]; then br=$(stat -c %s "$w.br")
  else br="-"; fi
  [ "$br" = "-" ] || br=$(fmt "$br")
  printf '%-48s %12s %12s %12s\n' "$(basename "$w")" "$(fmt "$raw")" "$(fmt "$gz")" "$br"
  if [ "$gz" -gt "$WASM_GZIP_BUDGET" ]; then
    failures+=("$(basename "$w") is $(fmt "$gz") B gzip -9, over the budget of $(fmt "$WASM_GZIP_BUDGET") B")
  fi
done

# 2. The home page's first load, as a running server sends it.
if [ -z "${BASE_URL:-}" ]; then
  [ -x "$SOTAY_BIN" ] || fail "no server binary at $SOTAY_BIN (set SOTAY_BIN, or BASE_URL for a running server)"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  BASE_URL="http://127.0.0.1:$port"
  DATABASE_URL="sqlite://$work/budget.db" LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT="$SITE_ROOT" \
    LEPTOS_SITE_PKG_DIR=pkg LEPTOS_OUTPUT_NAME=sotay LEPTOS_HASH_FILES=true LEPTOS_HASH_FILE_NAME=hash.txt \
    RUST_LOG=warn UPLOAD_DIR="$work/uploads" "$SOTAY_BIN" serve >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 120); do
    curl -fs -o /dev/null "$BASE_URL/healthz" && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; fail "the server stopped"; }
    sleep 0.5
  done
  curl -fs -o /dev/null "$BASE_URL/healthz" || { cat "$work/server.log" >&2; fail "the server did not answer on $BASE_URL"; }
fi

ae='Accept-Encoding: br, gzip'
# Bytes on the wire (curl does not decode without --compressed) and the encoding used.
fetch() { # url -> "bytes encoding"
  local url="$1" out
  out=$(curl -fsS -H "$ae" -o /dev/null -D "$work/h" -w '%{size_download}' "$url") || fail "GET $url failed"
  local enc
  enc=$(tr -d '\r' <"$work/h" | awk -F': *' 'tolower($1) == "content-encoding" {print $2}' | tail -n 1)
  echo "$out ${enc:-identity}"
}

curl -fsS --compressed "$BASE_URL/" -o "$work/home.html" || fail "GET $BASE_URL/ failed"
# The files the HTML references: stylesheet, module preload, the main wasm of the hydration
# script. The page's wasm chunks, which the script lists too, are counted once, from the split
# manifest below (the script's list is a copy of it), so they are left out here.
mapfile -t assets < <(grep -oE '/pkg/[A-Za-z0-9._/-]+\.(js|wasm|css)' "$work/home.html" | grep -vE '^/pkg/(split_|chunk_)[^/]*\.wasm$' | awk '!seen[$0]++')
[ "${#assets[@]}" -ge 1 ] || fail "the home page references no /pkg/ files"
# The JS modules those import (wasm-bindgen's snippets), one level down.
for a in "${assets[@]}"; do
  case "$a" in
    *.js)
      curl -fsS --compressed "$BASE_URL$a" -o "$work/m.js" || fail "GET $a failed"
      dir=${a%/*}
      while read -r rel; do
        rel=${rel#./}
        assets+=("$dir/$rel")
      done < <(grep -oE "from ?['\"]\./[^'\"]+\.js['\"]|import ?\(['\"]\./[^'\"]+\.js['\"]" "$work/m.js" | grep -oE "\./[^'\"]+\.js" | awk '!seen[$0]++')
      ;;
  esac
done

# The home page's wasm chunks, from the split manifest (`cargo leptos build --split`): the newest
# manifest of the pkg folder (a folder reused by several builds keeps the older ones).
manifests=("$pkg"/__wasm_split_manifest.*.json)
if [ "${#manifests[@]}" -ge 1 ]; then
  manifest=$(ls -t "${manifests[@]}" | head -n 1)
  home_chunks=$(python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
for key, stems in m.items():
    if key.startswith("__home_route_view_"):
        for s in stems: print(s)
' "$manifest") || fail "could not read $manifest"
  [ -n "$home_chunks" ] || fail "$manifest names no chunks for the home page"
  while read -r chunk; do
    assets+=("/pkg/$chunk.wasm")
  done <<<"$home_chunks"
fi
# A module both preloaded by the HTML and imported by the script counts once.
mapfile -t assets < <(printf '%s\n' "${assets[@]}" | awk '!seen[$0]++')
echo
echo "== first load of / from $BASE_URL (as sent with '$ae')"
printf '%-60s %12s %10s\n' resource bytes encoding
read -r html_bytes html_enc < <(fetch "$BASE_URL/")
printf '%-60s %12s %10s\n' "/ (HTML)" "$(fmt "$html_bytes")" "$html_enc"
total=$html_bytes
for a in "${assets[@]}"; do
  read -r bytes enc < <(fetch "$BASE_URL$a")
  printf '%-60s %12s %10s\n' "$a" "$(fmt "$bytes")" "$enc"
  total=$((total + bytes))
done
printf '%-60s %12s\n' "total" "$(fmt "$total")"

echo
echo "wasm gzip budget:  $(fmt "$WASM_GZIP_BUDGET") B, measured $(fmt "$wasm_gz_max") B (largest)"
echo "first-load budget: $(fmt "$FIRST_LOAD_BUDGET") B, measured $(fmt "$total") B"
if [ "$total" -gt "$FIRST_LOAD_BUDGET" ]; then
  failures+=("the home page's first load is $(fmt "$total") B compressed, over the budget of $(fmt "$FIRST_LOAD_BUDGET") B")
fi
if [ "${#failures[@]}" -gt 0 ]; then
  for f in "${failures[@]}"; do echo "FAIL: $f"; done
  echo "check-budgets: client budgets exceeded (issue #8; see docs/BENCHMARKS.md, \"Client bundle\")" >&2
  exit 1
fi
echo "OK: within budgets"
