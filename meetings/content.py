"""The canonical content of a meeting's minutes, and its SHA-256.

Signatures store this hash with the version of the format it was computed in, and
`verify` recomputes it in that version. Anything a reader of the minutes would see
belongs here; nothing else (row ids of parts, timestamps of saves) does.

A format never changes once minutes have been signed in it, or every signature made in
it would stop verifying: tests/meetings/test_content_format.py pins each version to
the exact text and hash of one fixed meeting. A change is a new version; the old one
stays, for the minutes signed in it.

- Version 1 (until December 2026) wrote a meeting without a title of its own under its
  display title, which followed the reader's language. It is kept as it read in
  Vietnamese, the language nearly every signer used; `meetings/migrations/0008` repaired
  the signatures made in English where the stored content proves what was signed.
- Version 2 holds stored fields only: the same text whoever reads it, wherever, in
  whichever language and time zone.
"""

import datetime
import hashlib
import json
import zoneinfo

# Version 1 wrote times in the zone the application ran in, always this one.
VIETNAM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")

MINUTES_PREFETCH = [
    "agenda",
    "directives",
    "attendance",
    "guests",
    "opinions__item",
    "votes",
    "signatures",
]


def load_parts(meeting):
    """The rows that make up the minutes, read from the database (or the prefetch cache)."""
    opinions = meeting.opinions.all()
    if "agenda" not in getattr(meeting, "_prefetched_objects_cache", {}):
        opinions = opinions.select_related("item")
    return {
        "agenda": list(meeting.agenda.all()),
        "directives": list(meeting.directives.all()),
        "attendance": list(meeting.attendance.all()),
        "guests": list(meeting.guests.all()),
        "opinions": list(opinions),
        "votes": list(meeting.votes.all()),
    }


def _order(row):
    return row.pk or 0


def _sorted_parts(parts):
    return {
        "agenda": sorted(parts["agenda"], key=lambda i: (i.position, _order(i))),
        "directives": sorted(parts["directives"], key=_order),
        "attendance": sorted(parts["attendance"], key=lambda a: a.member_id),
        "guests": sorted(parts["guests"], key=_order),
        "opinions": sorted(parts["opinions"], key=lambda o: (o.item.position, _order(o))),
        "votes": sorted(parts["votes"], key=_order),
    }


# Version 1: frozen. Its Vietnamese display titles are spelled out here, not taken from
# the translation catalogue, so that editing a label can never change a signed hash.
V1_KIND_LABELS = {
    "regular": "Thường kỳ",
    "thematic": "Chuyên đề",
    "combined": "Thường kỳ kết hợp chuyên đề",
    "extraordinary": "Bất thường",
    "model": "Sinh hoạt chi bộ điểm",
    "addendum": "Biên bản bổ sung",
}


def v1_title(meeting):
    if meeting.title:
        return meeting.title
    local = meeting.planned_at.astimezone(VIETNAM)
    if meeting.kind == "regular":
        return f"Sinh hoạt chi bộ tháng {local.month:02d} năm {local.year}"
    return f"{V1_KIND_LABELS[meeting.kind]} ngày {local:%d/%m/%Y}"


def _v1_time(value):
    return value.astimezone(VIETNAM).isoformat() if value else None


def _version_1(meeting, parts):
    return {
        "cell": meeting.cell_name,
        "kind": meeting.kind,
        "title": v1_title(meeting),
        "place": meeting.place,
        "opened_at": _v1_time(meeting.opened_at),
        "closed_at": _v1_time(meeting.closed_at),
        "chair": meeting.chair_name or None,
        "minute_taker": meeting.minute_taker_name or None,
        "agenda": [
            {"position": i.position, "title": i.title, "content": i.content}
            for i in parts["agenda"]
        ],
        "directives": [[d.reference, d.title] for d in parts["directives"]],
        "attendance": [
            [
                a.member_id,
                a.member_name,
                a.status_on_day,
                a.official_on_day,
                a.hosted,
                a.presence,
                a.reason,
                a.late,
            ]
            for a in parts["attendance"]
        ],  # fmt: skip
        "guests": [[g.name, g.position, g.unit] for g in parts["guests"]],
        "opinions": [[o.item.position, o.speaker_name, o.text] for o in parts["opinions"]],
        "votes": [
            [v.kind, v.subject, v.votes_for, v.votes_against, v.votes_abstain, v.base, v.passed]
            for v in parts["votes"]
        ],
        "conclusion": meeting.conclusion,
        "amends": meeting.amends_id,
    }


def _utc(value):
    return value.astimezone(datetime.UTC).isoformat() if value else None


def _version_2(meeting, parts):
    return {
        "version": 2,
        "cell": {"id": meeting.cell_id, "name": meeting.cell_name},
        "kind": meeting.kind,
        "title": meeting.title,
        "planned_at": _utc(meeting.planned_at),
        "place": meeting.place,
        "opened_at": _utc(meeting.opened_at),
        "closed_at": _utc(meeting.closed_at),
        "chair": {"member": meeting.chair_id, "name": meeting.chair_name},
        "minute_taker": {"member": meeting.minute_taker_id, "name": meeting.minute_taker_name},
        "agenda": [
            {"position": i.position, "section": i.section, "title": i.title, "content": i.content}
            for i in parts["agenda"]
        ],
        "directives": [{"reference": d.reference, "title": d.title} for d in parts["directives"]],
        "attendance": [
            {
                "member": a.member_id,
                "name": a.member_name,
                "status": a.status_on_day,
                "official": a.official_on_day,
                "hosted": a.hosted,
                "presence": a.presence,
                "reason": a.reason,
                "late": a.late,
            }
            for a in parts["attendance"]
        ],  # fmt: skip
        "guests": [
            {"name": g.name, "position": g.position, "unit": g.unit} for g in parts["guests"]
        ],
        "opinions": [
            {
                "item": o.item.position,
                "member": o.speaker_member_id,
                "speaker": o.speaker_name,
                "text": o.text,
            }
            for o in parts["opinions"]
        ],  # fmt: skip
        "votes": [
            {
                "kind": v.kind,
                "subject": v.subject,
                "for": v.votes_for,
                "against": v.votes_against,
                "abstain": v.votes_abstain,
                "base": v.base,
                "passed": v.passed,
            }
            for v in parts["votes"]
        ],  # fmt: skip
        "conclusion": meeting.conclusion,
        "amends": meeting.amends_id,
    }


VERSIONS = {1: _version_1, 2: _version_2}
VERSION = 2  # what new signatures sign


def canonical(meeting, parts=None, *, version=VERSION):
    """The minutes as a plain structure; `parts` may be rows not yet saved (the demo)."""
    return VERSIONS[version](meeting, _sorted_parts(parts or load_parts(meeting)))


def canonical_text(meeting, parts=None, *, version=VERSION):
    return json.dumps(
        canonical(meeting, parts, version=version),
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )


def content_hash(meeting, parts=None, *, version=VERSION):
    return hashlib.sha256(canonical_text(meeting, parts, version=version).encode()).hexdigest()


def signed_version(signatures):
    """The version the signatures signed in (the first signer's; the second follows it)."""
    versions = {s.content_version for s in signatures}
    return versions.pop() if len(versions) == 1 else None


def verify(meeting):
    """(ok, current hash, the hashes the signers signed).

    The current hash is computed in the version the signatures were made in; `ok` only
    if every signature signed that one hash.
    """
    signatures = list(meeting.signatures.all())
    version = signed_version(signatures) or VERSION
    current = content_hash(meeting, version=version)
    signed = sorted({s.content_hash for s in signatures})
    return signed == [current], current, signed
