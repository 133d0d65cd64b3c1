"""What the meeting screen shows, as JSON-ready data for the device."""

from meetings import counting, permissions, selectors, workflow
from meetings.enums import Presence, SignerRole, VoteKind
from meetings.minutes import services
from meetings.models import Meeting
from meetings.notices import services as notices
from meetings.screen.operations import _current_minutes
from members.models import AuditEvent


def screen_state(meeting, user):
    """Everything the meeting screen shows, as JSON-ready data. `revision` grows with every
    audited change of the meeting: a device keeps whichever state has the larger one."""
    meeting = Meeting.objects.select_related("cell", "chair", "minute_taker").get(pk=meeting.pk)
    rows = {a.member_id: a for a in meeting.attendance.select_related("member")}
    roster = []
    ahead = notices.prefilled_presence(meeting) if not rows else {}
    for entry in selectors.roster(meeting.cell, meeting.meeting_date):
        member, row = entry.member, rows.get(entry.member.pk)
        if row is not None:
            presence, reason, late = row.presence, row.reason, row.late
        elif member.pk in ahead:
            (presence, reason), late = ahead[member.pk], False
        else:
            presence, reason, late = services.default_presence(entry), "", False
        roster.append({
            "id": member.pk, "name": member.full_name,
            "born": member.date_of_birth.year if member.date_of_birth else None,
            "status": entry.status_label, "official": entry.official_on_day,
            "hosted": entry.hosted, "presence": presence, "reason": reason, "late": late,
            "choices": _screen_choices(entry),
            "saved": row is not None,
        })  # fmt: skip
    totals = counting.totals(rows.values())
    opinions = {}
    for o in meeting.opinions.all():
        speaker = f"m{o.speaker_member_id}" if o.speaker_member_id else f"g{o.speaker_guest_id}"
        opinions.setdefault(o.item_id, []).append(
            {"id": o.pk, "speaker": speaker, "name": o.speaker_name, "text": o.text}
        )
    revision = (
        AuditEvent.objects.filter(target_type="meetings.meeting", target_id=meeting.pk)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return {
        "revision": revision or 0,
        "state": meeting.state,
        "state_label": meeting.get_state_display(),
        "can_manage": permissions.can_manage(user, meeting),
        "can_write": permissions.can_write_minutes(user, meeting),
        "minutes_open": workflow.minutes_editable(meeting),
        "roster": roster,
        "guests": [
            {"id": g.pk, "name": g.name, "position": g.position, "unit": g.unit}
            for g in meeting.guests.all()
        ],  # fmt: skip
        "totals": {
            "expected": totals.expected,
            "present": totals.present,
            "base": totals.base,
            "voters": totals.voters_present,
        },  # fmt: skip
        "minutes": _current_minutes(meeting),
        "items": [
            {
                "id": i.pk,
                "position": i.position,
                "title": i.title,
                "opinions": opinions.get(i.pk, []),
            }
            for i in meeting.agenda.all()
        ],  # fmt: skip
        "votes": [
            {
                "id": v.pk,
                "kind": v.kind,
                "subject": v.subject,
                "for": v.votes_for,
                "against": v.votes_against,
                "abstain": v.votes_abstain,
                "base": v.base,
                "passed": v.passed,
            }
            for v in meeting.votes.all()
        ],  # fmt: skip
        "needed": {kind: counting.votes_needed(kind, totals.base) for kind in VoteKind.values},
        "signatures": [s.role for s in meeting.signatures.all()],
        "my_roles": _roles_of(user, meeting),
        "can_ask_reopen": permissions.can_ask(user, meeting),
        "can_agree_reopen": permissions.can_agree(user, meeting),
    }


ANSWERS = (Presence.PRESENT, Presence.ABSENT_WITH_REASON, Presence.ABSENT_WITHOUT_REASON)


def _screen_choices(entry):
    """Three taps for a member who must attend; an exempted or away member also keeps
    their own status as a choice."""
    default = services.default_presence(entry)
    return [value for value, _label in selectors.presence_choices(entry)
            if value in ANSWERS or value == default]  # fmt: skip


def _roles_of(user, meeting):
    member = getattr(user, "member", None)
    if member is None:
        return []
    roles = []
    if meeting.chair_id == member.pk:
        roles.append(SignerRole.CHAIR.value)
    if meeting.minute_taker_id == member.pk:
        roles.append(SignerRole.MINUTE_TAKER.value)
    return roles
