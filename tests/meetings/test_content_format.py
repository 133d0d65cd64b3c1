"""The signed-content formats, pinned.

Signatures store the SHA-256 of a canonical serialisation of the minutes. A format
must never change once minutes have been signed in it: every signature made in it
would stop verifying. These tests pin each format still in use to the exact text and
hash of one fixed meeting. A new format gets a new version and its own golden test;
an old one is never edited.
"""

import datetime
import hashlib
import zoneinfo
from types import SimpleNamespace

import pytest
from django.utils import translation

from meetings import content
from meetings.models import Meeting

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


class Row(SimpleNamespace):
    pass


def fixed_meeting():
    """February 2018 in Thanh Sơn, built in memory: the same on every machine."""
    meeting = Meeting(
        cell_id=5, kind="regular", title="", place="Nhà văn hóa thôn Thanh Sơn",
        planned_at=datetime.datetime(2018, 2, 12, 19, 30, tzinfo=HANOI),
        opened_at=datetime.datetime(2018, 2, 12, 19, 35, tzinfo=HANOI),
        closed_at=datetime.datetime(2018, 2, 12, 21, 20, tzinfo=HANOI),
        cell_name="Chi bộ thôn Thanh Sơn", chair_id=11, minute_taker_id=12,
        chair_name="Nguyễn Thị Hương", minute_taker_name="Lê Văn An",
        conclusion="Chi bộ thống nhất nghị quyết tháng 02/2018:\nlàm đường bê tông nội thôn.",
    )  # fmt: skip
    agenda = [
        Row(pk=7, position=1, section="opening", title="Khai mạc", content="Bí thư nêu mục đích."),
        Row(pk=8, position=2, section="discussion", title="Thảo luận", content="Đảng viên góp ý."),
    ]
    parts = {
        "agenda": agenda,
        "directives": [Row(pk=3, reference="18-NQ/TW", title="Sắp xếp tổ chức bộ máy")],
        "attendance": [
            Row(
                member_id=13,
                member_name="Hoàng Văn Páo",
                status_on_day="official",
                official_on_day=True,
                hosted=False,
                presence="absent_reason",
                reason="Ốm",
                late=False,
            ),
            Row(
                member_id=11,
                member_name="Nguyễn Thị Hương",
                status_on_day="official",
                official_on_day=True,
                hosted=False,
                presence="present",
                reason="",
                late=False,
            ),
            Row(
                member_id=12,
                member_name="Lê Văn An",
                status_on_day="official",
                official_on_day=True,
                hosted=False,
                presence="present",
                reason="",
                late=True,
            ),
            Row(
                member_id=14,
                member_name="Triệu Thị Mẩy",
                status_on_day="probationary",
                official_on_day=False,
                hosted=False,
                presence="present",
                reason="",
                late=False,
            ),
        ],  # fmt: skip
        "guests": [
            Row(pk=5, name="Hoàng Văn Thắng", position="Đảng ủy viên", unit="Đảng ủy xã Thanh Thủy")
        ],  # fmt: skip
        "opinions": [
            Row(
                pk=21,
                item=agenda[1],
                item_id=8,
                speaker_member_id=12,
                speaker_guest_id=None,
                speaker_name="Lê Văn An",
                text="Đề nghị sửa đường trước mùa mưa.",
            ),
            Row(
                pk=20,
                item=agenda[1],
                item_id=8,
                speaker_member_id=None,
                speaker_guest_id=5,
                speaker_name="Hoàng Văn Thắng",
                text="Nhất trí.",
            ),
        ],  # fmt: skip
        "votes": [
            Row(
                pk=4,
                kind="resolution",
                subject="Thông qua nghị quyết",
                votes_for=3,
                votes_against=0,
                votes_abstain=0,
                base=3,
                passed=True,
            )
        ],  # fmt: skip
    }
    return meeting, parts


