import datetime
import re

import pytest
from django.db import connection
from django.urls import reverse

from meetings.compliance import figures as compliance
from meetings.follow_up import services as follow_up_services
from meetings.meeting import services as meeting_services
from meetings.models import Meeting, RotationSlot
from meetings.rotation_plan import services as rotation_services
from members.enums import RoleKind
from tests.factories import CellFactory, MemberFactory, make_user
from tests.meetings.conftest import at, signed_meeting, submitted_meeting


def test_the_numbers_match_independent_counts(client, cell_people, tree):
    staff = make_user(tree["district"], username="clerk")
    march, april = datetime.date(2018, 3, 5), datetime.date(2018, 4, 5)
    signed_meeting(cell_people, march)
    signed_meeting(cell_people, april)
    rotation_services.plan_rotation(actor=staff, org=tree["district"], year=2018)
    q1 = RotationSlot.objects.get(group=tree["x"], year=2018, quarter=1)
    q1.meeting = Meeting.objects.get(planned_at__month=3)
    q1.save()
    data = compliance.dashboard(tree["district"], year=2018, quarter=1)
    rows = {r.group.code: r for r in data["rows"]}
    # Cells A and A2 under X, B under Y; only A met, once (March) in Q1.
    assert (rows["X"].met, rows["X"].cell_months) == (1, 6)
    assert (rows["Y"].met, rows["Y"].cell_months) == (0, 3)
    assert rows["X"].model_held is True and rows["Y"].model_held is False
    meeting = Meeting.objects.get(planned_at__month=3)
    rows_present = meeting.attendance.filter(presence="present").count()
    assert (
        rows["X"].present == rows_present and rows["X"].required == meeting.attendance.count() - 0
    )
    assert rows["X"].quality == 1
    total = data["total"]
    assert total["met"] == 1 and total["cell_months"] == 9 and total["models_held"] == 1
    assert total["met_percent"] == round(100 / 9, 1)
    month = compliance.dashboard(tree["district"], year=2018, month=4)
    assert {r.group.code: r.met for r in month["rows"]}["X"] == 1


def test_overdue_signatures_are_counted(held_meeting, tree):
    data = compliance.dashboard(tree["district"], year=2018, quarter=1)
    assert data["total"]["overdue"] == 1
    assert {r.group.code: r.overdue for r in data["rows"]}["X"] == 1


@pytest.mark.parametrize("extra_cells", [1, 3])
def test_the_dashboard_queries_do_not_grow(client, tree, extra_cells, django_assert_num_queries):
    for n in range(extra_cells):
        MemberFactory(cell=CellFactory(parent=tree["y"], code=f"E{extra_cells}{n}"))
    client.force_login(make_user(tree["district"], RoleKind.OBSERVER, username="obs"))
    client.get(reverse("home"))
    url = reverse("meetings:compliance", args=[tree["district"].pk])
    # With the drilled group's cells and meetings; the district, the user's own unit, was
    # read with their roles, and the unread notifications with the user; one more reads
    # the cells moved since the period, to count them under their group of the time.
    with django_assert_num_queries(13):
        page = client.get(url, {"year": 2018, "quarter": 1, "group": tree["y"].pk})
    assert len(page.context["drill"].cells) == 1 + extra_cells


def test_the_dashboard_is_scoped(client, tree):
    client.force_login(make_user(tree["x"], username="staff_x5"))
    assert client.get(reverse("meetings:compliance", args=[tree["y"].pk])).status_code == 404
    page = client.get(
        reverse("meetings:compliance", args=[tree["x"].pk]), {"year": 2018, "month": 3}
    )
    assert (
        page.status_code == 200
        and "Chi bộ thôn Thanh Sơn" not in page.content.decode().split("<table")[0]
    )


def test_the_totals_drill_down_to_every_cell(client, tree):
    client.force_login(make_user(tree["district"], username="clerk_all"))
    url = reverse("meetings:compliance", args=[tree["district"].pk])
    page = client.get(url, {"year": 2018, "quarter": 1})
    assert "group=all" in page.content.decode()
    drill = client.get(url, {"year": 2018, "quarter": 1, "group": "all"}).context["drill"]
    assert sorted(c.cell.code for c in drill.cells) == ["A", "A2", "B"]


