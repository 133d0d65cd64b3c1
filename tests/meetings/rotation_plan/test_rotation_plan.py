import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.meeting import services as meeting_services
from meetings.models import RotationSlot
from meetings.rotation_plan import services as rotation_services
from members.enums import RoleKind
from tests.factories import CellFactory, MemberFactory, OrganisationFactory, make_user
from tests.meetings.conftest import at

# The shipped rating templates, whatever ran before in this process.
pytestmark = pytest.mark.usefixtures("rating_templates")


@pytest.fixture
def staff(tree):
    return make_user(tree["district"], username="district_clerk")


def held_model_meeting(staff, cell, day):
    """The cell's model meeting on `day`, prepared by its committee and held."""
    meeting = meeting_services.plan_meeting(actor=staff, cell=cell, kind="model", planned_at=at(day),
                                    place="NVH")  # fmt: skip
    meeting_services.record_committee_session(actor=staff, meeting=meeting,
                                      held_on=day - datetime.timedelta(days=4), attendees=[],
                                      agreed_content="x")  # fmt: skip
    services.change_state(actor=staff, meeting=meeting, to="prepared")
    services.change_state(actor=staff, meeting=meeting, to="held")
    meeting.refresh_from_db()
    return meeting


def hosts(org, year):
    return {
        (s.group.code, s.quarter): s.host.code if s.host_id else None
        for s in RotationSlot.objects.filter(
            group__path__startswith=org.path, year=year
        ).select_related("group", "host")
    }


def test_a_year_is_planned_per_group_and_replanning_changes_nothing(tree, staff):
    CellFactory(parent=tree["district"], code="D1", name="Chi bộ Phòng Tư pháp", cell_type="agency",
                kind="direct_cell")  # fmt: skip
    rotation_services.plan_rotation(actor=staff, org=tree["district"], year=2018)
    plan = hosts(tree["district"], 2018)
    # Groups: the district's direct cells, committee X (A, A2), committee Y (B).
    assert plan[("X", 1)] == "A" and plan[("X", 2)] == "A2" and plan[("X", 3)] == "A"
    assert {plan[("Y", q)] for q in range(1, 5)} == {"B"}
    assert plan[("D", 1)] == "D1"
    rotation_services.plan_rotation(actor=staff, org=tree["district"], year=2018)
    assert hosts(tree["district"], 2018) == plan
    # The cycle runs on into the next year.
    rotation_services.plan_rotation(actor=staff, org=tree["district"], year=2019)
    assert hosts(tree["district"], 2019)[("X", 1)] == "A"  # A hosted longest ago (Q3)


def test_held_quarters_stay_and_new_cells_join(tree, staff, settings):
    rotation_services.plan_rotation(actor=staff, org=tree["x"], year=2030)
    q1 = RotationSlot.objects.get(group=tree["x"], year=2030, quarter=1)
    meeting = held_model_meeting(staff, q1.host, datetime.date(2030, 2, 5))
    q1.meeting = meeting
    q1.save()
    newcomer = CellFactory(parent=tree["x"], code="A3", founded_on=datetime.date(2000, 1, 1))
    rotation_services.plan_rotation(actor=staff, org=tree["x"], year=2030)
    plan = hosts(tree["x"], 2030)
    assert plan[("X", 1)] == q1.host.code  # held: never rewritten
    # The newcomer joins the cycle: it hosts before A hosts a second time.
    assert [plan[("X", q)] for q in (2, 3, 4)] == ["A2", newcomer.code, "A"]


def test_swaps_that_break_the_rule_are_refused(tree, staff):
    CellFactory(parent=tree["x"], code="A3", founded_on=datetime.date(2000, 1, 1))
    rotation_services.plan_rotation(actor=staff, org=tree["x"], year=2030)
    slots = {s.quarter: s for s in RotationSlot.objects.filter(group=tree["x"], year=2030)}
    assert [slots[q].host.code for q in range(1, 5)] == ["A", "A2", "A3", "A"]
    # Swapping Q1 and Q2 would let A host again before A2 has hosted since.
    with pytest.raises(rotation_services.RotationError, match="hai lần"):
        rotation_services.swap_slots(actor=staff, first=slots[1], second=slots[2], reason="Mùa vụ")
    with pytest.raises(rotation_services.RotationError, match="lý do"):
        rotation_services.swap_slots(actor=staff, first=slots[2], second=slots[3], reason=" ")
    rotation_services.swap_slots(actor=staff, first=slots[2], second=slots[3], reason="Mùa vụ")
    assert [hosts(tree["x"], 2030)[("X", q)] for q in range(1, 5)] == ["A", "A3", "A2", "A"]
    rotation_services.plan_rotation(actor=staff, org=tree["x"], year=2030)
    assert hosts(tree["x"], 2030)[("X", 2)] == "A3"  # hand-made changes are kept


