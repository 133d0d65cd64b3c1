"""The demo: Vị Xuyên district, Hà Giang, as it stood in 2018, built from the seed
figures; its members are those on the roll today (probationary ones admitted this year).

Deterministic for a given day (every random choice comes from a seeded generator) and
idempotent (organisations are keyed by code; an existing district is left as it is).
"""

import datetime
import functools
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from members.enums import CellType, MembershipKind, MemberStatus, OrgKind, PositionRole, RoleKind
from members.models import (
    Member,
    Membership,
    MemberStatusChange,
    Organisation,
    Position,
    Role,
)
from members.text import fold, name_keys

DEMO_PASSWORD = "demo12345"  # noqa: S105 - published demo logins, printed by `make run`
TERM_START = datetime.date(2017, 7, 1)
MEMBERS_PER_DISTRICT = 7900
PROVINCE_CODE = "HG"

TOWNS = ["Vị Xuyên", "Nông trường Việt Lâm"]
COMMUNES = [
    "Bạch Ngọc", "Cao Bồ", "Đạo Đức", "Kim Linh", "Kim Thạch", "Lao Chải", "Linh Hồ",
    "Minh Tân", "Ngọc Linh", "Ngọc Minh", "Phong Quang", "Phú Linh", "Phương Tiến",
    "Quảng Ngần", "Thanh Đức", "Thanh Thủy", "Thuận Hòa", "Thượng Sơn", "Trung Thành",
    "Tùng Bá", "Việt Lâm", "Xín Chải",
]  # fmt: skip
HIGHLAND = {"Cao Bồ", "Lao Chải", "Minh Tân", "Thanh Đức", "Thượng Sơn", "Xín Chải",
            "Phương Tiến", "Thuận Hòa", "Kim Linh", "Quảng Ngần"}  # fmt: skip
