import datetime
import itertools

import pytest

from meetings import services, workflow
from meetings.enums import MeetingState
from meetings.meeting import services as meeting_services
from meetings.models import Meeting
from members.models import AuditEvent
from tests.meetings.conftest import at, complete_minutes

PAIRS = list(itertools.product(MeetingState.values, repeat=2))


@pytest.mark.parametrize("source, target", PAIRS)
def test_every_state_pair(held_meeting, cell_people, source, target):
    meeting = complete_minutes(held_meeting, cell_people)
    Meeting.objects.filter(pk=meeting.pk).update(state=source)  # set the scene directly
    meeting.refresh_from_db()
    allowed = (source, target) in workflow.TRANSITIONS
    # Signing needs both signatures; it is covered by the signing tests.
    succeeds = allowed and (source, target) != ("submitted", "signed")
    actor = cell_people["secretary_user"]
    if succeeds:
        services._transition(meeting=meeting, to=target, actor=actor, reason="Lý do thử")
        assert Meeting.objects.get(pk=meeting.pk).state == target
        assert AuditEvent.objects.filter(action="meeting.state", target_id=meeting.pk).exists()
    else:
        with pytest.raises(services.MeetingError) as refused:
            services._transition(meeting=meeting, to=target, actor=actor, reason="Lý do thử")
        assert Meeting.objects.get(pk=meeting.pk).state == source
        expected = "Còn thiếu chữ ký" if allowed else "Không thể chuyển"
        assert expected in str(refused.value)


def test_preparing_needs_the_committee_session(cell_people):
    meeting = meeting_services.plan_meeting(
        actor=cell_people["secretary_user"], cell=cell_people["cell"], kind="regular",
        planned_at=at(datetime.date(2018, 4, 5)), place="Nhà văn hóa",
    )  # fmt: skip
    assert workflow.reasons_against(meeting, "prepared") == [
        "Chưa ghi biên bản họp chi ủy chuẩn bị."
    ]
    with pytest.raises(services.MeetingError, match="họp chi ủy"):
        services.change_state(actor=cell_people["secretary_user"], meeting=meeting, to="prepared")


def test_submitting_lists_what_the_minutes_still_lack(held_meeting):
    reasons = workflow.reasons_against(held_meeting, "submitted")
    assert "Chưa chọn người chủ trì." in reasons
    assert "Chưa ghi kết luận, nghị quyết." in reasons
    assert "Chưa ghi diễn biến 10 mục: 1. Khai mạc" in " ".join(reasons)
    assert "Chưa ghi kết quả biểu quyết thông qua nghị quyết, kết luận." in reasons


def test_cancel_and_postpone_need_a_reason(held_meeting, cell_people):
    Meeting.objects.filter(pk=held_meeting.pk).update(state="planned")
    held_meeting.refresh_from_db()
    with pytest.raises(services.MeetingError, match="Cần ghi lý do"):
        services.change_state(
            actor=cell_people["secretary_user"], meeting=held_meeting, to="postponed"
        )
    services.change_state(
        actor=cell_people["secretary_user"], meeting=held_meeting, to="postponed", reason="Mưa lũ"
    )
    held_meeting.refresh_from_db()
    assert held_meeting.state == "postponed" and held_meeting.state_reason == "Mưa lũ"


def test_one_regular_meeting_per_cell_per_month(held_meeting, cell_people):
    with pytest.raises(services.MeetingError, match="đã có cuộc sinh hoạt thường kỳ"):
        meeting_services.plan_meeting(
            actor=cell_people["secretary_user"], cell=cell_people["cell"], kind="regular",
            planned_at=at(datetime.date(2018, 3, 20)), place="Nhà văn hóa",
        )  # fmt: skip
    thematic = meeting_services.plan_meeting(
        actor=cell_people["secretary_user"], cell=cell_people["cell"], kind="thematic",
        planned_at=at(datetime.date(2018, 3, 20)), place="Nhà văn hóa",
    )  # fmt: skip
    assert thematic.pk


def test_village_cells_get_the_village_head_report(held_meeting):
    sections = list(held_meeting.agenda.values_list("section", flat=True))
    assert "village_report" in sections and sections[0] == "opening"


def test_attendance_changed_after_the_vote_blocks_submission(held_meeting, cell_people):
    from meetings.models import Attendance

    meeting = complete_minutes(held_meeting, cell_people)
    assert workflow.reasons_against(meeting, "submitted") == []
    chair = Attendance.objects.get(meeting=meeting, member=cell_people["secretary"])
    chair.presence, chair.reason = "absent_reason", "Ốm"
    chair.save()
    reasons = " ".join(workflow.reasons_against(meeting, "submitted"))
    assert "Chủ trì Nguyễn Thị Hương không có mặt" in reasons
    assert "Điểm danh đã thay đổi sau khi ghi biểu quyết" in reasons
