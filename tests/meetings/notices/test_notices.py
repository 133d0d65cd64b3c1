"""Before the meeting: the notice by app and email, documents, replies, written opinions,
reminders."""

import datetime
import email
import email.policy
import io
import zipfile

import pytest
from aiosmtpd.controller import Controller
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from meetings import services, workflow
from meetings.enums import MeetingState
from meetings.follow_up import services as follow_up_services
from meetings.meeting import services as meeting_services
from meetings.minutes import services as minutes_services
from meetings.models import Attachment, Meeting, Notification, Opinion
from meetings.notices import attachments as notices_attachments
from meetings.notices import services as notices_services
from members.models import Member, Position
from tests.factories import MemberFactory, make_user
from tests.meetings.conftest import at, complete_minutes, signed_meeting
from tests.net import free_port

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx_bytes(part="word/document.xml"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<document/>")
    return buffer.getvalue()


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"


def subject(message):
    # A long encoded subject is folded onto a continuation line.
    return str(message["Subject"]).strip()


@pytest.fixture
def mail_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_TIMEOUT = 5
    settings.CELLMEET_BASE_URL = "https://cellmeet.example"
    return settings


@pytest.fixture
def smtp(mail_settings):
    """A real SMTP server on 127.0.0.1; its `messages` are what arrived."""
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=mail_settings.EMAIL_PORT)
    controller.start()
    yield sink
    controller.stop()


@pytest.fixture
def prepared(cell_people):
    """A meeting whose programme the cell committee agreed; members have email addresses."""
    p = cell_people
    for n, member in enumerate(Member.objects.filter(cell=p["cell"]).order_by("pk")):
        member.email = f"dv{n}@example.org"
        member.save(update_fields=["email"])
    meeting = meeting_services.plan_meeting(actor=p["secretary_user"], cell=p["cell"], kind="regular",
                                    planned_at=at(datetime.date(2018, 5, 7), 19),
                                    place="Nhà văn hóa thôn")  # fmt: skip
    meeting_services.record_committee_session(actor=p["secretary_user"], meeting=meeting,
                                      held_on=datetime.date(2018, 5, 2),
                                      attendees=[p["secretary"]], agreed_content="Chương trình")  # fmt: skip
    services.change_state(actor=p["secretary_user"], meeting=meeting, to="prepared")
    meeting.refresh_from_db()
    return meeting


def attach(meeting, user, name="nq18.pdf", data=PDF, title="Nghị quyết 18"):
    return notices_attachments.add_attachment(actor=user, meeting=meeting,
                                  upload=SimpleUploadedFile(name, data), reference="18-NQ/TW",
                                  title=title)  # fmt: skip


# -- the notice, in the app and through SMTP ------------------------------------------