COMMUNE_CODES = {
    "Vị Xuyên": "TTVX", "Nông trường Việt Lâm": "TTVL", "Bạch Ngọc": "BN", "Cao Bồ": "CB",
    "Đạo Đức": "DD", "Kim Linh": "KL", "Kim Thạch": "KT", "Lao Chải": "LC", "Linh Hồ": "LH",
    "Minh Tân": "MT", "Ngọc Linh": "NL", "Ngọc Minh": "NM", "Phong Quang": "PQ",
    "Phú Linh": "PL", "Phương Tiến": "PT", "Quảng Ngần": "QN", "Thanh Đức": "TD",
    "Thanh Thủy": "TT", "Thuận Hòa": "TH", "Thượng Sơn": "TS", "Trung Thành": "TTH",
    "Tùng Bá": "TB", "Việt Lâm": "VL", "Xín Chải": "XC",
}  # fmt: skip
NAMED_VILLAGES = {"Thanh Thủy": "Thanh Sơn", "Phương Tiến": "Nà Miều"}
BLOC_CELLS = [
    "Văn phòng Huyện ủy", "Ban Tổ chức Huyện ủy", "Ủy ban Kiểm tra Huyện ủy",
    "Ban Tuyên giáo Huyện ủy", "Ban Dân vận Huyện ủy", "Trung tâm Chính trị huyện",
    "Văn phòng HĐND và UBND huyện", "Phòng Nội vụ", "Phòng Tài chính – Kế hoạch",
    "Ủy ban MTTQ huyện", "Huyện đoàn", "Hội Liên hiệp Phụ nữ huyện", "Hội Nông dân huyện",
    "Hội Cựu chiến binh huyện", "Liên đoàn Lao động huyện",
]  # fmt: skip
DIRECT_CELLS = [
    ("Phòng Giáo dục và Đào tạo", CellType.AGENCY), ("Phòng Nông nghiệp và PTNT", CellType.AGENCY),
    ("Phòng Tài nguyên và Môi trường", CellType.AGENCY), ("Phòng Tư pháp", CellType.AGENCY),
    ("Phòng Văn hóa và Thông tin", CellType.AGENCY), ("Phòng Y tế", CellType.AGENCY),
    ("Phòng Lao động – TB&XH", CellType.AGENCY), ("Phòng Kinh tế và Hạ tầng", CellType.AGENCY),
    ("Phòng Dân tộc", CellType.AGENCY), ("Thanh tra huyện", CellType.AGENCY),
    ("Tòa án nhân dân huyện", CellType.AGENCY), ("Viện Kiểm sát nhân dân huyện", CellType.AGENCY),
    ("Chi cục Thi hành án dân sự", CellType.AGENCY), ("Chi cục Thuế", CellType.AGENCY),
    ("Kho bạc Nhà nước huyện", CellType.AGENCY), ("Chi cục Thống kê", CellType.AGENCY),
    ("Bảo hiểm xã hội huyện", CellType.AGENCY), ("Hạt Kiểm lâm", CellType.AGENCY),
    ("Ban Quản lý rừng phòng hộ", CellType.AGENCY), ("Trung tâm Văn hóa – Thể thao", CellType.AGENCY),
    ("Đài Truyền thanh – Truyền hình", CellType.AGENCY), ("Ban Quản lý dự án huyện", CellType.AGENCY),
    ("Trạm Khuyến nông", CellType.AGENCY), ("Trung tâm Dịch vụ nông nghiệp", CellType.AGENCY),
    ("Phòng Tài chính ngân sách", CellType.AGENCY), ("Hội Chữ thập đỏ huyện", CellType.AGENCY),
    ("Trung tâm Y tế huyện", CellType.HEALTH), ("Bệnh viện Đa khoa huyện", CellType.HEALTH),
    ("Phòng khám Đa khoa khu vực Việt Lâm", CellType.HEALTH),
    ("Trung tâm Dân số – KHHGĐ", CellType.HEALTH),
    ("Trường THPT Vị Xuyên", CellType.SCHOOL), ("Trường THPT Việt Lâm", CellType.SCHOOL),
    ("Trường THPT Minh Tân", CellType.SCHOOL), ("Trường THPT Linh Hồ", CellType.SCHOOL),
    ("Trường PT Dân tộc nội trú huyện", CellType.SCHOOL),
    ("Trung tâm GDNN – GDTX huyện", CellType.SCHOOL),
    ("Trường Mầm non Họa Mi", CellType.SCHOOL), ("Trường THCS thị trấn Vị Xuyên", CellType.SCHOOL),
    ("Ngân hàng Nông nghiệp và PTNT", CellType.ENTERPRISE),
    ("Ngân hàng Chính sách xã hội", CellType.ENTERPRISE), ("Điện lực Vị Xuyên", CellType.ENTERPRISE),
    ("Bưu điện huyện", CellType.ENTERPRISE), ("Viettel Vị Xuyên", CellType.ENTERPRISE),
    ("Công ty Chè Việt Lâm", CellType.ENTERPRISE), ("Công ty Thủy điện Thái An", CellType.ENTERPRISE),
    ("Công ty Lâm nghiệp Vị Xuyên", CellType.ENTERPRISE),
    ("Công ty Cấp thoát nước Vị Xuyên", CellType.ENTERPRISE),
    ("Công ty Xi măng Hà Giang", CellType.ENTERPRISE),
    ("Hạt Quản lý đường bộ", CellType.ENTERPRISE), ("Công ty Cổ phần Khoáng sản", CellType.ENTERPRISE),
    ("Hợp tác xã Chè Phìn Hồ", CellType.COOPERATIVE), ("Hợp tác xã Cam sành Vị Xuyên", CellType.COOPERATIVE),
    ("Hợp tác xã Dịch vụ nông nghiệp Đạo Đức", CellType.COOPERATIVE),
    ("Đồn Biên phòng Thanh Thủy", CellType.MILITARY), ("Đồn Biên phòng Xín Chải", CellType.MILITARY),
    ("Trạm Kiểm soát cửa khẩu Thanh Thủy", CellType.OTHER), ("Chi cục Hải quan cửa khẩu", CellType.OTHER),
    ("Ban Quản lý khu kinh tế cửa khẩu", CellType.OTHER), ("Nhà văn hóa huyện", CellType.OTHER),
    ("Hội Người cao tuổi huyện", CellType.OTHER),
]  # fmt: skip
VILLAGE_FIRST = ["Nà", "Bản", "Khuổi", "Lũng", "Pác", "Cốc", "Nặm", "Làng", "Tát", "Phìn",
                 "Lùng", "Khâu", "Tân", "Bó", "Tiến", "Đồng"]  # fmt: skip
