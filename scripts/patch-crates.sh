#!/usr/bin/env bash
# Rebuilds app/vendor/<crate> from the registry and docs/patches/ (see docs/patches/README.md):
# for each line of docs/patches/crates.txt, take the .crate from cargo's cache or crates.io, check
# its SHA-256 against the list and against crates.io's index when it is reachable, and against the
# version Cargo.lock resolves, unpack it and apply docs/patches/<name>-<version>.patch. A patch that
# no longer applies fails. Nothing is redone when the stamp (sums of the crate and the patch)
# matches, so the build cache stays valid. Called by scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

list=docs/patches/crates.txt
fail() { echo "patch-crates: $*" >&2; exit 1; }

grep -v '^#' "$list" | while read -r name version sum; do
  [ -n "$name" ] || continue
  patch_file="docs/patches/$name-$version.patch"
  [ -f "$patch_file" ] || fail "$patch_file is missing"
  locked=$(awk -v n="$name" '$0 == "name = \"" n "\"" {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
  [ "$locked" = "$version" ] \
    || fail "Cargo.lock resolves $name $locked but the patch is for $version: port docs/patches/$name-$version.patch or drop it (docs/patches/README.md)"
  dest="app/vendor/$name"
  stamp="$sum $(sha256sum "$patch_file" | cut -d' ' -f1)"
  if [ -f "$dest/.sotay-patched" ] && [ "$(cat "$dest/.sotay-patched")" = "$stamp" ]; then
    continue
  fi
  echo "==> Patching $name $version from the registry ($patch_file)"
  work=$(mktemp -d)
  crate="$work/$name-$version.crate"
  cached=$(ls "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/"$name-$version.crate" 2>/dev/null | head -n 1 || true)
  if [ -n "$cached" ]; then
    cp "$cached" "$crate"
  else
    curl -sSfL "https://static.crates.io/crates/$name/$version/download" -o "$crate" \
      || fail "cannot download $name $version from crates.io"
  fi
  got=$(sha256sum "$crate" | cut -d' ' -f1)
  [ "$got" = "$sum" ] || fail "$name $version: SHA-256 $got, expected $sum ($list)"
  # The registry's own record of the sum, when the index is reachable (it is in CI).
  prefix=$(printf '%s' "$name" | cut -c1-2)/$(printf '%s' "$name" | cut -c3-4)
  if index=$(curl -sSf "https://index.crates.io/$prefix/$name" 2>/dev/null); then
    printf '%s\n' "$index" | grep -E "\"vers\": *\"$version\"" | grep -qE "\"cksum\": *\"$sum\"" \
      || fail "$name $version: crates.io's index does not list the sum $sum"
  fi
  tar xzf "$crate" -C "$work"
  (cd "$work/$name-$version" && patch -p1 --batch --forward --quiet < "$OLDPWD/$patch_file") \
    || fail "$patch_file no longer applies to $name $version"
  printf '%s\n' "$stamp" > "$work/$name-$version/.sotay-patched"
  rm -rf "$dest"
  mkdir -p "$(dirname "$dest")"
  mv "$work/$name-$version" "$dest"
  rm -rf "$work"
done
