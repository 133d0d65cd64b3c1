"""Every URL of the project against every kind of user.

The matrix below has one row per named URL. Adding a URL without a row fails
`test_every_url_is_in_the_matrix`, so nobody ships a page whose access was never
decided. Each row says what seven personas get on GET, and every persona that is
refused on GET must be refused the same way on POST (or get 405 from a page that
takes no POST), with nothing written.

Answers: "ok" 200, "login" redirect to the login page, "403", "404", "405" (the
URL takes POST only), "redirect" (a redirect elsewhere, e.g. language switch).
"""

import datetime
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from meetings.follow_up import services as follow_up_services
from meetings.meeting import services as meeting_services
from meetings.minutes import services as minutes_services
from meetings.models import MeetingNotice, Notification, RotationSlot
from meetings.notices import attachments as notices_attachments
from meetings.notices import services as notices_services
from meetings.rotation_plan import services as rotation_services
from members.models import AuditEvent, Member, Position
from tests.factories import MemberFactory, UserFactory
from tests.meetings.conftest import (  # noqa: F401
    at,
    cell_people,
    complete_minutes,
    meeting_held_on,
    signed_meeting,
    submitted_meeting,
)
from tests.pages import page_problems

PERSONAS = ["anonymous", "member", "other_secretary", "secretary", "other_staff", "staff",
            "district"]  # fmt: skip

# Shorthands for the common shapes of access, in PERSONAS order.
READ_CELL = "login ok 404 ok 404 ok ok"  # anyone in cell A or above it reads
MANAGE_CELL = "login 403 404 ok 404 ok ok"  # cell A's secretary and committee staff above it
ADMIN_COMMITTEE = "login 404 404 404 404 ok ok"  # committee X's staff and the district
ADMIN_CELL = "login 403 404 403 404 ok ok"  # committee decisions about cell A and its members
READ_COMMITTEE = "login 404 404 404 404 ok ok"  # committee-level pages; cells can't see X
SIGNED_IN = "login ok ok ok ok ok ok"
# Members on the meeting's invitation list; the personas other than `member` have no
# member record in cell A (staff, or a secretary account not linked to a member).
INVITED = "login ok 404 403 404 403 403"
PUBLIC = "ok ok ok ok ok ok ok"


@dataclass
class Row:
    args: str  # which object the URL points at (see `objects`)
    access: str
    extra: tuple = ()


