#!/usr/bin/env bash
# The tested restore (scripts/test.sh runs it, so CI does). For SQLite and for PostgreSQL: a fresh
# database loaded by `sotay seed --members 300 --documents 5` and a fresh upload folder with a few
# files are backed up by scripts/backup.sh and restored by scripts/restore.sh into a second fresh
# database and folder. Then every table's row count (the tables listed by the database itself)
# must match, the folders must be identical, a second restore over the result must be refused,
# and `sotay migrate` must print ok on the restored database. Exit 1 on any difference.
# Settings (environment): SOTAY_BIN (default $CARGO_TARGET_DIR/debug/sotay), TEST_POSTGRES_URL
# (default postgres://postgres@127.0.0.1:5432/postgres; a role that may create databases).
# Outside CI the PostgreSQL half skips with a note when the server is unreachable; under CI=true
# it must run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
SOTAY_BIN="${SOTAY_BIN:-$CARGO_TARGET_DIR/debug/sotay}"
pg_url="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export RUST_LOG="${RUST_LOG:-warn}"

fail() { echo "check-backup: $*" >&2; exit 1; }
say() { printf '\n== %s\n' "$*"; }
[ -x "$SOTAY_BIN" ] || fail "no sotay binary at $SOTAY_BIN (build it first, or set SOTAY_BIN)"

work=$(mktemp -d)
holder=""
pg_dbs=()
cleanup() {
  if [ -n "$holder" ]; then kill "$holder" 2>/dev/null || true; wait "$holder" 2>/dev/null || true; fi
  for db in "${pg_dbs[@]}"; do
    psql "$pg_url" -Xq -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || echo "note: could not drop the database $db" >&2
  done
  rm -rf "$work"
}
trap cleanup EXIT
problems=()

# Table name, tab, row count — one line per table the database lists, sorted.
sqlite_counts() {
  python3 - "$1" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for (name,) in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall():
    quoted = '"' + name.replace('"', '""') + '"'
    print(f"{name}\t{c.execute(f'SELECT count(*) FROM {quoted}').fetchone()[0]}")
c.close()
EOF
}
postgres_counts() {
  psql "$1" -X -A -t -F $'\t' -v ON_ERROR_STOP=1 <<'SQL' | sort
SELECT format('SELECT %L, count(*) FROM %I.%I',
              CASE WHEN table_schema = 'public' THEN table_name ELSE table_schema || '.' || table_name END,
              table_schema, table_name)
FROM information_schema.tables
WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
\gexec
SQL
}

# Prints the counts side by side; fails when a table is missing on one side or differs.
compare_counts() { # label source-file restored-file
  python3 - "$@" <<'EOF'
import sys
label, a, b = sys.argv[1:]
def read(path):
    return dict(line.rstrip("\n").split("\t") for line in open(path) if line.strip())
src, dst = read(a), read(b)
width = max(len(t) for t in src.keys() | dst.keys())
print(f"{'table':<{width}}  {'source':>8}  {'restored':>8}")
bad = 0
for t in sorted(src.keys() | dst.keys()):
    s, d = src.get(t, "-"), dst.get(t, "-")
    mark = "" if s == d else "  <-- differs"
    bad += s != d
    print(f"{t:<{width}}  {s:>8}  {d:>8}{mark}")
rows = sum(int(v) for v in src.values())
print(f"{label}: {len(src)} tables, {rows} rows in the source; {bad} difference(s)")
sys.exit(1 if bad else 0)
EOF
}

# Attachments as the app stores them (documents/<id>/<random>.<ext>); the seed writes none.
make_uploads() {
  mkdir -p "$1/documents/1" "$1/documents/2"
  printf '%%PDF-1.4\n%% check-backup\n' >"$1/documents/1/a1b2c3.pdf"
  head -c 200000 /dev/urandom >"$1/documents/2/d4e5f6.png"
}

