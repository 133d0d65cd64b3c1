"""Every form of the meetings app posted with hostile data through its view (tests/fuzz.py),
with the meeting in a state where the form is open; and the endpoints that read the
request themselves: attendance rows, the minutes' autosave, the rotation, list filters.

Never a server error; a refused form says why on the page.
"""

import datetime
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import strategies as st

from meetings import services
from meetings.documents.forms import MinuteBookForm
from meetings.enums import MeetingState, Presence, TaskStatus
from meetings.follow_up import services as follow_up_services
from meetings.follow_up.forms import DisseminationForm, TaskForm, TaskUpdateForm
from meetings.meeting import services as meeting_services
from meetings.meeting.forms import CommitteeSessionForm, PlanForm, SignForm, StateChangeForm
from meetings.minutes.forms import (
    AgendaItemForm,
    DirectiveForm,
    GuestForm,
    MinutesForm,
    OpinionForm,
    VoteForm,
)
from meetings.models import MinutesDraft
from meetings.notices.forms import AttachmentForm, NoticeForm, ReplyForm, WrittenOpinionForm
from meetings.reopening.views import ReopenAskForm
from meetings.reorganisation.views import ReorganiseForm, SplitForm
from meetings.rotation_plan import services as rotation_services
from meetings.rotation_plan.forms import LessonForm, RatingForm
from members.enums import RoleKind
from tests.factories import make_user
from tests.fuzz import (
    BAD_INTEGERS,
    ODD_TEXT,
    as_post,
    date_texts,
    formset_data,
    fuzz,
    fuzz_form_view,
    fuzzes,
    integer_texts,
    shown_form,
    texts,
)
from tests.meetings.conftest import at, complete_minutes, signed_meeting


@pytest.fixture
def secretary(cell_people):
    return cell_people["secretary_user"]


@pytest.fixture
def planned(cell_people, secretary):
    return meeting_services.plan_meeting(actor=secretary, cell=cell_people["cell"], kind="regular",
                                 planned_at=at(datetime.date(2018, 4, 5)), place="Nhà văn hóa")  # fmt: skip


@pytest.fixture
def submitted(held_meeting, cell_people, secretary):
    meeting = complete_minutes(held_meeting, cell_people)
    services.change_state(actor=secretary, meeting=meeting, to="submitted")
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def model_meeting(cell_people, secretary):
    meeting = meeting_services.plan_meeting(actor=secretary, cell=cell_people["cell"], kind="model",
                                    planned_at=at(datetime.date(2018, 5, 5)), place="NVH")  # fmt: skip
    meeting_services.record_committee_session(actor=secretary, meeting=meeting,
                                      held_on=datetime.date(2018, 5, 1), attendees=[],
                                      agreed_content="x")  # fmt: skip
    services.change_state(actor=secretary, meeting=meeting, to="prepared")
    services.change_state(actor=secretary, meeting=meeting, to="held")
    meeting.refresh_from_db()
    return meeting


@fuzzes(PlanForm)
def test_fuzz_plan_form(cell_people, secretary, planned):
    fuzz_form_view(secretary, reverse("meetings:meeting_create", args=[cell_people["cell"].pk]))
    fuzz_form_view(secretary, reverse("meetings:meeting_update", args=[planned.pk]))


@fuzzes(CommitteeSessionForm)
def test_fuzz_committee_session_form(secretary, planned):
    fuzz_form_view(secretary, reverse("meetings:meeting_committee", args=[planned.pk]))


@fuzzes(AgendaItemForm, DirectiveForm)
def test_fuzz_agenda_formsets(secretary, planned):
    url = reverse("meetings:meeting_agenda", args=[planned.pk])
    agenda = shown_form(secretary, url, "agenda")
    directives = shown_form(secretary, url, "directives")
    data = st.tuples(formset_data(agenda), formset_data(directives)).map(
        lambda pair: {**pair[0], **pair[1]}
    )
    fuzz(secretary, url, data, shown=("agenda", "directives", "error"))


