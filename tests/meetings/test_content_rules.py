"""What the signed content of the minutes (meetings.content) holds, written out here again:
every field of both formats, the order of the rows, the titles and times of format 1, and
when signatures verify.

test_content_format.py pins each format to one meeting's exact text and hash; these tests
vary the meeting. They build it in memory (no database) but the last one, which reads the
rows from the database as signing does.
"""

import datetime
import hashlib
import json
import zoneinfo

import pytest

from meetings import content
from meetings.models import (
    AgendaItem,
    Attendance,
    Directive,
    Guest,
    Meeting,
    Opinion,
    Signature,
    Vote,
)
from tests.factories import CellFactory, MemberFactory
from tests.meetings.conftest import in_memory

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
UTC = datetime.UTC


def parts():
    """Rows as they may come: saved ones out of order, and one not yet saved (no pk)."""
    khai_mac = AgendaItem(pk=7, position=1, section="opening", title="Khai mạc", content="Mở")
    thao_luan = AgendaItem(pk=3, position=2, section="discussion", title="Thảo luận", content="")
    chua_luu = AgendaItem(pk=None, position=2, section="other", title="Mới thêm", content="…")
    return {
        "agenda": [thao_luan, chua_luu, khai_mac],
        "directives": [
            Directive(pk=9, reference="19-NQ/TW", title="Nông nghiệp"),
            Directive(pk=1, reference="18-NQ/TW", title="Bộ máy"),
            Directive(pk=None, reference="21-NQ/TW", title="Tổ chức cơ sở"),
        ],
        "attendance": [
            Attendance(
                member_id=31,
                member_name="Lò Văn Ba",
                status_on_day="exempted",
                official_on_day=True,
                hosted=False,
                presence="exempted",
                reason="",
                late=False,
            ),
            Attendance(
                member_id=12,
                member_name="Lê Văn An",
                status_on_day="official",
                official_on_day=True,
                hosted=True,
                presence="present",
                reason="",
                late=True,
            ),
            Attendance(
                member_id=20,
                member_name="Vi Thị Hai",
                status_on_day="probationary",
                official_on_day=False,
                hosted=False,
                presence="absent_reason",
                reason="Ốm",
                late=False,
            ),
        ],  # fmt: skip
        "guests": [
            Guest(pk=4, name="Khách Hai", position="", unit="Xã"),
            Guest(pk=1, name="Khách Một", position="Bí thư", unit="Đảng ủy xã"),
        ],
        "opinions": [
            Opinion(
                pk=5,
                item=thao_luan,
                speaker_member_id=None,
                speaker_name="Khách Một",
                text="Nhất trí.",
            ),
            Opinion(
                pk=6, item=khai_mac, speaker_member_id=12, speaker_name="Lê Văn An", text="Đề nghị."
            ),
            Opinion(
                pk=2,
                item=thao_luan,
                speaker_member_id=31,
                speaker_name="Lò Văn Ba",
                text="Bổ sung.",
            ),
        ],  # fmt: skip
        "votes": [
            Vote(
                pk=8,
                kind="ordinary",
                subject="Việc khác",
                votes_for=1,
                votes_against=1,
                votes_abstain=0,
                base=2,
                passed=False,
            ),
            Vote(
                pk=None,
                kind="resolution",
                subject="Nghị quyết",
                votes_for=2,
                votes_against=0,
                votes_abstain=1,
                base=3,
                passed=True,
            ),
        ],  # fmt: skip
    }


def meeting(**fields):
    """A meeting planned for 20:00 on 31 March 2018 in Vietnam: 13:00 UTC the same day."""
    values = {
        "cell_id": 5, "cell_name": "Chi bộ Bản Phố", "kind": "extraordinary", "title": "",
        "place": "Nhà văn hóa",
        "planned_at": datetime.datetime(2018, 3, 31, 13, 0, tzinfo=UTC),
        "opened_at": datetime.datetime(2018, 3, 31, 20, 5, tzinfo=HANOI),
        "closed_at": datetime.datetime(2018, 3, 31, 23, 30, tzinfo=HANOI),
        "chair_id": 31, "chair_name": "Lò Văn Ba",
        "minute_taker_id": 12, "minute_taker_name": "Lê Văn An",
        "conclusion": "Thống nhất.", "amends_id": 4,
        **fields,
    }  # fmt: skip
    return Meeting(**values)


