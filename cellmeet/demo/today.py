"""The demo districts' history: Vị Xuyên's up to today, across the 2025 reorganisation;
the province-scale copies' for a few years up to COPIES_LAST_YEAR.

From 1 July 2025 there is no district level: commune committees sit directly under the
province committee (Quy định 294-QĐ/TW), and Hà Giang province was merged into Tuyên
Quang. The demo applies what is documented for its area and nothing more: Đảng bộ xã
Vị Xuyên is formed from Đạo Đức commune, Vị Xuyên town and Nông trường Việt Lâm town;
every other unit of the district moves directly under the province unchanged; the
district committee's work ends on 30 June 2025. The change goes through the same
reorganisation service the pages use, on its date, between the two halves of history.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from cellmeet.demo.logins import demo_password_hash
from cellmeet.demo.meetings import (
    ALWAYS_MEET,
    COPIES_LAST_YEAR,
    FIRST_MONTH,
    REORGANISED_ON,
    MeetingHistory,
)
from cellmeet.demo.months import _aware, last_finished_month, month_starts
from meetings.enums import MeetingKind
from meetings.meeting import services
from meetings.models import Meeting
from meetings.reorganisation import services as reorganisation
from meetings.rotation import quarter_index
from meetings.rotation_plan.services import rotation_groups
from members.access import roles
from members.enums import OrgKind, RoleKind
from members.models import Organisation, tree_order
from members.tree import services as tree_services

PROVINCE = {"name": "Đảng bộ tỉnh Tuyên Quang", "code": "TQ"}
COMMUNE = {"name": "Đảng bộ xã Vị Xuyên", "code": "TQ-VX"}
MERGED = ["DD", "TTVX", "TTVL"]  # Đạo Đức, thị trấn Vị Xuyên, thị trấn Nông trường Việt Lâm
NEW_USERS = [
    # username, full name, unit code: committee staff of the new structure
    ("vixuyen", "Văn phòng Đảng ủy xã Vị Xuyên", COMMUNE["code"]),
]


def _district_history(district, years):
    """A province-scale copy's history: `years` years up to COPIES_LAST_YEAR."""
    months = month_starts(
        datetime.date(COPIES_LAST_YEAR - years + 1, 1, 1), datetime.date(COPIES_LAST_YEAR, 12, 1)
    )
    cells = sorted(Organisation.objects.subtree_of(district).cells().active(), key=tree_order)
    return MeetingHistory(cells=cells, groups=rotation_groups(district), months=months,
                          seed=district.code).load()  # fmt: skip


def load_meeting_history(district_code="VX", years=1, today=None):
    """Add history to a demo district unless it has meetings already.

    Vị Xuyên itself gets every month from January 2018 to the last finished month, with
    the 2025 reorganisation applied on its date; the province-scale copies get `years`
    years up to COPIES_LAST_YEAR."""
    district = Organisation.objects.filter(code=district_code).first()
    # By code: the district's cells sit elsewhere in the tree after 2025.
    if (
        district is None
        or Meeting.objects.filter(cell__code__startswith=f"{district_code}-").exists()
    ):
        return 0
    if district_code != "VX":
        return _district_history(district, years)
    return load_history(district, today or timezone.localdate())


def load_history(district, today):
    """Every month from January 2018 to the last finished one; returns the meetings."""
    end = last_finished_month(today)
    before = month_starts(FIRST_MONTH, min(end, REORGANISED_ON - datetime.timedelta(days=1)))
    cells = sorted(Organisation.objects.subtree_of(district).cells().active(), key=tree_order)
    first = MeetingHistory(cells=cells, groups=rotation_groups(district), months=before,
                           seed=district.code)  # fmt: skip
    total = first.load()
    if end < REORGANISED_ON:
        return total
    actor = get_user_model().objects.get(username="admin")
    province, commune = reorganise(actor=actor, district=district)
    cells = sorted(Organisation.objects.filter(pk__in=[c.pk for c in cells]), key=tree_order)
    parents = {c.parent_id for c in cells}
    groups = sorted(
        (
            g
            for g in rotation_groups(province)
            if g.pk in parents or (g.is_active and g.code.startswith(f"{district.code}-"))
        ),
        key=tree_order,
    )
    carried = {g.pk: first.history.get(g.pk, []) for g in groups}
    carried[province.pk] = first.history.get(district.pk, [])  # the district's own cells
    last_quarter = quarter_index(today.year, 4)
    after = MeetingHistory(
        cells=cells, groups=groups, months=month_starts(REORGANISED_ON, end),
        seed=f"{district.code}-2025", before=carried,
        quarters=list(range(quarter_index(REORGANISED_ON.year, 3), last_quarter + 1)),
    )  # fmt: skip
    total += after.load()
    _plan_this_month(today)
    return total


def reorganise(*, actor, district):
    """Apply the 1 July 2025 changes through the reorganisation service."""
    on = REORGANISED_ON
    province = tree_services.create_organisation(
        actor=actor, parent=None,
        data={**PROVINCE, "kind": OrgKind.PROVINCE_COMMITTEE, "founded_on": on},
    )  # fmt: skip
    reorganisation.merge(
        actor=actor, orgs=[district.parent], successor=province, on=on,
        reason="Hợp nhất tỉnh Hà Giang và tỉnh Tuyên Quang",
    )  # fmt: skip
    commune = tree_services.create_organisation(
        actor=actor, parent=province,
        data={**COMMUNE, "kind": OrgKind.GRASSROOTS_COMMITTEE, "founded_on": on},
    )  # fmt: skip
    reorganisation.merge(
        actor=actor,
        orgs=list(Organisation.objects.filter(code__in=[f"{district.code}-{c}" for c in MERGED])),
        successor=commune, on=on, reason="Sắp xếp đơn vị hành chính cấp xã",
    )  # fmt: skip
    district.refresh_from_db()
    reorganisation.merge(
        actor=actor, orgs=[district], successor=province, on=on,
        reason="Kết thúc hoạt động cấp huyện; các đảng bộ xã trực thuộc Tỉnh ủy",
    )  # fmt: skip
    _users(actor, province)
    return province, commune


def _users(actor, province):
    """The district's staff work for the province now; the new commune has its office."""
    User = get_user_model()
    district_staff = User.objects.filter(username="district").first()
    if district_staff is not None:
        roles.grant_role(actor=actor, user=district_staff, organisation=province,
                         kind=RoleKind.COMMITTEE_STAFF)  # fmt: skip
    password = demo_password_hash()
    for username, full_name, code in NEW_USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"password": password, "first_name": full_name}
        )
        if created:
            roles.grant_role(actor=actor, user=user, organisation=Organisation.objects.get(code=code),
                             kind=RoleKind.COMMITTEE_STAFF)  # fmt: skip


def _plan_this_month(today):
    """The cells that never miss a month have this month's meeting planned already."""
    last_day = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    day = min(today + datetime.timedelta(days=3), last_day - datetime.timedelta(days=1))
    for cell in Organisation.objects.filter(code__in=ALWAYS_MEET).active():
        secretary = cell.positions.filter(role="secretary", ended_on__isnull=True).first()
        if secretary is None or secretary.member.user is None:
            continue
        services.plan_meeting(actor=secretary.member.user, cell=cell, kind=MeetingKind.REGULAR,
                              planned_at=_aware(day, 19, 30), place="Nhà văn hóa thôn")  # fmt: skip
