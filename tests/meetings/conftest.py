import datetime

import pytest
from django.http import HttpResponse
from django.test import TestCase
from django.utils import timezone

from meetings import services
from meetings.meeting import services as meeting_services
from meetings.minutes import services as minutes_services
from members.enums import RoleKind
from members.models import Position
from tests.factories import MemberFactory, make_user


def at(day, hour=8):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def in_memory(meeting, **rows):
    """Give an unsaved meeting (with a pk) its related rows as prefetch_related would cache
    them, so that code reading them through `.all()` needs no database."""
    meeting._prefetched_objects_cache = {}
    for name, values in rows.items():
        cached = getattr(meeting, name).all()  # a lazy query, never run
        cached._result_cache = list(values)
        cached._prefetch_done = True
        meeting._prefetched_objects_cache[name] = cached
    return meeting


@pytest.fixture
def cell_people(tree):
    """Cell A with a secretary, a minute-taker (a plain member) and more members."""
    a = tree["a"]
    secretary, taker = tree["members"]["a"]
    for n in range(4):
        MemberFactory(cell=a, full_name=f"Ma Văn Lâm {n}")
    MemberFactory(cell=a, full_name="Triệu Thị Mẩy", status="probationary", official_on=None,
                  admitted_on=datetime.date(2018, 1, 10))  # fmt: skip
    Position.objects.create(cell=a, member=secretary, role="secretary", started_on="2017-07-01")
    secretary_user = make_user(a, RoleKind.SECRETARY, username="bithu_a")
    secretary.user = secretary_user
    secretary.save(update_fields=["user"])
    taker_user = make_user(a, RoleKind.MEMBER, username="thuky_a")
    taker.user = taker_user
    taker.save(update_fields=["user"])
    return {"cell": a, "secretary": secretary, "taker": taker,
            "secretary_user": secretary_user, "taker_user": taker_user}  # fmt: skip


def meeting_held_on(people, day, *, place="Nhà văn hóa thôn", prepared_days=2,
                    agreed="Chương trình"):  # fmt: skip
    """A regular meeting of the cell on `day`, prepared and being held, attendance taken."""
    actor = people["secretary_user"]
    meeting = meeting_services.plan_meeting(actor=actor, cell=people["cell"], kind="regular",
                                    planned_at=at(day), place=place)  # fmt: skip
    meeting_services.record_committee_session(
        actor=actor, meeting=meeting, held_on=day - datetime.timedelta(days=prepared_days),
        attendees=[people["secretary"]], agreed_content=agreed,
    )  # fmt: skip
    services.change_state(actor=actor, meeting=meeting, to="prepared")
    minutes_services.take_attendance(actor=actor, meeting=meeting, marks={}, guests=[])
    services.change_state(actor=actor, meeting=meeting, to="held")
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def held_meeting(cell_people):
    """A regular meeting of cell A prepared and being held, with attendance taken."""
    return meeting_held_on(cell_people, datetime.date(2018, 3, 5), place="Nhà văn hóa",
                           prepared_days=4, agreed="Chương trình tháng 3")  # fmt: skip


def complete_minutes(meeting, people):
    """Fill in everything `submitted` requires."""
    items = {item.pk: f"Diễn biến: {item.title}" for item in meeting.agenda.all()}
    minutes_services.save_minutes(
        actor=people["secretary_user"], meeting=meeting, version=meeting.version,
        data={"chair": people["secretary"], "minute_taker": people["taker"],
              "opened_at": datetime.time(8, 0), "closed_at": datetime.time(10, 0),
              "conclusion": "Chi bộ thống nhất nghị quyết tháng 3.", "items": items},
    )  # fmt: skip
    minutes_services.record_vote(
        actor=people["secretary_user"], meeting=meeting, kind="resolution",
        subject="Thông qua nghị quyết", votes_for=6, votes_against=0, votes_abstain=0,
    )  # fmt: skip
    meeting.refresh_from_db()
    return meeting


def signed_meeting(people, day):
    """A complete meeting of the cell on `day`, signed by chair and minute-taker, its
    documents made as they are once the signature commits."""
    meeting = submitted_meeting(people, day)
    meeting_services.sign_minutes(
        meeting=meeting, user=people["taker_user"], password="pw-for-tests-1"
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        meeting_services.sign_minutes(
            meeting=meeting, user=people["secretary_user"], password="pw-for-tests-1"
        )
    meeting.refresh_from_db()
    return meeting


def minute_book(client, url, **params):
    """The minute book as a reader gets it: asked for, bound by its job once the request
    has committed, and asked for again (the response: the PDF, or the page saying why
    not)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.get(url, {**params, "download": 1})
    if response.get("Content-Type") != "application/pdf":
        response = client.get(url, {**params, "download": 1})
    return whole(response)


def whole(response):
    """A response as one whose `content` can be read, a stored file's too."""
    if not response.streaming:
        return response
    whole = HttpResponse(b"".join(response.streaming_content), status=response.status_code)
    for header, value in response.items():
        whole[header] = value
    return whole


def submitted_meeting(people, day):
    """A complete meeting of the cell on `day`, submitted for signature."""
    meeting = complete_minutes(meeting_held_on(people, day), people)
    services.change_state(actor=people["secretary_user"], meeting=meeting, to="submitted")
    meeting.refresh_from_db()
    return meeting
