"""The demo: Vị Xuyên district, Hà Giang, as it stood in 2018, built from the seed
figures; its members are those on the roll today (probationary ones admitted this year).

Deterministic for a given day (every random choice comes from a seeded generator) and
idempotent (organisations are keyed by code; an existing district is left as it is).
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from cellmeet.demo.logins import _ensure_users
from cellmeet.demo.places import (
    BLOC_CELLS,
    COMMUNE_CODES,
    COMMUNES,
    DIRECT_CELLS,
    HIGHLAND,
    HIGHLAND_MIX,
    LOWLAND_MIX,
    NAMED_VILLAGES,
    NAMES,
    SCHOOL_KINDS,
    SIZE_RANGES,
    TOWNS,
    VILLAGE_FIRST,
    VILLAGE_SECOND,
)
from members.enums import CellType, MembershipKind, MemberStatus, OrgKind, PositionRole
from members.models import Member, Membership, MemberStatusChange, Organisation, Position
from members.text import fold, name_keys

TERM_START = datetime.date(2017, 7, 1)
MEMBERS_PER_DISTRICT = 7900
PROVINCE_CODE = "HG"


def _village_code(name):
    return fold(name).replace(" ", "").upper()


def district_code(index):
    return "VX" if index == 1 else f"VX{index}"


def district_codes(scale):
    return [district_code(index) for index in range(1, scale + 1)]


class DistrictBuilder:
    """Builds one district's tree and members; `index` 1 is Vị Xuyên itself."""

    def __init__(self, province, index, today):
        self.province = province
        self.today = today
        self.index = index
        self.rng = random.Random(f"cellmeet-demo-{index}")  # noqa: S311 - demo data, seeded to be the same on every load
        self.code = district_code(index)
        suffix = "" if index == 1 else f" ({index})"
        self.name = f"Đảng bộ huyện Vị Xuyên{suffix}"
        self.orgs = []  # (Organisation, parent Organisation or None)
        self.cells = []  # (Organisation, highland?)
        self.member_seq = 0

    # --- organisations -------------------------------------------------------------------

    def _org(self, parent, name, code, kind, cell_type="", founded=None):
        org = Organisation(
            name=name,
            code=code,
            kind=kind,
            cell_type=cell_type,
            founded_on=founded
            or datetime.date(1976 + self.rng.randrange(30), 1 + self.rng.randrange(12), 1),
        )
        org._parent = parent
        self.orgs.append(org)
        return org

    def _cell(self, parent, name, code, kind, cell_type, highland=False):
        cell = self._org(parent, name, code, kind, cell_type)
        self.cells.append((cell, highland))
        return cell

    def plan_tree(self):
        rng = self.rng
        district = self._org(None, self.name, self.code, OrgKind.DISTRICT_COMMITTEE,
                             founded=datetime.date(1976, 1, 1))  # fmt: skip
        self.district = district
        units = [(f"thị trấn {t}", t, False) for t in TOWNS] + [
            (f"xã {c}", c, c in HIGHLAND) for c in COMMUNES
        ]
        # Spread 77 schools, 12 health stations and 229 villages over the units.
        school_counts = [3] * 24
        for i in rng.sample(range(24), 77 - 72):
            school_counts[i] += 1
        health_units = set(rng.sample(range(2, 24), 12))
        village_counts = self._spread(229, 22, 6, 16)
        residential = {0: 18, 1: 14}
        for i, (label, place, highland) in enumerate(units):
            ccode = f"{self.code}-{COMMUNE_CODES[place]}"
            committee = self._org(district, f"Đảng bộ {label}", ccode, OrgKind.GRASSROOTS_COMMITTEE)
            self._cell(committee, f"Chi bộ Cơ quan {label}", f"{ccode}-CQ", OrgKind.CELL,
                       CellType.AGENCY, highland)  # fmt: skip
            for s in range(school_counts[i]):
                kind_name = SCHOOL_KINDS[s % len(SCHOOL_KINDS)]
                extra = "" if s < len(SCHOOL_KINDS) else f" số {s // len(SCHOOL_KINDS) + 1}"
                self._cell(committee, f"Chi bộ {kind_name} {place}{extra}", f"{ccode}-TR{s + 1:02d}",
                           OrgKind.CELL, CellType.SCHOOL, highland)  # fmt: skip
            if i in health_units:
                self._cell(committee, f"Chi bộ Trạm Y tế {label}", f"{ccode}-YT", OrgKind.CELL,
                           CellType.HEALTH, highland)  # fmt: skip
            if i < 2:
                self._cell(committee, f"Chi bộ Quỹ tín dụng nhân dân {place}", f"{ccode}-QTD",
                           OrgKind.CELL, CellType.CREDIT_FUND)  # fmt: skip
                for g in range(residential[i]):
                    self._cell(committee, f"Chi bộ Tổ dân phố {g + 1}", f"{ccode}-TDP{g + 1:02d}",
                               OrgKind.CELL, CellType.RESIDENTIAL)  # fmt: skip
            else:
                for village in self._village_names(place, village_counts[i - 2]):
                    self._cell(committee, f"Chi bộ thôn {village}",
                               f"{ccode}-{_village_code(village)}", OrgKind.CELL,
                               CellType.VILLAGE, highland)  # fmt: skip
        bloc = self._org(district, "Đảng bộ Khối cơ quan huyện", f"{self.code}-KCQ",
                         OrgKind.GRASSROOTS_COMMITTEE)  # fmt: skip
        for n, name in enumerate(BLOC_CELLS, start=1):
            self._cell(bloc, f"Chi bộ {name}", f"{self.code}-KCQ-{n:02d}", OrgKind.CELL,
                       CellType.AGENCY)  # fmt: skip
        military = self._org(district, "Đảng bộ Quân sự huyện", f"{self.code}-QS",
                             OrgKind.GRASSROOTS_COMMITTEE)  # fmt: skip
        for label, place, highland in units:
            self._cell(military, f"Chi bộ Quân sự {label}",
                       f"{self.code}-QS-{COMMUNE_CODES[place]}", OrgKind.CELL,
                       CellType.MILITARY, highland)  # fmt: skip
        self._org(
            district, "Đảng bộ Công an huyện", f"{self.code}-CA", OrgKind.GRASSROOTS_COMMITTEE
        )
        for n, (name, cell_type) in enumerate(DIRECT_CELLS, start=1):
            self._cell(district, f"Chi bộ {name}", f"{self.code}-TT{n:02d}", OrgKind.DIRECT_CELL,
                       cell_type)  # fmt: skip

    def _spread(self, total, slots, low, high):
        counts = [low] * slots
        for _i in range(total - low * slots):
            choices = [i for i in range(slots) if counts[i] < high]
            counts[self.rng.choice(choices)] += 1
        return counts

    def _village_names(self, place, count):
        names = []
        if place in NAMED_VILLAGES:
            names.append(NAMED_VILLAGES[place])
        while len(names) < count:
            name = f"{self.rng.choice(VILLAGE_FIRST)} {self.rng.choice(VILLAGE_SECOND)}"
            if name not in names and _village_code(name) not in {_village_code(n) for n in names}:
                names.append(name)
        return names

    def save_tree(self):
        # Parents come before children in self.orgs, so one pass per depth suffices.
        by_depth = {}
        for org in self.orgs:
            depth = 0
            parent = org._parent
            while parent is not None:
                depth += 1
                parent = parent._parent
            by_depth.setdefault(depth, []).append(org)
        for depth in sorted(by_depth):
            level = by_depth[depth]
            for org in level:
                org.parent = org._parent if org._parent is not None else self.province
            Organisation.objects.bulk_create(level)
            for org in level:
                org.path = f"{org.parent.path}{org.pk}/"
                org.depth = org.path.count("/") - 2
            Organisation.objects.bulk_update(level, ["path", "depth"])

    # --- members ---------------------------------------------------------------------------

    def _sizes(self):
        raw = [self.rng.randint(*SIZE_RANGES[cell.cell_type]) for cell, _h in self.cells]
        scale = MEMBERS_PER_DISTRICT / sum(raw)
        sizes = [max(3, round(n * scale)) for n in raw]
        diff = MEMBERS_PER_DISTRICT - sum(sizes)
        order = sorted(range(len(sizes)), key=lambda i: -sizes[i])
        step = 1 if diff > 0 else -1
        i = 0
        while diff:
            j = order[i % len(order)]
            if sizes[j] + step >= 3:
                sizes[j] += step
                diff -= step
            i += 1
        return sizes

    def _person(self, highland):
        rng = self.rng
        mix = HIGHLAND_MIX if highland else LOWLAND_MIX
        ethnicity = rng.choices([e for e, _w in mix], weights=[w for _e, w in mix])[0]
        surnames, m_mid, m_given, f_mid, f_given = NAMES[ethnicity]
        male = rng.random() < 0.62
        middle = rng.choice(m_mid if male else f_mid)
        given = rng.choice(m_given if male else f_given)
        name = f"{rng.choice(surnames)} {middle} {given}"
        return name, male, ethnicity

    def build_members(self):
        rng = self.rng
        members, statuses, memberships = [], [], []
        for (cell, highland), size in zip(self.cells, self._sizes(), strict=True):
            for _n in range(size):
                self.member_seq += 1
                name, male, ethnicity = self._person(highland)
                status = MemberStatus.OFFICIAL
                roll = rng.random()
                born = datetime.date(
                    rng.randint(1940, 1996), rng.randint(1, 12), rng.randint(1, 28)
                )
                if roll < 0.10:
                    status = MemberStatus.PROBATIONARY
                    born = datetime.date(rng.randint(1985, 1998), born.month, born.day)
                    admitted = self.today - datetime.timedelta(days=rng.randint(20, 360))
                    official = None
                else:
                    age_in = rng.randint(18, 40)
                    earliest = born.replace(year=born.year + age_in)
                    latest = self.today - datetime.timedelta(days=400)
                    if earliest > latest:
                        earliest = born.replace(year=born.year + 18)
                    if earliest > latest:
                        born = born.replace(year=latest.year - 25)
                        earliest = born.replace(year=born.year + 20)
                    span = max(0, (latest - earliest).days)
                    admitted = earliest + datetime.timedelta(days=rng.randint(0, min(span, 3650)))
                    official = admitted + datetime.timedelta(days=365)
                    age = self.today.year - born.year
                    if age >= 75 and rng.random() < 0.45:
                        status = MemberStatus.EXEMPTED
                    elif roll > 0.995:
                        status = MemberStatus.TEMPORARILY_AWAY
                seq = self.index * 20000 + self.member_seq
                citizen_id = ""
                if rng.random() < 0.9:
                    century_sex = (0 if male else 1) + (2 if born.year >= 2000 else 0)
                    citizen_id = f"002{century_sex}{born.year % 100:02d}{seq:06d}"
                member = Member(
                    full_name=name,
                    **name_keys(name),
                    sex="male" if male else "female",
                    date_of_birth=born,
                    ethnicity=ethnicity,
                    citizen_id=citizen_id,
                    phone=f"09{rng.randint(10000000, 99999999)}" if rng.random() < 0.7 else "",
                    party_card_number=f"{seq:08d}" if official else "",
                    admitted_on=admitted,
                    official_on=official,
                    cell=cell,
                    status=status,
                )
                members.append(member)
        Member.objects.bulk_create(members, batch_size=2000)
        for m in members:
            statuses.append(MemberStatusChange(member=m, status=MemberStatus.PROBATIONARY,
                                               effective_on=m.admitted_on))  # fmt: skip
            if m.official_on:
                statuses.append(MemberStatusChange(member=m, status=MemberStatus.OFFICIAL,
                                                   effective_on=m.official_on))  # fmt: skip
            if m.status in (MemberStatus.EXEMPTED, MemberStatus.TEMPORARILY_AWAY):
                reason = (
                    "Tuổi cao, sức yếu" if m.status == MemberStatus.EXEMPTED else "Đi làm ăn xa"
                )
                statuses.append(MemberStatusChange(member=m, status=m.status, reason=reason,
                                                   effective_on=datetime.date(2018, 3, 1)))  # fmt: skip
            memberships.append(Membership(member=m, cell=m.cell, kind=MembershipKind.HOME,
                                          started_on=m.admitted_on))  # fmt: skip
        MemberStatusChange.objects.bulk_create(statuses, batch_size=4000)
        Membership.objects.bulk_create(memberships, batch_size=4000)
        self.members = members

    def build_positions(self):
        by_cell = {}
        for m in self.members:
            by_cell.setdefault(m.cell_id, []).append(m)
        positions = []
        for cell, _highland in self.cells:
            officials = [
                m
                for m in by_cell.get(cell.pk, [])
                if m.status == MemberStatus.OFFICIAL and m.official_on <= TERM_START
            ]
            # Prefer members between 30 and 60 for posts; fall back to anyone official.
            officials.sort(
                key=lambda m: (not 30 <= self.today.year - m.date_of_birth.year <= 60, m.pk)
            )
            if not officials:
                continue
            roles = [PositionRole.SECRETARY]
            if len(officials) >= 9:
                roles += [PositionRole.DEPUTY, PositionRole.COMMITTEE_MEMBER]
                if len(officials) >= 30:
                    roles += [PositionRole.COMMITTEE_MEMBER] * 2
            elif len(officials) >= 6:
                roles.append(PositionRole.DEPUTY)
            for member, role in zip(officials, roles, strict=False):
                positions.append(
                    Position(member=member, cell=cell, role=role, started_on=TERM_START)
                )
        Position.objects.bulk_create(positions, batch_size=4000)