VILLAGE_SECOND = ["Miều", "Sơn", "Thượng", "Hạ", "Pồng", "Mạ", "Khẻ", "Cáy", "Điếng", "Hin",
                  "Lầu", "Đăng", "Chang", "Thành", "Mào", "Buông", "Luông", "Đon", "Chè", "Lạn",
                  "Vài", "Pia", "Sảo", "Tấu", "Pục", "Chủ", "Ngoan", "Quang", "Hòa", "Phong",
                  "Vạc", "Lình", "Tàm", "Xá", "Thẳm"]  # fmt: skip
SCHOOL_KINDS = ["Trường Mầm non", "Trường Tiểu học", "Trường THCS", "Trường PTDTBT TH và THCS"]

# (surnames, male middle names, male given names, female middle names, female given names)
NAMES = {
    "Kinh": (
        ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô", "Dương",
         "Đinh", "Phan", "Trịnh", "Lương", "Hà"],
        ["Văn", "Đức", "Minh", "Quang", "Xuân", "Hữu", "Ngọc", "Thanh", "Mạnh"],
        ["Hùng", "Dũng", "Tuấn", "Hải", "Nam", "Long", "Thắng", "Sơn", "Cường", "Hưng", "Trung",
         "Quân", "Bình", "Phong", "Khánh", "Hiếu", "Tiến", "Đạt"],
        ["Thị", "Thu", "Thanh", "Ngọc", "Minh", "Hồng", "Kim"],
        ["Hương", "Lan", "Hoa", "Mai", "Hằng", "Thảo", "Nga", "Huyền", "Trang", "Nhung", "Linh",
         "Yến", "Thủy", "Loan", "Hạnh", "Dung", "Phượng"],
    ),
    "Tày": (
        ["Hoàng", "Nông", "Ma", "Lương", "Triệu", "Hà", "Nguyễn", "La", "Lục", "Bế", "Phùng"],
        ["Văn", "Đình", "Đức", "Quang"],
        ["Thạch", "Chung", "Kiên", "Tiến", "Hòa", "Đông", "Lâm", "Sính", "Bằng", "Cao", "Thiện"],
        ["Thị"],
        ["Lả", "Pắn", "Chuyên", "Mỷ", "Nhàn", "Xuân", "Thơm", "Hiền", "Duyên", "Quỳnh"],
    ),
    "Dao": (
        ["Triệu", "Bàn", "Đặng", "Lý", "Phùng", "Chảo", "Bàn"],
        ["Văn", "Tài", "Kim", "Quầy"],
        ["Phin", "Sinh", "Quẩy", "Chấn", "Phú", "Lở", "Hin", "Tòng", "Lưu", "Sành"],
        ["Thị", "Mùi"],
        ["Mẩy", "Nhất", "Chòi", "Xuân", "Liều", "Dùng", "Pham"],
    ),
    "Mông": (
        ["Giàng", "Vàng", "Sùng", "Thào", "Lù", "Mua", "Hầu", "Ly", "Lầu", "Cháng"],
        ["Seo", "Mí", "A", "Chứ", "Văn"],
        ["Chứ", "Páo", "Sính", "Dình", "Phủ", "Tủa", "Chớ", "Pó", "Chá", "Lử", "Vư"],
        ["Thị"],
        ["Mai", "Dí", "Mỷ", "Súa", "Dua", "Chở", "Sua"],
    ),
    "Nùng": (
        ["Nông", "Lương", "Hoàng", "Vi", "Lý", "Chu"],
        ["Văn", "Đức"],
        ["Dìn", "Thèn", "Sào", "Chấn", "Khoa", "Lìn"],
        ["Thị"],
        ["Mỉ", "Sửu", "Hoan", "Nhất", "Phương"],
    ),
}  # fmt: skip
LOWLAND_MIX = [("Kinh", 45), ("Tày", 40), ("Dao", 8), ("Nùng", 5), ("Mông", 2)]
HIGHLAND_MIX = [("Kinh", 10), ("Tày", 25), ("Dao", 30), ("Mông", 28), ("Nùng", 7)]

