#!/usr/bin/env bash
# Backs up the database named by DATABASE_URL and the upload folder (UPLOAD_DIR) into a directory,
# safely while the server runs:
#   DATABASE_URL=sqlite:///srv/sotay/data/sotay.db UPLOAD_DIR=/srv/sotay/data/uploads \
#     scripts/backup.sh /var/backups/sotay
# writes sotay-<UTC time>.db (SQLite) or sotay-<UTC time>.dump (PostgreSQL, pg_dump's custom
# format) and uploads-<UTC time>.tar, prints what it wrote, and exits non-zero on any failure.
# Defaults are the app's own (sqlite://data/sotay.db, data/uploads); relative paths are read
# from the current directory, as the server reads them. scripts/restore.sh puts a backup back;
# scripts/check-backup.sh tests the pair (CI).
set -euo pipefail

usage() { echo "usage: [DATABASE_URL=…] [UPLOAD_DIR=…] $0 <destination directory>" >&2; exit 2; }
fail() { echo "backup: $*" >&2; exit 1; }
[ $# -eq 1 ] || usage
case "$1" in -h|--help) usage ;; esac

dest=$1
url="${DATABASE_URL:-sqlite://data/sotay.db}"
uploads="${UPLOAD_DIR:-data/uploads}"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$dest"

# Written under a .part name and renamed when complete, so a failed run never leaves a file that
# looks like a backup.
partials=()
cleanup() {
  local status=$?
  if [ "$status" != 0 ]; then
    for p in "${partials[@]}"; do rm -f "$p"; done
    echo "backup: FAILED (exit $status); nothing complete was written" >&2
  fi
}
trap cleanup EXIT

size() { numfmt --to=iec-i --suffix=B "$(stat -c %s "$1")"; }
fresh() { # path: refuses to overwrite an earlier backup
  [ ! -e "$1" ] || fail "$1 exists already"
  partials+=("$1.part")
}

case "$url" in
  sqlite:*)
    # The same reading of the URL as the app (platform::db): sqlite://rel/path, sqlite:///abs/path.
    db=${url#sqlite:}
    while [[ "$db" == //* ]]; do db=${db#//}; done
    db=${db%%\?*}
    [ -f "$db" ] || fail "no SQLite database at $db (DATABASE_URL=$url)"
    out="$dest/sotay-$stamp.db"; fresh "$out"
    # SQLite's online backup, never a plain copy: the server runs in WAL mode, so recent commits
    # may live only in $db-wal, and a copy taken mid-write can be torn. The backup reads one
    # consistent state through SQLite while the server goes on writing.
    if command -v sqlite3 >/dev/null; then
      case "$out" in *"'"*) fail "the destination path must not contain a single quote" ;; esac
      sqlite3 -bail "$db" ".timeout 30000" ".backup '$out.part'"
    else
      python3 - "$db" "$out.part" <<'EOF'
import os, sqlite3, sys, urllib.parse
# mode=rw: never create an empty database where the real one was expected.
src = sqlite3.connect("file:" + urllib.parse.quote(os.path.abspath(sys.argv[1])) + "?mode=rw", uri=True, timeout=30)
dst = sqlite3.connect(sys.argv[2])
src.backup(dst)
dst.close()
src.close()
EOF
    fi
    # Checked before it counts as a backup.
    check=$(python3 - "$out.part" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(c.execute("PRAGMA integrity_check").fetchone()[0])
c.close()
EOF
)
    [ "$check" = ok ] || fail "integrity check of the copy failed: $check"
    rm -f "$out.part-wal" "$out.part-shm"
    mv "$out.part" "$out"
    db_line="SQLite $db -> $out ($(size "$out"), integrity ok)"
    ;;
  postgres://*|postgresql://*)
    command -v pg_dump >/dev/null || fail "pg_dump is needed (Debian: apt-get install postgresql-client)"
    out="$dest/sotay-$stamp.dump"; fresh "$out"
    # One consistent snapshot, taken while the server runs. The custom format is compressed and
    # lets pg_restore choose what to restore; owners and grants are left to the restoring side.
    pg_dump --format=custom --file="$out.part" "$url"
    # A dump pg_restore cannot list is no backup.
    list=$(pg_restore --list "$out.part")
    tables=$(grep -c ' TABLE DATA ' <<<"$list" || true)
    mv "$out.part" "$out"
    db_line="PostgreSQL $(echo "$url" | sed -E 's#://([^:/@]*):[^@]*@#://\1:***@#') -> $out ($(size "$out"), $tables tables)"
    ;;
  *) fail "DATABASE_URL must start with sqlite: or postgres:// (got $url)" ;;
esac

# After the database: attachments are written to disk before their row commits, so every file
# the backed-up database names is already in the folder (files newer than it are harmless).
tar_out="$dest/uploads-$stamp.tar"; fresh "$tar_out"
if [ -d "$uploads" ]; then
  tar -C "$uploads" -cf "$tar_out.part" .
  files=$(find "$uploads" -type f | wc -l)
  uploads_line="uploads $uploads -> $tar_out ($files files, $(size "$tar_out.part"))"
else
  # A new installation has no folder until the first attachment; say so rather than fail.
  tar -cf "$tar_out.part" -T /dev/null
  uploads_line="uploads: no folder at $uploads (UPLOAD_DIR) — wrote an empty $tar_out"
fi
mv "$tar_out.part" "$tar_out"

echo "backup: $db_line"
echo "backup: $uploads_line"
