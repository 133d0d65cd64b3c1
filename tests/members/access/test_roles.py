"""Roles follow the facts they hang on: a transfer, an ended term, a dissolved unit or a
member off the roll ends them at once, audited; access comes from roles valid today."""

import datetime

from django.urls import reverse

from members.access import services as access_services
from members.models import AuditEvent, Role
from members.people import services as people_services
from members.tree import services as tree_services
from tests.factories import CellFactory, make_user
from tests.meetings.conftest import meeting_held_on

ON = datetime.date(2018, 6, 1)


def staff(tree):
    # Not the `personas` fixture: it gives cell A's minute-taker another account.
    return make_user(tree["district"], username="district_clerk")


def active_roles(user):
    return set(
        Role.objects.filter(user=user, ended_on__isnull=True).values_list(
            "organisation__code", "kind"
        )
    )


def test_a_transferred_member_reads_the_new_cell_not_the_old(client, cell_people, tree):
    meeting = meeting_held_on(cell_people, datetime.date(2018, 3, 5))
    taker, taker_user = cell_people["taker"], cell_people["taker_user"]
    people_services.transfer_member(actor=staff(tree), member=taker, to_cell=tree["b"], on=ON)
    assert active_roles(taker_user) == {("B", "member")}
    assert AuditEvent.objects.filter(
        action="role.end", summary__contains=taker_user.username
    ).exists()
    client.force_login(taker_user)
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert client.get(reverse("members:member_list", args=[tree["a"].pk])).status_code == 404
    assert client.get(reverse("members:member_list", args=[tree["b"].pk])).status_code == 200


def test_a_secretary_whose_term_ended_manages_the_cell_no_more(client, cell_people, tree):
    meeting = meeting_held_on(cell_people, datetime.date(2018, 3, 5))
    user = cell_people["secretary_user"]
    post = cell_people["secretary"].positions.get(role="secretary", ended_on__isnull=True)
    access_services.end_position(actor=staff(tree), position=post, ended_on=ON)
    # Still a member of the cell, so still a reader of it: nothing more.
    assert active_roles(user) == {("A", "member")}
    client.force_login(user)
    export = client.get(reverse("members:member_export_csv", args=[tree["a"].pk]))
    assert export.status_code == 403 and b"0912" not in export.content
    edit = client.post(reverse("meetings:meeting_minutes", args=[meeting.pk]),
                       {"version": meeting.version, "conclusion": "sửa"})  # fmt: skip
    assert edit.status_code == 403
    assert client.get(meeting.get_absolute_url()).status_code == 200


def test_a_member_off_the_roll_keeps_no_role(client, cell_people, tree):
    user = cell_people["taker_user"]
    people_services.record_status(actor=staff(tree), member=cell_people["taker"],
                           status="struck_off", on=ON, reason="Quyết định số 12")  # fmt: skip
    assert active_roles(user) == set()
    client.force_login(user)
    assert (
        client.get(reverse("members:member_list", args=[cell_people["cell"].pk])).status_code == 404
    )


def test_a_dissolved_unit_ends_the_roles_on_it(client, tree, personas):
    empty = CellFactory(name="Chi bộ thôn Cũ", code="OLD", parent=tree["y"])
    secretary = make_user(empty, "secretary", username="bithu_cu")
    tree_services.dissolve_organisation(actor=personas["district"], org=empty, on=ON,
                                   reason="Sáp nhập")  # fmt: skip
    assert active_roles(secretary) == set()
    assert active_roles(personas["staff_y"]) == {("Y", "committee_staff")}  # the unit above stays
    client.force_login(secretary)
    assert client.get(reverse("members:organisation_detail", args=[empty.pk])).status_code == 404


def test_a_role_ended_tomorrow_still_counts_today(client, tree, personas):
    role = Role.objects.get(user=personas["staff_x"])
    role.ended_on = datetime.date.today() + datetime.timedelta(days=1)
    role.save(update_fields=["ended_on"])
    client.force_login(personas["staff_x"])
    assert client.get(reverse("members:member_list", args=[tree["a"].pk])).status_code == 200
    role.ended_on = datetime.date.today()
    role.save(update_fields=["ended_on"])
    client.force_login(personas["staff_x"])
    assert client.get(reverse("members:member_list", args=[tree["a"].pk])).status_code == 404
