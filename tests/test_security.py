import datetime
import io
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from meetings import services
from meetings.meeting import services as meeting_services
from meetings.minutes import services as minutes_services
from members.models import AuditEvent, AuditTrailIsAppendOnly, LoginAttempt
from tests.factories import MemberFactory, UserFactory, make_user
from tests.meetings.conftest import cell_people, complete_minutes, held_meeting  # noqa: F401
from tests.pages import page_problems

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "a-long-passphrase-9"


@pytest.fixture
def account(tree):
    user = UserFactory(username="bithu.thanhson")
    user.set_password(PASSWORD)
    user.save()
    return user


def try_login(client, username, password, ip="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_repeated_wrong_passwords_lock_the_account_even_for_the_right_one(client, account):
    for _ in range(settings.CELLMEET_LOGIN_MAX_FAILURES):
        response = try_login(client, account.username, "wrong")
        assert response.status_code == 200
    response = try_login(client, account.username, PASSWORD)
    assert response.status_code == 200
    assert "Tài khoản tạm khóa vì nhập sai mật khẩu nhiều lần" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="lockout").count() == 1


def test_the_lock_lifts_after_its_time_and_others_are_not_locked(client, account):
    other = UserFactory(username="thuky.thanhson")
    other.set_password(PASSWORD)
    other.save()
    for _ in range(settings.CELLMEET_LOGIN_MAX_FAILURES):
        try_login(client, account.username, "wrong")
    assert try_login(client, other.username, PASSWORD).status_code == 302
    client.logout()
    LoginAttempt.objects.update(
        created_at=timezone.now()
        - datetime.timedelta(minutes=settings.CELLMEET_LOGIN_LOCKOUT_MINUTES + 1)
    )
    assert try_login(client, account.username, PASSWORD).status_code == 302


def test_a_success_resets_the_count(client, account):
    for _ in range(settings.CELLMEET_LOGIN_MAX_FAILURES - 1):
        try_login(client, account.username, "wrong")
    assert try_login(client, account.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.CELLMEET_LOGIN_MAX_FAILURES - 1):
        try_login(client, account.username, "wrong")
    assert try_login(client, account.username, PASSWORD).status_code == 302


def test_one_address_guessing_many_usernames_is_locked(client, account, settings):
    settings.CELLMEET_LOGIN_MAX_FAILURES = 2
    for n in range(20):
        try_login(client, f"guess{n}", "wrong", ip="203.0.113.9")
    assert try_login(client, account.username, PASSWORD, ip="203.0.113.9").status_code == 200
    assert try_login(client, account.username, PASSWORD, ip="203.0.113.10").status_code == 302


def test_signing_counts_against_the_same_lock(held_meeting, cell_people):  # noqa: F811
    meeting = complete_minutes(held_meeting, cell_people)
    services.change_state(actor=cell_people["secretary_user"], meeting=meeting, to="submitted")
    meeting.refresh_from_db()
    user = cell_people["taker_user"]
    for _ in range(settings.CELLMEET_LOGIN_MAX_FAILURES):
        with pytest.raises(services.MeetingError):
            meeting_services.sign_minutes(meeting=meeting, user=user, password="wrong")
    assert LoginAttempt.objects.filter(username=user.username, succeeded=False).count() == 5
    with pytest.raises(services.MeetingError, match="tạm khóa"):
        meeting_services.sign_minutes(meeting=meeting, user=user, password="pw-for-tests-1")
    assert not meeting.signatures.exists()


def change_password(client, old, new="another-passphrase-7"):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
        REMOTE_ADDR="10.0.0.1",
    )