def test_many_groups_are_summed_per_committee_below(client, tree, monkeypatch):
    from meetings.compliance import figures as compliance

    client.force_login(make_user(tree["district"], username="clerk_sum"))
    url = reverse("meetings:compliance", args=[tree["district"].pk])
    plain = client.get(url, {"year": 2018, "quarter": 1}).context
    monkeypatch.setattr(compliance, "ROLLUP_ABOVE", 1)
    page = client.get(url, {"year": 2018, "quarter": 1})
    rows = page.context["rows"]
    assert [r.rollup for r in rows] == [True, True]
    assert [r.cell_count for r in rows] == [r.cell_count for r in plain["rows"]]
    assert page.context["total"] == plain["total"]
    x_page = reverse("meetings:compliance", args=[tree["x"].pk])
    assert f'href="{x_page}?year=2018&amp;quarter=1"' in page.content.decode()


def test_an_addendum_is_not_a_meeting_of_the_month_it_is_written_in(cell_people, tree):
    march = signed_meeting(cell_people, datetime.date(2018, 3, 5))
    addendum = follow_up_services.create_addendum(
        actor=cell_people["secretary_user"], meeting=march
    )
    Meeting.objects.filter(pk=addendum.pk).update(
        state="signed", planned_at=at(datetime.date(2018, 4, 9)), period=datetime.date(2018, 4, 1)
    )
    april = compliance.dashboard(tree["district"], year=2018, month=4)
    assert {r.group.code: r.met for r in april["rows"]}["X"] == 0
    march_rows = compliance.dashboard(tree["district"], year=2018, month=3)["rows"]
    assert {r.group.code: r.met for r in march_rows}["X"] == 1


def test_the_home_page_says_an_addendum_is_not_this_months_meeting(client, cell_people):
    march = signed_meeting(cell_people, datetime.date(2018, 3, 5))
    follow_up_services.create_addendum(
        actor=cell_people["secretary_user"], meeting=march
    )  # this month
    client.force_login(cell_people["secretary_user"])
    page = client.get(reverse("home")).content.decode()
    assert "Tháng này chi bộ chưa có cuộc sinh hoạt nào." in page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL plan")
