"""Reorganising the tree as of a date: moves and merges, with history left where it was."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetings.compliance import figures as compliance
from meetings.enums import MeetingState
from meetings.meeting import services
from meetings.models import Meeting, MinutesDocument, RotationSlot
from meetings.reorganisation import services as reorganisation
from meetings.rotation_plan import services as rotation_services
from members import permissions as member_permissions
from members.checks import BROKEN_PATHS
from members.enums import MemberStatus, OrgKind
from members.models import (
    AuditEvent,
    Member,
    Membership,
    Organisation,
    Role,
    TreeChange,
    tree_order,
)
from members.people import services as member_services
from members.services import MembersError
from members.tree import history
from tests.factories import CellFactory, MemberFactory, OrganisationFactory, make_user
from tests.meetings.conftest import at, minute_book, signed_meeting, whole

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
    assert member_permissions.can_read(personas["secretary_a"], a)
    change = TreeChange.objects.get(org=a)
    assert (change.old_parent, change.new_parent, change.on) == (tree["x"], tree["y"], TODAY)
    assert AuditEvent.objects.filter(action="organisation.move", target_id=a.pk).exists()
    # The tree as of the day before shows A under X with its group; as of today under Y.
    yesterday = (TODAY - datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    client.force_login(personas["district"])
    url = reverse("members:organisation_as_of", args=[tree["district"].pk])
    before = history.tree_as_of(tree["district"], TODAY - datetime.timedelta(days=1))
    under = {n.org: [c.org for c in n.children] for n in before.children}
    assert a in under[tree["x"]] and a not in under[tree["y"]]
    now = history.tree_as_of(tree["district"], TODAY)
    assert a in [c.org for n in now.children if n.org == tree["y"] for c in n.children]
    page = client.get(url, {"on": yesterday}).content.decode()
    x_part = page.split(tree["x"].name)[1].split(tree["y"].name)[0]
    assert a.name in x_part and "Tổ đảng 1" in x_part
    assert "Ngày" in client.get(url, {"on": "31/02/2018"}).content.decode()  # refused, said


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
    before = signed.cell.parent_id
    assert before in (x.pk, p.pk)
    reorganisation.merge(actor=personas["district"], orgs=[x, p], successor=y, on=TODAY,
                         reason="Nghị quyết hợp nhất")  # fmt: skip

    # The dashboard of a quarter before the date counts under the units of that time.
    then = compliance.dashboard(district, year=2018, quarter=1)
    met = {row.group.pk: row.met for row in then["rows"]}
    assert met[before] == 1 and met[y.pk] == 0
    later = compliance.dashboard(district, year=TODAY.year + 1, quarter=1)
    assert {row.group.pk for row in later["rows"]} & {x.pk, p.pk} == set()
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
    assert not member_permissions.can_manage(personas["staff_y"], x)
    # The roles that ended with X and P are offered on Y, and given again with a click;
    # nobody outside Y's administration may give them.
    ended = Role.objects.get(user=staff_p, organisation=p)
    carry = reverse("members:role_carry", args=[y.pk, ended.pk])
    client.force_login(personas["secretary_a"])
    assert client.post(carry).status_code == 404
    client.force_login(personas["district"])
    page = client.get(y.get_absolute_url()).content.decode()
    assert 'id="roles-to-carry"' in page and "staff_p" in page
    assert client.post(carry).status_code == 302
    assert Role.objects.valid().filter(user=staff_p, organisation=y).exists()
    assert ended not in history.roles_to_carry(y)  # offered no more
    assert client.post(carry).status_code == 404
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


def test_a_committee_formed_by_a_merger_reads_its_predecessors_history(
    three, cell_people, personas, client
):
    """The issue's case: three committees merged into a new one formed on the date."""
    district, x, y, p = three["district"], three["x"], three["y"], three["p"]
    signed = signed_meeting(cell_people, datetime.date(2018, 3, 5))
    book_url = reverse("meetings:minute_book", args=[signed.cell_id])
    client.force_login(personas["district"])
    book = minute_book(client, book_url, year=2018)
    assert book["Content-Type"] == "application/pdf"
    new = OrganisationFactory(parent=district, name="Đảng bộ xã Mới", code="NEW", founded_on=TODAY)
    staff_new = make_user(new, username="staff_new")
    reorganisation.merge(actor=personas["district"], orgs=[x, y, p], successor=new, on=TODAY)

    # Before the date the new committee's dashboard shows the committees of that time,
    # each with its own cells; after it, the new committee alone.
    client.force_login(staff_new)
    page = client.get(reverse("meetings:compliance", args=[new.pk]), {"year": 2018, "quarter": 1})
    assert page.status_code == 200
    rows = compliance.dashboard(new, year=2018, quarter=1)["rows"]
    # In tree order: by each level's key as a number ("/7/13/" after "/7/9/").
    assert [r.group for r in rows] == sorted([x, y, p], key=tree_order)
    assert sum(r.met for r in rows) == 1
    later = compliance.dashboard(new, year=TODAY.year + 1, quarter=1)["rows"]
    assert [r.group for r in later] == [new]
    # Its rotation has no year before it was founded: nothing to show, nothing to plan.
    grid = client.get(reverse("meetings:rotation", args=[new.pk]), {"year": 2018}).content.decode()
    assert 'id="no-groups"' in grid and "Lập lịch năm" not in grid
    rotation_services.plan_rotation(actor=staff_new, org=new, year=2018)
    assert not RotationSlot.objects.filter(group=new, year=2018).exists()
    # Its staff open the predecessors' pages and the minute book printed before: the
    # same bytes.
    for old in (x, y, p):
        assert client.get(old.get_absolute_url()).status_code == 200
    again = whole(client.get(book_url, {"year": 2018, "download": 1})).content
    assert again == book.content


