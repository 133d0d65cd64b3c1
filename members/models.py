import re
import unicodedata

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members import logtext
from members.enums import (
    CellType,
    MembershipKind,
    MemberStatus,
    OrgKind,
    PositionRole,
    RoleKind,
    Sex,
)
from members.querysets import TouchingQuerySet
from members.text import fold, name_keys


def age_on(born, day):
    """Whole years of age on `day`."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _choice_check(field, choices, name):
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)


def tree_order(org):
    """Sort key for organisations in the tree's order, siblings in the order they were
    created: the ids of the path as numbers (as text, "/8/10/" sorts before "/8/9/")."""
    return [int(pk) for pk in org.path.strip("/").split("/")]


def branch_below(root, org):
    """The pk of the unit directly below `root` that `org` is at or below (None for `root`
    itself): the id after `root`'s in the path, "/1/2/3/" giving 2 under the top unit 1."""
    ids = org.path.split("/")
    return int(ids[root.depth + 2]) if len(ids) > root.depth + 3 else None


class OrganisationQuerySet(TouchingQuerySet):
    def cells(self):
        return self.filter(kind__in=OrgKind.cell_kinds())

    def active(self):
        return self.filter(dissolved_on__isnull=True)

    def subtree_of(self, org):
        return self.filter(path__startswith=org.path)

    def named(self, name_or_code):
        """The one organisation with this code or exact name, else None (commands take either)."""
        found = list(self.filter(Q(code=name_or_code) | Q(name=name_or_code))[:2])
        return found[0] if len(found) == 1 else None


class Organisation(models.Model):
    name = models.CharField(_("tên"), max_length=200)
    code = models.SlugField(_("mã"), max_length=40, unique=True, allow_unicode=False)
    kind = models.CharField(_("loại tổ chức"), max_length=20, choices=OrgKind.choices)
    cell_type = models.CharField(
        _("loại hình chi bộ"), max_length=20, choices=CellType.choices, blank=True
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("trực thuộc"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # Materialised path "/1/7/42/": a subtree is one indexed prefix match.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    # The superior committee's member in charge of this cell (đảng ủy viên phụ trách):
    # invited to its model meetings.
    liaison = models.CharField(
        _("cấp ủy viên phụ trách"),
        max_length=200,
        blank=True,
        help_text=_("Họ tên và chức vụ, ví dụ: Nguyễn Văn A, Đảng ủy viên."),
    )
    founded_on = models.DateField(_("ngày thành lập"), null=True, blank=True)
    dissolved_on = models.DateField(_("ngày giải thể"), null=True, blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    # Raised after every committed write at or below this unit (members.revisions): cached
    # summaries of the subtree are keyed on it.
    revision = models.PositiveBigIntegerField(default=1, editable=False)

    objects = OrganisationQuerySet.as_manager()
    revision_path = "self"  # the unit itself, and the parent it had when read

    class Meta:
        verbose_name = _("tổ chức đảng")
        verbose_name_plural = _("tổ chức đảng")
        ordering = ["path"]
        constraints = [
            _choice_check("kind", OrgKind, "organisation_kind_valid"),
            models.CheckConstraint(
                condition=Q(cell_type="") | Q(cell_type__in=CellType.values),
                name="organisation_cell_type_valid",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=OrgKind.cell_kinds()) | ~Q(cell_type=""),
                name="organisation_cell_has_type",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=OrgKind.cell_kinds()) | Q(cell_type=""),
                name="organisation_only_cells_have_type",
            ),
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True)
                | Q(founded_on__isnull=True)
                | Q(dissolved_on__gte=models.F("founded_on")),
                name="organisation_dissolved_after_founded",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("members:organisation_detail", args=[self.pk])

    @property
    def is_cell(self):
        return self.kind in OrgKind.cell_kinds()

    @property
    def is_active(self):
        return self.dissolved_on is None

    @property
    def ancestor_ids(self):
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]

    def contains(self, other):
        return other.path.startswith(self.path)


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


class RoleQuerySet(models.QuerySet):
    def valid(self, day=None):
        """Roles that give access on `day` (today): not ended, or ended after it."""
        day = day or timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))


