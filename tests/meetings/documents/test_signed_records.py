"""Signed minutes stay true: one hash for every reader, documents made after the
signature commits and from what was fixed at signing, codes that verify, and a damaged
file that is never served."""

import datetime
import hashlib
import io
import re
import time

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from meetings import services
from meetings.documents import services as documents
from meetings.meeting import services as meeting_services
from meetings.models import Meeting, MinutesDocument, SignedRecord
from members.models import AuditEvent, Organisation
from members.tree import services as member_services
from tests.factories import MemberFactory, make_user
from tests.meetings.conftest import at, minute_book, signed_meeting, submitted_meeting

PASSWORD = "pw-for-tests-1"


def sign(client, user, meeting, language="vi"):
    client.force_login(user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    return client.post(reverse("meetings:meeting_sign", args=[meeting.pk]), {"password": PASSWORD})


def pdf_text(body):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def stored(meeting, kind="minutes"):
    document = MinutesDocument.objects.get(meeting=meeting, kind=kind)
    return default_storage.open(document.file.name).read()


def in_language(client, language):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def submitted(cell_people):
    return submitted_meeting(cell_people, datetime.date(2018, 3, 5))


def test_signers_reading_in_different_languages_sign_one_hash_that_verifies_in_both(
    client, submitted, cell_people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign(client, cell_people["taker_user"], submitted, language="en")
        sign(client, cell_people["secretary_user"], submitted, language="vi")
    meeting = Meeting.objects.get(pk=submitted.pk)
    assert meeting.state == "signed"
    hashes = {s.content_hash for s in meeting.signatures.all()}
    assert len(hashes) == 1
    digest = hashes.pop()
    call_command("verify_minutes")
    text = pdf_text(stored(meeting))
    assert "None" not in text and digest in re.sub(r"\s+", "", text)
    code = SignedRecord.objects.get(meeting=meeting).minutes_code
    for language, valid, invalid in (
        ("vi", "Nội dung biên bản khớp với nội dung đã ký.", "KHÔNG"),
        ("en", "The content of the minutes matches the signed content.", "NOT"),
    ):
        in_language(client, language)
        page = client.get(reverse("meetings:meeting_verify", args=[meeting.pk])).content.decode()
        assert valid in page and invalid not in page
        client.logout()
        public = in_language(client, language).get(reverse("meetings:verify_code", args=[code]))
        public = public.content.decode()
        assert ("Hợp lệ" if language == "vi" else "Valid") in public, language
        assert invalid not in public
        client.force_login(cell_people["secretary_user"])


def test_the_second_signature_is_refused_when_the_content_changed_after_the_first(
    client, submitted, cell_people
):
    sign(client, cell_people["taker_user"], submitted)
    item = submitted.agenda.first()
    with connection.cursor() as cursor:  # what someone with database access could do
        cursor.execute(
            "UPDATE meetings_agendaitem SET content = %s WHERE id = %s", ["Sửa lén", item.pk]
        )
    response = sign(client, cell_people["secretary_user"], submitted)
    assert "không còn như khi" in response.content.decode()
    meeting = Meeting.objects.get(pk=submitted.pk)
    assert meeting.state == "submitted" and meeting.signatures.count() == 1
    assert not SignedRecord.objects.exists()


def test_documents_are_made_after_the_signature_commits_and_codes_verify_before(
    client, submitted, cell_people, django_capture_on_commit_callbacks
):
    meeting_services.sign_minutes(
        meeting=submitted, user=cell_people["taker_user"], password=PASSWORD
    )
    with django_capture_on_commit_callbacks() as callbacks:
        meeting_services.sign_minutes(
            meeting=submitted, user=cell_people["secretary_user"], password=PASSWORD
        )
    # The signing transaction recorded the facts, and made no file.
    record = SignedRecord.objects.get(meeting=submitted)
    assert record.number == 1 and len(record.minutes_code) == 10
    assert record.content_hash == submitted.signatures.first().content_hash
    assert record.snapshot["cell"] == "Chi bộ thôn Thanh Sơn"
    assert not MinutesDocument.objects.filter(meeting=submitted).exists()
    # The printed code answers already.
    page = client.get(reverse("meetings:verify_code", args=[record.minutes_code])).content.decode()
    assert "Hợp lệ" in page
    for callback in callbacks:
        callback()
    kinds = set(MinutesDocument.objects.filter(meeting=submitted).values_list("kind", flat=True))
    assert kinds == {"minutes", "resolution"}
    assert MinutesDocument.objects.get(meeting=submitted, kind="minutes").code == (
        record.minutes_code
    )


def test_a_document_made_on_first_download_is_the_one_signing_makes(
    client, submitted, cell_people, django_capture_on_commit_callbacks
):
    meeting_services.sign_minutes(
        meeting=submitted, user=cell_people["taker_user"], password=PASSWORD
    )
    with django_capture_on_commit_callbacks(execute=False):
        meeting_services.sign_minutes(
            meeting=submitted, user=cell_people["secretary_user"], password=PASSWORD
        )
    record = SignedRecord.objects.get(meeting=submitted)
    client.force_login(cell_people["taker_user"])
    first = client.get(reverse("meetings:meeting_pdf", args=[submitted.pk])).content
    assert first.startswith(b"%PDF") and first == stored(submitted)
    # Made again from what signing fixed, it is the same file, byte for byte.
    assert documents.render_signed(record, "minutes") == first
    assert SignedRecord.objects.get(pk=record.pk).snapshot == record.snapshot


def test_one_long_unbroken_string_neither_blocks_the_signature_nor_stalls_a_worker(
    client, submitted, cell_people, settings, django_capture_on_commit_callbacks
):
    settings.CELLMEET_RENDER_SECONDS = 30
    token = "Đ" + "x" * 100_000
    with connection.cursor() as cursor:  # pasted by accident, or on purpose
        cursor.execute("UPDATE meetings_meeting SET conclusion = %s WHERE id = %s",
                       [token, submitted.pk])  # fmt: skip
    client.force_login(cell_people["secretary_user"])
    started = time.monotonic()
    draft = client.get(reverse("meetings:meeting_pdf", args=[submitted.pk]))
    assert draft["Content-Type"] == "application/pdf" and "DỰ THẢO" in pdf_text(draft.content)
    assert time.monotonic() - started < settings.CELLMEET_RENDER_SECONDS
    with django_capture_on_commit_callbacks(execute=True):
        sign(client, cell_people["taker_user"], submitted)
        sign(client, cell_people["secretary_user"], submitted)
    meeting = Meeting.objects.get(pk=submitted.pk)
    assert meeting.state == "signed"
    text = pdf_text(stored(meeting))
    assert text.count("x") >= 100_000
    call_command("verify_minutes")


def test_a_render_over_the_time_limit_never_undoes_a_signature_and_is_retried(
    client, submitted, cell_people, settings, django_capture_on_commit_callbacks
):
    settings.CELLMEET_RENDER_SECONDS = 0.01
    with django_capture_on_commit_callbacks(execute=True):
        sign(client, cell_people["taker_user"], submitted)
        response = sign(client, cell_people["secretary_user"], submitted)
    assert response.status_code == 302
    meeting = Meeting.objects.get(pk=submitted.pk)
    assert meeting.state == "signed" and SignedRecord.objects.filter(meeting=meeting).exists()
    assert not MinutesDocument.objects.filter(meeting=meeting).exists()
    assert AuditEvent.objects.filter(action="meeting.documents_failed").exists()
    page = client.get(meeting.get_absolute_url()).content.decode()
    retry = reverse("meetings:meeting_documents", args=[meeting.pk])
    assert "Chưa tạo được tệp PDF" in page and retry in page
    # A draft over the limit: a clear page, and the worker is free again.
    held = meeting_services.plan_meeting(actor=cell_people["secretary_user"], cell=cell_people["cell"],
                                 kind="thematic", planned_at=at(datetime.date(2018, 3, 20)),
                                 place="Nhà văn hóa")  # fmt: skip
    draft = client.get(reverse("meetings:meeting_pdf", args=[held.pk]))
    assert draft.status_code == 503 and "quá lâu" in draft.content.decode()
    settings.CELLMEET_RENDER_SECONDS = 30
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry)
    assert response.status_code == 302
    assert MinutesDocument.objects.filter(meeting=meeting).count() == 2
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Thử tạo lại tệp PDF" not in page and "Đã tạo tệp PDF đã ký" in page


def test_a_rename_after_signing_changes_neither_the_signed_pdf_nor_the_book(
    client, cell_people, tree, django_capture_on_commit_callbacks
):
    issued = signed_meeting(cell_people, datetime.date(2018, 3, 5))
    before = stored(issued)
    later = submitted_meeting(cell_people, datetime.date(2018, 4, 5))
    meeting_services.sign_minutes(meeting=later, user=cell_people["taker_user"], password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=False):  # its files are made later
        meeting_services.sign_minutes(
            meeting=later, user=cell_people["secretary_user"], password=PASSWORD
        )
    for org, name in ((tree["a"], "Chi bộ thôn Thanh Sơn Mới"), (tree["x"], "Đảng bộ xã Vị Xuyên")):
        org = Organisation.objects.get(pk=org.pk)
        member_services.update_organisation(actor=None, org=org, data={"name": name},
                                            version=org.version)  # fmt: skip
    assert stored(issued) == before
    client.force_login(cell_people["secretary_user"])
    made_now = client.get(reverse("meetings:meeting_pdf", args=[later.pk])).content
    for body in (before, made_now):
        text = pdf_text(body)
        assert "CHI BỘ THÔN THANH SƠN\n" in text and "ĐẢNG BỘ XÃ THANH THỦY" in text
        assert "Thanh Thủy, ngày" in text
        assert not re.search("Vị Xuyên|VỊ XUYÊN|Mới|MỚI", text)
    url = reverse("meetings:minute_book", args=[cell_people["cell"].pk])
    book = minute_book(client, url, year=2018).content
    text = pdf_text(book)
    assert not re.search("Vị Xuyên|VỊ XUYÊN|Mới|MỚI", text)
    assert "CHI BỘ THÔN THANH SƠN" in text
    # The book's signed pages draw the stored documents' own pages, unchanged.
    drawn = set()
    for page in PdfReader(io.BytesIO(book)).pages:
        for xobject in page["/Resources"].get("/XObject", {}).values():
            drawn.add(xobject.get_object().get_data())
    for body in (before, made_now):
        for page in PdfReader(io.BytesIO(body)).pages:
            assert page["/Contents"].get_object().get_data() in drawn


def test_a_damaged_stored_pdf_is_not_served(client, cell_people, settings):
    meeting = signed_meeting(cell_people, datetime.date(2018, 3, 5))
    document = MinutesDocument.objects.get(meeting=meeting, kind="minutes")
    path = settings.MEDIA_ROOT / document.file.name
    path.write_bytes(path.read_bytes().replace(b"%%EOF", b"%%EOF\n% "))
    client.force_login(cell_people["secretary_user"])
    response = client.get(reverse("meetings:meeting_pdf", args=[meeting.pk]))
    page = response.content.decode()
    assert response.status_code == 500 and response["Content-Type"].startswith("text/html")
    assert "bị hỏng" in page and "sao lưu" in page
    event = AuditEvent.objects.get(action="meeting.document_damaged")
    assert event.target_id == meeting.pk and document.file.name in event.summary
    book = minute_book(client, reverse("meetings:minute_book", args=[cell_people["cell"].pk]),
                       year=2018)  # fmt: skip
    assert not book["Content-Type"].startswith("application/pdf")
    assert "bị hỏng" in book.content.decode()
    # Restored from what signing fixed, the same bytes come back and are served again.
    call_command("issue_documents", repair=True)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == document.sha256
    assert client.get(reverse("meetings:meeting_pdf", args=[meeting.pk])).status_code == 200


def test_the_public_page_shows_what_the_paper_shows_and_no_more(client, cell_people):
    meeting = signed_meeting(cell_people, datetime.date(2018, 3, 5))
    record = SignedRecord.objects.get(meeting=meeting)
    page = client.get(reverse("meetings:verify_code", args=[record.minutes_code])).content.decode()
    # The signers as the document prints them: name and post.
    assert "Nguyễn Thị Hương, Bí thư" in page and "Lê Văn An, Đảng viên" in page
    # Nothing else of the minutes: who attended, what was said, what was resolved.
    assert "Ma Văn Lâm" not in page and "Triệu Thị Mẩy" not in page
    assert "Chi bộ thống nhất nghị quyết" not in page and "Diễn biến" not in page


def test_a_suspended_member_is_neither_expected_nor_marked_present(client, tree):
    cell = tree["a2"]
    secretary = tree["members"]["a2"][0]
    for n in range(3):
        MemberFactory(cell=cell, full_name=f"Lý Văn Chính {n}")
    suspended = MemberFactory(cell=cell, full_name="Vàng Seo Dình", status="suspended")
    user = make_user(cell, "secretary", username="bithu_a2")
    meeting = meeting_services.plan_meeting(actor=user, cell=cell, kind="regular",
                                    planned_at=at(datetime.date(2018, 3, 5)), place="Nhà văn hóa")  # fmt: skip
    meeting_services.record_committee_session(actor=user, meeting=meeting, held_on=datetime.date(2018, 3, 1),
                                      attendees=[secretary], agreed_content="Chương trình")  # fmt: skip
    services.change_state(actor=user, meeting=meeting, to="prepared")
    client.force_login(user)
    url = reverse("meetings:meeting_attendance", args=[meeting.pk])
    form = client.get(url).content.decode()
    # The untouched form, as a secretary in a hurry would send it.
    data = dict(re.findall(r'name="(presence_\d+)"[^>]*>.*?<option value="(\w+)" selected', form,
                           flags=re.S))  # fmt: skip
    assert data[f"presence_{suspended.pk}"] != "present"
    data.update({"guests-TOTAL_FORMS": 0, "guests-INITIAL_FORMS": 0})
    assert client.post(url, data).status_code == 302
    row = meeting.attendance.get(member=suspended)
    assert row.presence != "present"
    event = AuditEvent.objects.filter(action="meeting.attendance").latest("pk")
    assert "có mặt 4/4" in event.summary
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Có mặt: 4 đồng chí" in page and "Tỷ lệ dự họp: 100,0%" in page
    assert "đình chỉ sinh hoạt 1" in page


def test_minutes_signed_with_hashes_that_disagree_are_reported_as_such(
    client, submitted, cell_people, capsys
):
    """What the earlier, language-dependent hash left behind where nothing proves what
    was signed: verify_minutes names it, rather than calling it changed content."""
    sign(client, cell_people["taker_user"], submitted)
    sign(client, cell_people["secretary_user"], submitted)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE meetings_signature SET content_hash = %s WHERE meeting_id = %s AND role = %s",
            ["0" * 64, submitted.pk, "chair"],
        )
    with pytest.raises(Exception, match="chữ ký không cùng một mã băm"):
        call_command("verify_minutes")
    assert f"#{submitted.pk}" in capsys.readouterr().err