VERSION_2 = {
    "version": 2,
    "cell": {"id": 5, "name": "Chi bộ Bản Phố"},
    "kind": "extraordinary",
    "title": "",
    "planned_at": "2018-03-31T13:00:00+00:00",
    "place": "Nhà văn hóa",
    "opened_at": "2018-03-31T13:05:00+00:00",
    "closed_at": "2018-03-31T16:30:00+00:00",
    "chair": {"member": 31, "name": "Lò Văn Ba"},
    "minute_taker": {"member": 12, "name": "Lê Văn An"},
    "agenda": [
        {"position": 1, "section": "opening", "title": "Khai mạc", "content": "Mở"},
        {"position": 2, "section": "other", "title": "Mới thêm", "content": "…"},
        {"position": 2, "section": "discussion", "title": "Thảo luận", "content": ""},
    ],
    "directives": [
        {"reference": "21-NQ/TW", "title": "Tổ chức cơ sở"},
        {"reference": "18-NQ/TW", "title": "Bộ máy"},
        {"reference": "19-NQ/TW", "title": "Nông nghiệp"},
    ],
    "attendance": [
        {
            "member": 12,
            "name": "Lê Văn An",
            "status": "official",
            "official": True,
            "hosted": True,
            "presence": "present",
            "reason": "",
            "late": True,
        },
        {
            "member": 20,
            "name": "Vi Thị Hai",
            "status": "probationary",
            "official": False,
            "hosted": False,
            "presence": "absent_reason",
            "reason": "Ốm",
            "late": False,
        },
        {
            "member": 31,
            "name": "Lò Văn Ba",
            "status": "exempted",
            "official": True,
            "hosted": False,
            "presence": "exempted",
            "reason": "",
            "late": False,
        },
    ],  # fmt: skip
    "guests": [
        {"name": "Khách Một", "position": "Bí thư", "unit": "Đảng ủy xã"},
        {"name": "Khách Hai", "position": "", "unit": "Xã"},
    ],
    "opinions": [
        {"item": 1, "member": 12, "speaker": "Lê Văn An", "text": "Đề nghị."},
        {"item": 2, "member": 31, "speaker": "Lò Văn Ba", "text": "Bổ sung."},
        {"item": 2, "member": None, "speaker": "Khách Một", "text": "Nhất trí."},
    ],
    "votes": [
        {
            "kind": "resolution",
            "subject": "Nghị quyết",
            "for": 2,
            "against": 0,
            "abstain": 1,
            "base": 3,
            "passed": True,
        },
        {
            "kind": "ordinary",
            "subject": "Việc khác",
            "for": 1,
            "against": 1,
            "abstain": 0,
            "base": 2,
            "passed": False,
        },
    ],  # fmt: skip
    "conclusion": "Thống nhất.",
    "amends": 4,
}

VERSION_1 = {
    "cell": "Chi bộ Bản Phố",
    "kind": "extraordinary",
    "title": "Bất thường ngày 31/03/2018",
    "place": "Nhà văn hóa",
    "opened_at": "2018-03-31T20:05:00+07:00",
    "closed_at": "2018-03-31T23:30:00+07:00",
    "chair": "Lò Văn Ba",
    "minute_taker": "Lê Văn An",
    "agenda": [
        {"position": 1, "title": "Khai mạc", "content": "Mở"},
        {"position": 2, "title": "Mới thêm", "content": "…"},
        {"position": 2, "title": "Thảo luận", "content": ""},
    ],
    "directives": [
        ["21-NQ/TW", "Tổ chức cơ sở"],
        ["18-NQ/TW", "Bộ máy"],
        ["19-NQ/TW", "Nông nghiệp"],
    ],
    "attendance": [
        [12, "Lê Văn An", "official", True, True, "present", "", True],
        [20, "Vi Thị Hai", "probationary", False, False, "absent_reason", "Ốm", False],
        [31, "Lò Văn Ba", "exempted", True, False, "exempted", "", False],
    ],
    "guests": [["Khách Một", "Bí thư", "Đảng ủy xã"], ["Khách Hai", "", "Xã"]],
    "opinions": [
        [1, "Lê Văn An", "Đề nghị."],
        [2, "Lò Văn Ba", "Bổ sung."],
        [2, "Khách Một", "Nhất trí."],
    ],  # fmt: skip
    "votes": [
        ["resolution", "Nghị quyết", 2, 0, 1, 3, True],
        ["ordinary", "Việc khác", 1, 1, 0, 2, False],
    ],
    "conclusion": "Thống nhất.",
    "amends": 4,
}