def test_a_postponed_host_comes_back_next_quarter(tree, staff):
    rotation_services.plan_rotation(actor=staff, org=tree["x"], year=2030)
    q1 = RotationSlot.objects.get(group=tree["x"], year=2030, quarter=1)
    rotation_services.postpone_slot(actor=staff, slot=q1, reason="Mưa lũ")
    rotation_services.plan_rotation(actor=staff, org=tree["x"], year=2030)
    plan = hosts(tree["x"], 2030)
    assert plan[("X", 2)] == plan[("X", 1)] == "A"


def test_the_grid_page_plans_and_shows_the_year(client, tree, staff, django_assert_max_num_queries):
    client.force_login(staff)
    url = reverse("meetings:rotation", args=[tree["district"].pk])
    assert "Chưa có lịch cho năm này" in client.get(url, {"year": 2031}).content.decode()
    response = client.post(url, {"year": 2031})
    assert response.status_code == 302
    page = client.get(url, {"year": 2031})
    rows = page.context["rows"]
    assert [g.code for g, _slots in rows] == ["X", "Y"]
    assert "Chi bộ thôn Thanh Sơn" in page.content.decode()
    with django_assert_max_num_queries(12):
        client.get(url, {"year": 2031})


def test_rotation_pages_are_scoped(client, tree, staff):
    rotation_services.plan_rotation(actor=staff, org=tree["district"], year=2031)
    slot_y = RotationSlot.objects.get(group=tree["y"], year=2031, quarter=1)
    client.force_login(make_user(tree["x"], username="staff_x9"))
    assert client.get(reverse("meetings:rotation", args=[tree["y"].pk])).status_code == 404
    assert client.get(reverse("meetings:rotation_slot", args=[slot_y.pk])).status_code == 404
    client.force_login(make_user(tree["y"], RoleKind.OBSERVER, username="observer_y"))
    assert client.get(reverse("meetings:rotation_slot", args=[slot_y.pk])).status_code == 200
    assert (
        client.post(reverse("meetings:rotation", args=[tree["y"].pk]), {"year": 2031}).status_code
        == 403
    )
    client.logout()
    assert client.get(reverse("meetings:rotation", args=[tree["y"].pk])).status_code == 302


def test_plan_rotation_command_prints_and_dry_runs(tree, capsys):
    MemberFactory(cell=tree["a"])
    call_command("plan_rotation", org="D", year=2032, dry_run=True)
    out = capsys.readouterr().out
    assert "Đảng bộ xã Thanh Thủy: Q1: Chi bộ thôn Thanh Sơn" in out and "Xem trước" in out
    assert not RotationSlot.objects.exists()
    call_command("plan_rotation", org="D", year=2032)
    assert RotationSlot.objects.filter(year=2032).count() == 8


