import datetime
import json

import pytest
from django.urls import reverse

from meetings import services
from meetings.follow_up import services as follow_up_services
from meetings.meeting import services as meeting_services
from meetings.minutes import services as minutes_services
from meetings.models import AgendaItem, Meeting, MinutesDraft, Signature
from tests.factories import CellFactory, MemberFactory, make_user
from tests.meetings.conftest import at


def test_secretary_takes_a_month_from_plan_to_signed_minutes(client, cell_people):
    """The whole month through the pages, as the secretary and the minute-taker do it."""
    p = cell_people
    cell, secretary, taker = p["cell"], p["secretary"], p["taker"]
    client.force_login(p["secretary_user"])
    response = client.post(
        reverse("meetings:meeting_create", args=[cell.pk]),
        {"kind": "regular", "day": "05/03/2018", "time": "08:00", "place": "Nhà văn hóa thôn"},
    )
    meeting = Meeting.objects.get(cell=cell)
    assert response.url == meeting.get_absolute_url()
    client.post(
        reverse("meetings:meeting_committee", args=[meeting.pk]),
        {"held_on": "01/03/2018", "attendees": [secretary.pk], "agreed_content": "Chương trình",
         "assignments": "Đ/c Hương chuẩn bị báo cáo", "draft_resolution": "Dự thảo"},
    )  # fmt: skip
    client.post(reverse("meetings:meeting_state", args=[meeting.pk, "prepared"]))
    page = client.get(reverse("meetings:meeting_attendance", args=[meeting.pk]))
    rows = page.context["rows"]
    absent = rows[-1]["entry"].member
    data = {f"presence_{r['entry'].member.pk}": r["presence"] for r in rows}
    data.update({
        f"presence_{absent.pk}": "absent_reason", f"reason_{absent.pk}": "Đi viện",
        "guests-TOTAL_FORMS": 1, "guests-INITIAL_FORMS": 0,
        "guests-0-name": "Nguyễn Văn Đại Biểu", "guests-0-position": "Phó Bí thư Đảng ủy",
        "guests-0-unit": "Đảng ủy xã Thanh Thủy",
    })  # fmt: skip
    assert (
        client.post(reverse("meetings:meeting_attendance", args=[meeting.pk]), data).status_code
        == 302
    )
    client.post(reverse("meetings:meeting_state", args=[meeting.pk, "held"]))
    meeting.refresh_from_db()
    assert meeting.state == "held"
    minutes = {
        "version": meeting.version, "chair": secretary.pk, "minute_taker": taker.pk,
        "opened_at": "08:00", "closed_at": "10:15",
        "conclusion": "Chi bộ thống nhất nghị quyết tháng 3 năm 2018.",
    }  # fmt: skip
    for item in meeting.agenda.all():
        minutes[f"item_{item.pk}"] = f"Nội dung mục {item.position}"
    assert (
        client.post(reverse("meetings:meeting_minutes", args=[meeting.pk]), minutes).status_code
        == 302
    )
    discussion = meeting.agenda.get(section="discussion")
    guest = meeting.guests.get()
    for speaker, text in (
        (f"m{taker.pk}", "Đề nghị làm đường"),
        (f"g{guest.pk}", "Biểu dương chi bộ"),
    ):
        client.post(reverse("meetings:opinion_create", args=[meeting.pk]),
                    {"item": discussion.pk, "speaker": speaker, "text": text})  # fmt: skip
    client.post(
        reverse("meetings:vote_create", args=[meeting.pk]),
        {"kind": "resolution", "subject": "Thông qua nghị quyết", "votes_for": 5,
         "votes_against": 0, "votes_abstain": 0},
    )  # fmt: skip
    vote = meeting.votes.get()
    assert vote.passed and vote.base == 6  # 6 official members, one absent with reason
    client.post(reverse("meetings:meeting_state", args=[meeting.pk, "submitted"]))
    client.post(reverse("meetings:meeting_sign", args=[meeting.pk]), {"password": "pw-for-tests-1"})
    client.force_login(p["taker_user"])
    home = client.get(reverse("home")).content.decode()
    assert "đang chờ bạn ký" in home
    client.post(reverse("meetings:meeting_sign", args=[meeting.pk]), {"password": "pw-for-tests-1"})
    meeting.refresh_from_db()
    assert meeting.state == "signed" and Signature.objects.filter(meeting=meeting).count() == 2
    page = client.get(meeting.get_absolute_url()).content.decode()
    for text in ("Đề nghị làm đường", "Nguyễn Văn Đại Biểu", "Vắng có lý do: 1", "Đi viện",
                 "thông qua", "Đã ký"):  # fmt: skip
        assert text in page, text