def test_merging_cells_transfers_their_members_with_history(three, personas):
    p_cell, a2, b = three["p_cell"], three["a2"], three["b"]
    # Members in the middle of a transfer: one of P1's away at B for a while, one of B's
    # attending P1 for a while.
    month_ago, later = TODAY - datetime.timedelta(days=30), TODAY + datetime.timedelta(days=60)
    away = MemberFactory(cell=p_cell, full_name="Vàng Seo Chứ")
    guest = MemberFactory(cell=b, full_name="Lù Thị Mai")
    for member, to_cell in ((away, b), (guest, p_cell)):
        member_services.transfer_member(actor=personas["district"], member=member,
                                        to_cell=to_cell, on=month_ago, temporary=True,
                                        until=later)  # fmt: skip
    moved = list(Member.objects.filter(cell=p_cell).values_list("pk", flat=True))
    reorganisation.merge(actor=personas["district"], orgs=[p_cell], successor=a2, on=TODAY)
    assert set(Member.objects.filter(cell=a2).values_list("pk", flat=True)) >= set(moved)
    assert Member.objects.get(full_name="Lục Văn Già").status == MemberStatus.EXEMPTED
    away.refresh_from_db()
    assert away.cell == a2 and away.status == MemberStatus.TEMPORARILY_AWAY
    stays = Membership.objects.filter(member=guest, kind="temporary").order_by("started_on")
    assert [(s.cell, s.ended_on) for s in stays] == [(p_cell, TODAY), (a2, later)]
    assert AuditEvent.objects.filter(action="member.transfer").count() == len(moved) + 2


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


OPS = st.lists(
    st.tuples(st.sampled_from(["move", "merge", "split"]), st.integers(0, 20), st.integers(0, 20)),
    min_size=1, max_size=12,
)  # fmt: skip


