from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrgKind(models.TextChoices):
    PROVINCE_COMMITTEE = "province", _("Đảng bộ tỉnh")
    DISTRICT_COMMITTEE = "district", _("Đảng bộ huyện")
    COMMUNE_COMMITTEE = "commune", _("Đảng bộ xã, phường")
    GRASSROOTS_COMMITTEE = "grassroots", _("Đảng bộ cơ sở")
    GRASSROOTS_CELL = "grassroots_cell", _("Chi bộ cơ sở")
    CELL = "cell", _("Chi bộ trực thuộc đảng ủy cơ sở")
    DIRECT_CELL = "direct_cell", _("Chi bộ trực thuộc cấp ủy cấp trên")
    PARTY_GROUP = "party_group", _("Tổ đảng")

    @classmethod
    def cell_kinds(cls):
        return [cls.GRASSROOTS_CELL, cls.CELL, cls.DIRECT_CELL]

    @classmethod
    def allowed_children(cls, parent_kind):
        """Which kinds of unit may be set up directly under a unit of `parent_kind`."""
        upper = [cls.GRASSROOTS_COMMITTEE, cls.GRASSROOTS_CELL, cls.DIRECT_CELL]
        return {
            cls.PROVINCE_COMMITTEE: [cls.DISTRICT_COMMITTEE, cls.COMMUNE_COMMITTEE, *upper],
            cls.DISTRICT_COMMITTEE: [cls.COMMUNE_COMMITTEE, *upper],
            cls.COMMUNE_COMMITTEE: [cls.GRASSROOTS_COMMITTEE, cls.GRASSROOTS_CELL, cls.CELL],
            cls.GRASSROOTS_COMMITTEE: [cls.CELL],
            cls.GRASSROOTS_CELL: [cls.PARTY_GROUP],
            cls.CELL: [cls.PARTY_GROUP],
            cls.DIRECT_CELL: [cls.PARTY_GROUP],
        }.get(parent_kind, [])

    @classmethod
    def committee_kinds(cls):
        return [
            cls.PROVINCE_COMMITTEE,
            cls.DISTRICT_COMMITTEE,
            cls.COMMUNE_COMMITTEE,
            cls.GRASSROOTS_COMMITTEE,
        ]


class CellType(models.TextChoices):
    VILLAGE = "village", _("Thôn, bản")
    RESIDENTIAL = "residential", _("Tổ dân phố")
    AGENCY = "agency", _("Cơ quan")
    MILITARY = "military", _("Quân sự")
    POLICE = "police", _("Công an")
    SCHOOL = "school", _("Trường học")
    HEALTH = "health", _("Trạm y tế")
    CREDIT_FUND = "credit_fund", _("Quỹ tín dụng")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    COOPERATIVE = "cooperative", _("Hợp tác xã")
    OTHER = "other", pgettext_lazy("cell type", "Khác")


class Sex(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class MemberStatus(models.TextChoices):
    PROBATIONARY = "probationary", _("Dự bị")
    OFFICIAL = "official", _("Chính thức")
    EXEMPTED = "exempted", _("Miễn công tác và sinh hoạt đảng")
    SUSPENDED = "suspended", _("Đình chỉ sinh hoạt")
    TEMPORARILY_AWAY = "temporarily_away", _("Sinh hoạt tạm thời nơi khác")
    TRANSFERRED_OUT = "transferred_out", _("Đã chuyển sinh hoạt đi")
    STRUCK_OFF = "struck_off", _("Xóa tên")
    EXPELLED = "expelled", _("Khai trừ")
    DECEASED = "deceased", _("Từ trần")

    @classmethod
    def on_roll(cls):
        """Statuses of people still counted in their cell's membership."""
        return [cls.PROBATIONARY, cls.OFFICIAL, cls.EXEMPTED, cls.SUSPENDED, cls.TEMPORARILY_AWAY]

    @classmethod
    def recordable(cls):
        """Statuses committee staff record directly; the rest have their own actions."""
        return [cls.SUSPENDED, cls.TRANSFERRED_OUT, cls.STRUCK_OFF, cls.EXPELLED, cls.DECEASED]


class MembershipKind(models.TextChoices):
    HOME = "home", _("Sinh hoạt chính thức")
    TEMPORARY = "temporary", _("Sinh hoạt tạm thời")


class PositionRole(models.TextChoices):
    SECRETARY = "secretary", _("Bí thư")
    DEPUTY = "deputy", _("Phó Bí thư")
    COMMITTEE_MEMBER = "committee_member", _("Chi ủy viên")


class RoleKind(models.TextChoices):
    COMMITTEE_STAFF = "committee_staff", _("Cán bộ cấp ủy")
    SECRETARY = "secretary", _("Bí thư chi bộ")
    MEMBER = "member", _("Đảng viên")
    OBSERVER = "observer", _("Theo dõi (cấp trên)")

    @classmethod
    def managing(cls):
        return [cls.COMMITTEE_STAFF, cls.SECRETARY]