def test_a_stale_minutes_save_is_refused_and_keeps_both_texts(client, held_meeting, cell_people):
    p = cell_people
    item = held_meeting.agenda.first()
    base = {"version": held_meeting.version, "chair": p["secretary"].pk,
            "minute_taker": p["taker"].pk, "opened_at": "08:00", "closed_at": "10:00",
            "conclusion": ""}  # fmt: skip
    client.force_login(p["secretary_user"])  # the secretary names the minute-taker
    client.post(reverse("meetings:meeting_minutes", args=[held_meeting.pk]), base)
    base["version"] = held_meeting.version + 1  # both now open the editor at this version
    client.force_login(p["taker_user"])
    first = client.post(reverse("meetings:meeting_minutes", args=[held_meeting.pk]),
                        {**base, f"item_{item.pk}": "Bản của thư ký"})  # fmt: skip
    assert first.status_code == 302
    client.force_login(p["secretary_user"])
    second = client.post(reverse("meetings:meeting_minutes", args=[held_meeting.pk]),
                         {**base, f"item_{item.pk}": "Bản của bí thư"})  # fmt: skip
    assert second.status_code == 200
    page = second.content.decode()
    assert "vừa được người khác lưu" in page
    assert (
        "Bản của bí thư" in page and "Bản của thư ký" in page
    )  # theirs to merge, and the saved one
    item.refresh_from_db()
    assert item.content == "Bản của thư ký"
    # Saving the merged text now goes through: the form carries the newer version.
    merged = second.context["form"]["version"].value()
    third = client.post(reverse("meetings:meeting_minutes", args=[held_meeting.pk]),
                        {**base, "version": merged, f"item_{item.pk}": "Bản đã gộp"})  # fmt: skip
    assert third.status_code == 302
    item.refresh_from_db()
    assert item.content == "Bản đã gộp"


def test_drafts_survive_an_expired_session(client, held_meeting, cell_people):
    held_meeting.minute_taker = cell_people["taker"]
    held_meeting.save(update_fields=["minute_taker"])
    url = reverse("meetings:meeting_draft", args=[held_meeting.pk])
    item = held_meeting.agenda.first()
    payload = {"version": held_meeting.version, "data": {f"item_{item.pk}": "Đang gõ dở dang…"}}
    client.force_login(cell_people["taker_user"])
    response = client.post(url, json.dumps(payload), content_type="application/json")
    assert response.json()["ok"]
    client.logout()  # the session expires
    response = client.post(url, json.dumps(payload), content_type="application/json")
    assert response.status_code == 302  # the editor keeps its local copy and says so
    client.force_login(cell_people["taker_user"])
    page = client.get(reverse("meetings:meeting_minutes", args=[held_meeting.pk]))
    assert "Đang gõ dở dang…" in page.content.decode()
    assert "Đã khôi phục bản nháp" in page.content.decode()
    assert MinutesDraft.objects.filter(meeting=held_meeting).count() == 1


def test_each_autosave_replaces_the_users_draft(client, held_meeting, cell_people):
    url = reverse("meetings:meeting_draft", args=[held_meeting.pk])
    item = held_meeting.agenda.first()
    client.force_login(cell_people["secretary_user"])
    for text in ("Chi bộ", "Chi bộ thảo luận"):
        payload = {"version": held_meeting.version, "data": {f"item_{item.pk}": text}}
        assert client.post(url, json.dumps(payload), content_type="application/json").json()["ok"]
    first = MinutesDraft.objects.get(meeting=held_meeting)
    assert first.data == {f"item_{item.pk}": "Chi bộ thảo luận"}
    payload["version"] = held_meeting.version + 1
    client.post(url, json.dumps(payload), content_type="application/json")
    draft = MinutesDraft.objects.get(meeting=held_meeting)
    assert (draft.pk, draft.based_on_version) == (first.pk, held_meeting.version + 1)
    assert draft.saved_at >= first.saved_at