def _flatten(node, parent=None, into=None):
    into = {} if into is None else into
    into[node.org.pk] = parent
    for child in node.children:
        _flatten(child, node.org.pk, into)
    return into


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=OPS)
def test_any_sequence_of_moves_merges_and_splits_keeps_the_tree_whole(tree, personas, ops):
    actor = personas["district"]
    yesterday = TODAY - datetime.timedelta(days=1)
    with transaction.atomic():
        for n in range(3):
            OrganisationFactory(parent=tree["district"], code=f"H{n}")
        root = Organisation.objects.get(parent=None)
        before = _flatten(history.tree_as_of(root, yesterday))
        for step, (op, i, j) in enumerate(ops):
            units = list(Organisation.objects.active().exclude(parent=None).order_by("pk"))
            org, other = units[i % len(units)], units[j % len(units)]
            try:
                if op == "move":
                    reorganisation.move(actor=actor, org=org, new_parent=other, on=TODAY)
                elif op == "merge":
                    reorganisation.merge(actor=actor, orgs=[org], successor=other, on=TODAY)
                else:
                    reorganisation.split(
                        actor=actor, org=org, name=f"Tách {step}", code=f"S{step}", on=TODAY,
                        units=list(Organisation.objects.filter(parent=org).active()[:1]),
                        members=list(Member.objects.filter(cell=org).on_roll()[:1]),
                    )  # fmt: skip
            except MembersError:  # a refusal (of the change, or of a member's transfer)
                pass
            assert not broken_paths()
            assert Organisation.objects.filter(parent=None).count() == 1
            for unit in Organisation.objects.active().exclude(parent=None).select_related("parent"):
                # Every active unit sits under an active unit of a kind that may hold it.
                assert unit.parent.is_active
                assert unit.kind in OrgKind.allowed_children(unit.parent.kind)
            on_roll = Member.objects.on_roll().select_related("cell")
            assert all(member.cell.is_active for member in on_roll)
            # Whatever happened today, the tree as of yesterday is the tree of yesterday.
            assert _flatten(history.tree_as_of(root, yesterday)) == before
        transaction.set_rollback(True)


def test_a_committee_and_a_cell_split_as_of_a_date(three, personas, client):
    district, x, a, a2 = three["district"], three["x"], three["a"], three["a2"]
    client.force_login(personas["district"])
    url = reverse("meetings:split", args=[x.pk])
    data = {"name": "Đảng bộ xã Tân Lập", "code": "X-TL", "parts": [str(a2.pk)],
            "on": TODAY.strftime("%d/%m/%Y"), "reason": "Quyết định 20-QĐ/TU"}  # fmt: skip
    page = client.post(url, data).content.decode()
    assert 'id="preview"' in page and a2.name in page
    assert not Organisation.objects.filter(code="X-TL").exists()  # a preview writes nothing
    assert client.post(url, {**data, "confirm": "True"}).status_code == 302
    new = Organisation.objects.get(code="X-TL")
    a.refresh_from_db()
    a2.refresh_from_db()
    x.refresh_from_db()
    assert (new.parent, new.kind, new.founded_on) == (district, x.kind, TODAY)
    assert a2.parent == new and a.parent == x and x.is_active
    assert TreeChange.objects.filter(kind="split", org=x, successor=new).exists()
    assert not broken_paths()
    before = history.tree_as_of(district, TODAY - datetime.timedelta(days=1))
    assert a2 in [c.org for n in before.children if n.org == x for c in n.children]
    # Refused, with the reason said and nothing written: a code in use, nothing chosen.
    for bad, message in (({"parts": [str(a.pk)]}, "đã có tổ chức dùng"), ({"parts": []}, "")):
        response = client.post(url, {**data, **bad, "confirm": "True"})
        assert response.status_code == 200 and message in response.content.decode()
    assert Organisation.objects.filter(parent=district).count() == 4  # X, Y, P and X-TL
    # A refused confirmation asks for a preview again; the preview refuses what the
    # confirmation would, and warns of a date long past and of posts that end.
    refused = client.post(url, {**data, "parts": [str(a.pk)], "confirm": "True"}).content.decode()
    assert 'name="confirm" value="True"' not in refused
    page = client.post(url, {**data, "parts": [str(a.pk)]}).content.decode()
    assert "đã có tổ chức dùng" in page and 'id="preview"' not in page
    old = {**data, "code": "X-OLD", "parts": [str(a.pk)], "on": "01/01/2020"}
    assert 'id="long-ago"' in client.post(url, old).content.decode()
    assert not Organisation.objects.filter(code="X-OLD").exists()

    # A cell splits: the chosen members transfer with their history.
    p_cell = three["p_cell"]
    leaving = list(Member.objects.filter(cell=p_cell).on_roll().order_by("pk")[:2])
    new_cell = reorganisation.split(actor=personas["district"], org=p_cell,
                                    name="Chi bộ thôn Phú Linh 2", code="P2", on=TODAY,
                                    members=leaving)  # fmt: skip
    for member in leaving:
        member.refresh_from_db()
        assert member.cell == new_cell
        homes = Membership.objects.filter(member=member, kind="home").order_by("started_on")
        assert [(h.cell, h.ended_on) for h in homes][-2:] == [(p_cell, TODAY), (new_cell, None)]
    assert Member.objects.filter(cell=p_cell).on_roll().exists()


