#!/usr/bin/env bash
# Back up cellmeet: the PostgreSQL database and the media folder with the signed PDFs.
#
#   DATABASE_URL=postgres://cellmeet:…@db:5432/cellmeet DJANGO_MEDIA_ROOT=/srv/cellmeet/media \
#     scripts/backup.sh /backups/cellmeet-$(date +%F)
#
# Writes a new directory holding database.dump (pg_dump custom format), media.tar and
# SHA256SUMS. Safe while the app runs. The database is dumped first: a signed PDF is
# written before its database row and never changed, so every document in the dump has
# its file in media.tar (files added meanwhile are harmless extras).
set -euo pipefail

dest=${1:?usage: scripts/backup.sh NEW_DIRECTORY}
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database (postgres://user@host:port/name)}"
media=${DJANGO_MEDIA_ROOT:-$(cd "$(dirname "$0")/.." && pwd)/media}

if [ -e "$dest" ]; then
  echo "backup: $dest already exists; give a new directory" >&2
  exit 1
fi
mkdir -p "$dest"
pg_dump --format=custom --no-owner --file="$dest/database.dump" --dbname="$DATABASE_URL"
if [ -d "$media" ]; then
  tar -C "$media" -cf "$dest/media.tar" .
else  # no document stored yet
  tar -cf "$dest/media.tar" -T /dev/null
fi
(cd "$dest" && sha256sum database.dump media.tar >SHA256SUMS)
files=$(tar -tf "$dest/media.tar" | grep -vc '/$' || true)
echo "backup: $dest: database.dump ($(du -h "$dest/database.dump" | cut -f1)), media.tar ($files files)"
