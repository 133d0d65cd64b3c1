import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.urls import reverse

from meetings import content, services
from meetings.meeting import services as meeting_services
from meetings.minutes import services as minutes_services
from meetings.models import AgendaItem, Attendance, FrozenError, Meeting, Signature
from tests.factories import make_user
from tests.meetings.conftest import complete_minutes


@pytest.fixture
def submitted(held_meeting, cell_people):
    meeting = complete_minutes(held_meeting, cell_people)
    services.change_state(actor=cell_people["secretary_user"], meeting=meeting, to="submitted")
    meeting.refresh_from_db()
    return meeting


def sign(client, user, meeting, password="pw-for-tests-1"):
    """Sign through the page; what runs once the signature commits runs too."""
    client.force_login(user)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("meetings:meeting_sign", args=[meeting.pk]), {"password": password}
        )


def test_chair_and_minute_taker_sign_in_either_order_and_the_meeting_freezes(
    client, submitted, cell_people
):
    response = sign(client, cell_people["taker_user"], submitted, password="wrong")
    assert "Mật khẩu không đúng" in response.content.decode()
    assert not Signature.objects.exists()
    sign(client, cell_people["taker_user"], submitted)
    assert Meeting.objects.get(pk=submitted.pk).state == "submitted"
    sign(client, cell_people["secretary_user"], submitted)
    meeting = Meeting.objects.get(pk=submitted.pk)
    assert meeting.state == "signed"
    chair = Signature.objects.get(meeting=meeting, role="chair")
    taker = Signature.objects.get(meeting=meeting, role="minute_taker")
    assert (
        chair.signer_name == cell_people["secretary"].full_name
        and chair.signer_position == "Bí thư"
    )
    assert taker.signer_position == "Đảng viên"
    assert chair.content_hash == taker.content_hash and len(chair.content_hash) == 64
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Biên bản đã được chủ trì và thư ký ký" in page


def test_only_the_chair_and_minute_taker_may_sign(client, submitted, tree):
    staff = make_user(tree["x"], username="staff_of_x")
    assert sign(client, staff, submitted).status_code == 403
    assert not Signature.objects.exists()
    # The service refuses too, whatever route calls it.
    with pytest.raises(services.MeetingError, match="Chỉ người chủ trì và thư ký"):
        meeting_services.sign_minutes(meeting=submitted, user=staff, password="pw-for-tests-1")


def test_a_signed_meeting_cannot_change_by_any_route(client, submitted, cell_people, tree):
    sign(client, cell_people["taker_user"], submitted)
    sign(client, cell_people["secretary_user"], submitted)
    meeting = Meeting.objects.get(pk=submitted.pk)
    item = meeting.agenda.first()
    before = content.content_hash(meeting)
    # Views: every editing page refuses, and nothing changes.
    client.force_login(make_user(tree["x"], username="staff_of_x"))
    posts = {
        "meeting_minutes": {"version": meeting.version, "conclusion": "sửa lén"},
        "meeting_attendance": {},
        "meeting_agenda": {"agenda-TOTAL_FORMS": 0, "agenda-INITIAL_FORMS": 0,
                           "directives-TOTAL_FORMS": 0, "directives-INITIAL_FORMS": 0},
        "meeting_committee": {"held_on": "01/03/2018", "agreed_content": "x"},
        "opinion_create": {"item": item.pk, "speaker": f"m{cell_people['secretary'].pk}", "text": "x"},
        "vote_create": {"kind": "ordinary", "subject": "x", "votes_for": 1, "votes_against": 0,
                        "votes_abstain": 0},
        "meeting_update": {"kind": "regular", "day": "06/03/2018", "time": "08:00", "place": "x"},
    }  # fmt: skip
    for name, data in posts.items():
        response = client.post(reverse(f"meetings:{name}", args=[meeting.pk]), data)
        assert response.status_code in (200, 302, 403), name
    for state in ("held", "cancelled", "submitted"):
        client.post(reverse("meetings:meeting_state", args=[meeting.pk, state]), {"reason": "x"})
    # Services refuse.
    with pytest.raises(services.MeetingError):
        minutes_services.save_minutes(actor=None, meeting=meeting, version=meeting.version, data={})
    # Models refuse, one by one and in bulk.
    item.content = "sửa"
    with pytest.raises(FrozenError):
        item.save()
    with pytest.raises(FrozenError):
        meeting.delete()
    with pytest.raises(FrozenError):
        AgendaItem.objects.filter(meeting=meeting).update(content="sửa")
    with pytest.raises(FrozenError):
        Attendance.objects.filter(meeting=meeting).delete()
    with pytest.raises(FrozenError):
        Signature.objects.get(meeting=meeting, role="chair").delete()
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.state == "signed" and content.content_hash(meeting) == before
    call_command("verify_minutes")  # still verifies