@st.composite
def attendance_rows(draw, member_ids):
    """A presence for each member, a reason or a late tick for some; at times one row
    tampered with."""
    data = {}
    for pk in member_ids:
        data[f"presence_{pk}"] = draw(st.sampled_from(Presence.values))
        if draw(st.booleans()):
            data[f"reason_{pk}"] = draw(texts())
        if draw(st.booleans()):
            data[f"late_{pk}"] = draw(st.sampled_from(["on", "", "\x00"]))
    if draw(st.booleans()):
        key = draw(st.sampled_from(sorted(data)))
        data[key] = draw(st.one_of(texts(), st.just(None)))
    return {key: value for key, value in data.items() if value is not None}


@fuzzes(GuestForm)
def test_fuzz_attendance(secretary, held_meeting):
    url = reverse("meetings:meeting_attendance", args=[held_meeting.pk])
    rows = shown_form(secretary, url, "rows")
    guests = shown_form(secretary, url, "guest_formset")
    member_ids = [row["entry"].member.pk for row in rows]
    data = st.tuples(attendance_rows(member_ids), formset_data(guests)).map(
        lambda pair: {**pair[0], **pair[1]}
    )
    fuzz(secretary, url, data, shown=("guest_formset", "error"))


@fuzzes(MinutesForm)
def test_fuzz_minutes_form(cell_people, secretary, held_meeting):
    valid = {"chair": str(cell_people["secretary"].pk), "minute_taker": str(cell_people["taker"].pk),
             "closed_at": "10:30", "conclusion": "Chi bộ thống nhất."}  # fmt: skip
    url = reverse("meetings:meeting_minutes", args=[held_meeting.pk])
    fuzz_form_view(secretary, url, valid=valid)


@fuzzes(OpinionForm)
def test_fuzz_opinion_form(cell_people, secretary, held_meeting):
    valid = {"item": str(held_meeting.agenda.first().pk),
             "speaker": f"m{cell_people['taker'].pk}", "text": "Nhất trí."}  # fmt: skip
    url = reverse("meetings:opinion_create", args=[held_meeting.pk])
    fuzz_form_view(secretary, url, valid=valid)


@fuzzes(VoteForm)
def test_fuzz_vote_form(secretary, held_meeting):
    url = reverse("meetings:vote_create", args=[held_meeting.pk])
    fuzz_form_view(secretary, url, valid={"votes_for": "3"})


@fuzzes(StateChangeForm)
@pytest.mark.parametrize(
    "state, to",
    [("planned", "cancelled"), ("planned", "postponed"), ("held", "submitted"), ("held", "x")],
)
def test_fuzz_state_change_form(cell_people, secretary, planned, held_meeting, state, to):
    meeting = planned if state == "planned" else complete_minutes(held_meeting, cell_people)
    url = reverse("meetings:meeting_state", args=[meeting.pk, to])
    if to in MeetingState.values:
        fuzz_form_view(secretary, url, valid={"reason": "Mưa lũ"})
    else:
        fuzz(secretary, url, st.fixed_dictionaries({"reason": texts()}), allowed=(403,))


@fuzzes(StateChangeForm)
def test_fuzz_addendum_form(cell_people, secretary):
    signed = signed_meeting(cell_people, datetime.date(2018, 6, 5))
    fuzz_form_view(secretary, reverse("meetings:meeting_addendum", args=[signed.pk]))


@fuzzes(SignForm)
def test_fuzz_sign_form(cell_people, submitted):
    url = reverse("meetings:meeting_sign", args=[submitted.pk])
    password = st.one_of(st.just("pw-for-tests-1"), st.just("pw-for-tests-1\x00"), texts())
    fuzz(cell_people["taker_user"], url, st.fixed_dictionaries({"password": password}))


@fuzzes(ReopenAskForm)
def test_fuzz_reopen_ask_form(cell_people, submitted):
    meeting_services.sign_minutes(
        meeting=submitted, user=cell_people["taker_user"], password="pw-for-tests-1"
    )
    url = reverse("meetings:reopen_ask", args=[submitted.pk])
    fuzz_form_view(cell_people["secretary_user"], url, valid={"reason": "Sai giờ kết thúc"})


