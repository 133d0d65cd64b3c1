"""A cell's month in the browser: plan, prepare, hold, minute, vote, sign, print."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from meetings.enums import MeetingState
from tests.e2e.browsing import PASSWORD, assert_fits_width, log_in, log_out

pytestmark = pytest.mark.e2e


def secretary_month(page, people):
    """The secretary runs the month through the UI; chair and minute-taker sign.

    Returns the signed minutes PDF as the minute-taker gets it.
    """
    cell = people["cell"]
    secretary, taker = people["secretary"], people["taker"]
    absent = cell.members.get(full_name="Ma Văn Lâm 3")

    log_in(page, people["secretary_user"].username)
    home_card = page.locator("section.card", has=page.get_by_role("heading", name=cell.name))
    home_card.get_by_role("link", name="Lập kế hoạch sinh hoạt").click()

    # Plan: the form comes filled in (next month, the standard programme of HD 12).
    expect(page.get_by_role("heading", name=re.compile("^Lập kế hoạch sinh hoạt"))).to_be_visible()
    page.get_by_label("Địa điểm").fill("Nhà văn hóa thôn Thanh Sơn")
    submit(page, "Lưu", "Đã lập kế hoạch Sinh hoạt chi bộ tháng")

    # The cell committee's preparatory session: the secretary is ticked already.
    page.get_by_role("link", name="Ghi họp chi ủy").click()
    expect(page.get_by_label(re.compile(secretary.full_name))).to_be_checked()
    page.get_by_label("Phân công chuẩn bị").fill("Đồng chí Hương chuẩn bị dự thảo nghị quyết.")
    submit(page, "Lưu", "Đã ghi họp chi ủy chuẩn bị.")

    change_state(page, "Xác nhận đã chuẩn bị xong", MeetingState.PREPARED)

    # Attendance: everyone present but one, who sent word.
    page.get_by_role("link", name="Điểm danh", exact=True).click()
    row = page.locator(".attendance-list .row", has_text=absent.full_name)
    row.get_by_label("Dự họp").select_option(label="Vắng có lý do")
    row.get_by_label("Lý do vắng").fill("Đi làm nương xa")
    submit(page, "Lưu điểm danh", "Đã lưu điểm danh.")

    change_state(page, "Bắt đầu họp, ghi biên bản", MeetingState.HELD)

    # The minutes editor: the secretary chairs; the text autosaves as it is typed.
    page.get_by_role("link", name="Ghi biên bản").click()
    chair = page.get_by_role("combobox", name=re.compile("^Chủ trì"))
    expect(chair).to_have_value(str(secretary.pk))
    page.get_by_role("combobox", name=re.compile("^Thư ký")).select_option(value=str(taker.pk))
    page.get_by_label("Kết thúc lúc").fill("10:15")
    items = page.locator("#minutes-form textarea[name^=item_]")
    for index in range(items.count()):
        items.nth(index).fill(f"Chi bộ thảo luận mục {index + 1}: thống nhất, đúng trình tự.")
    page.get_by_label("Kết luận, nghị quyết").fill(
        "Chi bộ thống nhất: tháng tới hoàn thành làm đường bê tông liên thôn."
    )
    expect(page.locator("#autosave-status")).to_contain_text(
        "Bản nháp đã lưu lên máy chủ lúc", timeout=20_000
    )
    submit(page, "Lưu biên bản", "Đã lưu biên bản.")
    expect(page.get_by_text(f"Chủ trì: {secretary.full_name}")).to_be_visible()

    # The vote: six official members on the roll, five present, all five in favour.
    page.get_by_role("link", name="Ghi biểu quyết").click()
    expect(page.get_by_text("Đảng viên chính thức có mặt được biểu quyết: 5.")).to_be_visible()
    page.get_by_role("spinbutton", name=re.compile("^Tán thành")).fill("5")
    submit(page, "Lưu", "Đã ghi kết quả biểu quyết.")
    expect(page.locator("#minutes").get_by_text("thông qua", exact=True)).to_be_visible()

    change_state(page, "Nộp biên bản để ký", MeetingState.SUBMITTED)

    # The secretary chaired: signs first, with the password again.
    page.get_by_role("link", name="Ký biên bản").click()
    sign(page)
    log_out(page)

    # The minute-taker signs from the home page; the minutes lock.
    log_in(page, people["taker_user"].username)
    page.get_by_role("link", name="Ký biên bản").click()
    sign(page)
    expect(page.get_by_text("nội dung đã khóa")).to_be_visible()
    # Chromium shows an inline PDF in its viewer; fetch it with the browser's session.
    href = page.get_by_role("link", name="Biên bản (PDF)").get_attribute("href")
    response = page.request.get(href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    return response.body()


def submit(page, button, message):
    """Send the form on screen; the next page says it worked. Both fit the screen."""
    send = page.get_by_role("button", name=button, exact=True)
    expect(send).to_be_visible()  # the form's page has come
    assert_fits_width(page)
    send.click()
    expect(page.get_by_text(message)).to_be_visible()
    assert_fits_width(page)


def change_state(page, button, state):
    page.get_by_role("link", name=button).click()
    submit(page, "Xác nhận", f"Cuộc họp chuyển sang: {state.label}.")


def sign(page):
    page.get_by_label("Mật khẩu của bạn").fill(PASSWORD)
    submit(page, "Ký", "Bạn đã ký biên bản.")


def assert_signed_minutes(body, people):
    text = "\n".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(body)).pages)
    assert "BIÊN BẢN" in text
    assert people["cell"].name.upper() in text  # the issuing cell, in capitals
    for member in (people["secretary"], people["taker"]):
        assert member.full_name in text  # signature blocks with full diacritics
    assert "Ma Văn Lâm 3" in text and "Đi làm nương xa" in text  # absent, with the reason
    assert "DỰ THẢO" not in text


def test_secretary_month(page, cell_people):
    body = secretary_month(page, cell_people)
    assert_signed_minutes(body, cell_people)


def test_secretary_month_on_phone(phone_page, cell_people):
    body = secretary_month(phone_page, cell_people)
    assert_signed_minutes(body, cell_people)
