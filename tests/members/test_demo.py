"""The demo district matches the seed figures and gives each demo login its scope."""

import io
import re
from collections import Counter

from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from meetings.models import Meeting, RotationSlot, SignedRecord
from members.enums import OrgKind
from members.models import Member, Organisation, Position, Role


def test_demo_district_matches_the_seed_and_loads_once(client, db, tmp_path):
    call_command("load_demo")
    district = Organisation.objects.get(code="VX")
    committees = Organisation.objects.filter(parent=district, kind=OrgKind.GRASSROOTS_COMMITTEE)
    assert committees.count() == 27
    assert Organisation.objects.filter(parent=district, kind=OrgKind.DIRECT_CELL).count() == 60
    under_committees = Organisation.objects.filter(parent__in=committees).cells()
    assert under_committees.count() == 415
    bloc = committees.get(name="Đảng bộ Khối cơ quan huyện")
    by_type = Counter(under_committees.exclude(parent=bloc).values_list("cell_type", flat=True))
    assert by_type == {
        "agency": 24, "military": 24, "school": 77, "health": 12, "credit_fund": 2,
        "village": 229, "residential": 32,
    }  # fmt: skip
    assert under_committees.filter(parent=bloc).count() == 15
    assert (
        Organisation.objects.get(name="Chi bộ thôn Thanh Sơn").parent.name
        == "Đảng bộ xã Thanh Thủy"
    )
    assert (
        Organisation.objects.get(name="Chi bộ thôn Nà Miều").parent.name == "Đảng bộ xã Phương Tiến"
    )

    members = Member.objects.filter(cell__path__startswith=district.path)
    assert members.count() == 7900
    statuses = Counter(members.values_list("status", flat=True))
    assert 0.08 <= statuses["probationary"] / 7900 <= 0.12
    assert statuses["exempted"] > 0
    assert {"Kinh", "Tày", "Dao", "Mông"} <= set(members.values_list("ethnicity", flat=True))
    # Positions follow the under-9 / 9-and-over rule.
    for cell in Organisation.objects.filter(code__in=["VX-TT-THANHSON", "VX-PT-NAMIEU"]):
        officials = cell.members.filter(status="official").count()
        roles = sorted(Position.objects.filter(cell=cell).values_list("role", flat=True))
        if officials >= 9:
            assert roles == ["committee_member", "deputy", "secretary"]
        else:
            assert "secretary" in roles and "committee_member" not in roles

    # A lived-in year: Thanh Sơn and Nà Miều met and signed every month of 2018.

    for code in ("VX-TT-THANHSON", "VX-PT-NAMIEU"):
        year = Meeting.objects.filter(cell__code=code, state="signed", planned_at__year=2018)
        assert sorted(m.planned_at.month for m in year) == list(range(1, 13))
    taker_user = Member.objects.get(user__username="thanhson.thuky")
    assert (
        Meeting.objects.filter(
            minute_taker=taker_user, signatures__user__username="thanhson.thuky"
        ).count()
        == 12
    )
    held = Meeting.objects.filter(cell__path__startswith=district.path).count()
    assert 0.9 * 475 * 12 < held < 475 * 12  # most cells meet monthly; some months are missed
    call_command("verify_minutes", org="VX-TT")
    # Every signed minutes has its record from the moment it was signed: each code printed
    # in a minute book answers, in either language, before anyone downloads anything.
    signed = Meeting.objects.filter(cell__path__startswith=district.path, state="signed")
    assert SignedRecord.objects.filter(meeting__in=signed).count() == signed.count()
    call_command("print_minute_books", org="VX-TT-THANHSON", year=2018, out=str(tmp_path))
    book = (tmp_path / "so-bien-ban-VX-TT-THANHSON-2018.pdf").read_bytes()
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(book)).pages)
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

    slots = RotationSlot.objects.filter(group__path__startswith=district.path, year=2018)
    assert slots.count() == 28 * 4
    assert sum(slot.status == "held" for slot in slots.select_related("meeting")) == 27 * 4
    from meetings.models import Rating

    assert Rating.objects.filter(meeting__rotation_slots__in=slots).count() == 2 * 27 * 4

    before = (Organisation.objects.count(), Member.objects.count(), Role.objects.count())
    call_command("load_demo")
    assert (Organisation.objects.count(), Member.objects.count(), Role.objects.count()) == before
    # A second district with two years of meetings, as the province-scale benchmark builds.
    call_command("load_demo", scale=2, years=2)
    second = Organisation.objects.get(code="VX2")
    assert second.parent == district.parent
    assert Member.objects.filter(cell__path__startswith=second.path).count() == 7900
    assert Organisation.objects.subtree_of(second).cells().count() == 475
    held = Meeting.objects.filter(cell__path__startswith=second.path)
    assert {d.year for d in held.dates("period", "year")} == {2017, 2018}
    assert held.filter(period__year=2017).count() > 4500
    assert (
        RotationSlot.objects.filter(group__path__startswith=second.path, year=2017).count()
        == 28 * 4
    )
    assert (
        Meeting.objects.filter(cell__path__startswith=district.path, period__year=2017).count() == 0
    )

    assert client.login(username="district", password="demo12345")
    page = client.get(reverse("members:organisation_detail", args=[district.pk])).content.decode()
    assert "475 chi bộ theo loại hình" in page
    assert "Đảng bộ xã Thanh Thủy" in page and "Chi bộ Phòng Tư pháp" in page

    client.logout()
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