# One row per URL name. `args` names an entry of the `objects` fixture.
MATRIX = {
    "home": Row("", SIGNED_IN),
    "favicon": Row("", "redirect " * 6 + "redirect"),
    "login": Row("", PUBLIC),
    "logout": Row("", "405 405 405 405 405 405 405"),
    "password_change": Row("", SIGNED_IN),
    "password_change_done": Row("", SIGNED_IN),
    "set_language": Row("", "redirect " * 6 + "redirect"),
    # members
    "members:organisation_tree": Row("", SIGNED_IN),
    "members:organisation_detail": Row("cell", READ_CELL),
    "members:organisation_create": Row("committee", ADMIN_COMMITTEE),
    "members:organisation_update": Row("cell", ADMIN_CELL),
    "members:organisation_dissolve": Row("cell", ADMIN_CELL),
    "members:audit_log": Row("committee", ADMIN_COMMITTEE),
    "members:organisation_as_of": Row("committee", READ_COMMITTEE),
    "members:role_carry": Row("committee_role", "login 405 405 405 405 405 405"),
    "members:member_list": Row("cell", READ_CELL),
    "members:member_create": Row("cell", MANAGE_CELL),
    "members:member_import": Row("cell", MANAGE_CELL),
    "members:member_export_csv": Row("cell", MANAGE_CELL),
    "members:member_export_xlsx": Row("cell", MANAGE_CELL),
    "members:position_create": Row("cell", ADMIN_CELL),
    "members:position_end": Row("position", ADMIN_CELL),
    "members:member_detail": Row("member", READ_CELL),
    "members:member_update": Row("member", MANAGE_CELL),
    "members:member_transfer": Row("member", ADMIN_CELL),
    "members:member_status": Row("member", ADMIN_CELL),
    "members:member_official": Row("probationary", ADMIN_CELL),
    "members:member_exempt": Row("member", MANAGE_CELL),
    "members:member_reinstate": Row("suspended", MANAGE_CELL),
    # meetings
    "meetings:meeting_list": Row("cell", READ_CELL),
    "meetings:meeting_create": Row("cell", MANAGE_CELL),
    "meetings:meeting_detail": Row("held", READ_CELL),
    "meetings:meeting_update": Row("planned", MANAGE_CELL),
    "meetings:meeting_committee": Row("planned", MANAGE_CELL),
    "meetings:meeting_agenda": Row("planned", MANAGE_CELL),
    "meetings:meeting_attendance": Row("held", MANAGE_CELL),
    "meetings:meeting_minutes": Row("held", MANAGE_CELL),
    "meetings:meeting_draft": Row("held", "login 403 404 405 404 405 405"),
    "meetings:opinion_create": Row("held", MANAGE_CELL),
    "meetings:opinion_delete": Row("opinion", MANAGE_CELL),
    "meetings:vote_create": Row("held", MANAGE_CELL),
    "meetings:vote_delete": Row("vote", MANAGE_CELL),
    "meetings:meeting_state": Row("held_to_submitted", MANAGE_CELL),
    "meetings:meeting_sign": Row("submitted", "login 403 404 403 404 403 403"),
    # Only the chair and the minute-taker, neither of whom is a persona here.
    "meetings:reopen_ask": Row("submitted", "login 403 404 403 404 403 403"),
    "meetings:reopen_agree": Row("submitted", "login 403 404 403 404 403 403"),
    "meetings:screen": Row("held", MANAGE_CELL),
    "meetings:screen_operations": Row("held", "login 403 404 405 404 405 405"),
    "meetings:screen_action": Row("held", "login 403 404 405 404 405 405"),
    "meetings:screen_worker": Row("", PUBLIC),
    "meetings:reorganise": Row("cell", ADMIN_CELL),
    "meetings:split": Row("cell", ADMIN_CELL),
    "meetings:meeting_verify": Row("signed", READ_CELL),
    "meetings:meeting_pdf": Row("signed", READ_CELL),
    "meetings:resolution_pdf": Row("signed", READ_CELL),
    "meetings:meeting_addendum": Row("signed", MANAGE_CELL),
    "meetings:meeting_documents": Row("signed", MANAGE_CELL),
    "meetings:task_create": Row("signed", MANAGE_CELL),
    "meetings:task_update": Row("task", MANAGE_CELL),
    "meetings:dissemination_create": Row("signed", MANAGE_CELL),
    "meetings:meeting_rating": Row("signed_host", MANAGE_CELL),
    "meetings:lesson_create": Row("signed", READ_CELL),
    "meetings:minute_book": Row("cell", READ_CELL),
    "meetings:verify_code": Row("code", PUBLIC),
    "meetings:rotation": Row("committee", READ_COMMITTEE),
    "meetings:rotation_slot": Row("slot", READ_COMMITTEE),
    "meetings:compliance": Row("committee", READ_COMMITTEE),
    # before the meeting
    "meetings:meeting_notice": Row("planned", MANAGE_CELL),
    "meetings:attachment_create": Row("planned", MANAGE_CELL),
    "meetings:attachment_download": Row("attachment", READ_CELL),
    "meetings:attachment_delete": Row("attachment", MANAGE_CELL),
    "meetings:meeting_reply": Row("planned", INVITED),
    "meetings:written_opinion_create": Row("planned", INVITED),
    "meetings:written_opinion_bring": Row("written_opinion", MANAGE_CELL),
    "meetings:notifications": Row("", SIGNED_IN),
    "meetings:notification_open": Row("notification", "login 405 405 405 405 405 405"),
}

# Django's admin has its own login and permission checks; none of our personas is
# staff in Django's sense, so every admin page sends them to the admin login.
ADMIN_NAMESPACE = "admin"


def url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}<unnamed {pattern.pattern}>"


def test_every_url_is_in_the_matrix():
    names = {name for name in url_names() if not name.startswith(f"{ADMIN_NAMESPACE}:")}
    assert names - MATRIX.keys() == set(), "add these URLs to the permission matrix"
    assert MATRIX.keys() - names == set(), "these matrix rows name no URL"