def test_bad_draft_payloads_are_refused(client, held_meeting, cell_people):
    client.force_login(cell_people["secretary_user"])
    url = reverse("meetings:meeting_draft", args=[held_meeting.pk])
    other = AgendaItem.objects.exclude(meeting=held_meeting).first()
    for body in ("không phải json", json.dumps({"data": []}), json.dumps({"version": "x"}),
                 # Only the fields of this meeting's minutes form are kept, nothing else.
                 json.dumps({"version": 1, "data": {"anything": "x" * 500_000}}),
                 json.dumps({"version": 1, "data": {f"item_{getattr(other, 'pk', 0)}": "x"}})):  # fmt: skip
        assert client.post(url, body, content_type="application/json").status_code == 400
    assert not MinutesDraft.objects.filter(meeting=held_meeting).exists()


def test_votes_over_the_present_officials_are_refused(client, held_meeting, cell_people):
    client.force_login(cell_people["secretary_user"])
    response = client.post(
        reverse("meetings:vote_create", args=[held_meeting.pk]),
        {
            "kind": "resolution",
            "subject": "NQ",
            "votes_for": 7,
            "votes_against": 0,
            "votes_abstain": 0,
        },
    )
    assert "Đảng viên dự bị và khách mời không biểu quyết" in response.content.decode()
    assert not held_meeting.votes.exists()


def test_village_cell_month_calendar_lists_meetings(client, held_meeting, cell_people):
    client.force_login(cell_people["secretary_user"])
    url = reverse("meetings:meeting_list", args=[cell_people["cell"].pk])
    march = client.get(url, {"month": "2018-03"})
    assert held_meeting.display_title in march.content.decode()
    grid = [day for week in march.context["calendar_weeks"] for day, found in week if found]
    assert grid == [datetime.date(2018, 3, 5)]
    assert held_meeting.display_title not in client.get(url, {"month": "2018-04"}).content.decode()


@pytest.mark.parametrize("rows", [1, 3])
def test_meeting_list_query_count_is_constant(client, tree, rows, django_assert_num_queries):
    cell = CellFactory(parent=tree["x"], code=f"M{rows}")
    user = make_user(tree["x"], username=f"staff{rows}")
    for month in range(1, rows + 1):
        meeting_services.plan_meeting(actor=user, cell=cell, kind="regular",
                              planned_at=at(datetime.date(2018, month, 5)), place="NVH")  # fmt: skip
    client.force_login(user)
    client.get(reverse("home"))
    # The committee is the user's own (read with their roles), the unread notifications
    # are read with the user.
    with django_assert_num_queries(5):
        response = client.get(reverse("meetings:meeting_list", args=[tree["x"].pk]))
    assert len(response.context["meetings"]) == rows


