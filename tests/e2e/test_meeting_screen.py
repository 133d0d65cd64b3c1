"""The meeting night on phones: one screen, few page loads, nothing lost offline."""

import datetime
import gzip
import io
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from meetings import services
from meetings.enums import MeetingState
from meetings.meeting import services as meeting_services
from meetings.minutes import services as minutes_services
from meetings.models import Meeting, Opinion, Vote
from tests.e2e.browsing import PASSWORD, assert_fits_width, log_in, log_out
from tests.e2e.conftest import PHONE
from tests.factories import MemberFactory

pytestmark = pytest.mark.e2e

ITEMS = 10
STATIC = Path(__file__).resolve().parents[2] / "static"


def prepared_meeting(people, *, members=16):
    """Tonight's meeting of the cell, after the committee session: 10 items, 16 members."""
    cell, actor = people["cell"], people["secretary_user"]
    for n in range(members - cell.members.count()):
        MemberFactory(cell=cell, full_name=f"Hoàng Thị Dung {n}")
    today = timezone.localdate()
    meeting = meeting_services.plan_meeting(
        actor=actor, cell=cell, kind="regular", place="Nhà văn hóa thôn",
        planned_at=timezone.make_aware(datetime.datetime.combine(today, datetime.time(19, 30))),
    )  # fmt: skip
    meeting_services.record_committee_session(actor=actor, meeting=meeting,
                                      held_on=today - datetime.timedelta(days=3),
                                      attendees=[people["secretary"]], agreed_content="Chương trình")  # fmt: skip
    items = [{"title": f"Nội dung số {n + 1} của tháng", "section": "other"} for n in range(ITEMS)]
    minutes_services.save_agenda(actor=actor, meeting=meeting, items=items, directives=[])
    services.change_state(actor=actor, meeting=meeting, to=MeetingState.PREPARED)
    return meeting


def count_loads(page):
    loads = []
    page.on("load", lambda p: loads.append(p.url))
    return loads


def open_screen(page):
    page.get_by_role("link", name="Mở màn hình họp").first.click()
    expect(page.locator("#screen[data-ready='1']")).to_be_attached()


def all_sent(page):
    expect(page.locator("#screen[data-pending='0']")).to_be_attached(timeout=20_000)


def add_opinion(page, item, typed, name, text):
    box = page.locator(f"#item-{item.pk}")
    box.get_by_label("Người phát biểu").fill(typed)
    box.get_by_role("option", name=name).tap()
    box.get_by_label("Ý kiến").fill(text)
    box.get_by_role("button", name="Thêm ý kiến").tap()


def test_the_meeting_night_takes_a_handful_of_page_loads(open_page, cell_people):
    meeting = prepared_meeting(cell_people)
    secretary, taker = cell_people["secretary"], cell_people["taker"]
    items = list(meeting.agenda.all())
    absent = meeting.cell.members.get(full_name="Ma Văn Lâm 3")

    phone = open_page(**PHONE)
    loads = count_loads(phone)
    log_in(phone, cell_people["secretary_user"].username)
    open_screen(phone)
    phone.get_by_role("button", name="Bắt đầu họp").tap()

    row = phone.locator(f"#member-{absent.pk}")
    row.get_by_role("button", name="Vắng có lý do").tap()
    row.get_by_label("Lý do vắng").fill("Đi làm nương xa")
    phone.locator(f"#member-{taker.pk}").get_by_text("Đến muộn").tap()
    expect(phone.locator("#totals")).to_contain_text("Có mặt 15/16")

    phone.get_by_label("Chủ trì").select_option(str(secretary.pk))
    phone.get_by_label("Thư ký").select_option(str(taker.pk))
    phone.get_by_label("Bắt đầu lúc").fill("1930")
    phone.get_by_label("Bắt đầu lúc").press("Enter")
    speakers = [("lam 0", "Ma Văn Lâm 0"), ("dung 1", "Hoàng Thị Dung 1")]
    for item in items:
        phone.locator(f"#f-item_{item.pk}").fill(f"Chi bộ thảo luận {item.title.lower()}.")
        for typed, name in speakers:
            add_opinion(phone, item, typed, name, f"{name} nhất trí với {item.title.lower()}.")
    phone.get_by_label("Kết luận, nghị quyết").fill("Chi bộ thống nhất nghị quyết tháng này.")
    phone.get_by_label("Tán thành", exact=True).fill("13")
    expect(phone.locator("#vote-check")).to_contain_text("Cần ít nhất")
    phone.get_by_role("button", name="Ghi kết quả biểu quyết").tap()
    phone.get_by_label("Kết thúc lúc").fill("21h15")
    phone.get_by_label("Kết thúc lúc").press("Enter")
    all_sent(phone)
    expect(phone.locator("#screen-refusals")).to_be_hidden()

    phone.get_by_role("button", name="Trình ký biên bản").tap()
    expect(phone.locator("#action-message")).to_have_text("Đã trình ký biên bản.")
    phone.get_by_label("Mật khẩu của bạn (để ký)").fill(PASSWORD)
    phone.get_by_role("button", name="Ký biên bản").tap()
    expect(phone.locator("#action-message")).to_have_text("Đã ký biên bản.")

    other = open_page(**PHONE)  # the minute-taker, on their own phone
    other_loads = count_loads(other)
    log_in(other, cell_people["taker_user"].username)
    open_screen(other)
    other.get_by_label("Mật khẩu của bạn (để ký)").fill(PASSWORD)
    other.get_by_role("button", name="Ký biên bản").tap()
    expect(other.get_by_role("link", name="Biên bản đã ký (PDF)")).to_be_visible()

    meeting.refresh_from_db()
    assert meeting.state == MeetingState.SIGNED
    assert Opinion.objects.filter(meeting=meeting).count() == 2 * ITEMS
    assert meeting.attendance.get(member=absent).reason == "Đi làm nương xa"
    assert meeting.attendance.get(member=taker).late
    assert timezone.localtime(meeting.closed_at).strftime("%H:%M") == "21:15"
    pdf = other.request.get(f"/meetings/{meeting.pk}/minutes.pdf")
    assert pdf.ok
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.body())).pages
    )
    assert "Đi làm nương xa" in text and "Hoàng Thị Dung 1 nhất trí" in text
    assert len(loads) + len(other_loads) <= 8, loads + other_loads