@fuzzes(ReorganiseForm)
def test_fuzz_reorganise_form(tree, personas):
    valid = {"action": "move", "target": str(tree["y"].pk), "on": "05/01/2026", "reason": "QĐ 15"}
    url = reverse("meetings:reorganise", args=[tree["a"].pk])
    confirmed = st.just({"confirm": "True"})  # the preview step shows no error by design
    fuzz_form_view(personas["district"], url, valid=valid, skip=("confirm",), extra=confirmed)


@fuzzes(SplitForm)
def test_fuzz_split_form(tree, personas):
    valid = {"name": "Đảng bộ xã Mới", "code": "X-MOI", "parts": [str(tree["a"].pk)],
             "on": "05/01/2026", "reason": "QĐ 20"}  # fmt: skip
    url = reverse("meetings:split", args=[tree["x"].pk])
    confirmed = st.just({"confirm": "True"})
    fuzz_form_view(personas["district"], url, valid=valid, skip=("confirm",), extra=confirmed)


@fuzzes(TaskForm)
def test_fuzz_task_form(cell_people, secretary, held_meeting):
    valid = {"assignee": str(cell_people["taker"].pk), "description": "Sửa đường",
             "due_on": "30/06/2018"}  # fmt: skip
    url = reverse("meetings:task_create", args=[held_meeting.pk])
    fuzz_form_view(secretary, url, valid=valid)


@fuzzes(TaskUpdateForm)
def test_fuzz_task_update_form(cell_people, secretary, held_meeting):
    task = follow_up_services.add_task(actor=secretary, meeting=held_meeting, assignee=cell_people["taker"],
                             description="Dọn vệ sinh", due_on=datetime.date(2018, 4, 1))  # fmt: skip
    assert task.status == TaskStatus.OPEN
    url = reverse("meetings:task_update", args=[task.pk])
    fuzz_form_view(secretary, url, valid={"note": "Đã xong một nửa"})


@fuzzes(DisseminationForm)
def test_fuzz_dissemination_form(secretary, submitted):
    valid = {"audience": "Nhân dân trong thôn", "method": "Họp thôn"}
    url = reverse("meetings:dissemination_create", args=[submitted.pk])
    fuzz_form_view(secretary, url, valid=valid)


@st.composite
def periods(draw):
    """A start and an end a few days to a few years apart, anywhere in the calendar, or
    anything at all."""
    if draw(st.booleans()):
        return {"start": draw(date_texts()), "end": draw(date_texts())}
    start = draw(st.dates(max_value=datetime.date(9990, 1, 1)))
    end = start + datetime.timedelta(days=draw(st.integers(-5, 2000)))
    return {"start": as_post(start), "end": as_post(end)}


@fuzzes(MinuteBookForm)
def test_fuzz_minute_book_form(cell_people, secretary):
    extra = st.tuples(
        periods(),
        st.fixed_dictionaries(
            {"download": st.sampled_from(["1", "", "0", "\x00"]), "waited": texts()}
        ),  # fmt: skip
    ).map(lambda parts: {**parts[0], **parts[1]})
    url = reverse("meetings:minute_book", args=[cell_people["cell"].pk])
    fuzz_form_view(secretary, url, method="get", extra=extra, skip=("start", "end"))


@fuzzes(RatingForm)
@pytest.mark.parametrize("role", ["host", "superior"])
def test_fuzz_rating_form(tree, personas, secretary, model_meeting, role):
    user = secretary if role == "host" else personas["staff_x"]
    url = reverse("meetings:meeting_rating", args=[model_meeting.pk, role])
    scores = {"preparation": "18", "attendance": "9", "conduct": "40", "principles": "14",
              "reports": "8"}  # fmt: skip
    fuzz_form_view(user, url, valid=scores)


@fuzzes(LessonForm)
def test_fuzz_lesson_form(tree, model_meeting):
    observer = make_user(tree["district"], RoleKind.OBSERVER, username="observer")
    url = reverse("meetings:lesson_create", args=[model_meeting.pk])
    fuzz_form_view(observer, url, valid={"text": "Chuẩn bị chu đáo."})


