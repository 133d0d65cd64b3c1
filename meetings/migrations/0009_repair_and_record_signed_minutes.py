"""Signed minutes made before signing records existed.

1. Content version 1 wrote a meeting without a title of its own under its display
   title in the signer's interface language. A signature made with English selected
   holds the hash of the English title. Where that hash is exactly the one the stored
   content gives with the English title, the stored content proves what was signed: the
   signature's hash is set to the version-1 hash (Vietnamese title) and the repair is
   written to the audit log with the old hash. Documents made for such a meeting while
   its signatures disagreed printed no hash; their rows are dropped so that correct
   ones are made (the old files stay in storage). Anything else is left as it is, and
   `verify_minutes` names it.
2. Every signed meeting whose signatures agree gets its SignedRecord: the hash, the
   number and codes its documents print (those of its stored documents where it has
   them) and the snapshot of names, as they stand now, for documents still to be made.
"""

import base64
import hashlib
import json

from django.db import migrations

from meetings import content
from meetings.documents import pdf

ENGLISH_KINDS = {
    "regular": "Regular meeting",
    "thematic": "Thematic meeting",
    "combined": "Regular meeting combined with thematic meeting",
    "extraordinary": "Extraordinary meeting",
    "model": "Model meeting",
    "addendum": "Addendum",
}


def _english_title(meeting):
    if meeting.title:
        return meeting.title
    local = meeting.planned_at.astimezone(content.VIETNAM)
    if meeting.kind == "regular":
        return f"Cell meeting for {local.month:02d}/{local.year}"
    return f"{ENGLISH_KINDS[meeting.kind]}, {local:%d/%m/%Y}"


def _hash(structure):
    text = json.dumps(structure, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _code(meeting_pk, digest, kind):
    seed = digest if kind == "minutes" else f"{digest}:{kind}"
    return base64.b32encode(hashlib.sha256(f"{meeting_pk}:{seed}".encode()).digest()).decode()[:10]


def _number(apps, meeting):
    Meeting = apps.get_model("meetings", "Meeting")
    Position = apps.get_model("members", "Position")
    day = (meeting.opened_at or meeting.planned_at).astimezone(content.VIETNAM).date()
    post = (
        Position.objects.filter(cell_id=meeting.cell_id, role="secretary", started_on__lte=day)
        .order_by("-started_on")
        .first()
    )
    start = post.started_on if post else day.replace(month=1, day=1)
    return Meeting.objects.filter(
        cell_id=meeting.cell_id, state="signed", planned_at__date__gte=start,
        planned_at__lte=meeting.planned_at,
    ).count()  # fmt: skip


def forwards(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    Signature = apps.get_model("meetings", "Signature")
    SignedRecord = apps.get_model("meetings", "SignedRecord")
    MinutesDocument = apps.get_model("meetings", "MinutesDocument")
    AuditEvent = apps.get_model("members", "AuditEvent")
    signed = Meeting.objects.filter(signatures__isnull=False).distinct().select_related("cell")
    for meeting in signed.order_by("pk").iterator(chunk_size=200):
        parts = content.load_parts(meeting)
        structure = content.canonical(meeting, parts, version=1)
        vietnamese = _hash(structure)
        english = _hash({**structure, "title": _english_title(meeting)})
        signatures = list(Signature.objects.filter(meeting=meeting))
        repaired = False
        for signature in signatures:
            if signature.content_hash != vietnamese and signature.content_hash == english:
                Signature.objects.filter(pk=signature.pk).update(content_hash=vietnamese)
                AuditEvent.objects.create(
                    organisation_id=meeting.cell_id, action="meeting.signature_repaired",
                    target_type="meetings.meeting", target_id=meeting.pk,
                    summary=(
                        "Sửa mã băm chữ ký của " + signature.signer_name + ": mã cũ được tính "
                        "theo tiêu đề tiếng Anh của cùng nội dung đã lưu; nay tính theo tiêu đề "
                        "tiếng Việt (định dạng nội dung 1)."
                    ),
                    changes={"content_hash": [signature.content_hash, vietnamese]},
                )  # fmt: skip
                signature.content_hash = vietnamese
                repaired = True
        digests = {s.content_hash for s in signatures}
        if meeting.state != "signed" or len(digests) != 1:
            continue
        digest = digests.pop()
        codes = {kind: _code(meeting.pk, digest, kind) for kind in ("minutes", "resolution")}
        existing = {d.kind: d for d in MinutesDocument.objects.filter(meeting=meeting)}
        if repaired:
            stale = [d.pk for d in existing.values() if d.code != codes[d.kind]]
            MinutesDocument.objects.filter(pk__in=stale).delete()
            existing = {k: d for k, d in existing.items() if d.pk not in stale}
        if SignedRecord.objects.filter(meeting=meeting).exists():
            continue
        cell = meeting.cell
        superior = cell.parent.name if cell.parent_id else ""
        snapshot = pdf.snapshot(
            meeting, cell_name=meeting.cell_name or cell.name, superior=superior,
            title=content.v1_title(meeting), attendance=parts["attendance"],
            signatures=signatures,
        )  # fmt: skip
        snapshot["layout"] = 1
        number = existing["minutes"].number if "minutes" in existing else _number(apps, meeting)
        SignedRecord.objects.create(
            meeting=meeting, content_version=1, content_hash=digest, number=number,
            minutes_code=codes["minutes"], resolution_code=codes["resolution"],
            signed_at=max(s.signed_at for s in signatures), layout=1, snapshot=snapshot,
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0008_signed_records"),
        ("members", "0007_member_search_trigram_fastupdate_off"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