check_one() { # label source-url restored-url directory
  local label=$1 src=$2 dst=$3 dir=$4 ext
  mkdir -p "$dir"
  DATABASE_URL="$src" "$SOTAY_BIN" seed --members 300 --documents 5 >"$dir/seed.log" || { cat "$dir/seed.log"; fail "$label: sotay seed failed"; }
  head -n 1 "$dir/seed.log"
  make_uploads "$dir/uploads"
  if [ "$label" = SQLite ]; then echo "the source's WAL holds $(stat -c %s "${src#sqlite://}-wal") bytes as the backup starts"; fi
  DATABASE_URL="$src" UPLOAD_DIR="$dir/uploads" bash scripts/backup.sh "$dir/backup"
  [ "$label" = SQLite ] && ext=db || ext=dump
  local backup=("$dir/backup"/sotay-*."$ext") tarball=("$dir/backup"/uploads-*.tar)
  DATABASE_URL="$dst" UPLOAD_DIR="$dir/restored-uploads" bash scripts/restore.sh "${backup[0]}" "${tarball[0]}"
  if DATABASE_URL="$dst" UPLOAD_DIR="$dir/restored-uploads" bash scripts/restore.sh "${backup[0]}" "${tarball[0]}" >"$dir/refusal.log" 2>&1; then
    problems+=("$label: a second restore over the restored database was not refused")
  else
    echo "a second restore without --force is refused: $(tail -n 1 "$dir/refusal.log")"
  fi
  if [ "$label" = SQLite ]; then
    sqlite_counts "${src#sqlite://}" >"$dir/source.tsv"
    sqlite_counts "${dst#sqlite://}" >"$dir/restored.tsv"
  else
    postgres_counts "$src" >"$dir/source.tsv"
    postgres_counts "$dst" >"$dir/restored.tsv"
  fi
  say "$label: row counts, source and restored"
  compare_counts "$label" "$dir/source.tsv" "$dir/restored.tsv" || problems+=("$label: row counts differ (see above)")
  if diff -r "$dir/uploads" "$dir/restored-uploads" >/dev/null; then
    echo "uploads: $(find "$dir/restored-uploads" -type f | wc -l) files, identical"
  else
    problems+=("$label: the restored upload folder differs from the original")
  fi
  local migrated
  migrated=$(DATABASE_URL="$dst" "$SOTAY_BIN" migrate 2>"$dir/migrate.log") || true
  if [ "$migrated" = ok ]; then
    echo "sotay migrate on the restored database: ok"
  else
    problems+=("$label: sotay migrate on the restored database printed '$migrated': $(cat "$dir/migrate.log")")
  fi
}

say "SQLite: seed, back up, restore"
sq="$work/sqlite"
mkdir -p "$sq"
DATABASE_URL="sqlite://$sq/source.db" "$SOTAY_BIN" migrate >/dev/null
# Another connection stays open while the seed writes, as the running server's would: the last
# commits then stay in source.db-wal instead of being folded into source.db at close, which a
# plain copy of the file would lose and the online backup must not.
python3 -c 'import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1]); c.execute("SELECT count(*) FROM sqlite_master").fetchone(); open(sys.argv[2], "w").close(); time.sleep(3600)' "$sq/source.db" "$sq/holding" &
holder=$!
for _ in $(seq 1 100); do [ -e "$sq/holding" ] && break; sleep 0.1; done
[ -e "$sq/holding" ] || fail "the connection holding the SQLite file open did not start"
check_one SQLite "sqlite://$sq/source.db" "sqlite://$sq/restored.db" "$sq/run"
kill "$holder" 2>/dev/null || true; wait "$holder" 2>/dev/null || true; holder=""

say "PostgreSQL: seed, back up, restore"
pg_hostport=$(echo "$pg_url" | sed -E 's#^[a-z]+://([^@/]*@)?([^/?]*).*#\2#')
pg_host=${pg_hostport%%:*}; pg_port=${pg_hostport##*:}; [ "$pg_port" != "$pg_host" ] || pg_port=5432
pg_note=""
if ! (exec 3<>"/dev/tcp/$pg_host/$pg_port") 2>/dev/null; then
  [ "${CI:-}" != true ] || fail "PostgreSQL is not reachable at $pg_host:$pg_port (TEST_POSTGRES_URL), and under CI=true it must be"
  pg_note="PostgreSQL is not reachable at $pg_host:$pg_port: its half skipped (under CI=true it fails)"
  echo "note: $pg_note"
else
  # The same server and credentials, another database.
  url_for() {
    local base=${pg_url%%\?*} query=""
    [ "$base" = "$pg_url" ] || query="?${pg_url#*\?}"
    local scheme=${base%%://*} rest=${base#*://}
    echo "$scheme://${rest%%/*}/$1$query"
  }
  name="sotay_backup_$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
  pg_dbs=("$name" "${name}_restored")
  for db in "${pg_dbs[@]}"; do psql "$pg_url" -Xq -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$db\""; done
  check_one PostgreSQL "$(url_for "$name")" "$(url_for "${name}_restored")" "$work/postgres"
fi

echo
if [ "${#problems[@]}" -gt 0 ]; then
  printf 'check-backup: %s\n' "${problems[@]}" >&2
  exit 1
fi
echo "check-backup: backup and restore agree on SQLite$([ -n "$pg_note" ] || echo " and PostgreSQL")"
[ -z "$pg_note" ] || echo "note: $pg_note"
