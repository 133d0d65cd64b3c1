#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an empty database and media folder.
#
#   createdb -O cellmeet cellmeet                 # a new, empty database
#   DATABASE_URL=postgres://cellmeet:…@db:5432/cellmeet DJANGO_MEDIA_ROOT=/srv/cellmeet/media \
#     scripts/restore.sh /backups/cellmeet-2025-01-31
#   python manage.py verify_minutes               # every signed minutes and PDF still match
#
# Checks the backup's SHA256SUMS first and refuses a database that has tables (do not
# run `migrate` before: the dump holds the schema) or a media folder with files in it.
# The database is restored in one transaction: it fails whole or succeeds whole.
set -euo pipefail

src=${1:?usage: scripts/restore.sh BACKUP_DIRECTORY}
: "${DATABASE_URL:?set DATABASE_URL to the empty PostgreSQL database to restore into}"
media=${DJANGO_MEDIA_ROOT:-$(cd "$(dirname "$0")/.." && pwd)/media}

(cd "$src" && sha256sum --quiet --check SHA256SUMS) || {
  echo "restore: $src does not match its SHA256SUMS; not restoring" >&2
  exit 1
}
tables=$(psql -X --dbname="$DATABASE_URL" -tAc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
if [ "$tables" != 0 ]; then
  echo "restore: the database already has $tables tables; restore into a new, empty one" >&2
  exit 1
fi
if [ -d "$media" ] && [ -n "$(ls -A "$media")" ]; then
  echo "restore: $media is not empty; restore into a new, empty folder" >&2
  exit 1
fi
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$DATABASE_URL" "$src/database.dump"
mkdir -p "$media"
tar -C "$media" -xf "$src/media.tar"
# The summaries a shared cache (Redis) holds were made under revisions the restore sets
# back: move every revision past them, so that none is read again.
"$(dirname "$0")/../.venv/bin/python" "$(dirname "$0")/../manage.py" forget_summaries
echo "restore: database and $media restored from $src; now run: python manage.py verify_minutes, then (re)start the app servers"