def test_format_2_holds_every_stored_field_with_rows_in_order():
    """Rows in the order of the minutes, whatever order they come in: agenda by position,
    attendance by member, the rest as recorded (a row not yet saved first)."""
    assert content.canonical(meeting(), parts(), version=2) == VERSION_2
    assert content.canonical(meeting(), parts()) == VERSION_2  # the version new signatures use


def test_format_1_holds_every_field_with_rows_in_order():
    assert content.canonical(meeting(), parts(), version=1) == VERSION_1


@pytest.mark.parametrize("version, expected", [(1, VERSION_1), (2, VERSION_2)])
def test_the_text_is_compact_sorted_json_and_the_hash_its_sha256(version, expected):
    text = json.dumps(expected, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert content.canonical_text(meeting(), parts(), version=version) == text
    assert "Lò Văn Ba" in text  # not escaped
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert content.content_hash(meeting(), parts(), version=version) == digest


def test_rows_come_from_the_prefetched_relations_when_not_given():
    given = parts()
    saved = in_memory(meeting(pk=1), signatures=[], **given)
    assert content.load_parts(saved) == given
    assert content.canonical(saved) == VERSION_2
    assert content.canonical(saved, version=1) == VERSION_1
    assert content.canonical_text(saved) == content.canonical_text(meeting(), parts())


def test_missing_times_and_names():
    bare = meeting(opened_at=None, closed_at=None, chair_name="", minute_taker_name="")
    v1 = content.canonical(bare, parts(), version=1)
    assert (v1["opened_at"], v1["closed_at"], v1["chair"], v1["minute_taker"]) == (None,) * 4
    v2 = content.canonical(bare, parts(), version=2)
    assert (v2["opened_at"], v2["closed_at"]) == (None, None)
    assert v2["chair"] == {"member": 31, "name": ""}
    assert v2["minute_taker"] == {"member": 12, "name": ""}


def test_a_meeting_of_its_own_title_keeps_it():
    titled = meeting(title="Học tập Nghị quyết", kind="regular")
    assert content.v1_title(titled) == "Học tập Nghị quyết"
    assert content.canonical(titled, parts(), version=1)["title"] == "Học tập Nghị quyết"
    assert content.canonical(titled, parts(), version=2)["title"] == "Học tập Nghị quyết"


@pytest.mark.parametrize(
    "planned_at, regular, other",
    [
        # 20:00 on 31 March in Vietnam is still March there, whatever UTC says.
        (datetime.datetime(2018, 3, 31, 13, 0, tzinfo=UTC), "tháng 03 năm 2018", "31/03/2018"),
        # 01:00 on 1 January 2019 in Vietnam is 18:00 on 31 December 2018 in UTC.
        (datetime.datetime(2018, 12, 31, 18, 0, tzinfo=UTC), "tháng 01 năm 2019", "01/01/2019"),
        (datetime.datetime(2018, 11, 5, 8, 0, tzinfo=HANOI), "tháng 11 năm 2018", "05/11/2018"),
    ],
)
def test_format_1_titles_follow_the_date_in_vietnam(planned_at, regular, other):
    assert content.v1_title(meeting(kind="regular", planned_at=planned_at)) == (
        f"Sinh hoạt chi bộ {regular}"
    )
    labels = {
        "thematic": "Chuyên đề",
        "combined": "Thường kỳ kết hợp chuyên đề",
        "extraordinary": "Bất thường",
        "model": "Sinh hoạt chi bộ điểm",
        "addendum": "Biên bản bổ sung",
    }
    for kind, label in labels.items():
        assert (
            content.v1_title(meeting(kind=kind, planned_at=planned_at)) == f"{label} ngày {other}"
        )


def signature(digest, version=2):
    return Signature(content_hash=digest, content_version=version)


@pytest.mark.parametrize(
    "versions, expected",
    [([], None), ([1], 1), ([2, 2], 2), ([1, 1], 1), ([1, 2], None), ([2, 1, 2], None)],
)
def test_signed_version_is_the_one_every_signer_signed_in(versions, expected):
    assert content.signed_version([signature("", v) for v in versions]) == expected


def signed(*signatures):
    return in_memory(meeting(pk=1), signatures=signatures, **parts())


def test_minutes_verify_when_every_signer_signed_the_current_content():
    current = content.content_hash(meeting(), parts())
    assert content.verify(signed(signature(current), signature(current))) == (
        True,
        current,
        [current],
    )
    assert content.verify(signed(signature(current))) == (True, current, [current])


def test_minutes_signed_in_format_1_verify_in_format_1():
    v1 = content.content_hash(meeting(), parts(), version=1)
    v2 = content.content_hash(meeting(), parts(), version=2)
    assert content.verify(signed(signature(v1, 1), signature(v1, 1))) == (True, v1, [v1])
    # Signed in format 2 with format 1's hash: it is not what they signed.
    assert content.verify(signed(signature(v1, 2), signature(v1, 2))) == (False, v2, [v1])


def test_minutes_changed_after_signing_do_not_verify():
    current = content.content_hash(meeting(), parts())
    before = "0" * 64
    assert content.verify(signed(signature(before), signature(before))) == (
        False,
        current,
        [before],
    )
    # One signer signed another text than the other: both hashes are shown, sorted.
    after = "f" * 64
    assert content.verify(signed(signature(after), signature(current))) == (
        False,
        current,
        [current, after],
    )


def test_minutes_signed_in_two_formats_are_checked_in_the_newest():
    v1 = content.content_hash(meeting(), parts(), version=1)
    v2 = content.content_hash(meeting(), parts(), version=2)
    assert content.verify(signed(signature(v1, 1), signature(v2, 2))) == (
        False,
        v2,
        sorted([v1, v2]),
    )


def test_unsigned_minutes_do_not_verify():
    current = content.content_hash(meeting(), parts())
    assert content.verify(signed()) == (False, current, [])


def test_format_1_is_in_vietnam_time_whatever_the_time_zone_setting(settings):
    settings.TIME_ZONE = "UTC"  # the process's local time follows it
    new_year = meeting(
        kind="regular", planned_at=datetime.datetime(2018, 12, 31, 18, 0, tzinfo=UTC)
    )
    assert content.v1_title(new_year) == "Sinh hoạt chi bộ tháng 01 năm 2019"
    assert content.canonical(meeting(), parts(), version=1) == VERSION_1


@pytest.mark.django_db
def test_rows_are_read_from_the_database_with_the_opinions_items(django_assert_num_queries):
    cell = CellFactory()
    saved = Meeting.objects.create(
        cell=cell, kind="regular", place="Nhà văn hóa",
        planned_at=datetime.datetime(2018, 3, 31, 13, 0, tzinfo=UTC),
    )  # fmt: skip
    item = AgendaItem.objects.create(meeting=saved, position=1, title="Khai mạc")
    guest = Guest.objects.create(meeting=saved, name="Khách Một")
    expected = {
        "agenda": [item],
        "directives": [Directive.objects.create(meeting=saved, reference="18", title="Bộ máy")],
        "attendance": [
            Attendance.objects.create(
                meeting=saved,
                member=MemberFactory(cell=cell),
                member_name="Lê Văn An",
                status_on_day="official",
                official_on_day=True,
                presence="present",
            )
        ],  # fmt: skip
        "guests": [guest],
        "opinions": [
            Opinion.objects.create(
                meeting=saved,
                item=item,
                speaker_guest=guest,
                speaker_name="Khách Một",
                text="Nhất trí.",
            )
        ],  # fmt: skip
        "votes": [
            Vote.objects.create(
                meeting=saved,
                kind="resolution",
                subject="Nghị quyết",
                votes_for=1,
                votes_against=0,
                votes_abstain=0,
                base=1,
                passed=True,
            )
        ],  # fmt: skip
    }
    fresh = Meeting.objects.get(pk=saved.pk)
    with django_assert_num_queries(6):  # one a part: the opinions' items come with them
        loaded = content.load_parts(fresh)
        assert [o.item.title for o in loaded["opinions"]] == ["Khai mạc"]
    assert loaded == expected
    prefetched = Meeting.objects.prefetch_related(*content.MINUTES_PREFETCH).get(pk=saved.pk)
    with django_assert_num_queries(0):
        loaded = content.load_parts(prefetched)
        assert [o.item.title for o in loaded["opinions"]] == ["Khai mạc"]
    assert loaded == expected
