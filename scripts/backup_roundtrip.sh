#!/usr/bin/env bash
# Back up and restore with scripts/backup.sh and scripts/restore.sh, and check that
# every signed minutes and stored PDF still verifies afterwards, and that the check can fail.
#
#   scripts/backup_roundtrip.sh      (run by .ci/run; about 90 s on 2 cores)
#
# Uses two scratch databases with unique names on the PostgreSQL server at
# PGHOST:PGPORT (default 127.0.0.1:5432, user postgres) and drops them at the end.
# The source holds the demo district (about 5,300 signed minutes) with the PDFs of
# Thanh Sơn's first signed meetings stored, as a first download stores them.
set -euo pipefail
cd "$(dirname "$0")/.."

python=.venv/bin/python
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export DJANGO_DEBUG=1  # development settings: only management commands run here
server="postgres://$PGUSER@$PGHOST:$PGPORT"
run="$(date +%Y%m%d%H%M%S)_$$"
source_db="cellmeet_roundtrip_source_$run"
restored_db="cellmeet_roundtrip_restored_$run"
work=$(mktemp -d)
started=$SECONDS

cleanup() {
  dropdb --if-exists "$source_db" || true
  dropdb --if-exists "$restored_db" || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAILED: $*" >&2
  exit 1
}
say() { printf '%3d s  %s\n' $((SECONDS - started)) "$*"; }

# The verification summary, e.g. "5327 biên bản có chữ ký (5327 đã ký đủ) và 16 tệp PDF".
summary() { grep -o 'Đã kiểm tra .* tệp PDF đã lưu' <<<"$1" || true; }

say "source database $source_db: migrate and load the demo district"
createdb "$source_db"
export DATABASE_URL="$server/$source_db" DJANGO_MEDIA_ROOT="$work/media-source"
$python manage.py migrate --verbosity 0
$python manage.py prepare_fonts >/dev/null
$python manage.py load_demo >/dev/null
say "store the PDFs of Thanh Sơn's first 8 signed meetings in $DJANGO_MEDIA_ROOT"
$python manage.py shell -c '
from meetings.documents.services import issue_documents
from meetings.models import SignedRecord
records = SignedRecord.objects.filter(meeting__cell__code="VX-TT-THANHSON")
for record in records.select_related("meeting__cell").order_by("meeting__planned_at")[:8]:
    issue_documents(record)
' >/dev/null
# Every table's rows and every signing record's hash and codes, as one fingerprint; the
# minutes of one commune are verified in full (the whole demo, 47,000 signed minutes,
# takes minutes: `verify_minutes` without --org is the check after a real restore).
fingerprint() {
  $python manage.py shell -c '
import hashlib
from django.apps import apps
from meetings.models import SignedRecord
digest = hashlib.sha256()
for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
    digest.update(f"{model._meta.label}={model._default_manager.count()};".encode())
for row in SignedRecord.objects.order_by("meeting_id").values_list("meeting_id", "content_hash", "minutes_code", "resolution_code"):
    digest.update(repr(row).encode())
print(digest.hexdigest())
'
}
source_print=$(fingerprint)
before=$($python manage.py verify_minutes --org VX-TT) || fail "verify_minutes fails on the source"
checked=$(summary "$before")
files=$(grep -o '[0-9]* tệp PDF' <<<"$checked" | cut -d' ' -f1)
[ "${files:-0}" -gt 0 ] || fail "no stored PDF to check in the source: $before"
say "source verifies: $checked"

say "back up with scripts/backup.sh"
scripts/backup.sh "$work/backup"

say "restore with scripts/restore.sh into $restored_db and a new media folder"
createdb "$restored_db"
export DATABASE_URL="$server/$restored_db" DJANGO_MEDIA_ROOT="$work/media-restored"
scripts/restore.sh "$work/backup"
after=$($python manage.py verify_minutes --org VX-TT) || fail "verify_minutes fails after the restore"
[ "$(summary "$after")" = "$checked" ] \
  || fail "the restore verified other records: before “$checked”, after “$after”"
[ "$(fingerprint)" = "$source_print" ] \
  || fail "the restored database differs: rows or signing records are not the same"
say "restore verifies the same: $(summary "$after"); every table's rows and signing records match"

say "negative controls on the restored copy: the check must fail"
pdf=$(find "$DJANGO_MEDIA_ROOT" -name '*-minutes.pdf' | sort | head -n 1)
cp "$pdf" "$work/kept.pdf"
printf 'X' | dd of="$pdf" bs=1 seek=200 conv=notrunc status=none  # one byte changed
if out=$($python manage.py verify_minutes --org VX-TT-THANHSON 2>&1); then
  fail "verify_minutes passed with a changed PDF: $out"
fi
grep -q "TỆP HỎNG" <<<"$out" || fail "verify_minutes failed without naming the PDF: $out"
say "a PDF with one byte changed: verify_minutes fails ($(grep -o '[0-9/]* tệp PDF[^.]*' <<<"$out"))"
# Made again from its signing record, the file comes back byte for byte.
$python manage.py issue_documents --repair --org VX-TT-THANHSON >/dev/null \
  || fail "issue_documents --repair did not restore the changed PDF"
cmp -s "$pdf" "$work/kept.pdf" || fail "the repaired PDF differs from the stored one"
say "issue_documents --repair made the same bytes again from the signing record"
psql -X -q "$DATABASE_URL" -c "UPDATE meetings_agendaitem SET content = content || ' (sửa)'
  WHERE id = (SELECT a.id FROM meetings_agendaitem a JOIN meetings_meeting m ON m.id = a.meeting_id
              JOIN members_organisation o ON o.id = m.cell_id
              WHERE o.code = 'VX-TT-THANHSON' AND m.state = 'signed' ORDER BY a.id LIMIT 1)"
if out=$($python manage.py verify_minutes --org VX-TT-THANHSON 2>&1); then
  fail "verify_minutes passed with signed minutes edited in the database: $out"
fi
grep -q "KHÔNG KHỚP" <<<"$out" || fail "verify_minutes failed without naming the minutes: $out"
say "signed minutes edited in the database: verify_minutes fails ($(grep -o '[0-9/]* biên bản đã ký[^.]*' <<<"$out"))"

say "backup and restore round trip passed"
