"""The demo district matches the seed figures and gives each demo login its scope."""

import datetime
import io
import re
from collections import Counter

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from meetings.models import Meeting, Rating, RotationSlot, SignedRecord, Task
from members.enums import OrgKind
from members.models import Member, Organisation, Position, Role, TreeChange

# The demo rates meetings with the shipped templates, whatever ran before in this process.
pytestmark = pytest.mark.usefixtures("rating_templates")


def test_demo_district_matches_the_seed_and_loads_once(client, db, tmp_path):
    call_command("load_demo")
    today = timezone.localdate()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    months = (last_month.year - 2018) * 12 + last_month.month
    district = Organisation.objects.get(code="VX")
    ours = Organisation.objects.filter(code__startswith="VX-")
    committees = ours.filter(kind=OrgKind.GRASSROOTS_COMMITTEE)
    assert committees.count() == 27
    assert ours.filter(kind=OrgKind.DIRECT_CELL).count() == 60
    under_committees = ours.filter(kind=OrgKind.CELL)
    assert under_committees.count() == 415
    bloc = committees.get(name="Đảng bộ Khối cơ quan huyện")
    by_type = Counter(under_committees.exclude(parent=bloc).values_list("cell_type", flat=True))
    assert by_type == {
        "agency": 24, "military": 24, "school": 77, "health": 12, "credit_fund": 2,
        "village": 229, "residential": 32,
    }  # fmt: skip
    assert under_committees.filter(parent=bloc).count() == 15
    thanhson = Organisation.objects.get(name="Chi bộ thôn Thanh Sơn")
    assert thanhson.parent.name == "Đảng bộ xã Thanh Thủy"
    assert (
        Organisation.objects.get(name="Chi bộ thôn Nà Miều").parent.name == "Đảng bộ xã Phương Tiến"
    )

    # 1 July 2025: the district's work ends; Hà Giang's committees sit under Tuyên Quang's,
    # and Đạo Đức, Vị Xuyên town and Nông trường Việt Lâm town form Đảng bộ xã Vị Xuyên.
    province = Organisation.objects.get(code="TQ")
    assert province.name == "Đảng bộ tỉnh Tuyên Quang" and province.parent is None
    assert district.dissolved_on == datetime.date(2025, 7, 1) and district.parent == province
    assert Organisation.objects.get(code="HG").dissolved_on == datetime.date(2025, 7, 1)
    commune = Organisation.objects.get(code="TQ-VX")
    assert commune.parent == province and commune.name == "Đảng bộ xã Vị Xuyên"
    merged = committees.filter(code__in=["VX-DD", "VX-TTVX", "VX-TTVL"])
    assert {c.dissolved_on for c in merged} == {datetime.date(2025, 7, 1)}
    assert {c.parent for c in merged} == {district}
    assert set(Organisation.objects.filter(parent=province, code__startswith="VX-").active()) == (
        set(ours.exclude(pk__in=merged).exclude(kind=OrgKind.CELL).active())
    )
    moved_cells = Organisation.objects.filter(parent=commune)
    assert moved_cells.count() > 40 and not moved_cells.filter(code__startswith="VX-TT-").exists()
    assert TreeChange.objects.filter(kind="merge", successor=commune).count() == 3

    members = Member.objects.filter(cell__code__startswith="VX-")
    assert members.count() == 7900
    statuses = Counter(members.values_list("status", flat=True))
    assert 0.08 <= statuses["probationary"] / 7900 <= 0.12
    # Probationary members were admitted within the last year: none is overdue today.
    probation = members.filter(status="probationary")
    assert min(probation.values_list("admitted_on", flat=True)) > today - datetime.timedelta(
        days=365
    )
    assert statuses["exempted"] > 0
    assert {"Kinh", "Tày", "Dao", "Mông"} <= set(members.values_list("ethnicity", flat=True))
    # Positions follow the under-9 / 9-and-over rule, on the officials of the term's start.
    for cell in Organisation.objects.filter(code__in=["VX-TT-THANHSON", "VX-PT-NAMIEU"]):
        officials = cell.members.filter(
            status="official", official_on__lte=datetime.date(2017, 7, 1)
        ).count()
        roles = sorted(Position.objects.filter(cell=cell).values_list("role", flat=True))
        if officials >= 9:
            assert roles == ["committee_member", "deputy", "secretary"]
        else:
            assert "secretary" in roles and "committee_member" not in roles

    # Lived-in years: Thanh Sơn and Nà Miều met and signed every month from January 2018
    # to last month, and this month's meeting is planned.
    for code in ("VX-TT-THANHSON", "VX-PT-NAMIEU"):
        signed = Meeting.objects.filter(cell__code=code, state="signed")
        assert signed.count() == months
        assert signed.latest("planned_at").period == last_month
        assert Meeting.objects.get(cell__code=code, period=today.replace(day=1)).state == "planned"
    taker_user = Member.objects.get(user__username="thanhson.thuky")
    assert (
        Meeting.objects.filter(
            minute_taker=taker_user, signatures__user__username="thanhson.thuky"
        ).count()
        == months
    )
    # Only last month's tasks may still be open: nothing from years ago is overdue.
    open_tasks = Task.objects.filter(status="in_progress")
    assert open_tasks.exists() and not open_tasks.filter(meeting__period__lt=last_month).exists()
    held = Meeting.objects.filter(cell__code__startswith="VX-", state="signed").count()
    assert 0.9 * 475 * months < held < 475 * months  # most cells meet monthly; some miss
    call_command("verify_minutes", org="VX-TT")
    # Every signed minutes has its record from the moment it was signed: each code printed
    # in a minute book answers, in either language, before anyone downloads anything.
    signed = Meeting.objects.filter(cell__code__startswith="VX-", state="signed")
    assert SignedRecord.objects.filter(meeting__in=signed).count() == signed.count()
    # A record keeps the superior of its day: Đạo Đức's cells signed under the commune
    # until June 2025 and under Đảng bộ xã Vị Xuyên since.
    dao_duc = SignedRecord.objects.filter(meeting__cell__code__startswith="VX-DD-")
    assert {r.snapshot["superior"] for r in dao_duc.filter(signed_at__year=2024)} == {
        "Đảng bộ xã Đạo Đức"
    }
    assert {r.snapshot["superior"] for r in dao_duc.filter(meeting__period__year=2026)} == {
        "Đảng bộ xã Vị Xuyên"
    }
    call_command(
        "print_minute_books", org="VX-TT-THANHSON", year=2018, out=str(tmp_path), here=True
    )
    book = (tmp_path / "so-bien-ban-VX-TT-THANHSON-2018.pdf").read_bytes()
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(book)).pages]
    text = "\n".join(pages)
    # Its twelve minutes take two pages each (the first layout took three, the third
    # 85 % blank: 39 pages); the signatures never stand alone on a page; the cover
    # carries no page number.
    assert len(pages) <= 2 + 12 * 2 + 1
    for page in pages:
        if "CHỦ TRÌ" in page:
            assert page.split("Cuộc họp kết thúc")[0].strip()
    assert "Trang" not in pages[0]
    assert "THANH THỦY" in text.upper()
    codes = re.findall(r"Mã xác minh: ([A-Z2-7]{10})", text)
    assert len(codes) == 12
    for language, valid in (("vi", "Hợp lệ"), ("en", "Valid")):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for code in codes:
            page = client.get(reverse("meetings:verify_code", args=[code])).content.decode()
            assert valid in page and "KHÔNG" not in page and "NOT" not in page, code
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    # 2018's rotation: 27 committees and the district's direct cells, four quarters each,
    # each quarter's model meeting held by its host (the police committee has no cells).
    slots = RotationSlot.objects.filter(year=2018)
    assert slots.count() == 28 * 4
    assert sum(slot.status == "held" for slot in slots.select_related("meeting")) == 27 * 4
    assert Rating.objects.filter(meeting__rotation_slots__in=slots).count() == 2 * 27 * 4
    # This year's rotation runs in the new shape: 25 committees and the province's direct
    # cells, every quarter planned; each quarter's host is one of that group's cells.
    now = RotationSlot.objects.filter(year=today.year).select_related("host", "group")
    assert now.count() == 26 * 4
    assert {s.group for s in now} >= {commune, province}
    assert all(s.host is None or s.host.parent_id == s.group_id for s in now)

    before = (Organisation.objects.count(), Member.objects.count(), Role.objects.count())
    call_command("load_demo")
    assert (Organisation.objects.count(), Member.objects.count(), Role.objects.count()) == before

    # Who reads what: the former district staff read the province and the district's
    # history; the new commune's staff its cells' whole history, and nothing else.
    assert client.login(username="district", password="demo12345")
    page = client.get(reverse("members:organisation_detail", args=[province.pk])).content
    assert "Đảng bộ xã Thanh Thủy" in page.decode() and "Chi bộ Phòng Tư pháp" in page.decode()
    assert client.get(reverse("members:organisation_detail", args=[district.pk])).status_code == 200
    # The grid and the dashboard open on the present, with this year's rotation and this
    # quarter in progress.
    grid = client.get(reverse("meetings:rotation", args=[province.pk])).content.decode()
    assert str(today.year) in grid and "Chưa có lịch cho năm này" not in grid
    assert "Đảng bộ xã Vị Xuyên" in grid
    dashboard = client.get(reverse("meetings:compliance", args=[province.pk])).content.decode()
    assert 'id="in-progress"' in dashboard and "Đảng bộ xã Vị Xuyên" in dashboard
    client.logout()
    assert client.login(username="thanhson.bithu", password="demo12345")
    home = client.get(reverse("home")).content.decode()
    assert f"tháng {today.month:02d} năm {today.year}" in home and "quá hạn" not in home
    client.logout()
    assert client.login(username="vixuyen", password="demo12345")
    old = Meeting.objects.filter(cell__parent=commune, period__year=2018).first()
    assert client.get(reverse("meetings:meeting_detail", args=[old.pk])).status_code == 200
    theirs = Meeting.objects.filter(cell=thanhson).first()
    assert client.get(reverse("meetings:meeting_detail", args=[theirs.pk])).status_code == 404
    page = client.get(reverse("members:organisation_detail", args=[commune.pk])).content.decode()
    assert "Đảng bộ xã Đạo Đức" in page  # its predecessors, each one a link
    dao_duc_committee = Organisation.objects.get(code="VX-DD")
    assert (
        client.get(reverse("members:organisation_detail", args=[dao_duc_committee.pk])).status_code
        == 200
    )
    # A predecessor's pages open on its last days, not on an empty present.
    grid = client.get(reverse("meetings:rotation", args=[dao_duc_committee.pk])).content.decode()
    assert "năm 2025" in grid and "Chưa có lịch" not in grid
    client.logout()

    # A second district with two years of meetings, as the province-scale benchmark builds.
    call_command("load_demo", scale=2, years=2)
    second = Organisation.objects.get(code="VX2")
    assert second.parent == province
    assert Member.objects.filter(cell__path__startswith=second.path).count() == 7900
    assert Organisation.objects.subtree_of(second).cells().count() == 475
    held = Meeting.objects.filter(cell__path__startswith=second.path)
    assert {d.year for d in held.dates("period", "year")} == {2017, 2018}
    assert held.filter(period__year=2017).count() > 4500
    assert (
        RotationSlot.objects.filter(group__path__startswith=second.path, year=2017).count()
        == 28 * 4
    )
    assert Meeting.objects.filter(cell__code__startswith="VX-", period__year=2017).count() == 0

    assert client.login(username="thanhson.bithu", password="demo12345")
    tree_page = client.get(reverse("members:organisation_tree")).content.decode()
    assert "Chi bộ thôn Thanh Sơn" in tree_page
    assert "Nà Miều" not in tree_page and "Đảng bộ xã Thanh Thủy" not in tree_page
    namieu = Organisation.objects.get(code="VX-PT-NAMIEU")
    assert client.get(reverse("members:member_list", args=[namieu.pk])).status_code == 404
    secretary = Member.objects.get(user__username="thanhson.bithu")
    assert Position.objects.get(member=secretary, ended_on__isnull=True).role == "secretary"
    taker = Member.objects.get(user__username="thanhson.thuky")
    assert taker.cell.name == "Chi bộ thôn Thanh Sơn" and taker.status == "official"


