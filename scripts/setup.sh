#!/usr/bin/env bash
# Installs what the build and tests need, only when missing. Idempotent.
#   scripts/setup.sh          toolchain for building and running
#   scripts/setup.sh --test   also Chromium and the Playwright packages
#   scripts/setup.sh --release also wasm-opt (npm binaryen; Debian's is too old)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

want_test=false
want_release=false
for arg in "$@"; do
  case "$arg" in
    --test) want_test=true ;;
    --release) want_release=true ;;
  esac
done

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v cargo >/dev/null; then
  echo "Rust is not installed: see https://rustup.rs, then run this again." >&2
  exit 1
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "Adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "0.3.10" ]; then
  say "Installing cargo-leptos 0.3.10 (about 20 minutes on 2 cores, once)"
  cargo install cargo-leptos --version 0.3.10 --locked --features no_downloads
fi

bindgen_version=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$bindgen_version" ]; then
  say "Installing wasm-bindgen-cli $bindgen_version (the version in Cargo.lock)"
  # Not --locked: its lockfile names a yanked crate.
  cargo install wasm-bindgen-cli --version "$bindgen_version"
fi

if $want_release && ! wasm-opt --version 2>/dev/null | grep -q 'version 132'; then
  say "Installing wasm-opt (npm binaryen@132)"
  mkdir -p "$SOTAY_TOOLS"
  npm install --prefix "$SOTAY_TOOLS" --no-audit --no-fund binaryen@132 >/dev/null
fi

if $want_test; then
  if ! command -v chromium >/dev/null; then
    say "Installing Chromium from Debian"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
  stamp=end2end/node_modules/.sotay-lock
  if [ ! -f "$stamp" ] || ! cmp -s end2end/package-lock.json "$stamp"; then
    say "Installing the Playwright packages (the browser is Debian's Chromium)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >/dev/null)
    cp end2end/package-lock.json "$stamp"
  fi
fi
