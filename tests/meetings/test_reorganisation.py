"""Reorganising the tree as of a date: moves and merges, with history left where it was."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetings import reorganisation, rotation_services, services
from meetings.enums import MeetingState
from meetings.models import Meeting, MinutesDocument, RotationSlot
from members import selectors
from members.checks import BROKEN_PATHS
from members.enums import MemberStatus, OrgKind
from members.models import AuditEvent, Member, Organisation, Role, TreeChange
from members.services import MembersError
from tests.factories import CellFactory, MemberFactory, OrganisationFactory, make_user
from tests.meetings.conftest import at, signed_meeting

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def broken_paths():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(BROKEN_PATHS)
        return cursor.fetchall()


def test_a_unit_moves_with_its_subtree_and_scoping_follows(tree, personas, client):
    a = tree["a"]
    group = OrganisationFactory(parent=a, kind="party_group", name="Tổ đảng 1", code="A-T1")
    reorganisation.move(actor=personas["district"], org=a, new_parent=tree["y"], on=TODAY,
                        reason="Quyết định 15-QĐ/HU")  # fmt: skip
    a.refresh_from_db()
    group.refresh_from_db()
    assert a.path == f"{tree['y'].path}{a.pk}/" and group.path == f"{a.path}{group.pk}/"
    assert group.depth == a.depth + 1 == tree["y"].depth + 2
    assert not broken_paths()
    client.force_login(personas["staff_x"])
    assert client.get(a.get_absolute_url()).status_code == 404
    assert client.get(group.get_absolute_url()).status_code == 404
    client.force_login(personas["staff_y"])
    assert client.get(a.get_absolute_url()).status_code == 200
    assert selectors.can_read(personas["secretary_a"], a)
    change = TreeChange.objects.get(org=a)
    assert (change.old_parent, change.new_parent, change.on) == (tree["x"], tree["y"], TODAY)
    assert AuditEvent.objects.filter(action="organisation.move", target_id=a.pk).exists()


@pytest.mark.parametrize("case", ["own subtree", "cell under cell", "dissolved", "future"])
def test_a_move_that_breaks_the_tree_is_refused_and_writes_nothing(tree, personas, case):
    a, b = tree["a"], tree["b"]
    target, on = {"own subtree": (tree["x"], TODAY), "cell under cell": (b, TODAY),
                  "dissolved": (tree["y"], TODAY),
                  "future": (tree["y"], TODAY + datetime.timedelta(days=1))}[case]  # fmt: skip
    org = tree["x"] if case == "own subtree" else a
    if case == "own subtree":
        target = a
    if case == "dissolved":
        target = OrganisationFactory(parent=tree["district"], dissolved_on=TODAY)
    before = list(Organisation.objects.values_list("pk", "path"))
    with pytest.raises(reorganisation.ReorganisationError):
        reorganisation.move(actor=personas["district"], org=org, new_parent=target, on=on)
    assert list(Organisation.objects.values_list("pk", "path")) == before
    assert not TreeChange.objects.exists()


@pytest.fixture
def three(tree, cell_people):
    """Committees X (cells A, A2), a new P with one cell, and Y (cell B)."""
    p = OrganisationFactory(parent=tree["district"], name="Đảng bộ xã Phú Linh", code="P")
    p_cell = CellFactory(parent=p, name="Chi bộ thôn Phú Linh", code="P1")
    for n in range(3):
        MemberFactory(cell=p_cell, full_name=f"Hầu Văn Sính {n}")
    MemberFactory(cell=p_cell, full_name="Lục Văn Già", status=MemberStatus.EXEMPTED)
    return {**tree, "p": p, "p_cell": p_cell}


def test_merging_three_committees_keeps_history_and_moves_open_work(
    three, cell_people, personas, client
):
    district, x, y, p = three["district"], three["x"], three["y"], three["p"]
    staff_p = make_user(p, username="staff_p")
    signed = signed_meeting(cell_people, datetime.date(2018, 3, 5))
    document = MinutesDocument.objects.get(meeting=signed, kind="minutes")
    stored = document.file.read()
    planned = services.plan_meeting(actor=cell_people["secretary_user"], cell=three["a2"],
                                    kind="regular", place="Nhà văn hóa",
                                    planned_at=at(TODAY + datetime.timedelta(days=10)))  # fmt: skip
    for year in (TODAY.year, TODAY.year + 1):
        rotation_services.plan_rotation(actor=personas["district"], org=district, year=year)
    reorganisation.merge(actor=personas["district"], orgs=[x, p], successor=y, on=TODAY,
                         reason="Nghị quyết hợp nhất")  # fmt: skip

    x.refresh_from_db()
    p.refresh_from_db()
    assert x.dissolved_on == TODAY and p.dissolved_on == TODAY
    for cell in (three["a"], three["a2"], three["p_cell"]):
        cell.refresh_from_db()
        assert cell.parent_id == y.pk and cell.path.startswith(y.path)
    assert not broken_paths()
    document.refresh_from_db()
    assert document.file.read() == stored  # what was signed is untouched
    signed.refresh_from_db()
    assert signed.state == MeetingState.SIGNED and signed.cell_name == "Chi bộ thôn Thanh Sơn"
    assert Meeting.objects.get(pk=planned.pk).cell_id == three["a2"].pk  # moved with its cell
    # Staff of the dissolved committees see nothing any more; the successor's see it all.
    assert not Role.objects.valid().filter(organisation__in=[x, p]).exists()
    client.force_login(staff_p)
    assert client.get(three["p_cell"].get_absolute_url()).status_code == 404
    client.force_login(personas["staff_y"])
    assert client.get(signed.get_absolute_url()).status_code == 200
    assert client.get(reverse("meetings:meeting_pdf", args=[signed.pk])).status_code == 200
    # Y's page names its predecessors, and their own pages stay readable to Y's staff.
    page = client.get(y.get_absolute_url()).content.decode()
    assert "hợp nhất vào đơn vị này" in page and x.name in page and p.name in page
    assert "Các đơn vị hợp nhất: " in page  # the audit line of the merge
    assert client.get(x.get_absolute_url()).status_code == 200
    assert client.get(reverse("meetings:rotation", args=[x.pk])).status_code == 200
    assert not selectors.can_manage(personas["staff_y"], x)
    # The rotation's unheld quarters follow the new shape: no slot of a merged committee
    # after this quarter, every cell of Y in Y's cycle.
    quarter = (TODAY.month - 1) // 3 + 1
    assert not RotationSlot.objects.filter(group__in=[x, p], year=TODAY.year + 1).exists()
    assert not RotationSlot.objects.filter(
        group__in=[x, p], year=TODAY.year, quarter__gt=quarter
    ).exists()
    hosts = set(
        RotationSlot.objects.filter(group=y, year=TODAY.year + 1).values_list("host", flat=True)
    )
    assert hosts <= {three["a"].pk, three["a2"].pk, three["p_cell"].pk, three["b"].pk}
    assert len(hosts) == 4


def test_merging_cells_transfers_their_members_with_history(three, personas):
    p_cell, a2 = three["p_cell"], three["a2"]
    moved = list(Member.objects.filter(cell=p_cell).values_list("pk", flat=True))
    reorganisation.merge(actor=personas["district"], orgs=[p_cell], successor=a2, on=TODAY)
    assert set(Member.objects.filter(cell=a2).values_list("pk", flat=True)) >= set(moved)
    assert Member.objects.get(full_name="Lục Văn Già").status == MemberStatus.EXEMPTED
    assert AuditEvent.objects.filter(action="member.transfer").count() == len(moved)


def test_the_reorganise_page_previews_then_applies(three, personas, client):
    client.force_login(personas["district"])
    url = reverse("meetings:reorganise", args=[three["a"].pk])
    data = {"action": "move", "target": three["y"].pk, "on": TODAY.strftime("%d/%m/%Y"),
            "reason": "Quyết định 15-QĐ/HU"}  # fmt: skip
    page = client.post(url, data)
    assert page.status_code == 200 and 'id="preview"' in page.content.decode()
    assert Organisation.objects.get(pk=three["a"].pk).parent_id == three["x"].pk
    response = client.post(url, {**data, "confirm": "True"})
    assert response.status_code == 302
    assert Organisation.objects.get(pk=three["a"].pk).parent_id == three["y"].pk
    client.force_login(personas["staff_x"])  # A is Y's now: X's staff no longer find it
    assert client.post(url, {**data, "target": three["x"].pk}).status_code == 404


OPS = st.lists(st.tuples(st.sampled_from(["move", "merge"]), st.integers(0, 20), st.integers(0, 20)),
               min_size=1, max_size=12)  # fmt: skip


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=OPS)
def test_any_sequence_of_moves_and_merges_keeps_the_tree_whole(tree, personas, ops):
    actor = personas["district"]
    with transaction.atomic():
        for n in range(3):
            OrganisationFactory(parent=tree["district"], code=f"H{n}")
        for op, i, j in ops:
            units = list(Organisation.objects.active().exclude(parent=None).order_by("pk"))
            org, other = units[i % len(units)], units[j % len(units)]
            try:
                if op == "move":
                    reorganisation.move(actor=actor, org=org, new_parent=other, on=TODAY)
                else:
                    reorganisation.merge(actor=actor, orgs=[org], successor=other, on=TODAY)
            except MembersError:  # a refusal (of the move, or of a member's transfer)
                pass
            assert not broken_paths()
            assert Organisation.objects.filter(parent=None).count() == 1
            for unit in Organisation.objects.active().exclude(parent=None).select_related("parent"):
                # Every active unit sits under an active unit of a kind that may hold it.
                assert unit.parent.is_active
                assert unit.kind in OrgKind.allowed_children(unit.parent.kind)
            on_roll = Member.objects.on_roll().select_related("cell")
            assert all(member.cell.is_active for member in on_roll)
        transaction.set_rollback(True)