class Role(models.Model):
    """What a user may do, and where: the organisation whose subtree the role covers."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cellmeet_roles"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("vai trò"), max_length=20, choices=RoleKind.choices)
    # A role ends when the fact it hung on does (a transfer, an ended term, a dissolved
    # unit), or when staff end it; it is kept, as the record of who could see what.
    ended_on = models.DateField(_("kết thúc ngày"), null=True, blank=True)

    objects = RoleQuerySet.as_manager()
    revision_path = None  # access is read afresh on every request, never kept

    class Meta:
        verbose_name = _("vai trò")
        verbose_name_plural = _("vai trò")
        constraints = [
            _choice_check("kind", RoleKind, "role_kind_valid"),
            models.UniqueConstraint(
                fields=["user", "organisation", "kind"],
                condition=Q(ended_on__isnull=True),
                name="role_unique_per_org",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_kind_display()} — {self.organisation}"


class TreeChange(models.Model):
    """One change of the tree's shape, as of the day it took effect: a unit moved under
    another superior, merged into a successor, split (`successor` the new unit), or
    renamed.
    Kept for ever: the tree of any date, and who succeeded whom, are read from these."""

    MOVE, MERGE, SPLIT, RENAME = "move", "merge", "split", "rename"

    org = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="tree_changes")
    kind = models.CharField(
        max_length=10,
        choices=[(MOVE, _("chuyển")), (MERGE, _("hợp nhất")), (SPLIT, _("tách")),
                 (RENAME, _("đổi tên"))],
    )  # fmt: skip
    on = models.DateField(_("có hiệu lực từ"))
    old_parent = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, related_name="+"
    )
    new_parent = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, related_name="+"
    )
    successor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, related_name="predecessor_changes"
    )
    reason = models.CharField(_("lý do"), max_length=300, blank=True)
    old_name = models.CharField(max_length=200, blank=True)  # a rename: the name before
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = TouchingQuerySet.as_manager()
    revision_path = "org"

    class Meta:
        ordering = ["on", "id"]

    def __str__(self):
        return f"{self.kind} {self.org} {self.on}"


class AuditEventQuerySet(TouchingQuerySet):
    """The trail is append-only: bulk edits and deletes are refused like single ones."""

    def update(self, **kwargs):
        raise AuditTrailIsAppendOnly

    def delete(self):
        raise AuditTrailIsAppendOnly


class AuditTrailIsAppendOnly(Exception):
    def __init__(self):
        super().__init__("The audit trail is append-only: events are never edited or deleted.")


class AuditEvent(models.Model):
    """Who changed what, and when. Written by services; never edited."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("hành động"), max_length=60)
    target_type = models.CharField(max_length=60)
    target_id = models.PositiveBigIntegerField(null=True)
    summary = models.CharField(_("nội dung"), max_length=400)
    # The summary's source message and parameters (members.logtext), so that each
    # reader sees the line in their language; empty for lines written before.
    message = models.CharField(max_length=400, blank=True, default="")
    params = models.JSONField(null=True, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()
    # The meeting page shows its log; events that change no data touch nothing.
    revision_path = "organisation"
    QUIET_ACTIONS = {"lockout", "user.password_change", "user.create", "user.update"}

    class Meta:
        verbose_name = _("nhật ký")
        verbose_name_plural = _("nhật ký")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return self.text

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditTrailIsAppendOnly
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailIsAppendOnly

    @property
    def text(self):
        """The summary in the reader's language."""
        return logtext.shown(self.message, self.params, self.summary)

    @property
    def changes_no_data(self):
        return self.action in self.QUIET_ACTIONS

    @property
    def change_lines(self):
        """The recorded changes as "Field: old → new" lines for people to read."""
        try:
            fields = {f.name: f for f in apps.get_model(self.target_type)._meta.get_fields()}
        except (LookupError, ValueError):
            fields = {}
        labels = {
            "reason": pgettext_lazy("audit field", "lý do"),
            "on": pgettext_lazy("audit field", "ngày"),
            "from": pgettext_lazy("audit field", "từ"),
            "to": pgettext_lazy("audit field", "đến"),
            "merged": pgettext_lazy("audit field", "các đơn vị hợp nhất"),
        }
        lines = []
        for key, value in (self.changes or {}).items():
            field = fields.get(key)
            label = labels.get(key) or getattr(field, "verbose_name", key)
            choices = dict(getattr(field, "flatchoices", None) or [])
            if key == "merged" or (isinstance(value, list) and len(value) != 2):
                value = ", ".join(_readable(v) for v in value) if value else _readable(value)
            elif isinstance(value, list):
                old, new = (_readable(choices.get(v, v)) for v in value)
                value = f"{old} → {new}"
            else:
                value = _readable(choices.get(value, value))
            lines.append(f"{capfirst(label)}: {value}")
        return lines


ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _readable(value):
    if value in (None, ""):
        return "∅"
    match = ISO_DATE.match(str(value))
    if match:
        year, month, day = match.groups()
        return f"{day}/{month}/{year}"
    return str(value)


class LoginAttempt(models.Model):
    """One password check, kept to throttle guessing (see members.auth)."""

    username = models.CharField(max_length=150)
    ip = models.GenericIPAddressField(null=True, blank=True)
    succeeded = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    revision_path = None  # counts password checks; shown in no summary

    class Meta:
        indexes = [
            models.Index(fields=["username", "created_at"]),
            models.Index(fields=["ip", "created_at"]),
        ]

    def __str__(self):
        return f"{self.username} {self.created_at:%Y-%m-%d %H:%M} {self.succeeded}"