def test_the_grid_filters_and_exports(client, tree, staff):
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    rotation_services.plan_rotation(actor=staff, org=tree["district"], year=2031)
    client.force_login(staff)
    url = reverse("meetings:rotation", args=[tree["district"].pk])
    page = client.get(url, {"year": 2031, "quarter": 2, "group": tree["x"].pk})
    assert page.context["quarters"] == [2]
    assert [g.code for g, _slots in page.context["rows"]] == ["X"]
    # A filter that matches nothing says so; the year stays planned (no "plan the year").
    empty = client.get(url, {"year": 2031, "cell_type": "school"})
    assert empty.context["planned"] is True
    html = empty.content.decode()
    assert 'id="no-match"' in html and "Chưa có lịch cho năm này" not in html
    assert "Lập lịch năm" not in html
    sheet = load_workbook(
        io.BytesIO(client.get(url, {"year": 2031, "export": "xlsx"}).content)
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Đảng bộ / nhóm", "Quý 1 — chi bộ điểm")
    assert rows[1][0] == "Đảng bộ xã Thanh Thủy" and rows[1][1] == "Chi bộ thôn Thanh Sơn"
    assert rows[1][3] == "Kế hoạch"
    # The spreadsheet follows the reader's language; the PDF, a document for the files,
    # says it is printed in Vietnamese.
    client.cookies["django_language"] = "en"
    english = load_workbook(
        io.BytesIO(client.get(url, {"year": 2031, "export": "xlsx"}).content)
    ).active
    header, first = list(english.iter_rows(values_only=True))[:2]
    assert header[1] == "Quarter 1 — host cell" and first[3] == "Planned"
    assert "in Vietnamese" in client.get(url, {"year": 2031}).content.decode()
    client.cookies.pop("django_language")
    body = client.get(url, {"year": 2031, "export": "pdf"}).content
    page_one = PdfReader(io.BytesIO(body)).pages[0]
    assert "LỊCH SINH HOẠT CHI BỘ ĐIỂM LUÂN PHIÊN NĂM 2031" in page_one.extract_text()
    assert float(page_one.mediabox.width) > float(page_one.mediabox.height)  # landscape


def test_the_hosts_model_meeting_fills_its_slot(tree, staff):
    rotation_services.plan_rotation(actor=staff, org=tree["x"], year=2030)
    slot = RotationSlot.objects.get(group=tree["x"], year=2030, quarter=2)
    meeting = meeting_services.plan_meeting(actor=staff, cell=slot.host, kind="model",
                                    planned_at=at(datetime.date(2030, 5, 6)), place="NVH")  # fmt: skip
    slot.refresh_from_db()
    assert slot.meeting == meeting and slot.status == "planned"
    meeting_services.record_committee_session(actor=staff, meeting=meeting, held_on=datetime.date(2030, 5, 1),
                                      attendees=[], agreed_content="x")  # fmt: skip
    services.change_state(actor=staff, meeting=meeting, to="prepared")
    services.change_state(actor=staff, meeting=meeting, to="held")
    slot.refresh_from_db()
    assert slot.status == "held"


def test_the_grid_shows_each_quarters_meeting_minutes_and_rating(client, tree, staff):
    import io

    from openpyxl import load_workbook

    from meetings.models import Meeting
    from meetings.rotation_plan import ratings
    from members.models import Organisation

    rotation_services.plan_rotation(actor=staff, org=tree["x"], year=2018)
    slot = RotationSlot.objects.select_related("host").get(group=tree["x"], year=2018, quarter=2)
    meeting = held_model_meeting(staff, slot.host, datetime.date(2018, 5, 6))
    scores = {"preparation": 18, "attendance": 9, "conduct": 30, "principles": 14, "reports": 8}
    ratings.rate_meeting(actor=staff, meeting=meeting, role="superior", scores=scores)
    Organisation.objects.filter(pk=tree["x"].pk).update(name="Đảng bộ <Thanh & Thủy>")
    client.force_login(staff)
    url = reverse("meetings:rotation", args=[tree["district"].pk])

    row = (
        client.get(url, {"year": 2018})
        .content.decode()
        .split("Đảng bộ &lt;Thanh &amp; Thủy&gt;")[-1]
    )
    row = row[: row.index("</tr>")]
    host = f'<a href="{reverse("meetings:rotation_slot", args=[slot.pk])}">{slot.host.name}</a>'
    assert host in row and '<span class="badge rotation-held">Đã họp</span>' in row
    assert f'Đã họp</span> <a href="{meeting.get_absolute_url()}">06/05/2018</a>' in row
    assert "Cấp trên: 79 điểm, Khá" in row and "biên bản (PDF)" not in row
    Meeting.objects.filter(pk=meeting.pk).update(state="signed")
    row = client.get(url, {"year": 2018, "quarter": 2}).content.decode().split("Thủy&gt;")[-1]
    assert (
        f'<a href="{reverse("meetings:meeting_pdf", args=[meeting.pk])}">biên bản (PDF)</a>' in row
    )
    sheet = load_workbook(io.BytesIO(client.get(url, {"year": 2018, "export": "xlsx"}).content))
    line = next(r for r in sheet.active.iter_rows(values_only=True) if r[0].startswith("Đảng bộ <"))
    assert line[5:9] == (slot.host.name, "06/05/2018", "Đã họp", "79 — Khá")


def test_the_cycle_follows_the_order_cells_were_made_not_their_paths_as_text(tree, staff):
    group = OrganisationFactory(parent=tree["district"], name="Đảng bộ xã Mười", code="G")
    nine = CellFactory(parent=group, code="G9", id=99999, founded_on=datetime.date(2000, 1, 1))
    ten = CellFactory(parent=group, code="G10", id=100000, founded_on=datetime.date(2000, 1, 1))
    nine.refresh_from_db()
    ten.refresh_from_db()
    assert ten.path < nine.path  # as text, the later cell would come first
    rotation_services.plan_rotation(actor=staff, org=group, year=2030)
    slots = RotationSlot.objects.filter(group=group, year=2030).order_by("quarter")
    assert [slot.host_id for slot in slots][:2] == [nine.pk, ten.pk]


def test_the_grid_follows_the_tree_at_once(tree, staff):
    """A cell founded under a planned group hosts before any cell hosts again; a host
    dissolved leaves its unheld quarters to the others at once; each change audited."""
    from members.models import AuditEvent
    from members.tree import services as members_services

    year = timezone.localdate().year + 1
    rotation_services.plan_rotation(actor=staff, org=tree["x"], year=year)
    assert [hosts(tree["x"], year)[("X", q)] for q in (1, 2, 3, 4)] == ["A", "A2", "A", "A2"]
    logged = AuditEvent.objects.filter(action="rotation.plan").count()
    newcomer = members_services.create_organisation(
        actor=staff, parent=tree["x"],
        data={"name": "Chi bộ thôn Mới", "code": "A3", "kind": "cell", "cell_type": "village",
              "founded_on": timezone.localdate()},
    )  # fmt: skip
    plan = [hosts(tree["x"], year)[("X", q)] for q in (1, 2, 3, 4)]
    assert plan[:3] == ["A", "A2", "A3"]  # before A hosts a second time
    assert AuditEvent.objects.filter(action="rotation.plan").count() == logged + 1
    members_services.dissolve_organisation(actor=staff, org=newcomer, on=timezone.localdate())
    plan = [hosts(tree["x"], year)[("X", q)] for q in (1, 2, 3, 4)]
    assert "A3" not in plan and plan == ["A", "A2", "A", "A2"]
    assert AuditEvent.objects.filter(action="rotation.plan").count() == logged + 2


def test_the_quarter_of_a_dissolved_host_is_planned_again_within_it(tree, staff):
    """The host of the quarter in progress is dissolved before its model meeting: the
    quarter goes to a cell that still exists."""
    from members.tree import services as members_services

    today = timezone.localdate()
    gone = CellFactory(parent=tree["y"], code="B2", founded_on=datetime.date(2000, 1, 1))
    rotation_services.plan_rotation(actor=staff, org=tree["y"], year=today.year)
    quarter = (today.month - 1) // 3 + 1
    slot = RotationSlot.objects.get(group=tree["y"], year=today.year, quarter=quarter)
    if slot.host_id != gone.pk:  # make the dissolved cell this quarter's host
        slot.host = gone
        slot.save()
    members_services.dissolve_organisation(actor=staff, org=gone, on=today)
    slot.refresh_from_db()
    assert slot.host_id == tree["b"].pk


def test_a_refused_swap_names_the_quarter(tree, staff):
    rotation_services.plan_rotation(actor=staff, org=tree["x"], year=2018)
    first, second = RotationSlot.objects.filter(group=tree["x"], year=2018).order_by("quarter")[:2]
    with pytest.raises(rotation_services.RotationError, match="Quý 1/2018 đã qua"):
        rotation_services.swap_slots(actor=staff, first=first, second=second, reason="x")


def test_a_group_without_cells_is_not_late(client, tree, staff):
    empty = OrganisationFactory(name="Đảng bộ Công an huyện", code="CA", parent=tree["district"])
    rotation_services.plan_rotation(actor=staff, org=tree["district"], year=2018)
    client.force_login(staff)
    page = client.get(reverse("meetings:rotation", args=[tree["district"].pk]), {"year": 2018})
    row = page.content.decode().rsplit(empty.name, 1)[1].split("</tr>")[0]
    assert "Quá hạn" not in row and "Chưa có chi bộ" in row


def test_the_exported_pdf_keeps_rows_whole_with_ratings_and_its_filter(client, tree, staff):
    """Forty committees with long names fill several landscape pages: every committee's
    row is read back on one page; a filtered export says its filter."""
    import io

    from pypdf import PdfReader

    long = " ".join(["và các bản vùng cao biên giới"] * 5)
    for n in range(40):
        group = OrganisationFactory(name=f"Đảng bộ xã Số {n:02d}", code=f"G{n:02d}",
                                    parent=tree["district"])  # fmt: skip
        CellFactory(parent=group, code=f"G{n:02d}C", name=f"Chi bộ thôn {n:02d} {long} hết{n:02d}")
    rotation_services.plan_rotation(actor=staff, org=tree["district"], year=2031)
    client.force_login(staff)
    url = reverse("meetings:rotation", args=[tree["district"].pk])
    pages = [
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(client.get(url, {"year": 2031, "export": "pdf"}).content)).pages
    ]  # fmt: skip
    assert len(pages) > 2
    for n in range(40):
        # The row's first and last words, in each of its four quarters, on one page.
        holding = [
            i for i, text in enumerate(pages) if f"thôn {n:02d} " in text or f"hết{n:02d}" in text
        ]
        assert len(holding) == 1, f"the row of Đảng bộ xã Số {n:02d} is split: pages {holding}"
        assert (
            pages[holding[0]].count(f"thôn {n:02d} ") == pages[holding[0]].count(f"hết{n:02d}") == 4
        )
    response = client.get(url, {"year": 2031, "quarter": 2, "group": tree["x"].pk, "export": "pdf"})
    assert "-q2-X.pdf" in response["Content-Disposition"]
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Trích theo bộ lọc: quý 2; Đảng bộ xã Thanh Thủy" in " ".join(text.split())