def _province():
    """The province the districts hang under: Hà Giang until the demo's history moves
    them under its successor."""
    current = (
        Organisation.objects.filter(kind=OrgKind.PROVINCE_COMMITTEE, parent__isnull=True)
        .active()
        .order_by("-pk")
        .first()
    )
    if current is not None:
        return current
    province, _created = Organisation.objects.get_or_create(
        code=PROVINCE_CODE,
        defaults={
            "name": "Đảng bộ tỉnh Hà Giang",
            "kind": OrgKind.PROVINCE_COMMITTEE,
            "founded_on": datetime.date(1991, 10, 1),
        },
    )
    if not province.path:
        province.path = f"/{province.pk}/"
        province.depth = 0
        province.save(update_fields=["path", "depth"])
    return province


def load_demo(*, scale=1, stdout=None, today=None):
    """Build the province root, `scale` districts and the demo users. Returns what was built."""
    today = today or timezone.localdate()
    built = []
    with transaction.atomic():
        province = _province()
        for index in range(1, scale + 1):
            builder = DistrictBuilder(province, index, today)
            if Organisation.objects.filter(code=builder.code).exists():
                continue
            builder.plan_tree()
            builder.save_tree()
            builder.build_members()
            builder.build_positions()
            built.append(builder.name)
            if stdout:
                stdout.write(f"  {builder.name}: {len(builder.cells)} chi bộ, "
                             f"{len(builder.members)} đảng viên")  # fmt: skip
        _ensure_users()
    return built