def test_changing_the_password_counts_against_the_lock_and_is_audited(client, account):
    client.force_login(account)
    for _ in range(settings.CELLMEET_LOGIN_MAX_FAILURES + 2):
        assert change_password(client, "wrong").status_code == 200
    response = change_password(client, PASSWORD)
    assert response.status_code == 200
    assert "Tài khoản tạm khóa vì nhập sai mật khẩu nhiều lần" in response.content.decode()
    account.refresh_from_db()
    assert account.check_password(PASSWORD)
    assert AuditEvent.objects.filter(action="lockout").count() == 1
    LoginAttempt.objects.update(
        created_at=timezone.now()
        - datetime.timedelta(minutes=settings.CELLMEET_LOGIN_LOCKOUT_MINUTES + 1)
    )
    assert change_password(client, PASSWORD).status_code == 302
    account.refresh_from_db()
    assert account.check_password("another-passphrase-7")
    assert AuditEvent.objects.filter(action="user.password_change", target_id=account.pk).exists()


def test_the_lockout_is_in_the_audit_log_of_committee_staff(client, tree, personas):
    make_user(tree["a"], username="locked.member")
    locked = UserFactory._meta.model.objects.get(username="locked.member")
    for _ in range(settings.CELLMEET_LOGIN_MAX_FAILURES):
        try_login(client, locked.username, "wrong")
    client.force_login(personas["staff_x"])
    page = client.get(reverse("members:audit_log", args=[tree["x"].pk])).content.decode()
    assert "Tạm khóa đăng nhập của locked.member" in page
    client.force_login(personas["staff_y"])
    assert client.get(reverse("members:audit_log", args=[tree["x"].pk])).status_code == 404
    page = client.get(reverse("members:audit_log", args=[tree["y"].pk])).content.decode()
    assert "locked.member" not in page