def test_notice_reaches_members_in_the_app_and_through_smtp(
    client, cell_people, prepared, smtp, django_capture_on_commit_callbacks
):
    p = cell_people
    attach(prepared, p["secretary_user"])
    client.force_login(p["secretary_user"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("meetings:meeting_notice", args=[prepared.pk]),
                               {"message": "Đề nghị đến đúng giờ."})  # fmt: skip
    assert response.status_code == 302
    invited = Member.objects.filter(cell=p["cell"]).count()
    assert Notification.objects.filter(meeting=prepared).count() == invited
    assert len(smtp.messages) == invited
    rcpt, message = smtp.messages[0]
    assert rcpt[0].endswith("@example.org")
    assert subject(message) == f"Thông báo: {prepared.display_title}"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Địa điểm: Nhà văn hóa thôn." in text
    assert "18-NQ/TW — Nghị quyết 18" in text
    assert "Đề nghị đến đúng giờ." in text
    assert f"https://cellmeet.example/meetings/{prepared.pk}/" in text
    assert f'href="https://cellmeet.example/meetings/{prepared.pk}/"' in html
    assert Notification.objects.unsent().count() == 0

    # The member sees it unread, with the count in the navbar.
    client.force_login(p["taker_user"])
    page = client.get(reverse("meetings:notifications")).content.decode()
    assert f"Thông báo: {prepared.display_title}" in page
    assert "Chưa đọc" in page
    assert 'class="badge text-bg-warning" title="chưa đọc">1<' in page
    own = Notification.objects.get(recipient=p["taker"])
    response = client.post(reverse("meetings:notification_open", args=[own.pk]))
    assert response["Location"] == prepared.get_absolute_url()
    own.refresh_from_db()
    assert own.read_at is not None
    # Nobody opens another member's notification.
    other = Notification.objects.exclude(recipient=p["taker"]).first()
    assert client.post(reverse("meetings:notification_open", args=[other.pk])).status_code == 404


def test_the_notice_waits_for_the_committee_and_goes_once(client, cell_people):
    p = cell_people
    meeting = meeting_services.plan_meeting(actor=p["secretary_user"], cell=p["cell"], kind="regular",
                                    planned_at=at(datetime.date(2018, 5, 7)), place="NVH")  # fmt: skip
    with pytest.raises(services.MeetingError, match="Chi ủy cần thống nhất"):
        notices_services.send_notice(actor=p["secretary_user"], meeting=meeting)
    client.force_login(p["secretary_user"])
    page = client.get(reverse("meetings:meeting_notice", args=[meeting.pk])).content.decode()
    assert "Chi ủy cần thống nhất chương trình" in page


def test_a_failed_send_stays_in_the_app_and_is_retried(
    client, cell_people, prepared, mail_settings, django_capture_on_commit_callbacks
):
    p = cell_people
    # Nothing listens on the port yet: every send fails.
    with django_capture_on_commit_callbacks(execute=True):
        notices_services.send_notice(actor=p["secretary_user"], meeting=prepared)
    failed = Notification.objects.filter(meeting=prepared)
    assert failed.count() > 0
    assert all(n.email_error and n.emailed_at is None for n in failed)
    client.force_login(p["secretary_user"])
    page = client.get(reverse("meetings:meeting_notice", args=[prepared.pk])).content.decode()
    assert "Gửi thư điện tử không thành công" in page
    client.force_login(p["taker_user"])
    assert "Thông báo:" in client.get(reverse("meetings:notifications")).content.decode()

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=mail_settings.EMAIL_PORT)
    controller.start()
    try:
        call_command("send_reminders", "--today", "2018-05-01", stdout=io.StringIO())
    finally:
        controller.stop()
    assert len(sink.messages) == failed.count()
    assert Notification.objects.unsent().count() == 0
    assert not Notification.objects.exclude(email_error="").exists()


def test_an_email_tried_as_often_as_allowed_is_left_and_the_secretary_told(
    client, cell_people, prepared, mail_settings, django_capture_on_commit_callbacks
):
    p = cell_people
    mail_settings.CELLMEET_EMAIL_MAX_ATTEMPTS = 2
    with django_capture_on_commit_callbacks(execute=True):  # nothing listens: it fails
        notices_services.send_notice(actor=p["secretary_user"], meeting=prepared)
    client.force_login(p["secretary_user"])
    url = reverse("meetings:meeting_notice", args=[prepared.pk])
    page = client.get(url).content.decode()
    assert "sẽ tự động gửi lại sau ít phút" in page and "email-given-up" not in page
    run("2018-05-01")  # the second try, failed too: the last
    failed = Notification.objects.filter(meeting=prepared)
    assert {n.email_attempts for n in failed} == {2}
    page = client.get(url).content.decode()
    assert "đã thử 2 lần, không gửi lại nữa" in page
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=mail_settings.EMAIL_PORT)
    controller.start()
    try:
        assert "emails sent: 0" in run("2018-05-01")  # nobody tries a third time
    finally:
        controller.stop()
    assert sink.messages == [] and not Notification.objects.deliverable().exists()


# -- reminders ---------------------------------------------------------------------