def test_the_totals_per_group_come_from_the_index_alone(tree):
    captured = []

    def capture(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        compliance.dashboard(tree["district"], year=2018, quarter=4)
    sql, params = next((s, p) for s, p in captured if "COUNT(DISTINCT" in s)
    with connection.cursor() as cursor:
        # Without table scans, an index-only scan is the cheapest plan when the index
        # holds every column the query reads; a column missing makes it an index scan.
        for scan in ("seqscan", "bitmapscan"):
            cursor.execute(f"SET LOCAL enable_{scan} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # By period (a province's dashboard) or by cell (a district's), the totals are in both.
    assert re.search(r"Index Only Scan using meeting_(cell_)?signed_totals_idx", plan), plan


def test_a_cell_meeting_twice_in_a_month_met_once_that_month(cell_people, tree):
    signed_meeting(cell_people, datetime.date(2018, 1, 8))
    second = submitted_meeting(cell_people, datetime.date(2018, 2, 8))
    # A thematic meeting later in January, besides the regular one.
    Meeting.objects.filter(pk=second.pk).update(
        kind="thematic", period=datetime.date(2018, 1, 1), planned_at=at(datetime.date(2018, 1, 25))
    )
    for user in (cell_people["taker_user"], cell_people["secretary_user"]):
        meeting_services.sign_minutes(meeting=Meeting.objects.get(pk=second.pk), user=user,
                              password="pw-for-tests-1")  # fmt: skip
    quarter = compliance.dashboard(tree["district"], year=2018, quarter=1)
    x = {r.group.code: r for r in quarter["rows"]}["X"]
    assert (x.met, x.meetings, x.cell_months) == (1, 2, 6)
    january = compliance.dashboard(tree["district"], year=2018, month=1)
    assert {r.group.code: r.met for r in january["rows"]}["X"] == 1


def test_a_period_in_progress_is_not_counted_as_missed(client, tree, personas):
    from django.urls import reverse
    from django.utils import timezone

    from meetings.rotation_plan import services as rotation_services

    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    for year in (today.year - 1, today.year):
        rotation_services.plan_rotation(actor=personas["district"], org=tree["district"], year=year)
    client.force_login(personas["staff_x"])
    url = reverse("meetings:compliance", args=[tree["x"].pk])
    now = client.get(url, {"year": today.year, "quarter": quarter, "group": "all"}).content.decode()
    assert 'id="in-progress"' in now and "chưa đến hạn" in now and "table-warning" not in now
    past = client.get(
        url, {"year": today.year - 1, "quarter": quarter, "group": "all"}
    ).content.decode()
    assert 'id="in-progress"' not in past and "chưa đến hạn" not in past
    # In the totals too: only the months ended so far are expected of every cell.
    this_month = compliance.dashboard(tree["district"], year=today.year, month=today.month)
    assert this_month["total"]["cell_months"] == 0 and this_month["total"]["met_percent"] is None
    this_quarter = compliance.dashboard(tree["district"], year=today.year, quarter=quarter)
    ended = (today.month - 1) % 3
    assert this_quarter["total"]["cell_months"] == this_quarter["total"]["cells"] * ended
    last_year = compliance.dashboard(tree["district"], year=today.year - 1, quarter=quarter)
    assert last_year["total"]["cell_months"] == last_year["total"]["cells"] * 3
    assert "table-warning" in past and "✗" in past


def test_a_cell_is_expected_from_the_month_it_was_founded(tree):
    before = {r.group.code: r.cell_months for r in
              compliance.dashboard(tree["district"], year=2018, quarter=1)["rows"]}  # fmt: skip
    CellFactory(parent=tree["x"], code="X-NEW", founded_on=datetime.date(2018, 3, 10))
    CellFactory(parent=tree["x"], code="X-GONE", founded_on=datetime.date(2000, 1, 1),
                dissolved_on=datetime.date(2018, 2, 1))  # fmt: skip
    after = {r.group.code: r.cell_months for r in
             compliance.dashboard(tree["district"], year=2018, quarter=1)["rows"]}  # fmt: skip
    assert after["X"] == before["X"] + 1 + 1  # March for the new cell, January for the other


def test_the_dashboard_sorts_by_any_column_worst_first(client, cell_people, tree):
    """X's cell A met in March (1 of 6 cell-months), Y's cell B never (0 of 3): worst
    first puts Y on top; the column's link again turns the order round."""
    signed_meeting(cell_people, datetime.date(2018, 3, 5))
    client.force_login(make_user(tree["district"], username="clerk_sort"))
    url = reverse("meetings:compliance", args=[tree["district"].pk])

    def order(**query):
        page = client.get(url, {"year": 2018, "quarter": 1, **query})
        return [row.group.code for row in page.context["rows"]], page.content.decode()

    worst, html = order()
    assert worst == ["Y", "X"]
    assert 'aria-sort="ascending"' in html and "sort=-met" in html
    assert order(sort="-met")[0] == ["X", "Y"]
    assert order(sort="name")[0] == ["X", "Y"] and order(sort="-name")[0] == ["Y", "X"]
    assert order(sort="cells")[0] == ["X", "Y"]  # the larger group first
    assert order(sort="nonsense")[0] == worst
    # The quality column shows a share with its colour; the legend explains the colours.
    assert "(1/1)" in html and 'id="legend"' in html and "85–99%" in html


def test_the_drill_down_names_each_cells_missing_months(client, cell_people, tree):
    signed_meeting(cell_people, datetime.date(2018, 3, 5))
    data = compliance.dashboard(tree["district"], year=2018, quarter=1, drill="all")
    missing = {c.cell.code: c.missing for r in data["rows"] for c in r.cells}
    first = [datetime.date(2018, m, 1) for m in (1, 2, 3)]
    assert missing == {"A": first[:2], "A2": first, "B": first}
    client.force_login(make_user(tree["district"], username="clerk_drill"))
    url = reverse("meetings:compliance", args=[tree["district"].pk])
    page = client.get(url, {"year": 2018, "quarter": 1}).content.decode()
    # Each committee opens its cells where the eye is: at the list, below the table.
    assert f"group={tree['x'].pk}#cells" in page
    drill = client.get(url, {"year": 2018, "quarter": 1, "group": tree["x"].pk}).content.decode()
    assert 'id="cells"' in drill and "01/2018</span>, <span" in drill
    assert "đạt HD 12" in drill
