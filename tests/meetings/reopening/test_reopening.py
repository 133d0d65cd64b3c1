"""Before the second signature, chair and minute-taker can agree to reopen the minutes."""

import datetime

import pytest
from django.urls import reverse

from meetings import permissions, services
from meetings.enums import MeetingState
from meetings.meeting import services as meeting_services
from meetings.models import Signature
from meetings.reopening import services as reopening
from members.models import AuditEvent
from tests.meetings.conftest import submitted_meeting

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-1"


@pytest.fixture
def half_signed(cell_people):
    meeting = submitted_meeting(cell_people, datetime.date(2018, 3, 5))
    meeting_services.sign_minutes(
        meeting=meeting, user=cell_people["taker_user"], password=PASSWORD
    )
    meeting.refresh_from_db()
    return meeting


def test_the_chair_asks_the_minute_taker_agrees_and_the_minutes_reopen(
    client, half_signed, cell_people
):
    chair, taker = cell_people["secretary_user"], cell_people["taker_user"]
    client.force_login(chair)
    sign_page = client.get(reverse("meetings:meeting_sign", args=[half_signed.pk])).content.decode()
    assert reverse("meetings:reopen_ask", args=[half_signed.pk]) in sign_page
    response = client.post(reverse("meetings:reopen_ask", args=[half_signed.pk]),
                           {"reason": "Sai giờ kết thúc: 10:15, không phải 10:00."})  # fmt: skip
    assert response.status_code == 302
    client.force_login(taker)
    home = client.get(reverse("home")).content.decode()
    assert (
        "Sai giờ kết thúc" in home
        and reverse("meetings:reopen_agree", args=[half_signed.pk]) in home
    )
    wrong = client.post(reverse("meetings:reopen_agree", args=[half_signed.pk]), {"password": "x"})
    assert wrong.status_code == 200 and "Mật khẩu không đúng" in wrong.content.decode()
    assert Signature.objects.filter(meeting=half_signed).count() == 1
    client.post(reverse("meetings:reopen_agree", args=[half_signed.pk]), {"password": PASSWORD})
    half_signed.refresh_from_db()
    assert half_signed.state == MeetingState.HELD
    assert not Signature.objects.filter(meeting=half_signed).exists()
    withdrawn = AuditEvent.objects.get(action="meeting.signature_withdrawn")
    assert withdrawn.changes["content_hash"] and "Sai giờ" in withdrawn.changes["reason"]


def test_nobody_else_can_ask_or_agree_and_nothing_reopens_after_both_signed(
    client, half_signed, cell_people, personas
):
    taker = cell_people["taker_user"]
    assert not permissions.can_ask(taker, half_signed)  # has signed: agrees, does not ask
    client.force_login(taker)
    assert client.get(reverse("meetings:reopen_ask", args=[half_signed.pk])).status_code == 403
    assert client.get(reverse("meetings:reopen_agree", args=[half_signed.pk])).status_code == 403
    client.force_login(personas["secretary_b"])
    assert client.get(reverse("meetings:reopen_ask", args=[half_signed.pk])).status_code == 404
    meeting_services.sign_minutes(
        meeting=half_signed, user=cell_people["secretary_user"], password=PASSWORD
    )
    half_signed.refresh_from_db()
    with pytest.raises(services.MeetingError):
        reopening.ask_to_reopen(
            actor=cell_people["secretary_user"], meeting=half_signed, reason="x"
        )


def test_forms_of_a_frozen_meeting_are_read_only(client, cell_people):
    from tests.meetings.conftest import signed_meeting

    meeting = signed_meeting(cell_people, datetime.date(2018, 4, 5))
    client.force_login(cell_people["secretary_user"])
    for name in ("meeting_attendance", "meeting_agenda", "opinion_create", "vote_create"):
        page = client.get(reverse(f"meetings:{name}", args=[meeting.pk])).content.decode()
        assert "<fieldset" in page and " disabled>" in page, name


def test_the_home_lists_what_each_signer_still_has_to_do(half_signed, cell_people):
    from meetings.selectors import submitted_for

    def pks(lists):
        return tuple([m.pk for m in found] for found in lists)

    chair, taker = cell_people["secretary"], cell_people["taker"]
    assert pks(submitted_for(chair)) == ([half_signed.pk], [])  # still to sign
    assert pks(submitted_for(taker)) == ([], [])  # signed, nothing asked
    reopening.ask_to_reopen(actor=cell_people["secretary_user"], meeting=half_signed,
                            reason="Sai giờ kết thúc.")  # fmt: skip
    assert pks(submitted_for(taker)) == ([], [half_signed.pk])  # asked to agree
    assert pks(submitted_for(chair)) == ([half_signed.pk], [])  # the asker has not signed
    assert submitted_for(None) == ([], [])
