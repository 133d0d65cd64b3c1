"""What every meeting service shares: the error, the audit line, the row lock, and
`_transition`, the only code that assigns `Meeting.state`."""

from django.db import transaction

from meetings import counting, workflow
from meetings.enums import MeetingState
from meetings.models import CommitteeSession, FrozenError, Meeting
from members.logtext import gettext_kept as _
from members.services import record_audit


class MeetingError(Exception):
    """A refused action; the message is for the user, already translated."""


class StaleMinutes(MeetingError):
    """Someone else saved the minutes after this editor was opened."""


def _audit(actor, meeting, action, summary, changes=None):
    record_audit(
        actor=actor,
        action=f"meeting.{action}",
        target=meeting,
        organisation=meeting.cell,
        summary=summary,
        changes=changes,
    )


def _locked(meeting):
    return Meeting.objects.select_for_update().select_related("cell").get(pk=meeting.pk)


def _require(meeting, allowed, message):
    if meeting.state == MeetingState.SIGNED:
        raise MeetingError(str(FrozenError().args[0]))
    if meeting.state not in allowed:
        raise MeetingError(message)


def _transition(*, meeting, to, actor, reason=""):
    """Move `meeting` to state `to` if the state table allows it now; audited."""
    with transaction.atomic():
        meeting = _locked(meeting)
        reasons = workflow.reasons_against(meeting, to)
        if to in workflow.NEEDS_REASON and not reason.strip():
            reasons.append(_("Cần ghi lý do."))
        if reasons:
            raise MeetingError(" ".join(reasons))
        before = meeting.state
        if to == MeetingState.SUBMITTED:
            _copy_names(meeting)
        meeting.state = to
        meeting.state_reason = reason
        fields = ["state", "state_reason"]
        if to == MeetingState.SIGNED:
            fields += _fix_totals(meeting)
        meeting.save(update_fields=fields)
        _audit(
            actor,
            meeting,
            "state",
            _("Chuyển trạng thái: %(from)s → %(to)s")
            % {"from": MeetingState(before).label, "to": MeetingState(to).label},
            {"reason": reason} if reason else None,
        )
    return meeting


def _fix_totals(meeting):
    """Store the attendance totals the dashboards read; returns the fields set."""
    totals = counting.totals(meeting.attendance.all())
    meeting.required_count = totals.required
    meeting.present_count = totals.present_required
    meeting.unexcused_count = len(totals.absent_without_reason)
    meeting.prepared = CommitteeSession.objects.filter(meeting=meeting).exists()
    return ["required_count", "present_count", "unexcused_count", "prepared"]


def _copy_names(meeting):
    """Fix the names the minutes will carry, as they are when the minutes are submitted."""
    meeting.cell_name = meeting.cell.name
    meeting.chair_name = meeting.chair.full_name if meeting.chair_id else ""
    meeting.minute_taker_name = meeting.minute_taker.full_name if meeting.minute_taker_id else ""
    meeting.save(update_fields=["cell_name", "chair_name", "minute_taker_name"])
    for row in meeting.attendance.select_related("member"):
        if row.member_name != row.member.full_name:
            row.member_name = row.member.full_name
            row.save(update_fields=["member_name"])
    for opinion in meeting.opinions.select_related("speaker_member", "speaker_guest"):
        name = (
            opinion.speaker_member.full_name
            if opinion.speaker_member_id
            else opinion.speaker_guest.name
        )
        if opinion.speaker_name != name:
            opinion.speaker_name = name
            opinion.save(update_fields=["speaker_name"])


def change_state(*, actor, meeting, to, reason=""):
    """A move a person asks for (prepare, hold, submit, reopen, cancel, postpone, replan)."""
    if to == MeetingState.SIGNED:
        raise MeetingError(_("Biên bản chỉ chuyển sang “Đã ký” khi có đủ chữ ký."))
    return _transition(meeting=meeting, to=to, actor=actor, reason=reason)
