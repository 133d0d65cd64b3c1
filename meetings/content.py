"""The canonical content of a meeting's minutes, and its SHA-256.

Signatures store this hash; `verify_minutes` recomputes it. Anything a reader of the
minutes would see belongs here; nothing else (row ids, timestamps of saves) does.
"""

import hashlib
import json

from django.utils import timezone


def _time(value):
    return timezone.localtime(value).isoformat() if value else None


def _order(row):
    return row.pk or 0


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
    if "agenda" in getattr(meeting, "_prefetched_objects_cache", {}):
        return {
            name: list(getattr(meeting, name).all())
            for name in ("agenda", "directives", "attendance", "guests", "opinions", "votes")
        }
    return {
        "agenda": list(meeting.agenda.all()),
        "directives": list(meeting.directives.all()),
        "attendance": list(meeting.attendance.all()),
        "guests": list(meeting.guests.all()),
        "opinions": list(meeting.opinions.select_related("item")),
        "votes": list(meeting.votes.all()),
    }


def canonical_content(meeting, parts=None):
    """The minutes as a plain structure; `parts` may be rows not yet saved (the demo)."""
    parts = parts or load_parts(meeting)
    attendance = sorted(parts["attendance"], key=lambda a: a.member_id)
    opinions = sorted(parts["opinions"], key=lambda o: (o.item.position, _order(o)))
    return {
        "cell": meeting.cell_name,
        "kind": meeting.kind,
        "title": str(meeting.display_title),
        "place": meeting.place,
        "opened_at": _time(meeting.opened_at),
        "closed_at": _time(meeting.closed_at),
        "chair": meeting.chair_name or None,
        "minute_taker": meeting.minute_taker_name or None,
        "agenda": [
            {"position": i.position, "title": i.title, "content": i.content}
            for i in sorted(parts["agenda"], key=lambda i: (i.position, _order(i)))
        ],
        "directives": [[d.reference, d.title] for d in sorted(parts["directives"], key=_order)],
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
            for a in attendance
        ],
        "guests": [[g.name, g.position, g.unit] for g in sorted(parts["guests"], key=_order)],
        "opinions": [[o.item.position, o.speaker_name, o.text] for o in opinions],
        "votes": [
            [v.kind, v.subject, v.votes_for, v.votes_against, v.votes_abstain, v.base, v.passed]
            for v in sorted(parts["votes"], key=_order)
        ],
        "conclusion": meeting.conclusion,
        "amends": meeting.amends_id,
    }


def content_hash(meeting, parts=None):
    text = json.dumps(
        canonical_content(meeting, parts), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def verify(meeting):
    """(ok, current hash, the hashes the signers signed)."""
    current = content_hash(meeting)
    signed = sorted({s.content_hash for s in meeting.signatures.all()})
    return signed == [current], current, signed