def test_a_cell_with_no_one_to_take_the_minutes_holds_no_demo_meeting(tree):
    """At province scale a copied cell may have its secretary as its only official
    member: the demo plans it no meeting rather than stopping (make bench's province)."""
    from cellmeet.demo.meetings import MeetingHistory
    from cellmeet.demo.months import month_starts
    from meetings.selectors import rotation_groups

    alone = tree["b"]  # its members are made probationary: none may take the minutes
    Member.objects.filter(cell=alone).update(status="probationary", official_on=None)
    secretary = Member.objects.filter(cell=alone).first()
    Member.objects.filter(pk=secretary.pk).update(status="official",
                                                  official_on=datetime.date(2010, 1, 1))  # fmt: skip
    Position.objects.create(cell=alone, member=secretary, role="secretary", started_on="2017-07-01")
    a = tree["a"]
    Position.objects.create(cell=a, member=tree["members"]["a"][0], role="secretary",
                            started_on="2017-07-01")  # fmt: skip
    cells = [a, alone]
    MeetingHistory(cells=cells, groups=rotation_groups(tree["district"]),
                   months=month_starts(datetime.date(2018, 1, 1), datetime.date(2018, 6, 1)),
                   seed="T").load()  # fmt: skip
    assert Meeting.objects.filter(cell=a).exists()
    assert not Meeting.objects.filter(cell=alone).exists()