def _fill_offline(page, meeting, people):
    items = list(meeting.agenda.all())
    page.get_by_role("button", name="Bắt đầu họp").tap()
    page.locator(f"#member-{people['taker'].pk}").get_by_role(
        "button", name="Vắng không lý do"
    ).tap()
    page.get_by_label("Chủ trì").select_option(str(people["secretary"].pk))
    page.get_by_label("Bắt đầu lúc").fill("19.30")
    page.get_by_label("Bắt đầu lúc").press("Enter")
    page.get_by_label("Kết thúc lúc").fill("2105")
    page.get_by_label("Kết thúc lúc").press("Enter")
    for item in items:
        page.locator(f"#f-item_{item.pk}").fill(f"Ghi khi mất mạng: {item.title}.")
    add_opinion(page, items[0], "lam 1", "Ma Văn Lâm 1", "Ý kiến ghi khi mất mạng.")
    page.get_by_label("Kết luận, nghị quyết").fill("Kết luận ghi khi mất mạng.")
    page.get_by_label("Tán thành", exact=True).fill("5")
    page.get_by_role("button", name="Ghi kết quả biểu quyết").tap()
    expect(page.locator("#sync-status")).to_contain_text("chưa gửi")
    return items


def _assert_held_once(meeting, items, people):
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD
    assert [i.content for i in meeting.agenda.all()] == [
        f"Ghi khi mất mạng: {i.title}." for i in items
    ]
    assert Opinion.objects.filter(meeting=meeting).count() == 1
    assert Vote.objects.filter(meeting=meeting).count() == 1
    assert meeting.conclusion == "Kết luận ghi khi mất mạng."
    assert timezone.localtime(meeting.opened_at).strftime("%H:%M") == "19:30"
    assert timezone.localtime(meeting.closed_at).strftime("%H:%M") == "21:05"
    assert meeting.chair_id == people["secretary"].pk


@pytest.mark.parametrize("expire", [False, True], ids=["session-kept", "session-expired"])
def test_what_is_typed_offline_survives_a_reload_and_arrives_once(open_page, cell_people, expire):
    meeting = prepared_meeting(cell_people)
    phone = open_page(**PHONE)
    log_in(phone, cell_people["secretary_user"].username)
    open_screen(phone)
    expect(phone.locator("#screen[data-offline-ready='1']")).to_be_attached()
    phone.context.set_offline(True)
    items = _fill_offline(phone, meeting, cell_people)
    phone.reload()
    expect(phone.locator("#screen[data-ready='1']")).to_be_attached()
    for item in items:
        expect(phone.locator(f"#f-item_{item.pk}")).to_have_value(
            f"Ghi khi mất mạng: {item.title}."
        )
    expect(phone.locator(f"#item-{items[0].pk} .opinion")).to_have_count(1)
    assert Meeting.objects.get(pk=meeting.pk).state == MeetingState.PREPARED  # nothing sent yet
    if expire:
        Session.objects.all().delete()
    phone.context.set_offline(False)
    if expire:
        expect(phone.locator("#sync-problem")).to_contain_text("Phiên đăng nhập đã hết")
        phone.locator("#sync-problem a").click()
        phone.get_by_label("Tên đăng nhập").fill(cell_people["secretary_user"].username)
        phone.get_by_label("Mật khẩu").fill(PASSWORD)
        phone.get_by_role("button", name="Đăng nhập").click()
        expect(phone.locator("#screen[data-ready='1']")).to_be_attached()
    all_sent(phone)
    _assert_held_once(meeting, items, cell_people)
    phone.reload()  # and again: nothing is sent twice
    all_sent(phone)
    _assert_held_once(meeting, items, cell_people)


