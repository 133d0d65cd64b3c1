"""Every meeting page, for every persona: 404 outside the scope, 403 without the role."""

import datetime

import pytest
from django.urls import reverse

from meetings.follow_up import services as follow_up_services
from meetings.meeting import services as meeting_services
from meetings.minutes import services as minutes_services
from meetings.models import Opinion, Task, Vote
from members.enums import RoleKind
from tests.factories import make_user
from tests.meetings.conftest import at, complete_minutes

MEETING_PAGES = [
    "meeting_detail", "meeting_update", "meeting_committee", "meeting_agenda",
    "meeting_attendance", "meeting_minutes", "meeting_draft", "opinion_create", "vote_create",
    "meeting_sign", "meeting_verify", "meeting_addendum", "task_create", "dissemination_create",
]  # fmt: skip
READ_ONLY = {"meeting_detail", "meeting_verify"}


@pytest.fixture
def full_meeting(held_meeting, cell_people):
    meeting = complete_minutes(held_meeting, cell_people)
    item = meeting.agenda.first()
    opinion = minutes_services.add_opinion(actor=None, meeting=meeting, item=item, text="Ý kiến",
                                   speaker_member=cell_people["secretary"])  # fmt: skip
    task = follow_up_services.add_task(actor=None, meeting=meeting, assignee=cell_people["taker"],
                             description="Việc", due_on=datetime.date(2018, 4, 1))  # fmt: skip
    return meeting, opinion, task, meeting.votes.get()


def urls(meeting, opinion, task, vote, *, forms_only=False):
    found = [
        reverse(f"meetings:{name}", args=[meeting.pk])
        for name in MEETING_PAGES
        if not (forms_only and name in READ_ONLY)
    ]
    found += [
        reverse("meetings:meeting_state", args=[meeting.pk, "submitted"]),
        reverse("meetings:opinion_delete", args=[opinion.pk]),
        reverse("meetings:vote_delete", args=[vote.pk]),
        reverse("meetings:task_update", args=[task.pk]),
        reverse("meetings:meeting_list", args=[meeting.cell.pk]),
        reverse("meetings:meeting_create", args=[meeting.cell.pk]),
    ]
    return found


def test_anonymous_visitors_go_to_login(client, full_meeting):
    for url in urls(*full_meeting):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url


@pytest.mark.parametrize("method", ["get", "post"])
def test_other_cells_and_committees_get_404(client, tree, full_meeting, method):
    outsiders = [
        make_user(tree["b"], RoleKind.SECRETARY, username="secretary_b"),
        make_user(tree["y"], username="staff_y"),
        make_user(tree["a2"], RoleKind.MEMBER, username="member_a2"),
    ]
    for user in outsiders:
        client.force_login(user)
        for url in urls(*full_meeting, forms_only=method == "post"):
            if method == "post" and url.endswith("/meetings/"):
                continue
            assert getattr(client, method)(url).status_code == 404, (user.username, url)
    assert Opinion.objects.count() == 1 and Vote.objects.count() == 1 and Task.objects.count() == 1


def test_a_member_reads_but_does_not_manage(client, tree, full_meeting):
    meeting = full_meeting[0]
    client.force_login(make_user(tree["a"], RoleKind.MEMBER, username="plain_member"))
    assert client.get(meeting.get_absolute_url()).status_code == 200
    for name in (
        "meeting_attendance",
        "meeting_minutes",
        "vote_create",
        "task_create",
        "meeting_agenda",
    ):
        assert client.get(reverse(f"meetings:{name}", args=[meeting.pk])).status_code == 403, name


def test_the_minute_taker_writes_minutes_but_does_not_run_the_meeting(
    client, full_meeting, cell_people
):
    meeting = full_meeting[0]
    client.force_login(cell_people["taker_user"])
    for name in ("meeting_minutes", "opinion_create", "vote_create"):
        assert client.get(reverse(f"meetings:{name}", args=[meeting.pk])).status_code == 200, name
    for name in ("meeting_attendance", "meeting_agenda", "meeting_committee"):
        assert client.get(reverse(f"meetings:{name}", args=[meeting.pk])).status_code == 403, name
    url = reverse("meetings:meeting_state", args=[meeting.pk, "submitted"])
    assert client.get(url).status_code == 403


def test_committee_staff_above_the_cell_manage_it(client, tree, full_meeting):
    meeting = full_meeting[0]
    client.force_login(make_user(tree["x"], username="staff_x2"))
    assert client.get(reverse("meetings:meeting_attendance", args=[meeting.pk])).status_code == 200
    district = make_user(tree["district"], RoleKind.OBSERVER, username="observer2")
    client.force_login(district)
    listing = client.get(reverse("meetings:meeting_list", args=[tree["district"].pk]))
    assert meeting.display_title in listing.content.decode()
    assert client.get(reverse("meetings:meeting_attendance", args=[meeting.pk])).status_code == 403


def test_planning_needs_a_cell_and_the_role(client, tree, cell_people):
    client.force_login(cell_people["secretary_user"])
    assert client.get(reverse("meetings:meeting_create", args=[tree["x"].pk])).status_code == 404
    client.force_login(cell_people["taker_user"])
    assert client.get(reverse("meetings:meeting_create", args=[tree["a"].pk])).status_code == 403
    planned = meeting_services.plan_meeting(actor=None, cell=tree["a"], kind="thematic",
                                    planned_at=at(datetime.date(2018, 6, 1)), place="x")  # fmt: skip
    assert planned.pk