@pytest.fixture
def objects(tree, personas, cell_people):  # noqa: F811
    people = cell_people
    cell, committee = tree["a"], tree["x"]
    actor = people["secretary_user"]
    planned = meeting_services.plan_meeting(actor=actor, cell=cell, kind="regular",
                                    planned_at=at(datetime.date(2018, 5, 7)), place="Hội trường")  # fmt: skip
    held = meeting_held_on(people, datetime.date(2018, 4, 5), place="Hội trường", prepared_days=4)
    held = complete_minutes(held, people)
    opinion = minutes_services.add_opinion(actor=actor, meeting=held, item=held.agenda.first(),
                                   text="Ý kiến", speaker_member=people["secretary"])  # fmt: skip
    vote = held.votes.first()
    submitted = submitted_meeting(people, datetime.date(2018, 2, 5))
    signed = signed_meeting(people, datetime.date(2018, 1, 8))
    task = follow_up_services.add_task(actor=actor, meeting=signed, assignee=people["secretary"],
                             description="Việc", due_on=datetime.date(2018, 2, 1))  # fmt: skip
    attachment = notices_attachments.add_attachment(actor=actor, meeting=planned, reference="18-NQ/TW",
                                        upload=SimpleUploadedFile("nq.pdf", b"%PDF-1.4 x"),
                                        title="Nghị quyết")  # fmt: skip
    # cell_people gave member_a's member to the minute-taker; link it to another one.
    plain = Member.objects.get(cell=cell, full_name="Ma Văn Lâm 0")
    plain.user = personas["member_a"]
    plain.save(update_fields=["user"])
    MeetingNotice.objects.create(meeting=planned, sent_at=timezone.now(), sent_by=actor)
    written = notices_services.send_written_opinion(user=people["taker_user"], meeting=planned,
                                           text="Ý kiến")  # fmt: skip
    notification = Notification.objects.create(
        recipient=plain, kind="notice", key="k", subject="S", body="B", link="/"
    )
    rotation_services.plan_rotation(actor=personas["district"], org=tree["district"], year=2018)
    slot = RotationSlot.objects.filter(group=committee).first()
    position = Position.objects.filter(cell=cell).first()
    member = tree["members"]["a"][0]
    probationary = Member.objects.get(cell=cell, status="probationary")
    suspended = Member.objects.filter(cell=cell).exclude(pk__in=[member.pk, probationary.pk]).last()
    Member.objects.filter(pk=suspended.pk).update(status="suspended")
    return {
        "": (),
        "cell": (cell.pk,),
        "committee": (committee.pk,),
        "committee_role": (committee.pk, 1),  # a POST-only page: answers 405 to a GET
        "position": (position.pk,),
        "member": (member.pk,),
        "probationary": (probationary.pk,),
        "suspended": (suspended.pk,),
        "planned": (planned.pk,),
        "held": (held.pk,),
        "held_to_submitted": (held.pk, "submitted"),
        "submitted": (submitted.pk,),
        "signed": (signed.pk,),
        "signed_host": (signed.pk, "host"),
        "opinion": (opinion.pk,),
        "vote": (vote.pk,),
        "task": (task.pk,),
        "slot": (slot.pk,),
        "code": (signed.documents.first().code,),
        "attachment": (attachment.pk,),
        "written_opinion": (written.pk,),
        "notification": (notification.pk,),
    }


@pytest.fixture
def users(personas):
    return {
        "anonymous": None,
        "member": personas["member_a"],
        "other_secretary": personas["secretary_b"],
        "secretary": personas["secretary_a"],
        "other_staff": personas["staff_y"],
        "staff": personas["staff_x"],
        "district": personas["district"],
    }


def act_as(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)


def answer(response):
    code = response.status_code
    if code in (301, 302):
        return "login" if "/accounts/login/" in response["Location"] else "redirect"
    return "ok" if code == 200 else str(code)


def _visit(client, users, objects):
    """{(url name, persona): answer} for every row of the matrix, and the HTML pages."""
    got, pages = {}, {}
    for name, row in MATRIX.items():
        url = reverse(name, args=objects[row.args])
        for persona in PERSONAS:
            act_as(client, users[persona])
            response = client.get(url)
            got[name, persona] = answer(response)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                pages[name, persona] = response
    return got, pages