def test_the_audit_log_shows_changes_in_the_subtree_and_filters_them(client, tree, personas):
    member = tree["members"]["a"][0]
    client.force_login(personas["district"])
    url = reverse("members:member_update", args=[member.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["phone"] = "0912 345 678"
    data["version"] = member.version
    for field in ("born_on", "admitted_on", "official_on"):
        if data.get(field):
            data[field] = data[field].strftime("%d/%m/%Y")
    assert client.post(url, data).status_code == 302
    client.force_login(personas["staff_x"])
    log = reverse("members:audit_log", args=[tree["x"].pk])
    page = client.get(log).content.decode()
    assert member.full_name in page and "0912 345 678" in page
    page = client.get(log, {"target": "meetings.meeting"}).content.decode()
    assert "0912 345 678" not in page
    page = client.get(log, {"actor": "district_staff"}).content.decode()
    assert "0912 345 678" in page
    page = client.get(log, {"since": "02/01/2100", "until": "01/01/2100"}).content.decode()
    assert "Ngày bắt đầu phải trước ngày kết thúc." in page
    client.force_login(personas["staff_y"])
    page = client.get(reverse("members:audit_log", args=[tree["y"].pk])).content.decode()
    assert "0912 345 678" not in page


def test_the_audit_trail_cannot_be_edited_or_deleted(tree, personas):
    event = AuditEvent.objects.create(action="x", target_type="members.member", summary="s")
    event.summary = "changed"
    with pytest.raises(AuditTrailIsAppendOnly):
        event.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        event.delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(summary="changed")
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).summary == "s"


def test_forms_without_a_csrf_token_are_refused(tree, personas):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    client.force_login(personas["staff_x"])
    url = reverse("members:organisation_create", args=[tree["x"].pk])
    assert client.post(url, {"name": "Chi bộ mới"}).status_code == 403


def test_user_text_is_escaped_in_pages(client, tree, personas):
    MemberFactory(cell=tree["a"], full_name='<script>alert("x")</script> Vàng Thị Dung')
    client.force_login(personas["staff_x"])
    page = client.get(reverse("members:member_list", args=[tree["a"].pk])).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Vàng Thị Dung" in page
    assert '<script>alert("x")</script>' not in page


def test_user_text_is_printed_literally_in_pdfs(client, held_meeting, cell_people):  # noqa: F811
    item = held_meeting.agenda.first()
    minutes_services.add_opinion(actor=cell_people["secretary_user"], meeting=held_meeting, item=item,
                         text='<b>in đậm?</b> <img src="http://example.com/x.png">',
                         speaker_member=cell_people["secretary"])  # fmt: skip
    client.force_login(cell_people["secretary_user"])
    response = client.get(reverse("meetings:meeting_pdf", args=[held_meeting.pk]))
    text = "".join(page.extract_text() for page in PdfReader(_bytes(response)).pages)
    assert "<b>in đậm?</b>" in text
    assert '<img src="http://' in text and 'example.com/x.png">' in text


def test_direction_marks_cannot_turn_a_document_around(client, held_meeting, cell_people):  # noqa: F811
    """A right-to-left override in a name would print the template text after it
    backwards; the PDF prints the text without such marks."""
    item = held_meeting.agenda.first()
    minutes_services.add_opinion(actor=cell_people["secretary_user"], meeting=held_meeting, item=item,
                         text="Đồng ý\u202e với dự thảo", speaker_member=cell_people["secretary"])  # fmt: skip
    minutes_services.save_minutes(
        actor=cell_people["secretary_user"], meeting=held_meeting, version=held_meeting.version,
        data={"chair": cell_people["secretary"], "minute_taker": cell_people["taker"],
              "opened_at": datetime.time(8), "closed_at": datetime.time(10),
              "conclusion": "\u202eKết luận\u2066 ngược\u2069", "items": {}},
    )  # fmt: skip
    client.force_login(cell_people["secretary_user"])
    response = client.get(reverse("meetings:meeting_pdf", args=[held_meeting.pk]))
    text = "".join(page.extract_text() for page in PdfReader(_bytes(response)).pages)
    assert not set(text) & {"\u202e", "\u2066", "\u2069"}
    assert "Đồng ý với dự thảo" in text and "Kết luận ngược" in text


def test_signed_in_pages_exports_and_documents_are_kept_by_no_cache(client, tree, personas):
    client.force_login(personas["staff_x"])
    for url in (reverse("home"), reverse("members:member_list", args=[tree["a"].pk]),
                reverse("members:member_export_csv", args=[tree["a"].pk])):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def _bytes(response):
    return io.BytesIO(
        b"".join(response.streaming_content) if response.streaming else response.content
    )


def test_pages_carry_the_security_headers(client, personas):
    client.force_login(personas["secretary_a"])
    response = client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert page_problems(response) == []


def test_the_page_check_finds_inline_code_and_missing_tokens():
    response = HttpResponse(
        '<form method="post" action="/x/"><input name="a"></form>'
        '<script>alert(1)</script><a href="#" onclick="x()" style="color:red">a</a>'
        '<script type="application/json">{}</script>'
    )
    problems = page_problems(response)
    assert len(problems) == 6, problems


def test_sessions_end_with_the_browser_and_after_a_working_day(client, personas):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    client.force_login(personas["secretary_a"])
    session = client.session
    session.set_expiry(-1)
    session.save()
    assert client.get(reverse("home")).status_code == 302


def test_passwords_are_hashed_with_pbkdf2_by_default():
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from cellmeet import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("PBKDF2PasswordHasher")
    assert PBKDF2PasswordHasher.iterations >= 600_000


def test_no_secret_is_committed():
    files = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    suspicious = []
    for name in files:
        path = REPO / name
        if path.suffix in {".p12", ".pfx", ".pem", ".key"} or path.name in {".env", "id_rsa"}:
            suspicious.append(name)
            continue
        if path.suffix in {".mo", ".png", ".ico", ".woff2", ".xlsx", ".pdf"} or not path.is_file():
            continue
        text = path.read_text(errors="ignore")
        if "PRIVATE KEY-----" in text and name != "tests/test_security.py":
            suspicious.append(name)
    assert suspicious == []


def test_a_huge_username_is_refused_without_an_error(client, account):
    response = try_login(client, "x%_" * 40_000, "wrong")
    assert response.status_code == 200
    assert LoginAttempt.objects.get().username == ("x%_" * 50)[:150]
