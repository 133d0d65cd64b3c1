"""A meeting under way tonight, for the benchmarks and the load test."""

import datetime

from django.utils import timezone

from cellmeet.demo.months import _aware
from meetings import services
from meetings.enums import MeetingKind, MeetingState
from meetings.meeting import services as meeting_services
from meetings.minutes import services as minutes_services
from meetings.models import Meeting


def meeting_in_progress(*, secretary, cell):
    """The cell's meeting of this month, prepared and being held, for the benchmarks and
    the load test to type minutes into; the one already there if there is one."""
    meeting = Meeting.objects.filter(cell=cell, state=MeetingState.HELD).first()
    if meeting is not None:
        return meeting
    today = timezone.localdate()
    meeting = Meeting.objects.filter(
        cell=cell, period=today.replace(day=1), state=MeetingState.PLANNED
    ).first()
    if meeting is None:
        start = _aware(today, 19, 30)
        meeting = meeting_services.plan_meeting(actor=secretary, cell=cell, kind=MeetingKind.REGULAR,
                                        planned_at=start, place="Nhà văn hóa thôn")  # fmt: skip
    meeting_services.record_committee_session(
        actor=secretary, meeting=meeting, held_on=meeting.planned_at.date() - datetime.timedelta(days=3),
        attendees=[secretary.member], agreed_content="Chương trình tháng này",
    )  # fmt: skip
    services.change_state(actor=secretary, meeting=meeting, to=MeetingState.PREPARED)
    minutes_services.take_attendance(actor=secretary, meeting=meeting, marks={}, guests=[])
    services.change_state(actor=secretary, meeting=meeting, to=MeetingState.HELD)
    meeting.refresh_from_db()
    return meeting
