"""Party members: their record, status history, memberships of cells and positions held."""

import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from members.enums import MembershipKind, MemberStatus, PositionRole, Sex
from members.models.organisation import Organisation, _choice_check
from members.querysets import TouchingQuerySet
from members.text import fold, name_keys


def age_on(born, day):
    """Whole years of age on `day`."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# The fields a person fills in (forms) or a file carries (imports) for a member.
MEMBER_FIELDS = [
    "full_name",
    "sex",
    "date_of_birth",
    "ethnicity",
    "citizen_id",
    "phone",
    "email",
    "party_card_number",
    "admitted_on",
    "official_on",
]


class MemberQuerySet(TouchingQuerySet):
    def on_roll(self):
        return self.filter(status__in=MemberStatus.on_roll())

    def search(self, query):
        folded = fold(query)
        if not folded:
            return self
        return self.filter(search_name__contains=folded)


class Member(models.Model):
    full_name = models.CharField(_("họ và tên"), max_length=120)
    search_name = models.CharField(max_length=120, db_index=True, editable=False)
    sort_name = models.CharField(max_length=160, db_index=True, editable=False, default="")
    sex = models.CharField(_("giới tính"), max_length=10, choices=Sex.choices)
    date_of_birth = models.DateField(_("ngày sinh"))
    ethnicity = models.CharField(_("dân tộc"), max_length=40, default="Kinh")
    citizen_id = models.CharField(_("số CCCD"), max_length=12, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    party_card_number = models.CharField(_("số thẻ đảng viên"), max_length=20, blank=True)
    admitted_on = models.DateField(_("ngày vào Đảng"))
    official_on = models.DateField(_("ngày chính thức"), null=True, blank=True)
    cell = models.ForeignKey(
        Organisation,
        verbose_name=_("chi bộ"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    status = models.CharField(
        _("tình trạng"), max_length=20, choices=MemberStatus.choices, db_index=True
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()
    revision_path = "cell"

    class Meta:
        verbose_name = _("đảng viên")
        verbose_name_plural = _("đảng viên")
        ordering = ["sort_name", "id"]
        constraints = [
            _choice_check("status", MemberStatus, "member_status_valid"),
            _choice_check("sex", Sex, "member_sex_valid"),
            models.UniqueConstraint(
                fields=["party_card_number"],
                condition=~Q(party_card_number=""),
                name="member_party_card_unique",
            ),
            models.UniqueConstraint(
                fields=["citizen_id"], condition=~Q(citizen_id=""), name="member_citizen_id_unique"
            ),
            models.CheckConstraint(
                condition=Q(official_on__isnull=True) | Q(official_on__gte=models.F("admitted_on")),
                name="member_official_after_admitted",
            ),
            models.CheckConstraint(
                condition=Q(admitted_on__gt=models.F("date_of_birth")),
                name="member_admitted_after_birth",
            ),
        ]
        # Counts by status per cell (the tree, every committee page) read only this.
        indexes = [models.Index(fields=["cell", "status"], name="member_cell_status_idx")]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.full_name = unicodedata.normalize("NFC", self.full_name)
        keys = name_keys(self.full_name)
        self.search_name, self.sort_name = keys["search_name"], keys["sort_name"]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "full_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, *keys}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("members:member_detail", args=[self.pk])

    @property
    def status_label(self):
        # get_status_display() translates every choice to look one up: 50 rows, 500 calls.
        return MemberStatus(self.status).label

    @classmethod
    def from_db(cls, db, field_names, values):
        member = super().from_db(db, field_names, values)
        # A new name shows on the pages of every cell the member was in (members.revisions).
        member._loaded_full_name = member.__dict__.get("full_name")
        return member


class MemberStatusChange(models.Model):
    """One line of a member's status history; the latest is `Member.status`."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("tình trạng"), max_length=20, choices=MemberStatus.choices)
    effective_on = models.DateField(_("từ ngày"))
    reason = models.CharField(_("lý do"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TouchingQuerySet.as_manager()
    revision_path = "member__cell"

    class Meta:
        verbose_name = _("thay đổi tình trạng")
        verbose_name_plural = _("lịch sử tình trạng")
        ordering = ["-effective_on", "-id"]
        constraints = [_choice_check("status", MemberStatus, "status_change_status_valid")]

    def __str__(self):
        return f"{self.member} — {self.get_status_display()} ({self.effective_on})"


class Membership(models.Model):
    """A period during which a member belonged to (or was hosted by) a cell."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="memberships")
    cell = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    kind = models.CharField(
        _("hình thức"), max_length=20, choices=MembershipKind.choices, default="home"
    )
    started_on = models.DateField(_("từ ngày"))
    ended_on = models.DateField(_("đến ngày"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    objects = TouchingQuerySet.as_manager()
    revision_path = "cell"

    class Meta:
        verbose_name = _("quá trình sinh hoạt")
        verbose_name_plural = _("quá trình sinh hoạt")
        ordering = ["-started_on", "-id"]
        constraints = [
            _choice_check("kind", MembershipKind, "membership_kind_valid"),
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(kind="home", ended_on__isnull=True),
                name="membership_one_open_home",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="membership_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["cell", "started_on"])]

    def __str__(self):
        return f"{self.member} — {self.cell}"


class Position(models.Model):
    """A post in a cell (secretary, deputy, committee member) held for a term."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="positions")
    cell = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="positions")
    role = models.CharField(_("chức vụ"), max_length=20, choices=PositionRole.choices)
    started_on = models.DateField(_("từ ngày"))
    ended_on = models.DateField(_("đến ngày"), null=True, blank=True)

    objects = TouchingQuerySet.as_manager()
    revision_path = "cell"

    class Meta:
        verbose_name = _("chức vụ trong chi bộ")
        verbose_name_plural = _("chức vụ trong chi bộ")
        ordering = ["role", "started_on"]
        constraints = [
            _choice_check("role", PositionRole, "position_role_valid"),
            models.UniqueConstraint(
                fields=["cell"],
                condition=Q(role="secretary", ended_on__isnull=True),
                name="position_one_open_secretary",
            ),
            models.UniqueConstraint(
                fields=["cell", "member"],
                condition=Q(ended_on__isnull=True),
                name="position_one_open_post_per_member",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="position_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} — {self.member}"

    @property
    def is_current(self):
        return self.ended_on is None
