"""District staff plan and review the rotation of the model meeting, and export it."""

import datetime
import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.browsing import assert_fits_width, log_in
from tests.factories import CellFactory, make_user

pytestmark = pytest.mark.e2e


@pytest.fixture
def district(tree):
    """The test district, one agency cell directly under it, and its committee staff."""
    CellFactory(parent=tree["district"], code="D1", name="Chi bộ Phòng Tư pháp",
                cell_type="agency", kind="direct_cell")  # fmt: skip
    make_user(tree["district"], username="district_staff")
    return tree


def download(page, link_name):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    return info.value.suggested_filename, info.value.path().read_bytes()


def test_district_reviews_rotation(page, district):
    year = datetime.date.today().year + 1
    log_in(page, "district_staff")
    card = page.locator(".card", has=page.get_by_role("heading", name="Đảng bộ huyện Thử"))
    card.get_by_role("link", name="Xem tổ chức").click()
    page.get_by_role("link", name="Sinh hoạt chi bộ điểm").click()

    # Next year has no plan yet: the staff draw it up.
    page.get_by_label("Năm").fill(str(year))
    page.get_by_role("button", name="Lọc").click()
    expect(
        page.get_by_role("heading", name=re.compile(f"Đảng bộ huyện Thử, năm {year}$"))
    ).to_be_visible()
    expect(page.get_by_text("Chưa có lịch cho năm này.")).to_be_visible()
    page.get_by_role("button", name="Lập lịch năm").click()
    expect(page.get_by_text(f"Đã lập lịch sinh hoạt chi bộ điểm năm {year}.")).to_be_visible()
    grid = page.locator("table")
    row_x = grid.get_by_role("row", name=re.compile("^Đảng bộ xã Thanh Thủy"))
    expect(row_x.get_by_role("link", name="Chi bộ thôn Thanh Sơn").first).to_be_visible()
    expect(row_x.get_by_role("link", name="Chi bộ thôn Lùng Chang").first).to_be_visible()
    expect(grid.get_by_role("link", name="Chi bộ thôn Nà Miều")).to_have_count(4)
    assert_fits_width(page)

    # One committee, one quarter.
    page.get_by_label("Đảng bộ / nhóm").select_option(label="Đảng bộ xã Thanh Thủy")
    page.get_by_label("Quý").select_option("2")
    page.get_by_role("button", name="Lọc").click()
    expect(grid.locator("thead th")).to_have_text(["Đảng bộ / nhóm", "Quý 2"])
    expect(grid.locator("tbody tr")).to_have_count(1)
    expect(grid.locator("tbody tr")).to_contain_text("Đảng bộ xã Thanh Thủy")
    quarter_host = grid.locator("tbody td a").first.inner_text()
    assert quarter_host in ("Chi bộ thôn Thanh Sơn", "Chi bộ thôn Lùng Chang")

    # The spreadsheet holds what the screen shows.
    filename, body = download(page, "Xuất Excel")
    assert filename == f"diem-luan-phien-D-{year}-q2-X.xlsx"  # the filter in its name
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:2] == ["Đảng bộ / nhóm", "Quý 2 — chi bộ điểm"]
    assert [row[:2] for row in rows[1:]] == [["Đảng bộ xã Thanh Thủy", quarter_host]]

    # Only agency cells, the whole year.
    page.get_by_label("Đảng bộ / nhóm").select_option(label="Tất cả")
    page.get_by_label("Quý").select_option(label="Cả năm")
    page.get_by_label("Loại hình chi bộ").select_option(label="Cơ quan")
    page.get_by_role("button", name="Lọc").click()
    expect(grid.locator("tbody td a", has_text="Chi bộ")).to_have_text(["Chi bộ Phòng Tư pháp"] * 4)

    # The whole grid printed on landscape A4.
    page.get_by_label("Loại hình chi bộ").select_option(label="Tất cả")
    page.get_by_role("button", name="Lọc").click()
    filename, body = download(page, "Xuất PDF (A4 ngang)")
    assert filename == f"diem-luan-phien-D-{year}.pdf"
    reader = PdfReader(io.BytesIO(body))
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert width > height  # landscape
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for name in ("Đảng bộ huyện Thử", "Đảng bộ xã Thanh Thủy", "Chi bộ thôn Thanh Sơn",
                 "Chi bộ thôn Nà Miều", "Chi bộ Phòng Tư pháp"):  # fmt: skip
        assert name in text, name