def run(day):
    out = io.StringIO()
    call_command("send_reminders", "--today", day, stdout=out)
    return out.getvalue()


def test_reminders_go_once_each(cell_people, prepared, smtp, django_capture_on_commit_callbacks):
    p = cell_people
    with django_capture_on_commit_callbacks(execute=True):
        notices_services.send_notice(actor=p["secretary_user"], meeting=prepared)
    notices_services.reply_to_notice(user=p["taker_user"], meeting=prepared, attending=True)
    notices_sent = len(smtp.messages)
    # Three days before: too early.
    run("2018-05-04")
    assert len(smtp.messages) == notices_sent
    run("2018-05-05")
    reminded = {rcpt[0] for rcpt, _m in smtp.messages[notices_sent:]}
    assert p["taker"].email not in reminded
    assert len(reminded) == Member.objects.filter(cell=p["cell"]).count() - 1
    assert all(subject(m).startswith("Nhắc trả lời") for _r, m in smtp.messages[notices_sent:])
    before = len(smtp.messages)
    run("2018-05-05")
    run("2018-05-06")
    assert len(smtp.messages) == before


def test_chair_and_minute_taker_are_reminded_to_sign_once(cell_people, held_meeting, smtp):
    p = cell_people
    Member.objects.filter(cell=p["cell"]).update(email="dv@example.org")
    meeting = complete_minutes(held_meeting, p)
    services.change_state(actor=p["secretary_user"], meeting=meeting, to="submitted")
    run(str(meeting.meeting_date))  # the day itself: not yet
    assert smtp.messages == []
    run(str(meeting.meeting_date + datetime.timedelta(days=1)))
    subjects = [subject(m) for _rcpt, m in smtp.messages]
    assert subjects == [f"Nhắc ký biên bản: {meeting.display_title}"] * 2
    reminded = Notification.objects.filter(kind="sign_reminder")
    assert {n.recipient_id for n in reminded} == {meeting.chair_id, meeting.minute_taker_id}
    run(str(meeting.meeting_date + datetime.timedelta(days=2)))
    assert len(smtp.messages) == len(subjects)


def test_a_secretary_is_reminded_once_when_the_month_has_no_meeting(cell_people, smtp):
    p = cell_people
    p["secretary"].email = "bithu@example.org"
    p["secretary"].save(update_fields=["email"])
    run("2018-06-19")
    assert not Notification.objects.filter(kind="plan_reminder").exists()
    run("2018-06-20")
    run("2018-06-21")
    mine = [m for rcpt, m in smtp.messages if rcpt == ["bithu@example.org"]]
    assert len(mine) == 1
    assert subject(mine[0]) == "Nhắc lên kế hoạch sinh hoạt tháng 06/2018"


def test_a_month_with_only_an_addendum_still_needs_its_meeting(cell_people, smtp):
    p = cell_people
    p["secretary"].email = "bithu@example.org"
    p["secretary"].save(update_fields=["email"])
    may = signed_meeting(p, datetime.date(2018, 5, 7))
    addendum = follow_up_services.create_addendum(actor=p["secretary_user"], meeting=may)
    Meeting.objects.filter(pk=addendum.pk).update(
        planned_at=at(datetime.date(2018, 6, 4)), period=datetime.date(2018, 6, 1)
    )
    run("2018-06-20")
    mine = [m for rcpt, m in smtp.messages if rcpt == ["bithu@example.org"]]
    assert [subject(m) for m in mine] == ["Nhắc lên kế hoạch sinh hoạt tháng 06/2018"]


# -- documents -------------------------------------------------------------------