@pytest.mark.parametrize("rows", [1, 3])
def test_meeting_page_query_count_is_constant(client, cell_people, rows, django_assert_num_queries):
    from tests.meetings.conftest import complete_minutes

    p = cell_people
    for n in range(rows):
        MemberFactory(cell=p["cell"], full_name=f"Thào Mí Páo {n}")
    meeting = meeting_services.plan_meeting(actor=p["secretary_user"], cell=p["cell"], kind="regular",
                                    planned_at=at(datetime.date(2018, 3, 5)), place="NVH")  # fmt: skip
    meeting_services.record_committee_session(actor=p["secretary_user"], meeting=meeting,
                                      held_on=datetime.date(2018, 3, 1), attendees=[],
                                      agreed_content="x")  # fmt: skip
    services.change_state(actor=p["secretary_user"], meeting=meeting, to="prepared")
    minutes_services.take_attendance(actor=p["secretary_user"], meeting=meeting, marks={}, guests=[
        {"name": f"Khách {n}", "position": "", "unit": ""} for n in range(rows)])  # fmt: skip
    services.change_state(actor=p["secretary_user"], meeting=meeting, to="held")
    meeting.refresh_from_db()
    meeting = complete_minutes(meeting, p)
    item = meeting.agenda.first()
    for n in range(rows):
        minutes_services.add_opinion(actor=p["secretary_user"], meeting=meeting, item=item, text=f"Ý kiến {n}",
                             speaker_member=p["secretary"])  # fmt: skip
        follow_up_services.add_task(actor=p["secretary_user"], meeting=meeting, assignee=p["taker"], description=f"Việc {n}",
                          due_on=datetime.date(2018, 4, 1))  # fmt: skip
    client.force_login(p["secretary_user"])
    client.get(reverse("home"))
    with django_assert_num_queries(28):  # the unread notifications come with the user
        client.get(meeting.get_absolute_url())


def test_an_outdated_draft_is_offered_but_never_put_into_the_form(
    client, held_meeting, cell_people
):
    p = cell_people
    item = held_meeting.agenda.first()
    old_version = held_meeting.version
    MinutesDraft.objects.create(meeting=held_meeting, user=p["secretary_user"],
                                data={f"item_{item.pk}": "Nháp cũ"}, based_on_version=old_version)  # fmt: skip
    minutes_services.save_minutes(
        actor=p["taker_user"], meeting=held_meeting, version=old_version,
        data={"chair": p["secretary"], "minute_taker": p["taker"], "opened_at": None,
              "closed_at": None, "conclusion": "", "items": {item.pk: "Bản mới đã lưu"}},
    )  # fmt: skip
    client.force_login(p["secretary_user"])
    page = client.get(reverse("meetings:meeting_minutes", args=[held_meeting.pk]))
    assert page.context["draft_outdated"] and page.context["draft_data"] == {}
    assert page.context["form"][f"item_{item.pk}"].value() == "Bản mới đã lưu"
    assert "Nháp cũ" in page.content.decode()  # still there to copy from


def test_the_minutes_editor_proposes_the_secretary_as_chair(client, held_meeting, cell_people):
    client.force_login(cell_people["secretary_user"])
    form = client.get(reverse("meetings:meeting_minutes", args=[held_meeting.pk])).context["form"]
    assert form["chair"].value() == cell_people["secretary"].pk


def test_a_model_meeting_invites_the_other_cells_secretaries(client, tree, cell_people):
    from members.models import Position

    other = tree["members"]["a2"][0]
    Position.objects.create(
        cell=tree["a2"], member=other, role="secretary", started_on="2017-07-01"
    )
    Position.objects.create(cell=tree["b"], member=tree["members"]["b"][0], role="secretary",
                            started_on="2017-07-01")  # fmt: skip
    p = cell_people
    p["cell"].liaison = "Hoàng Văn Thắng, Đảng ủy viên"
    p["cell"].save(update_fields=["liaison"])
    meeting = meeting_services.plan_meeting(actor=p["secretary_user"], cell=p["cell"], kind="model",
                                    planned_at=at(datetime.date(2018, 5, 5)), place="NVH")  # fmt: skip
    meeting_services.record_committee_session(actor=p["secretary_user"], meeting=meeting,
                                      held_on=datetime.date(2018, 5, 1), attendees=[],
                                      agreed_content="x")  # fmt: skip
    services.change_state(actor=p["secretary_user"], meeting=meeting, to="prepared")
    client.force_login(p["secretary_user"])
    formset = client.get(reverse("meetings:meeting_attendance", args=[meeting.pk])).context[
        "guest_formset"
    ]
    invited = [f.initial for f in formset.forms if f.initial]
    assert invited == [
        {"name": "Hoàng Văn Thắng", "position": "Đảng ủy viên", "unit": "Đảng bộ xã Thanh Thủy"},
        {"name": other.full_name, "position": "Bí thư", "unit": "Chi bộ thôn Lùng Chang"},
    ]
