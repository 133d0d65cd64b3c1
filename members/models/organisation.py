"""The organisation tree: units from the province down to cells, and the record of its
reorganisations."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from members.enums import CellType, OrgKind
from members.querysets import TouchingQuerySet


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