SIZE_RANGES = {
    CellType.VILLAGE: (9, 26),
    CellType.RESIDENTIAL: (12, 32),
    CellType.AGENCY: (10, 26),
    CellType.MILITARY: (5, 10),
    CellType.SCHOOL: (8, 24),
    CellType.HEALTH: (4, 11),
    CellType.CREDIT_FUND: (4, 8),
    CellType.ENTERPRISE: (6, 28),
    CellType.COOPERATIVE: (3, 8),
    CellType.OTHER: (4, 12),
}

DEMO_USERS = [
    # username, full name or None (taken from the linked member), role, org code, member role
    ("district", "Ban Tổ chức Huyện ủy Vị Xuyên", RoleKind.COMMITTEE_STAFF, "VX", None),
    ("thanhthuy", "Văn phòng Đảng ủy xã Thanh Thủy", RoleKind.COMMITTEE_STAFF, "VX-TT", None),
    ("thanhson.bithu", None, RoleKind.SECRETARY, "VX-TT-THANHSON", "secretary"),
    ("thanhson.thuky", None, RoleKind.MEMBER, "VX-TT-THANHSON", "minute_taker"),
    ("namieu.bithu", None, RoleKind.SECRETARY, "VX-PT-NAMIEU", "secretary"),
]


@functools.cache
def demo_password_hash():
    """The demo password, hashed once for every demo account (hashing is slow by design)."""
    return make_password(DEMO_PASSWORD)


def demo_logins():
    return [(username, DEMO_PASSWORD) for username, *_rest in DEMO_USERS]


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


def _ensure_users():
    User = get_user_model()
    password = demo_password_hash()
    if not User.objects.filter(username="admin").exists():
        User.objects.create(username="admin", password=password, is_staff=True, is_superuser=True,
                            first_name="Quản trị hệ thống")  # fmt: skip
    for username, full_name, role_kind, org_code, member_role in DEMO_USERS:
        org = Organisation.objects.get(code=org_code)
        user, created = User.objects.get_or_create(
            username=username, defaults={"password": password}
        )
        if not created:
            continue
        member = None
        if member_role == "secretary":
            member = Position.objects.get(
                cell=org, role=PositionRole.SECRETARY, ended_on__isnull=True
            ).member
        elif member_role == "minute_taker":
            posts = Position.objects.filter(cell=org).values_list("member_id", flat=True)
            member = (
                Member.objects.filter(cell=org, status=MemberStatus.OFFICIAL, user__isnull=True)
                .exclude(pk__in=posts)
                .order_by("pk")
                .first()
            )
        if member is not None:
            member.user = user
            member.save(update_fields=["user"])
            full_name = member.full_name
        *first, last = full_name.split(" ")
        user.first_name, user.last_name = (" ".join(first), last) if member else (full_name, "")
        user.save(update_fields=["first_name", "last_name"])
        Role.objects.create(user=user, organisation=org, kind=role_kind)


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