# (format, meeting kind): the exact canonical text and its SHA-256.
GOLDEN_V1 = (
    '{"agenda":[{"content":"Bí thư nêu mục đích.","position":1,"title":"Khai mạc"},'
    '{"content":"Đảng viên góp ý.","position":2,"title":"Thảo luận"}],"amends":null,'
    '"attendance":[[11,"Nguyễn Thị Hương","official",true,false,"present","",false],'
    '[12,"Lê Văn An","official",true,false,"present","",true],'
    '[13,"Hoàng Văn Páo","official",true,false,"absent_reason","Ốm",false],'
    '[14,"Triệu Thị Mẩy","probationary",false,false,"present","",false]],'
    '"cell":"Chi bộ thôn Thanh Sơn","chair":"Nguyễn Thị Hương",'
    '"closed_at":"2018-02-12T21:20:00+07:00",'
    '"conclusion":"Chi bộ thống nhất nghị quyết tháng 02/2018:\\nlàm đường bê tông nội thôn.",'
    '"directives":[["18-NQ/TW","Sắp xếp tổ chức bộ máy"]],'
    '"guests":[["Hoàng Văn Thắng","Đảng ủy viên","Đảng ủy xã Thanh Thủy"]],"kind":"regular",'
    '"minute_taker":"Lê Văn An","opened_at":"2018-02-12T19:35:00+07:00",'
    '"opinions":[[2,"Hoàng Văn Thắng","Nhất trí."],[2,"Lê Văn An","Đề nghị sửa đường trước mùa mưa."]],'
    '"place":"Nhà văn hóa thôn Thanh Sơn","title":"Sinh hoạt chi bộ tháng 02 năm 2018",'
    '"votes":[["resolution","Thông qua nghị quyết",3,0,0,3,true]]}'
)
GOLDEN_V1_HASH = "bb07fa87878b2a09c7eba8cb18c7dc047f4de3476f6d37daabf86cf38592af84"
# Format 1 wrote a meeting without a title of its own as its Vietnamese display title.
V1_TITLES = {
    "thematic": ("Chuyên đề ngày 12/02/2018",
                 "026b34835f906c3aa5ba5a3c6d54efbc370bd07df2d8af758231efa8299a4a49"),
    "combined": ("Thường kỳ kết hợp chuyên đề ngày 12/02/2018",
                 "8be64acc424718da438a153ca4f20539dc2dd438a3999164d65912b6eca06568"),
    "extraordinary": ("Bất thường ngày 12/02/2018",
                      "b9891f9456d078cb81153a91f89e34281ed9d1845c0b2604c5e27167a2bd6151"),
    "model": ("Sinh hoạt chi bộ điểm ngày 12/02/2018",
              "b696624c5c029f010415e1bb372c0a05c0c14f30fae8b79d5320c41e223a6bb5"),
    "addendum": ("Biên bản bổ sung ngày 12/02/2018",
                 "10da21c9d7fc9b6e67cc7199bae34f97ccf02122b9ca6368b3a349e930e1c47f"),
}  # fmt: skip

GOLDEN_V2 = (
    '{"agenda":[{"content":"Bí thư nêu mục đích.","position":1,"section":"opening","title":"Khai mạc"},'
    '{"content":"Đảng viên góp ý.","position":2,"section":"discussion","title":"Thảo luận"}],'
    '"amends":null,"attendance":[{"hosted":false,"late":false,"member":11,"name":"Nguyễn Thị Hương","official":true,"presence":"present","reason":"","status":"official"},'
    '{"hosted":false,"late":true,"member":12,"name":"Lê Văn An","official":true,"presence":"present","reason":"","status":"official"},'
    '{"hosted":false,"late":false,"member":13,"name":"Hoàng Văn Páo","official":true,"presence":"absent_reason","reason":"Ốm","status":"official"},'
    '{"hosted":false,"late":false,"member":14,"name":"Triệu Thị Mẩy","official":false,"presence":"present","reason":"","status":"probationary"}],'
    '"cell":{"id":5,"name":"Chi bộ thôn Thanh Sơn"},"chair":{"member":11,"name":"Nguyễn Thị Hương"},"closed_at":"2018-02-12T14:20:00+00:00","conclusion":"Chi bộ thống nhất nghị quyết tháng 02/2018:\\nlàm đường bê tông nội thôn.","directives":[{"reference":"18-NQ/TW","title":"Sắp xếp tổ chức bộ máy"}],'
    '"guests":[{"name":"Hoàng Văn Thắng","position":"Đảng ủy viên","unit":"Đảng ủy xã Thanh Thủy"}],'
    '"kind":"regular","minute_taker":{"member":12,"name":"Lê Văn An"},"opened_at":"2018-02-12T12:35:00+00:00","opinions":[{"item":2,"member":null,"speaker":"Hoàng Văn Thắng","text":"Nhất trí."},'
    '{"item":2,"member":12,"speaker":"Lê Văn An","text":"Đề nghị sửa đường trước mùa mưa."}],'
    '"place":"Nhà văn hóa thôn Thanh Sơn","planned_at":"2018-02-12T12:30:00+00:00","title":"","version":2,"votes":[{"abstain":0,"against":0,"base":3,"for":3,"kind":"resolution","passed":true,"subject":"Thông qua nghị quyết"}]}'
)
GOLDEN_V2_HASH = "69028d852ba268ea41663c04e28b8531213b90ad063f81e0d877cb5daf035e28"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_format_1_is_pinned_in_every_language(language):
    meeting, parts = fixed_meeting()
    with translation.override(language):
        text = content.canonical_text(meeting, parts, version=1)
        assert text == GOLDEN_V1
        assert content.content_hash(meeting, parts, version=1) == GOLDEN_V1_HASH
    assert hashlib.sha256(GOLDEN_V1.encode()).hexdigest() == GOLDEN_V1_HASH