def expected(name):
    return dict(zip(PERSONAS, MATRIX[name].access.split(), strict=True))


def test_every_persona_gets_the_intended_answer(client, users, objects):
    got, pages = _visit(client, users, objects)
    wrong = [
        f"{name} as {persona}: expected {expected(name)[persona]}, got {got[name, persona]}"
        for name in MATRIX
        for persona in PERSONAS
        if got[name, persona] != expected(name)[persona]
    ]
    assert wrong == [], "\n".join(wrong)
    # Every page anyone can open holds to the Content-Security-Policy and CSRF rules.
    problems = [
        f"{name} as {persona}: {problem}"
        for (name, persona), response in pages.items()
        for problem in page_problems(response)
    ]
    assert len(pages) > 150
    assert problems == [], "\n".join(problems)


def test_refused_personas_are_refused_on_post_and_nothing_is_written(client, users, objects):
    audit_before = AuditEvent.objects.count()
    wrong = []
    for name, row in MATRIX.items():
        url = reverse(name, args=objects[row.args])
        for persona, answer_on_get in expected(name).items():
            if answer_on_get not in {"login", "403", "404"}:
                continue
            act_as(client, users[persona])
            got = answer(client.post(url, {"reason": "x", "password": "x"}))
            # A read-only page may answer 405 instead: it takes no POST at all.
            if got not in {answer_on_get, "405"}:
                wrong.append(f"POST {name} as {persona}: expected {answer_on_get}, got {got}")
    assert wrong == [], "\n".join(wrong)
    assert AuditEvent.objects.count() == audit_before


def _admin_urls():
    """(model label, view, URL) of every registered ModelAdmin's list, add and change
    views, the change view on one of its rows."""
    urls = []
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append((model._meta.label_lower, "changelist", reverse(f"{info}_changelist")))
        urls.append((model._meta.label_lower, "add", reverse(f"{info}_add")))
        row = model._default_manager.order_by("pk").first()
        if row is not None:
            urls.append(
                (model._meta.label_lower, "change", reverse(f"{info}_change", args=[row.pk]))
            )
    return urls


def test_admin_sends_every_persona_to_its_login(client, users, objects):
    urls = _admin_urls()
    assert {view for _label, view, _url in urls} == {"changelist", "add", "change"}
    for persona in PERSONAS:
        act_as(client, users[persona])
        for label, view, url in [(None, "index", reverse("admin:index")), *urls]:
            response = client.get(url)
            assert response.status_code == 302, (persona, label, view)
            assert "/admin/login/" in response["Location"], (persona, label, view)


def test_the_superuser_reads_every_admin_and_adds_only_through_the_services(client, objects):
    from tests.members.test_admin import SERVICE_BACKED

    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    wrong = []
    for label, view, url in _admin_urls():
        code = client.get(url).status_code
        want = 403 if view == "add" and label not in SERVICE_BACKED else 200
        if code != want:
            wrong.append(f"{label} {view}: expected {want}, got {code}")
    assert wrong == [], "\n".join(wrong)


def test_an_import_row_that_needs_committee_rights_is_refused_to_a_secretary(
    client, users, objects, tree
):
    from tests.members.imports.test_import_rules import edit, exported, post

    MemberFactory(cell=tree["a"], full_name="Vàng Thị Dợ", official_on=None,
                  admitted_on=datetime.date(2016, 3, 2))  # fmt: skip
    act_as(client, users["secretary"])
    rows = edit(exported(client, tree["a"]), "Vàng Thị Dợ",
                **{"Tình trạng": "Chính thức", "Ngày chính thức": "02/03/2017"})  # fmt: skip
    page = post(client, tree["a"], rows).content.decode()
    assert "Bạn không có quyền công nhận đảng viên chính thức" in page
    assert Member.objects.get(full_name="Vàng Thị Dợ").status == "probationary"


def test_only_the_chair_and_the_minute_taker_get_the_signing_page(client, objects, cell_people):  # noqa: F811
    url = reverse("meetings:meeting_sign", args=objects["submitted"])
    for user in (cell_people["secretary_user"], cell_people["taker_user"]):
        client.force_login(user)
        assert client.get(url).status_code == 200