def test_two_devices_editing_one_text_offline_keep_both(open_page, cell_people):
    meeting = prepared_meeting(cell_people)
    services.change_state(
        actor=cell_people["secretary_user"], meeting=meeting, to=MeetingState.HELD
    )
    minutes_services.save_minutes(actor=cell_people["secretary_user"], meeting=meeting, version=1,
                          data={"chair": cell_people["secretary"], "minute_taker": cell_people["taker"],
                                "opened_at": None, "closed_at": None, "conclusion": "", "items": {}})  # fmt: skip
    item = meeting.agenda.first()
    devices = []
    for user in (cell_people["secretary_user"], cell_people["taker_user"]):
        page = open_page(**PHONE)
        log_in(page, user.username)
        open_screen(page)
        expect(page.locator("#screen[data-offline-ready='1']")).to_be_attached()
        page.context.set_offline(True)
        devices.append(page)
    devices[0].locator(f"#f-item_{item.pk}").fill("Bí thư ghi: chi bộ nhất trí.")
    devices[1].locator(f"#f-item_{item.pk}").fill("Thư ký ghi: chi bộ nhất trí, có bổ sung.")
    devices[0].context.set_offline(False)
    all_sent(devices[0])
    devices[1].context.set_offline(False)
    all_sent(devices[1])
    item.refresh_from_db()
    assert item.content == "Bí thư ghi: chi bộ nhất trí."
    conflict = devices[1].locator(f"#conflict-item_{item.pk}")
    expect(conflict).to_contain_text("Bí thư ghi: chi bộ nhất trí.")
    expect(conflict).to_contain_text("Thư ký ghi: chi bộ nhất trí, có bổ sung.")
    devices[1].reload()  # the conflict is kept on the device until it is settled
    expect(devices[1].locator(f"#conflict-item_{item.pk}")).to_be_visible()
    devices[1].get_by_role("button", name="Dùng bản của tôi").tap()
    all_sent(devices[1])
    item.refresh_from_db()
    assert item.content == "Thư ký ghi: chi bộ nhất trí, có bổ sung."


def test_the_screen_loads_light_and_from_this_server_only(open_page, cell_people, live_server):
    prepared_meeting(cell_people)
    phone = open_page(**PHONE)
    log_in(phone, cell_people["secretary_user"].username)
    responses, listening = [], [True]
    phone.on("response", lambda response: listening[0] and responses.append(response))
    open_screen(phone)
    expect(phone.locator("#screen[data-offline-ready='1']")).to_be_attached()
    listening[0] = False
    sizes = {}
    for response in responses:
        assert response.url.startswith(live_server.url), f"{response.url} is not ours"
        if response.request.method == "GET" and response.status == 200:
            # Fetched again: a body may be gone once the service worker has handled it.
            sizes[response.url] = len(gzip.compress(phone.request.get(response.url).body()))
    assert any(url.endswith("/screen.js") for url in sizes)
    assert (STATIC / "js" / "screen.js").stat().st_size <= 50 * 1024
    assert sum(sizes.values()) <= 150 * 1024, sizes


def test_one_hand_at_360_pixels_every_target_is_44_pixels(open_page, cell_people):
    meeting = prepared_meeting(cell_people)
    services.change_state(
        actor=cell_people["secretary_user"], meeting=meeting, to=MeetingState.HELD
    )
    phone = open_page(**{**PHONE, "viewport": {"width": 360, "height": 740}})
    log_in(phone, cell_people["secretary_user"].username)
    open_screen(phone)
    assert_fits_width(phone)
    targets = phone.evaluate("""() => [...document.querySelectorAll(
        '#screen button:not([hidden]), #screen input, #screen select, #screen textarea, #screen summary')]
        .filter((el) => el.offsetParent !== null && el.type !== 'checkbox')
        .map((el) => [el.id || el.textContent.trim(), el.getBoundingClientRect().height])""")
    assert len(targets) > 100  # 16 members × 3 answers, 10 items, the vote …
    small = [target for target in targets if target[1] < 44]
    assert not small, small
    box = phone.locator("#screen input[type=checkbox]").first.bounding_box()
    assert box["width"] >= 20 and box["height"] >= 20


def test_signing_out_forgets_the_screens_kept_on_the_phone(open_page, cell_people):
    prepared_meeting(cell_people)
    phone = open_page(**PHONE)
    log_in(phone, cell_people["secretary_user"].username)
    open_screen(phone)
    expect(phone.locator("#screen[data-offline-ready='1']")).to_be_attached()
    kept = "() => caches.keys().then((names) => names.filter((n) => n.startsWith('cellmeet-')))"
    assert phone.evaluate(kept)
    log_out(phone)
    assert phone.evaluate(kept) == []
    databases = phone.evaluate("() => indexedDB.databases().then((all) => all.map((d) => d.name))")
    assert "cellmeet" not in databases