def test_ending_a_level_brings_its_units_up_to_its_superior(tree, personas, client):
    district = tree["district"]
    level = OrganisationFactory(parent=district, kind="commune", name="Đảng bộ cụm xã",
                                code="CUM")  # fmt: skip
    inner = OrganisationFactory(parent=level, name="Đảng bộ xã Trong", code="CUM-T")
    cell = CellFactory(parent=inner, name="Chi bộ thôn Trong", code="CUM-T1")
    client.force_login(personas["district"])
    url = reverse("meetings:reorganise", args=[level.pk])
    data = {"action": "end_level", "on": TODAY.strftime("%d/%m/%Y"), "reason": "Bỏ cấp trung gian"}
    page = client.post(url, data).content.decode()
    assert 'id="preview"' in page and "chuyển lên trực thuộc" in page and district.name in page
    assert client.post(url, {**data, "confirm": "True"}).status_code == 302
    for org in (level, inner, cell):
        org.refresh_from_db()
    assert level.dissolved_on == TODAY and inner.parent == district and inner.is_active
    assert cell.path == f"{district.path}{inner.pk}/{cell.pk}/"
    assert not broken_paths()
    assert TreeChange.objects.filter(kind="merge", org=level, successor=district).exists()
    # A cell has no level below it to bring up: refused, in words.
    page = client.post(reverse("meetings:reorganise", args=[cell.pk]), data).content.decode()
    assert "Chi bộ không có cấp trực thuộc" in page


def test_a_renamed_unit_shows_its_old_name_on_an_earlier_day(tree, personas, client):
    from members.tree import services as org_services

    x = tree["x"]
    old_name = x.name
    org_services.update_organisation(actor=personas["district"], org=x,
                                     data={"name": "Đảng bộ phường Thanh Thủy"},
                                     version=x.version)  # fmt: skip
    yesterday = TODAY - datetime.timedelta(days=1)
    names = {n.org.pk: n.name for n in history.tree_as_of(tree["district"], yesterday).children}
    assert names[x.pk] == old_name
    names = {n.org.pk: n.name for n in history.tree_as_of(tree["district"], TODAY).children}
    assert names[x.pk] == "Đảng bộ phường Thanh Thủy"
    client.force_login(personas["district"])
    url = reverse("members:organisation_as_of", args=[tree["district"].pk])
    page = client.get(url, {"on": yesterday.strftime("%d/%m/%Y")}).content.decode()
    assert old_name in page and "nay là Đảng bộ phường Thanh Thủy" in page
    assert old_name in client.get(x.get_absolute_url()).content.decode()  # in its lineage
