"""Committee staff see at a glance who is behind: from the home page to the committee
behind and on to its cells and the months they missed; the dashboard sorts; the
rotation grid says when a filter matches nothing."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings.compliance import attention
from meetings.rotation_plan import services as rotation_services
from tests.e2e.browsing import log_in
from tests.factories import make_user
from tests.meetings.conftest import signed_meeting

pytestmark = pytest.mark.e2e


@pytest.fixture
def quarter(tree, cell_people):
    """The last finished quarter: cell A (under Thanh Thủy) met in its first month only;
    A2 (Thanh Thủy) and B (Phương Tiến) never. The district's staff are `district`,
    Thanh Thủy's `thanhthuy`; this year's rotation is planned."""
    year, q = attention.last_finished_quarter(timezone.localdate())
    months = [datetime.date(year, 3 * q - 2 + k, 1) for k in range(3)]
    signed_meeting(cell_people, months[0].replace(day=5))
    district = make_user(tree["district"], username="district")
    make_user(tree["x"], username="thanhthuy")
    rotation_services.plan_rotation(
        actor=district, org=tree["district"], year=timezone.localdate().year
    )
    return [f"{m:%m/%Y}" for m in months]


def test_district_goes_from_home_to_the_worst_committee_and_its_missing_months(page, quarter):
    log_in(page, "district")
    card = page.locator("section.attention")
    behind = card.locator("ol.behind > li")
    # Phương Tiến met in none of its cell-months, Thanh Thủy in one of six: worst first.
    expect(behind.first).to_contain_text("Đảng bộ xã Phương Tiến")
    expect(behind.first).to_contain_text("0,0%")
    behind.first.get_by_role("link").click()
    expect(
        page.get_by_role("heading", name="Các chi bộ của Đảng bộ xã Phương Tiến")
    ).to_be_in_viewport()
    row = page.locator("#cells ~ div tr", has_text="Chi bộ thôn Nà Miều")
    expect(row.locator("td.missing")).to_have_text(", ".join(quarter))
    # One more click: the cell's own meetings.
    row.get_by_role("link", name="Chi bộ thôn Nà Miều").click()
    expect(page).to_have_url(re.compile(r"/orgs/\d+/meetings/$"))

    # The dashboard sorts by any column: worst first, then the other way round.
    page.go_back()
    names = page.locator("#dashboard tbody tr td:first-child")
    expect(names).to_have_text(["Đảng bộ xã Phương Tiến", "Đảng bộ xã Thanh Thủy"])
    page.locator("#dashboard thead").get_by_role(
        "link", name=re.compile("Sinh hoạt hằng tháng")
    ).click()
    expect(names).to_have_text(["Đảng bộ xã Thanh Thủy", "Đảng bộ xã Phương Tiến"])
    page.locator("#dashboard thead").get_by_role("link", name=re.compile("^Đảng bộ")).click()
    expect(names).to_have_text(["Đảng bộ xã Thanh Thủy", "Đảng bộ xã Phương Tiến"])
    expect(page.locator("#legend")).to_contain_text("85–99%")

    # The rotation grid from the home page; a filter that matches nothing says so.
    page.goto("/")
    card.get_by_role("link", name="Lịch chi bộ điểm").click()
    page.get_by_label("Loại hình chi bộ").select_option("school")
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator("#no-match")).to_contain_text("Không có quý nào khớp bộ lọc này")
    expect(page.get_by_role("button", name="Lập lịch năm")).to_have_count(0)


def test_commune_staff_go_from_home_to_their_cells_behind(page, quarter):
    log_in(page, "thanhthuy")
    behind = page.locator("section.attention ol.behind > li")
    expect(behind).to_have_count(1)
    expect(behind.first).to_contain_text("Đảng bộ xã Thanh Thủy")
    behind.first.get_by_role("link").click()
    cells = page.locator("#cells ~ div")
    expect(
        cells.locator("tr", has_text="Chi bộ thôn Thanh Sơn").locator("td.missing")
    ).to_have_text(", ".join(quarter[1:]))
    expect(
        cells.locator("tr", has_text="Chi bộ thôn Lùng Chang").locator("td.missing")
    ).to_have_text(", ".join(quarter))