@pytest.mark.parametrize("kind", sorted(V1_TITLES))
def test_format_1_titles_of_every_kind_are_pinned(kind):
    meeting, parts = fixed_meeting()
    meeting.kind = kind
    title, digest = V1_TITLES[kind]
    with translation.override("en"):
        assert content.canonical(meeting, parts, version=1)["title"] == title
        assert content.content_hash(meeting, parts, version=1) == digest


@pytest.mark.parametrize("language", ["vi", "en"])
def test_format_2_is_pinned_in_every_language(language):
    meeting, parts = fixed_meeting()
    with translation.override(language):
        assert content.canonical_text(meeting, parts, version=2) == GOLDEN_V2
        assert content.content_hash(meeting, parts, version=2) == GOLDEN_V2_HASH
    assert hashlib.sha256(GOLDEN_V2.encode()).hexdigest() == GOLDEN_V2_HASH


def test_new_signatures_use_the_newest_format():
    assert content.VERSION == max(content.VERSIONS) == 2


@pytest.mark.parametrize("version", [1, 2])
@pytest.mark.parametrize(
    "change",
    [
        ("chair_name", "Người Khác"),
        ("minute_taker_name", "Người Khác"),
        ("cell_name", "Chi bộ khác"),
        ("place", "Nơi khác"),
        ("conclusion", "Kết luận khác"),
        ("kind", "thematic"),
        ("opened_at", datetime.datetime(2018, 2, 12, 19, 40, tzinfo=HANOI)),
        ("closed_at", datetime.datetime(2018, 2, 12, 21, 25, tzinfo=HANOI)),
        ("amends_id", 99),
    ],
)
def test_every_field_of_the_minutes_is_in_the_hash(version, change):
    meeting, parts = fixed_meeting()
    before = content.content_hash(meeting, parts, version=version)
    setattr(meeting, *change)
    assert content.content_hash(meeting, parts, version=version) != before


@pytest.mark.parametrize("version", [1, 2])
@pytest.mark.parametrize(
    "part, field, value",
    [
        ("agenda", "content", "Khác"),
        ("agenda", "title", "Khác"),
        ("directives", "reference", "19-NQ/TW"),
        ("attendance", "presence", "absent_no_reason"),
        ("attendance", "reason", "Đi làm ăn xa"),
        ("attendance", "late", True),
        ("attendance", "member_name", "Tên khác"),
        ("guests", "unit", "Đơn vị khác"),
        ("opinions", "text", "Ý kiến khác"),
        ("opinions", "speaker_name", "Người khác"),
        ("votes", "votes_for", 2),
        ("votes", "base", 4),
    ],
)
def test_every_part_of_the_minutes_is_in_the_hash(version, part, field, value):
    meeting, parts = fixed_meeting()
    before = content.content_hash(meeting, parts, version=version)
    setattr(parts[part][0], field, value)
    assert content.content_hash(meeting, parts, version=version) != before


def test_format_2_does_not_depend_on_the_time_zone_setting(settings):
    meeting, parts = fixed_meeting()
    before = content.canonical_text(meeting, parts, version=2)
    settings.TIME_ZONE = "UTC"
    assert content.canonical_text(meeting, parts, version=2) == before
