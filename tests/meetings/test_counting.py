"""Who counts and when a resolution passes (DESIGN §5)."""

import datetime

import pytest

from meetings import counting, services
from meetings.meeting import services as meeting_services
from meetings.minutes import services as minutes_services
from meetings.models import Attendance
from members.people import services as member_services
from tests.factories import MemberFactory


def _mark(meeting, name, presence, reason=""):
    row = Attendance.objects.get(meeting=meeting, member__full_name=name)
    row.presence, row.reason = presence, reason
    row.save()


def test_base_and_voters_follow_the_rule(cell_people):
    """Official 6 + exempted (present) + exempted (absent) + suspended + away + probationary."""
    cell = cell_people["cell"]
    actor = cell_people["secretary_user"]
    on = datetime.date(2018, 2, 1)
    exempt_here = MemberFactory(cell=cell, full_name="Lò Văn Già")
    exempt_absent = MemberFactory(cell=cell, full_name="Lò Văn Cụ")
    suspended = MemberFactory(cell=cell, full_name="Sèn Văn Đình")
    away = MemberFactory(cell=cell, full_name="Vàng Văn Xa")
    for m in (exempt_here, exempt_absent):
        member_services.exempt_member(actor=actor, member=m, on=on, reason="Tuổi cao")
    member_services.record_status(
        actor=actor, member=suspended, status="suspended", on=on, reason="QĐ 1"
    )
    member_services.transfer_member(
        actor=actor, member=away, to_cell=MemberFactory().cell, on=on, temporary=True,
        until=datetime.date(2018, 9, 1),
    )  # fmt: skip
    from tests.meetings.conftest import at

    meeting = meeting_services.plan_meeting(actor=actor, cell=cell, kind="regular",
                                    planned_at=at(datetime.date(2018, 3, 5)), place="NVH")  # fmt: skip
    meeting_services.record_committee_session(actor=actor, meeting=meeting, held_on=datetime.date(2018, 3, 1),
                                      attendees=[], agreed_content="x")  # fmt: skip
    services.change_state(actor=actor, meeting=meeting, to="prepared")
    minutes_services.take_attendance(actor=actor, meeting=meeting, marks={}, guests=[
        {"name": "Nguyễn Văn Khách", "position": "Đảng ủy viên", "unit": "Đảng ủy xã"}])  # fmt: skip
    _mark(meeting, "Lò Văn Già", "present")  # an exempted member who comes counts and votes
    _mark(meeting, "Ma Văn Lâm 0", "absent_reason", "Ốm")  # absent officials stay in the base
    t = counting.totals(meeting.attendance.select_related("member"))
    assert t.on_roll == 11 and t.official == 10 and t.probationary == 1
    assert t.exempted == 2 and t.away == 1
    # base: 10 official − 1 away − 1 exempted absent − 1 suspended = 7
    assert t.base == 7
    # voters: 5 officials present (one absent) + the exempted member who came
    assert t.voters_present == 6
    assert t.absent_with_reason == [("Ma Văn Lâm 0", "Ốm")]
    services.change_state(actor=actor, meeting=meeting, to="held")
    with pytest.raises(services.MeetingError, match="nhiều hơn số đảng viên chính thức có mặt"):
        minutes_services.record_vote(actor=actor, meeting=meeting, kind="resolution", subject="NQ",
                             votes_for=7, votes_against=0, votes_abstain=0)  # fmt: skip
    vote = minutes_services.record_vote(actor=actor, meeting=meeting, kind="resolution", subject="NQ",
                                votes_for=4, votes_against=1, votes_abstain=1)  # fmt: skip
    assert vote.base == 7 and vote.passed  # 4 > 7/2
    vote = minutes_services.record_vote(actor=actor, meeting=meeting, kind="admission", subject="Kết nạp",
                                votes_for=4, votes_against=0, votes_abstain=0)  # fmt: skip
    assert not vote.passed  # 4 < 2/3 of 7


@pytest.mark.parametrize(
    "kind, votes_for, base, passed",
    [
        ("resolution", 4, 7, True),
        ("resolution", 3, 6, False),  # exactly half is not more than half
        ("resolution", 4, 6, True),
        ("admission", 4, 6, True),  # two thirds exactly
        ("recognition", 3, 5, False),
        ("expulsion", 4, 5, True),
        ("ordinary", 0, 0, False),
    ],
)
def test_passing_thresholds(kind, votes_for, base, passed):
    assert counting.passes(kind, votes_for, base) is passed
    if base:
        needed = counting.votes_needed(kind, base)
        assert counting.passes(kind, needed, base) and not counting.passes(kind, needed - 1, base)


def test_quality_warning_below_85_percent(held_meeting):
    rows = list(held_meeting.attendance.select_related("member"))
    assert not counting.totals(rows).below_quality_bar
    _mark(held_meeting, "Ma Văn Lâm 1", "absent_no_reason")
    t = counting.totals(held_meeting.attendance.select_related("member"))
    assert t.attendance_percent == 85.7 and not t.below_quality_bar
    _mark(held_meeting, "Ma Văn Lâm 2", "absent_reason", "Đi viện")
    t = counting.totals(held_meeting.attendance.select_related("member"))
    assert t.below_quality_bar and t.absent_without_reason == ["Ma Văn Lâm 1"]


def test_probationary_members_and_guests_never_vote(held_meeting, cell_people):
    rows = list(held_meeting.attendance.select_related("member"))
    probationary = [r for r in rows if not r.official_on_day]
    assert probationary and not any(counting.is_voter(r) for r in probationary)
    assert counting.totals(rows).voters_present == 6
