"""The per-form minutes page, without the meeting screen: what is typed is never dropped
unseen, and versions are the server's numbers, never the phone's clock."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from meetings.minutes import services
from tests.e2e.browsing import log_in
from tests.e2e.conftest import PHONE
from tests.meetings.conftest import meeting_held_on

pytestmark = pytest.mark.e2e


def test_a_device_copy_on_an_older_version_is_shown_for_merging(open_page, cell_people):
    meeting = meeting_held_on(cell_people, datetime.date(2018, 3, 5))
    item = meeting.agenda.first()
    phone = open_page(**PHONE)
    phone.clock.install(time=datetime.datetime.now() - datetime.timedelta(minutes=10))
    log_in(phone, cell_people["secretary_user"].username)
    url = reverse("meetings:meeting_minutes", args=[meeting.pk])
    phone.goto(url)
    expect(phone.locator("#minutes-form[data-offline-ready='1']")).to_be_attached()
    phone.context.set_offline(True)
    field = phone.locator(f"textarea[name=item_{item.pk}]")
    field.fill("Gõ trên điện thoại khi mất sóng.")
    phone.reload()  # without a connection: the page comes back from the device, text and all
    expect(field).to_have_value("Gõ trên điện thoại khi mất sóng.")
    phone.get_by_role("button", name="Lưu biên bản").click()
    expect(phone.locator("#autosave-status")).to_contain_text("Đang mất mạng")
    assert phone.url.endswith(url)  # still on the page, not the browser's error page

    # Meanwhile someone else saves the minutes from another device.
    services.save_minutes(actor=cell_people["secretary_user"], meeting=meeting, version=meeting.version,
                          data={"chair": None, "minute_taker": None, "opened_at": None,
                                "closed_at": None, "conclusion": "Bản của người khác.", "items": {}})  # fmt: skip
    phone.context.set_offline(False)
    phone.goto(url)
    copy = phone.locator("#device-copy")
    expect(copy).to_contain_text("Gõ trên điện thoại khi mất sóng.")
    expect(phone.get_by_label("Kết luận, nghị quyết")).to_have_value("Bản của người khác.")
    phone.get_by_role("button", name="Đưa bản trên máy vào ô").click()
    expect(field).to_have_value("Gõ trên điện thoại khi mất sóng.")
    expect(phone.get_by_label("Kết luận, nghị quyết")).to_have_value("Bản của người khác.")
    phone.locator("#id_minute_taker").select_option(str(cell_people["taker"].pk))
    phone.get_by_role("button", name="Lưu biên bản").click()
    expect(phone.get_by_text("Đã lưu biên bản.")).to_be_visible()
    item.refresh_from_db()
    assert item.content == "Gõ trên điện thoại khi mất sóng."
    meeting.refresh_from_db()
    assert meeting.conclusion == "Bản của người khác."
