"""The meeting screen's operations: applied once, in order, through the services."""

import json
import uuid

import pytest
from django.urls import reverse

from meetings.models import ClientOperation, Opinion, Vote
from members.models import AuditEvent
from tests.meetings.conftest import meeting_held_on

pytestmark = pytest.mark.django_db


def op(op_kind, **data):
    return {"id": str(uuid.uuid4()), "kind": op_kind, "data": data}


def send(client, meeting, operations):
    response = client.post(
        reverse("meetings:screen_operations", args=[meeting.pk]),
        json.dumps({"operations": operations}),
        content_type="application/json",
    )
    return response


@pytest.fixture
def meeting(cell_people):
    import datetime

    return meeting_held_on(cell_people, datetime.date(2018, 3, 5))


def test_the_screen_opens_for_the_secretary_and_holds_its_state(client, meeting, cell_people):
    client.force_login(cell_people["secretary_user"])
    page = client.get(reverse("meetings:screen", args=[meeting.pk]))
    assert page.status_code == 200
    state = page.context["state"]
    assert state["state"] == "held" and state["can_manage"]
    assert {r["name"] for r in state["roster"]} >= {"Nguyễn Thị Hương", "Lê Văn An"}
    assert 'id="screen-state"' in page.content.decode()


def test_outside_the_cell_the_screen_and_its_operations_do_not_exist(client, meeting, personas):
    client.force_login(personas["secretary_b"])
    assert client.get(reverse("meetings:screen", args=[meeting.pk])).status_code == 404
    assert send(client, meeting, [op("start")]).status_code == 404
    client.force_login(personas["member_a"])  # reads the cell, writes nothing
    assert client.get(reverse("meetings:screen", args=[meeting.pk])).status_code == 403
    assert send(client, meeting, [op("vote", subject="x")]).status_code == 403


def test_an_operation_sent_twice_is_applied_once_and_answered_alike(client, meeting, cell_people):
    client.force_login(cell_people["secretary_user"])
    item = meeting.agenda.first()
    taker = cell_people["taker"]
    opinion = op("opinion", item=item.pk, speaker=f"m{taker.pk}", text="Nhất trí với báo cáo.")
    first = send(client, meeting, [opinion]).json()
    again = send(client, meeting, [opinion]).json()
    assert first["answers"][0]["status"] == "done"
    assert again["answers"][0] == first["answers"][0]
    assert Opinion.objects.filter(meeting=meeting).count() == 1
    assert ClientOperation.objects.count() == 1
    texts = [o["text"] for i in again["state"]["items"] for o in i["opinions"]]
    assert texts == ["Nhất trí với báo cáo."]


def test_operations_apply_in_order_and_refer_to_earlier_ones(client, meeting, cell_people):
    client.force_login(cell_people["secretary_user"])
    item = meeting.agenda.first()
    guest = op("guest", name="Hoàng Văn Páo", position="Phó Bí thư Đảng ủy", unit="Xã")
    opinion = op("opinion", item=item.pk, speaker=f"op:{guest['id']}", text="Ghi nhận.")
    wrong = op("opinion", item=item.pk, speaker="m999999", text="Không ai.")
    answers = send(client, meeting, [guest, opinion, wrong]).json()["answers"]
    assert [a["status"] for a in answers] == ["done", "done", "refused"]
    assert Opinion.objects.get(meeting=meeting).speaker_name == "Hoàng Văn Páo"
    assert "phát biểu" in answers[2]["message"]


def test_attendance_and_minutes_go_through_the_same_rules_as_the_pages(
    client, meeting, cell_people
):
    client.force_login(cell_people["secretary_user"])
    secretary, taker = cell_people["secretary"], cell_people["taker"]
    no_reason = op("attendance", marks={str(taker.pk): {"presence": "absent_reason", "reason": ""}})
    answers = send(client, meeting, [no_reason]).json()["answers"]
    assert answers[0]["status"] == "refused" and "lý do" in answers[0]["message"]
    same = op("minutes", fields={"chair": {"base": "", "value": str(secretary.pk)},
                                 "minute_taker": {"base": "", "value": str(secretary.pk)}})  # fmt: skip
    answers = send(client, meeting, [same]).json()["answers"]
    assert answers[0]["status"] == "refused" and "hai người khác nhau" in answers[0]["message"]
    times = op("minutes", fields={"opened_at": {"base": "", "value": "1930"},
                                  "closed_at": {"base": "", "value": "19h15"}})  # fmt: skip
    answers = send(client, meeting, [times]).json()["answers"]
    assert answers[0]["status"] == "refused" and "sau giờ bắt đầu" in answers[0]["message"]
    vote = op(
        "vote", kind="resolution", subject="Thông qua", **{"for": 99, "against": 0, "abstain": 0}
    )
    answers = send(client, meeting, [vote]).json()["answers"]
    assert answers[0]["status"] == "refused" and not Vote.objects.exists()
    assert AuditEvent.objects.filter(action="meeting.vote").count() == 0


def test_the_later_of_two_offline_edits_of_one_text_is_kept_for_merging(
    client, meeting, cell_people
):
    client.force_login(cell_people["secretary_user"])
    field = f"item_{meeting.agenda.first().pk}"
    mine = op("minutes", fields={field: {"base": "", "value": "Bản của bí thư."}})
    theirs = op("minutes", fields={field: {"base": "", "value": "Bản của thư ký."}})
    assert send(client, meeting, [mine]).json()["answers"][0]["status"] == "done"
    answer = send(client, meeting, [theirs]).json()["answers"][0]
    assert answer["status"] == "conflict"
    assert answer["conflicts"][field] == {"server": "Bản của bí thư.", "mine": "Bản của thư ký."}
    assert meeting.agenda.first().content == "Bản của bí thư."
    follow = op("minutes", fields={field: {"base": "Bản của bí thư.", "value": "Gộp cả hai."}})
    assert send(client, meeting, [follow]).json()["answers"][0]["status"] == "done"
    assert meeting.agenda.first().content == "Gộp cả hai."


def test_a_frozen_meeting_refuses_every_operation(client, cell_people):
    import datetime

    from tests.meetings.conftest import signed_meeting

    meeting = signed_meeting(cell_people, datetime.date(2018, 4, 5))
    client.force_login(cell_people["secretary_user"])
    answers = send(client, meeting, [op("guest", name="Khách")]).json()["answers"]
    assert answers[0]["status"] == "refused"


def test_malformed_payloads_are_refused_without_a_server_error(client, meeting, cell_people):
    client.force_login(cell_people["secretary_user"])
    url = reverse("meetings:screen_operations", args=[meeting.pk])
    for body in ["", "[]", "{", '{"operations": 3}', json.dumps({"operations": [1, None, {"id": "x"}]}),
                 json.dumps({"operations": [{"id": str(uuid.uuid4()), "kind": "minutes",
                                             "data": {"fields": {"nope": {}}}}]})]:  # fmt: skip
        response = client.post(url, body, content_type="application/json")
        assert response.status_code in (200, 400)
        if response.status_code == 200:
            assert all(a["status"] == "refused" for a in response.json()["answers"])