def test_verify_minutes_reports_a_signed_minutes_edited_in_the_database(
    client, submitted, cell_people, capsys
):
    sign(client, cell_people["taker_user"], submitted)
    sign(client, cell_people["secretary_user"], submitted)
    call_command("verify_minutes", org="A")
    item = submitted.agenda.first()
    with connection.cursor() as cursor:  # what someone with database access could do
        cursor.execute(
            "UPDATE meetings_agendaitem SET content = %s WHERE id = %s",
            ["Nội dung bị sửa", item.pk],
        )
    with pytest.raises(Exception, match="1/1 biên bản đã ký không còn khớp"):
        call_command("verify_minutes")
    assert f"#{submitted.pk}" in capsys.readouterr().err
    client.force_login(cell_people["secretary_user"])
    page = client.get(reverse("meetings:meeting_verify", args=[submitted.pk])).content.decode()
    assert "KHÔNG khớp" in page


@pytest.mark.parametrize("damage", ["changed", "missing"])
def test_verify_minutes_reports_a_stored_pdf_changed_or_lost_on_disk(
    client, submitted, cell_people, settings, capsys, damage
):
    sign(client, cell_people["taker_user"], submitted)
    sign(client, cell_people["secretary_user"], submitted)
    call_command("verify_minutes")
    assert "và 2 tệp PDF đã lưu: tất cả khớp" in capsys.readouterr().out
    document = submitted.documents.get(kind="minutes")
    path = settings.MEDIA_ROOT / document.file.name
    if damage == "changed":  # what someone with access to the media folder could do
        path.write_bytes(path.read_bytes().replace(b"%%EOF", b"%%EOF\n% "))
    else:  # or a backup that left the media folder behind
        path.unlink()
    with pytest.raises(Exception, match="1/2 tệp PDF đã lưu bị thiếu hoặc bị thay đổi"):
        call_command("verify_minutes")
    assert f"TỆP HỎNG: #{submitted.pk}" in capsys.readouterr().err


def test_addendum_links_to_the_signed_original(client, submitted, cell_people):
    sign(client, cell_people["taker_user"], submitted)
    sign(client, cell_people["secretary_user"], submitted)
    client.force_login(cell_people["secretary_user"])
    response = client.post(reverse("meetings:meeting_addendum", args=[submitted.pk]))
    addendum = Meeting.objects.get(amends=submitted)
    assert response.url == addendum.get_absolute_url()
    assert addendum.kind == "addendum" and addendum.state == "planned"
    page = client.get(submitted.get_absolute_url()).content.decode()
    assert addendum.display_title in page


def test_reopening_is_refused_once_someone_signed(client, submitted, cell_people):
    sign(client, cell_people["taker_user"], submitted)
    with pytest.raises(services.MeetingError, match="Đã có người ký"):
        services.change_state(actor=cell_people["secretary_user"], meeting=submitted, to="held")


def test_tasks_continue_after_signing_and_show_at_the_next_meeting(client, submitted, cell_people):
    from tests.meetings.conftest import at

    sign(client, cell_people["taker_user"], submitted)
    sign(client, cell_people["secretary_user"], submitted)
    client.force_login(cell_people["secretary_user"])
    client.post(
        reverse("meetings:task_create", args=[submitted.pk]),
        {"assignee": cell_people["taker"].pk, "description": "Vận động làm đường bê tông",
         "due_on": "30/03/2018"},
    )  # fmt: skip
    task = submitted.tasks.get()
    client.post(reverse("meetings:task_update", args=[task.pk]),
                {"status": "in_progress", "note": "Đã làm 200 m"})  # fmt: skip
    task.refresh_from_db()
    assert task.status == "in_progress" and "Đã làm 200 m" in task.progress
    client.post(
        reverse("meetings:dissemination_create", args=[submitted.pk]),
        {"audience": "Ban công tác Mặt trận thôn", "on": "10/03/2018", "method": "Họp thôn"},
    )
    assert submitted.disseminations.count() == 1
    april = meeting_services.plan_meeting(
        actor=cell_people["secretary_user"], cell=cell_people["cell"], kind="regular",
        planned_at=at(datetime.date(2018, 4, 5)), place="Nhà văn hóa",
    )  # fmt: skip
    page = client.get(april.get_absolute_url()).content.decode()
    assert "Vận động làm đường bê tông" in page and "Đang thực hiện" in page


def test_renaming_a_member_or_the_cell_leaves_signed_minutes_as_they_were(
    client, submitted, cell_people
):
    from members.people import services as people_services
    from members.tree import services as tree_services

    sign(client, cell_people["taker_user"], submitted)
    sign(client, cell_people["secretary_user"], submitted)
    secretary = cell_people["secretary"]
    data = {f: getattr(secretary, f) for f in ("full_name", "sex", "date_of_birth", "ethnicity",
            "citizen_id", "phone", "email", "party_card_number", "admitted_on", "official_on")}  # fmt: skip
    people_services.update_member(actor=None, member=secretary,
                                  data={**data, "full_name": "Tên Mới Hoàn Toàn"},
                                  version=secretary.version)  # fmt: skip
    cell = cell_people["cell"]
    tree_services.update_organisation(actor=None, org=cell, data={"name": "Chi bộ thôn Mới"},
                                        version=cell.version)  # fmt: skip
    call_command("verify_minutes")
    client.force_login(cell_people["secretary_user"])
    page = client.get(submitted.get_absolute_url()).content.decode()
    assert (
        "Chủ trì: Nguyễn Thị Hương" in page
        and "Tên Mới Hoàn Toàn" not in page.split("Biên bản")[-1]
    )