def test_documents_are_uploaded_listed_and_served_to_the_cell_only(
    client, tree, personas, cell_people, prepared
):
    p = cell_people
    client.force_login(p["secretary_user"])
    url = reverse("meetings:attachment_create", args=[prepared.pk])
    response = client.post(url, {"reference": "18-NQ/TW", "title": "Nghị quyết 18",
                                 "file": SimpleUploadedFile("nq.pdf", PDF)})  # fmt: skip
    assert response.status_code == 302
    client.post(url, {"title": "Kế hoạch", "file": SimpleUploadedFile("kh.docx", docx_bytes())})
    page = client.get(reverse("meetings:meeting_notice", args=[prepared.pk])).content.decode()
    assert "18-NQ/TW" in page and "Nghị quyết 18" in page and "Kế hoạch" in page
    pdf, docx = Attachment.objects.filter(meeting=prepared).order_by("pk")
    assert len(pdf.sha256) == 64 and docx.content_type.endswith("wordprocessingml.document")

    client.force_login(p["taker_user"])
    response = client.get(pdf.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="nq.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    # Another cell's secretary, and committee staff of another branch, get 404.
    for outsider in (personas["secretary_b"], personas["staff_y"]):
        client.force_login(outsider)
        assert client.get(pdf.get_absolute_url()).status_code == 404
    client.logout()
    assert client.get(pdf.get_absolute_url()).status_code == 302


@pytest.mark.parametrize(
    ("name", "data", "error"),
    [
        ("nq.pdf", b"MZ\x90\x00 not a pdf", "Nội dung tệp không khớp"),
        ("anh.png", PDF, "Nội dung tệp không khớp"),
        ("bang.xlsx", docx_bytes(), "Nội dung tệp không khớp"),
        ("so.docx", b"PK\x03\x04broken", "Nội dung tệp không khớp"),
        ("script.html", b"<script>", "Chỉ nhận tệp PDF"),
        ("nq.exe", PDF, "Chỉ nhận tệp PDF"),
    ],
)
def test_uploads_are_checked_by_extension_and_content(
    client, cell_people, prepared, name, data, error
):
    client.force_login(cell_people["secretary_user"])
    response = client.post(reverse("meetings:attachment_create", args=[prepared.pk]),
                           {"title": "T", "file": SimpleUploadedFile(name, data)})  # fmt: skip
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Attachment.objects.exists()


def test_an_empty_upload_is_refused(client, cell_people, prepared):
    client.force_login(cell_people["secretary_user"])
    response = client.post(reverse("meetings:attachment_create", args=[prepared.pk]),
                           {"title": "T", "file": SimpleUploadedFile("empty.pdf", b"")})  # fmt: skip
    assert response.context["form"].errors["file"]
    assert not Attachment.objects.exists()


def test_uploads_over_the_size_limit_are_refused(client, settings, cell_people, prepared):
    settings.CELLMEET_MAX_DOCUMENT_BYTES = 1024 * 1024
    client.force_login(cell_people["secretary_user"])
    big = PDF + b"0" * (1024 * 1024)
    response = client.post(reverse("meetings:attachment_create", args=[prepared.pk]),
                           {"title": "T", "file": SimpleUploadedFile("big.pdf", big)})  # fmt: skip
    assert "Tệp quá lớn: tối đa 1,0\xa0MB." in response.content.decode()
    assert not Attachment.objects.exists()
    attach(prepared, cell_people["secretary_user"], "anh.png", PNG, "Ảnh")
    assert Attachment.objects.get().content_type == "image/png"


def test_documents_of_a_signed_meeting_are_frozen(cell_people, held_meeting):
    from meetings.models import FrozenError
    from tests.meetings.conftest import signed_meeting

    meeting = signed_meeting(cell_people, datetime.date(2018, 1, 8))
    assert meeting.state == MeetingState.SIGNED
    with pytest.raises(services.MeetingError):
        attach(meeting, cell_people["secretary_user"])
    doc = attach(held_meeting, cell_people["secretary_user"])
    Attachment.objects.filter(pk=doc.pk).update(meeting=meeting)
    doc.refresh_from_db()
    with pytest.raises(FrozenError):
        doc.delete()
    with pytest.raises(services.MeetingError):
        notices_attachments.delete_attachment(actor=cell_people["secretary_user"], attachment=doc)


def test_documents_sent_with_the_notice_stay(cell_people, prepared):
    doc = attach(prepared, cell_people["secretary_user"])
    notices_services.send_notice(actor=cell_people["secretary_user"], meeting=prepared)
    with pytest.raises(services.MeetingError, match="gửi kèm thông báo"):
        notices_attachments.delete_attachment(actor=cell_people["secretary_user"], attachment=doc)
    assert Attachment.objects.filter(pk=doc.pk).exists()
    assert str(doc) == f"{doc.reference} — {doc.title}" if doc.reference else doc.title


# -- replies, attendance, written opinions ------------------------------------------------


def test_a_reply_prefills_attendance_and_an_opinion_goes_into_the_minutes(
    client, cell_people, prepared
):
    p = cell_people
    notices_services.send_notice(actor=p["secretary_user"], meeting=prepared)
    client.force_login(p["taker_user"])
    url = reverse("meetings:meeting_reply", args=[prepared.pk])
    response = client.post(url, {"attending": "no", "reason": ""})
    assert "Cần ghi lý do vắng." in response.content.decode()
    client.post(url, {"attending": "no", "reason": "Đi công tác huyện"})
    client.post(reverse("meetings:written_opinion_create", args=[prepared.pk]),
                {"text": "Đề nghị bổ sung việc làm đường liên thôn."})  # fmt: skip
    detail = client.get(prepared.get_absolute_url()).content.decode()
    assert "Đồng chí đã báo vắng: Đi công tác huyện" in detail

    client.force_login(p["secretary_user"])
    page = client.get(reverse("meetings:meeting_notice", args=[prepared.pk])).content.decode()
    assert "Vắng có lý do: Đi công tác huyện" in page
    assert "Đề nghị bổ sung việc làm đường liên thôn." in page
    attendance = client.get(reverse("meetings:meeting_attendance", args=[prepared.pk]))
    row = next(r for r in attendance.context["rows"] if r["entry"].member == p["taker"])
    assert (row["presence"], row["reason"]) == ("absent_reason", "Đi công tác huyện")
    assert 'value="absent_reason" selected' in attendance.content.decode()

    # On the day the secretary saves attendance as shown, and the meeting runs.
    data = {f"presence_{r['entry'].member.pk}": r["presence"] for r in attendance.context["rows"]}
    data.update({f"reason_{r['entry'].member.pk}": r["reason"] for r in attendance.context["rows"]})
    data.update({"guests-TOTAL_FORMS": "0", "guests-INITIAL_FORMS": "0"})
    client.post(reverse("meetings:meeting_attendance", args=[prepared.pk]), data)
    services.change_state(actor=p["secretary_user"], meeting=prepared, to="held")
    written = prepared.written_opinions.get()
    bring = reverse("meetings:written_opinion_bring", args=[written.pk])
    assert "Đưa vào biên bản" in client.get(bring).content.decode()
    client.post(bring)
    opinion = Opinion.objects.get(meeting=prepared)
    assert opinion.speaker_name == p["taker"].full_name
    assert opinion.item.section == "discussion"
    assert "Đề nghị bổ sung việc làm đường liên thôn." in opinion.text
    with pytest.raises(services.MeetingError):
        notices_services.bring_into_minutes(actor=p["secretary_user"], written=written)
    # The author was absent: a written opinion does not hold up the minutes for that.
    prepared.refresh_from_db()
    assert prepared.state == MeetingState.HELD
    reasons = " ".join(workflow.reasons_against(prepared, MeetingState.SUBMITTED))
    assert "Ý kiến của người không có mặt" not in reasons
    minutes_services.add_opinion(actor=p["secretary_user"], meeting=prepared, item=opinion.item,
                         text="Nói", speaker_member=p["secretary"])  # fmt: skip
    Opinion.objects.filter(speaker_member=p["secretary"]).update(
        speaker_member=p["taker"], speaker_name=p["taker"].full_name
    )
    reasons = " ".join(workflow.reasons_against(prepared, MeetingState.SUBMITTED))
    assert f"Ý kiến của người không có mặt theo điểm danh: {p['taker'].full_name}" in reasons


def test_only_invited_members_reply(client, personas, cell_people, prepared):
    url = reverse("meetings:meeting_reply", args=[prepared.pk])
    client.force_login(personas["secretary_b"])
    assert client.get(url).status_code == 404
    staff = make_user(cell_people["cell"].parent, username="staff_reply")
    client.force_login(staff)
    assert client.get(url).status_code == 403


# -- the notifications list --------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 3])
def test_notifications_list_query_count_is_constant(client, cell_people, rows,
                                                    django_assert_num_queries):  # fmt: skip
    member = MemberFactory(cell=cell_people["cell"], full_name="Lò Văn Páo")
    user = make_user(cell_people["cell"], username=f"pao{rows}")
    member.user = user
    member.save(update_fields=["user"])
    for n in range(rows):
        Notification.objects.create(recipient=member, kind="notice", key=f"k{n}",
                                    subject=f"Tin {n}", body="Nội dung", link="/")  # fmt: skip
    client.force_login(user)
    client.get(reverse("home"))
    with django_assert_num_queries(5):  # the unread count comes with the user
        response = client.get(reverse("meetings:notifications"))
    assert len(response.context["page"].object_list) == rows
    assert f">{rows}<" in response.content.decode()


def test_model_meeting_guests_get_the_notice_and_read_its_documents(
    client, tree, personas, cell_people, smtp, django_capture_on_commit_callbacks
):
    p = cell_people
    guest = tree["members"]["a2"][0]
    guest.email = "khach@example.org"
    guest.user = make_user(tree["a2"], username="bithu_a2")
    guest.save(update_fields=["email", "user"])
    Position.objects.create(cell=tree["a2"], member=guest, role="secretary",
                            started_on="2017-07-01")  # fmt: skip
    meeting = meeting_services.plan_meeting(actor=p["secretary_user"], cell=p["cell"], kind="model",
                                    planned_at=at(datetime.date(2018, 5, 5)), place="NVH")  # fmt: skip
    meeting_services.record_committee_session(actor=p["secretary_user"], meeting=meeting,
                                      held_on=datetime.date(2018, 5, 1), attendees=[],
                                      agreed_content="x")  # fmt: skip
    doc = attach(meeting, p["secretary_user"])
    client.force_login(guest.user)
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert client.get(doc.get_absolute_url()).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        notices_services.send_notice(actor=p["secretary_user"], meeting=meeting)
    assert [rcpt for rcpt, _m in smtp.messages if rcpt == ["khach@example.org"]]
    page = client.get(reverse("meetings:notifications")).content.decode()
    assert f"Thông báo: {meeting.display_title}" in page
    assert client.get(meeting.get_absolute_url()).status_code == 200
    assert client.get(doc.get_absolute_url()).status_code == 200
    # A guest reads; replying and managing stay with the cell.
    assert client.get(reverse("meetings:meeting_reply", args=[meeting.pk])).status_code == 403
    assert client.get(reverse("meetings:meeting_notice", args=[meeting.pk])).status_code == 404
    # Another committee's secretary is no guest.
    client.force_login(personas["secretary_b"])
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert client.get(doc.get_absolute_url()).status_code == 404


def test_replies_and_written_opinions_close_when_the_meeting_is_held(cell_people, held_meeting):
    p = cell_people
    with pytest.raises(services.MeetingError, match="trước cuộc họp"):
        notices_services.reply_to_notice(user=p["taker_user"], meeting=held_meeting, attending=True)
    with pytest.raises(services.MeetingError, match="trước cuộc họp"):
        notices_services.send_written_opinion(user=p["taker_user"], meeting=held_meeting, text="x")


def test_no_planning_reminder_for_a_cell_with_a_meeting_that_month(cell_people):
    p = cell_people
    meeting_services.plan_meeting(actor=p["secretary_user"], cell=p["cell"], kind="regular",
                          planned_at=at(datetime.date(2018, 6, 28)), place="NVH")  # fmt: skip
    run("2018-06-21")
    assert not Notification.objects.filter(kind="plan_reminder", recipient=p["secretary"]).exists()


def test_late_reply_and_opinion_forms_say_they_are_closed_on_opening(
    client, cell_people, held_meeting
):
    client.force_login(cell_people["taker_user"])
    for name, text in (("meeting_reply", "Chỉ trả lời thông báo trước cuộc họp."),
                       ("written_opinion_create", "Chỉ gửi ý kiến bằng văn bản trước cuộc họp.")):  # fmt: skip
        page = client.get(reverse(f"meetings:{name}", args=[held_meeting.pk])).content.decode()
        assert text in page and "disabled" in page


def test_the_notice_as_sent_stays_readable_and_replies_wait_for_it(client, cell_people, prepared):
    """Before anything is sent nobody is asked to reply (the service refuses it too); the
    secretary who sent the notice is not asked to reply to it; the text sent stays on the
    notice page."""
    p = cell_people
    client.force_login(p["taker_user"])
    before = client.get(prepared.get_absolute_url()).content.decode()
    assert "Trả lời thông báo" not in before and "Gửi ý kiến bằng văn bản" not in before
    with pytest.raises(services.MeetingError, match="chưa gửi thông báo"):
        notices_services.reply_to_notice(user=p["taker_user"], meeting=prepared, attending=True)
    with pytest.raises(services.MeetingError, match="chưa gửi thông báo"):
        notices_services.send_written_opinion(user=p["taker_user"], meeting=prepared, text="Ý kiến")
    notices_services.send_notice(
        actor=p["secretary_user"], meeting=prepared, message="Mang theo sổ tay."
    )
    assert "Trả lời thông báo" in client.get(prepared.get_absolute_url()).content.decode()
    client.force_login(p["secretary_user"])
    assert "Trả lời thông báo" not in client.get(prepared.get_absolute_url()).content.decode()
    page = client.get(reverse("meetings:meeting_notice", args=[prepared.pk])).content.decode()
    assert 'id="sent-notice"' in page and "Mang theo sổ tay." in page
    assert "Địa điểm: Nhà văn hóa thôn." in page


def test_the_secretary_hears_of_replies_and_opinions_in_the_app(client, cell_people, prepared):
    p = cell_people
    notices_services.send_notice(actor=p["secretary_user"], meeting=prepared)
    inbox = Notification.objects.filter(recipient=p["secretary"], kind="reply")
    notices_services.reply_to_notice(user=p["taker_user"], meeting=prepared, attending=False,
                            reason="Đi làm nương")  # fmt: skip
    notices_services.reply_to_notice(user=p["taker_user"], meeting=prepared, attending=False,
                            reason="Đi làm nương")  # fmt: skip
    notices_services.send_written_opinion(
        user=p["taker_user"], meeting=prepared, text="Đề nghị sửa đường."
    )
    assert inbox.count() == 2  # the same answer twice tells once
    assert all(n.email == "" and n.link.startswith("/meetings/") for n in inbox)
    assert any("Đi làm nương" in n.body for n in inbox)
    client.force_login(p["secretary_user"])
    assert "Đề nghị sửa đường." in client.get(reverse("meetings:notifications")).content.decode()


def test_same_named_members_are_told_apart_in_the_replies(client, cell_people, prepared):
    p = cell_people
    twin = MemberFactory(cell=p["cell"], full_name=p["taker"].full_name,
                         date_of_birth=datetime.date(1991, 4, 1))  # fmt: skip
    client.force_login(p["secretary_user"])
    page = client.get(reverse("meetings:meeting_notice", args=[prepared.pk])).content.decode()
    assert f"{twin.full_name} (1991)" in page
    assert f"{p['taker'].full_name} ({p['taker'].date_of_birth:%Y})" in page
