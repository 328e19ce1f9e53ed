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

# leptos_i18n and tachys build from the registry's sources with the project's patches applied
# (docs/patches/README.md); app/vendor/ is generated, not kept in git.
bash scripts/patch-crates.sh

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "Adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

# cargo-leptos 0.3.10 as published, but with wasm_split_cli_support 0.2.4 (rayon 1.12 with it)
# in place of the 0.2.3 its lockfile names. 0.2.3 put the whole read-only data of the app (every
# page's strings and vtables, 64 KB gzip) into the main wasm whenever relocating it per chunk came
# out a few bytes longer than the input, which small, unrelated changes to the app tip either way
# (docs/BENCHMARKS.md, "Client bundle"); 0.2.4 places data shared by several chunks once. Its
# panic messages name the crate's folder, which is how an installed binary is recognised.
leptos_bin=$(command -v cargo-leptos || true)
if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "0.3.10" ] \
  || ! grep -q "wasm_split_cli_support-0.2.4" "$leptos_bin" 2>/dev/null; then
  say "Building cargo-leptos 0.3.10 with wasm_split_cli_support 0.2.4 (about 20 minutes on 2 cores, once)"
  src=$(mktemp -d)
  curl -sSfL https://static.crates.io/crates/cargo-leptos/0.3.10/download | tar xz -C "$src"
  (
    cd "$src/cargo-leptos-0.3.10"
    cargo update -q -p rayon --precise 1.12.0
    cargo update -q -p wasm_split_cli_support --precise 0.2.4
    CARGO_TARGET_DIR="$src/target" cargo install --path . --locked --force --features no_downloads
  )
  rm -rf "$src"
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
