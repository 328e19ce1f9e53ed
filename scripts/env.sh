# Shared environment of scripts/run.sh and scripts/test.sh (sourced, not executed).
# The build cache lives outside the clone so a fresh clone (CI) reuses it.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sotay/target}"
export SOTAY_TOOLS="${SOTAY_TOOLS:-$HOME/.cache/sotay/tools}"
export PATH="$HOME/.cargo/bin:$SOTAY_TOOLS/node_modules/.bin:$PATH"
# cargo-leptos builds with these; `cargo test` sees the same so both share one build.
export LEPTOS_OUTPUT_NAME=sotay
export LEPTOS_SITE_ROOT=target/site
export LEPTOS_SITE_PKG_DIR=pkg
export LEPTOS_HASH_FILES=true
export LEPTOS_HASH_FILE_NAME=hash.txt
