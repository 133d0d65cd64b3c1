"""Before the meeting in the browser: documents and notice, a member's reply and written
opinion, the prefilled attendance and the opinion brought into the minutes."""

import datetime
import io
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from meetings.enums import MeetingState
from meetings.meeting import services
from tests.e2e.browsing import log_in, log_out, open_menu
from tests.e2e.test_meeting_month import change_state, submit
from tests.meetings.conftest import at

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def attach(page, reference, title, name, data, mime):
    page.get_by_role("link", name="Đính kèm tài liệu").click()
    page.get_by_label("Số, ký hiệu").fill(reference)
    page.get_by_label("Trích yếu").fill(title)
    page.get_by_label("Tệp").set_input_files({"name": name, "mimeType": mime, "buffer": data})
    submit(page, "Tải lên", "Đã đính kèm tài liệu.")


def test_notice_reply_and_written_opinion(page, cell_people):
    p = cell_people
    secretary, taker = p["secretary_user"], p["taker"]
    meeting = services.plan_meeting(actor=secretary, cell=p["cell"], kind="regular",
                                    planned_at=at(datetime.date(2018, 5, 7), 19),
                                    place="Nhà văn hóa thôn Thanh Sơn")  # fmt: skip
    services.record_committee_session(actor=secretary, meeting=meeting,
                                      held_on=datetime.date(2018, 5, 2),
                                      attendees=[p["secretary"]], agreed_content="Chương trình")  # fmt: skip

    # The secretary attaches two documents and sends the notice.
    log_in(page, secretary.username)
    page.goto(meeting.get_absolute_url())
    page.get_by_role("link", name="Thông báo, tài liệu, trả lời").click()
    attach(page, "18-NQ/TW", "Nghị quyết 18", "nq18.pdf", PDF, "application/pdf")
    attach(page, "01-KH/CB", "Kế hoạch tháng 5", "kh.docx", docx(),
           "application/vnd.openxmlformats-officedocument.wordprocessingml.document")  # fmt: skip
    expect(page.locator("#attachments")).to_contain_text("18-NQ/TW")
    page.get_by_label("Lời nhắn thêm").fill("Đề nghị các đồng chí đọc trước tài liệu.")
    submit(page, "Gửi thông báo", "Đã gửi thông báo tới")
    log_out(page)

    # The minute-taker sees the unread notice, opens a document, replies, writes.
    log_in(page, p["taker_user"].username)
    open_menu(page)
    link = page.locator("#nav-notifications")
    expect(link).to_contain_text("1")
    link.click()
    expect(page.get_by_text("Chưa đọc", exact=True)).to_be_visible()
    expect(page.get_by_text("Đề nghị các đồng chí đọc trước tài liệu.")).to_be_visible()
    page.get_by_role("button", name="Mở").click()
    expect(page.get_by_role("heading", name=meeting.display_title)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Nghị quyết 18").click()
    assert download.value.suggested_filename == "nq18.pdf"
    assert Path(download.value.path()).read_bytes() == PDF

    page.get_by_role("link", name="Trả lời thông báo").click()
    page.get_by_label("Không dự họp được").check()
    page.get_by_label("Lý do vắng").fill("Đi công tác huyện")
    submit(page, "Lưu", "Đã gửi trả lời.")
    expect(page.get_by_text("Đồng chí đã báo vắng: Đi công tác huyện")).to_be_visible()
    page.get_by_role("link", name="Gửi ý kiến bằng văn bản").click()
    page.get_by_label("Ý kiến về dự thảo").fill("Đề nghị bổ sung việc làm đường liên thôn.")
    submit(page, "Lưu", "Đã gửi ý kiến tới bí thư chi bộ.")
    open_menu(page)
    expect(page.locator("#nav-notifications .badge")).to_have_count(0)
    log_out(page)

    # Back as the secretary: the reply is there and attendance opens prefilled.
    log_in(page, secretary.username)
    page.goto(meeting.get_absolute_url())
    change_state(page, "Xác nhận đã chuẩn bị xong", MeetingState.PREPARED)
    page.get_by_role("link", name="Thông báo, tài liệu, trả lời").click()
    expect(page.locator("#replies")).to_contain_text("Vắng có lý do: Đi công tác huyện")
    page.goto(meeting.get_absolute_url())
    page.get_by_role("link", name="Điểm danh", exact=True).click()
    row = page.locator(".attendance-list .row", has_text=taker.full_name)
    expect(row.get_by_label("Dự họp")).to_have_value("absent_reason")
    expect(row.get_by_label("Lý do vắng")).to_have_value("Đi công tác huyện")
    submit(page, "Lưu điểm danh", "Đã lưu điểm danh.")
    change_state(page, "Bắt đầu họp, ghi biên bản", MeetingState.HELD)

    # The written opinion goes into the minutes' discussion with its author's name.
    page.get_by_role("link", name="Thông báo, tài liệu, trả lời").click()
    page.get_by_role("link", name="Đưa vào biên bản").click()
    submit(page, "Đưa vào biên bản", "Đã đưa ý kiến vào phần thảo luận của biên bản.")
    page.goto(meeting.get_absolute_url())
    expect(page.locator("#minutes")).to_contain_text(taker.full_name)
    expect(page.locator("#minutes")).to_contain_text(
        re.compile("Ý kiến bằng văn bản.*Đề nghị bổ sung việc làm đường liên thôn.")
    )