@pytest.fixture
def agreed(planned, secretary):
    meeting_services.record_committee_session(actor=secretary, meeting=planned,
                                      held_on=datetime.date(2018, 4, 1), attendees=[],
                                      agreed_content="x")  # fmt: skip
    return planned


@fuzzes(NoticeForm)
def test_fuzz_notice_form(secretary, agreed):
    fuzz_form_view(secretary, reverse("meetings:meeting_notice", args=[agreed.pk]))


def upload_name(name):
    """The name as a browser's upload would carry it: Django's multipart parser keeps
    only the last path component, so "..", "/" or an empty name never reach a form."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1].replace("\x00", "")
    return name if name.strip(". ") else "x"


def uploads():
    heads = [b"%PDF-1.4 ", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"PK\x03\x04", b"", b"MZ"]
    names = ["a.pdf", "b.png", "c.jpg", "d.docx", "e.xlsx", "f.exe", "", "g.PDF", "h" * 300]
    return st.builds(
        lambda name, head, tail: SimpleUploadedFile(upload_name(name), head + tail),
        st.sampled_from(names) | texts(),
        st.sampled_from(heads),
        st.binary(max_size=64),
    )


@fuzzes(AttachmentForm)
def test_fuzz_attachment_form(secretary, agreed):
    url = reverse("meetings:attachment_create", args=[agreed.pk])
    fuzz(
        secretary,
        url,
        st.fixed_dictionaries(
            {
                "file": uploads(),
                "title": st.sampled_from(ODD_TEXT) | texts(),
                "reference": st.sampled_from(ODD_TEXT) | texts(),
            }  # fmt: skip
        ),
    )


@fuzzes(ReplyForm, WrittenOpinionForm)
def test_fuzz_reply_and_written_opinion_forms(cell_people, agreed):
    taker = cell_people["taker_user"]
    fuzz_form_view(taker, reverse("meetings:meeting_reply", args=[agreed.pk]))
    fuzz_form_view(taker, reverse("meetings:written_opinion_create", args=[agreed.pk]))


# -- endpoints that read the request themselves ------------------------------------


def json_values():
    return st.recursive(
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.floats(),
            st.sampled_from([10**30, -1, 2**63]),
            texts(),
        ),
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(texts(), children, max_size=4)
        ),
        max_leaves=8,
    )


@st.composite
def draft_bodies(draw, field_names):
    """What the autosave might receive: the editor's payload with odd values, or junk."""
    kind = draw(st.sampled_from(["payload", "payload", "json", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "json":
        return json.dumps(draw(json_values())).encode()
    version = draw(st.one_of(st.integers(1, 3), json_values()))
    data = draw(
        st.one_of(
            st.dictionaries(st.sampled_from(field_names) | texts(), texts(), max_size=6),
            json_values(),
        )
    )
    body = {"version": version, "data": data}
    return json.dumps(body).encode()


@pytest.mark.parametrize("state", ["held", "submitted"])
def test_fuzz_minutes_autosave(secretary, held_meeting, cell_people, state):
    if state == "submitted":
        meeting = complete_minutes(held_meeting, cell_people)
        services.change_state(actor=secretary, meeting=meeting, to="submitted")
    url = reverse("meetings:meeting_draft", args=[held_meeting.pk])
    form = shown_form(secretary, reverse("meetings:meeting_minutes", args=[held_meeting.pk]))
    before = MinutesDraft.objects.count()

    def answered(response, data):
        if response.status_code == 200:
            assert response.json()["ok"]
        elif response.status_code == 409:
            assert response.json()["message"]
        else:
            assert response.content.decode()  # a reason, as text
            assert MinutesDraft.objects.count() == before

    fuzz(
        secretary,
        url,
        draft_bodies(list(form.fields)),
        send=lambda client, body: client.post(url, body, content_type="application/json"),
        allowed=(200, 400, 409),
        check=answered,
    )


def test_minutes_autosave_refuses_huge_bodies(client, secretary, held_meeting):
    client.force_login(secretary)
    url = reverse("meetings:meeting_draft", args=[held_meeting.pk])
    body = json.dumps({"version": 1, "data": {"conclusion": "ệ" * 2_000_000}})
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert not MinutesDraft.objects.exists()


@pytest.fixture
def staff(personas):
    return personas["staff_x"]


def test_fuzz_rotation_planning(tree, staff):
    url = reverse("meetings:rotation", args=[tree["x"].pk])
    fuzz(staff, url, st.fixed_dictionaries({"year": integer_texts(1990, 2100)}), allowed=(302,))


def test_fuzz_rotation_slot(tree, staff):
    year = datetime.date.today().year + 1
    rotation_services.plan_rotation(actor=staff, org=tree["x"], year=year)
    slots = list(tree["x"].rotation_slots.order_by("quarter"))
    url = reverse("meetings:rotation_slot", args=[slots[0].pk])
    data = st.fixed_dictionaries(
        {
            "action": st.sampled_from(["postpone", "swap", ""]) | texts(),
            "other": st.sampled_from([str(s.pk) for s in slots] + BAD_INTEGERS),
            "reason": texts(),
        }
    )
    fuzz(staff, url, data, allowed=(200, 302, 404), shown=("error",))


GET_PARAMS = {
    "meeting_list": ["month", "page"],
    "compliance": ["year", "month", "quarter", "group"],
    "rotation": ["year", "quarter", "group", "cell_type"],
}


def month_texts():
    return st.dates().map(lambda day: f"{day.year:04}-{day.month:02}")


@pytest.mark.parametrize("view", sorted(GET_PARAMS))
def test_fuzz_list_filters(tree, staff, held_meeting, view):
    words = st.sampled_from(["2018-03", "all", "x", "0001-01", "9999-12", *ODD_TEXT])
    value = st.one_of(integer_texts(), texts(), month_texts(), words)
    data = st.fixed_dictionaries({}, optional=dict.fromkeys(GET_PARAMS[view], value))
    fuzz(staff, reverse(f"meetings:{view}", args=[tree["x"].pk]), data, method="get")


# -- found by the fuzz ---------------------------------------------------------------


def post_draft(client, meeting, body):
    url = reverse("meetings:meeting_draft", args=[meeting.pk])
    return client.post(url, body, content_type="application/json")


@pytest.mark.parametrize(
    "body",
    [
        '{"version": 1e400, "data": {}}',  # infinite
        json.dumps({"version": 10**30, "data": {}}),
        json.dumps({"version": -1, "data": {}}),
        json.dumps({"version": 1, "data": {"conclusion": ["not", "text"]}}),
        "[" * 100_000,
    ],
)
def test_minutes_autosave_refuses_what_the_editor_never_sends(
    client, secretary, held_meeting, body
):
    client.force_login(secretary)
    response = post_draft(client, held_meeting, body)
    assert response.status_code == 400
    assert "Dữ liệu nháp không hợp lệ" in response.content.decode()
    assert not MinutesDraft.objects.exists()


def test_minutes_autosave_drops_nul_characters(client, secretary, held_meeting):
    client.force_login(secretary)
    body = json.dumps({"version": 1, "data": {"conclusion\x00": "Nhất\x00 trí"}})
    assert post_draft(client, held_meeting, body).json()["ok"]
    assert MinutesDraft.objects.get().data == {"conclusion": "Nhất trí"}


def test_a_nul_character_in_an_absence_reason_is_refused(client, secretary, held_meeting):
    client.force_login(secretary)
    url = reverse("meetings:meeting_attendance", args=[held_meeting.pk])
    rows = client.get(url).context["rows"]
    data = {f"presence_{row['entry'].member.pk}": "absent_reason" for row in rows}
    data |= {f"reason_{row['entry'].member.pk}": "Ốm\x00" for row in rows}
    data |= {"guests-TOTAL_FORMS": "0", "guests-INITIAL_FORMS": "0"}
    response = client.post(url, data)
    assert "ký tự không hợp lệ (ký tự NUL)" in response.content.decode()
    assert not held_meeting.attendance.filter(presence="absent_reason").exists()


def test_a_tampered_form_count_is_refused_in_vietnamese(client, secretary, held_meeting):
    client.force_login(secretary)
    url = reverse("meetings:meeting_attendance", args=[held_meeting.pk])
    data = {"guests-TOTAL_FORMS": str(10**30), "guests-INITIAL_FORMS": "0"}
    response = client.post(url, data)
    assert "Nhiều nhất 100 dòng." in response.content.decode()


def test_a_reason_not_asked_for_is_still_checked_visibly(client, cell_people, held_meeting):
    meeting = complete_minutes(held_meeting, cell_people)
    client.force_login(cell_people["secretary_user"])
    url = reverse("meetings:meeting_state", args=[meeting.pk, "submitted"])
    response = client.post(url, {"reason": "x" * 301})
    assert "tối đa 300" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.state == "held"


def test_committee_attendees_with_ids_too_large_are_refused(client, secretary, planned):
    client.force_login(secretary)
    url = reverse("meetings:meeting_committee", args=[planned.pk])
    data = {"held_on": "01/04/2018", "attendees": [str(10**20)], "agreed_content": "x"}
    response = client.post(url, data)
    assert response.status_code == 200 and response.context["form"].errors["attendees"]


@pytest.mark.parametrize("year", ["-1", "0", "99999", str(10**30), "9" * 5000])
def test_rotation_planning_refuses_impossible_years(client, tree, staff, year):
    client.force_login(staff)
    url = reverse("meetings:rotation", args=[tree["x"].pk])
    response = client.post(url, {"year": year}, follow=True)
    assert "Năm không hợp lệ" in response.content.decode()
    assert not tree["x"].rotation_slots.exists()


def test_a_rotation_swap_with_a_garbled_quarter_is_not_found(client, tree, staff):
    year = datetime.date.today().year + 1
    rotation_services.plan_rotation(actor=staff, org=tree["x"], year=year)
    slot = tree["x"].rotation_slots.first()
    client.force_login(staff)
    url = reverse("meetings:rotation_slot", args=[slot.pk])
    for other in ("nan", "1\x00", "9" * 5000):
        assert client.post(url, {"other": other, "reason": "Lũ"}).status_code == 404
    response = client.post(url, {"action": "postpone", "reason": "Lũ\x00"})
    assert "ký tự không hợp lệ (ký tự NUL)" in response.content.decode()


@pytest.mark.parametrize(
    "view, query",
    [
        ("compliance", {"year": "-1"}),
        ("compliance", {"month": "9" * 5000}),
        ("compliance", {"group": "9" * 5000}),
        ("rotation", {"group": "9" * 5000}),
        ("meeting_list", {"month": "0001-01"}),
        ("meeting_list", {"month": "9999-12"}),
    ],
)
def test_impossible_filters_show_the_default_page(client, tree, staff, view, query):
    client.force_login(staff)
    assert client.get(reverse(f"meetings:{view}", args=[tree["x"].pk]), query).status_code == 200


def test_a_book_is_kept_for_the_next_reader_until_a_signature_changes_it(client, cell_people):
    from meetings.models import MinuteBook
    from tests.meetings.conftest import minute_book, whole

    signed_meeting(cell_people, datetime.date(2018, 6, 5))
    client.force_login(cell_people["secretary_user"])
    url = reverse("meetings:minute_book", args=[cell_people["cell"].pk])
    first = minute_book(client, url, year="2018").content
    kept = MinuteBook.objects.get()
    again = client.get(url, {"year": "2018", "download": "1"})  # no job: the stored file
    assert whole(again).content == first and MinuteBook.objects.get() == kept
    signed_meeting(cell_people, datetime.date(2018, 7, 5))  # a new signature in the year
    newer = minute_book(client, url, year="2018").content
    assert newer != first and MinuteBook.objects.get().pk != kept.pk  # the old one removed
    assert not (Path(kept.file.storage.path(kept.file.name))).exists()
