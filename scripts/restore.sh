#!/usr/bin/env bash
# Puts a backup of scripts/backup.sh back into the database named by DATABASE_URL and the
# upload folder UPLOAD_DIR (the app's defaults: sqlite://data/sotay.db, data/uploads):
#   DATABASE_URL=… UPLOAD_DIR=… scripts/restore.sh [--force] <sotay-….db | sotay-….dump> [uploads-….tar]
# Stop the server first. The target must be fresh: an SQLite file that does not exist or is
# empty, a PostgreSQL database (createdb) without tables, an upload folder that is missing or
# empty. --force overwrites them instead: the SQLite file is replaced, PostgreSQL objects of the
# backup are dropped and created again, files of the tar are written over the folder's (other
# files stay). Every target is checked before anything is written.
set -euo pipefail

usage() { echo "usage: [DATABASE_URL=…] [UPLOAD_DIR=…] $0 [--force] <database backup> [<uploads tar>]" >&2; exit 2; }
fail() { echo "restore: $*" >&2; exit 1; }

force=false
args=()
for arg in "$@"; do
  case "$arg" in
    --force) force=true ;;
    -h|--help) usage ;;
    -*) usage ;;
    *) args+=("$arg") ;;
  esac
done
[ "${#args[@]}" -ge 1 ] && [ "${#args[@]}" -le 2 ] || usage
backup=${args[0]}
tarball=${args[1]:-}
url="${DATABASE_URL:-sqlite://data/sotay.db}"
uploads="${UPLOAD_DIR:-data/uploads}"

[ -f "$backup" ] || fail "no backup file $backup"
[ -z "$tarball" ] || [ -f "$tarball" ] || fail "no uploads archive $tarball"
magic=$(head -c 16 "$backup" | tr -d '\0')

# 1. Check every target before writing anything.
case "$url" in
  sqlite:*)
    kind=sqlite
    [ "$magic" = "SQLite format 3" ] || fail "$backup is not an SQLite backup (the target is $url)"
    db=${url#sqlite:}
    while [[ "$db" == //* ]]; do db=${db#//}; done
    db=${db%%\?*}
    # A leftover -wal file would be replayed onto the restored file by the next open.
    if ! $force && { [ -s "$db" ] || [ -s "$db-wal" ]; }; then
      fail "$db already holds a database: restore into a new file, or give --force to replace it"
    fi
    ;;
  postgres://*|postgresql://*)
    kind=postgres
    [ "${magic:0:5}" = "PGDMP" ] || fail "$backup is not a pg_dump custom-format backup (the target is PostgreSQL)"
    command -v pg_restore >/dev/null || fail "pg_restore is needed (Debian: apt-get install postgresql-client)"
    tables=$(psql "$url" -X -v ON_ERROR_STOP=1 -Atc \
      "SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')")
    if ! $force && [ "$tables" != 0 ]; then
      fail "the target database already has $tables tables: restore into a new one (createdb), or give --force to replace them"
    fi
    ;;
  *) fail "DATABASE_URL must start with sqlite: or postgres:// (got $url)" ;;
esac
if [ -n "$tarball" ] && ! $force && [ -d "$uploads" ] && [ -n "$(ls -A "$uploads")" ]; then
  fail "$uploads is not empty: restore into an empty folder, or give --force to write over it"
fi

# 2. The database.
if [ "$kind" = sqlite ]; then
  mkdir -p "$(dirname "$db")"
  # Copied beside the target, checked, then renamed over it: the target is never half written.
  tmp="$db.restoring.$$"
  trap 'rm -f "$tmp" "$tmp-wal" "$tmp-shm"' EXIT
  cp "$backup" "$tmp"
  check=$(python3 - "$tmp" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(c.execute("PRAGMA integrity_check").fetchone()[0])
c.close()
EOF
)
  [ "$check" = ok ] || fail "integrity check of $backup failed: $check"
  rm -f "$db-wal" "$db-shm"
  mv -f "$tmp" "$db"
  echo "restore: $backup -> SQLite $db"
else
  # One transaction: a failed restore leaves the database as it was. Owners and grants are
  # not restored: the objects belong to the role of DATABASE_URL, the one the app connects as.
  clean=()
  if $force; then clean=(--clean --if-exists); fi
  pg_restore --no-owner --no-privileges --single-transaction --exit-on-error "${clean[@]}" --dbname="$url" "$backup"
  echo "restore: $backup -> PostgreSQL $(echo "$url" | sed -E 's#://([^:/@]*):[^@]*@#://\1:***@#')"
fi

# 3. The uploads.
if [ -n "$tarball" ]; then
  mkdir -p "$uploads"
  tar -C "$uploads" -xf "$tarball"
  echo "restore: $tarball -> $uploads ($(find "$uploads" -type f | wc -l) files)"
fi
# Run as root into the service's folder, the files would be root's and the server could not write.
if [ "$(id -u)" = 0 ]; then
  for path in ${db:+"$db"} ${tarball:+"$uploads"}; do
    owner=$(stat -c %U "$(dirname "$path")")
    [ "$owner" = root ] || echo "restore: note: written as root into a folder of $owner; give it to $owner: chown -R $owner \"$path\"" >&2
  done
fi
echo "restore: done; start the server (migrations newer than the backup run at start)"
