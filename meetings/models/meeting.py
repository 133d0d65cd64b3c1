"""The meeting itself, and the querysets that refuse to change what is signed."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from meetings.enums import MeetingKind, MeetingState
from members.logtext import gettext_kept
from members.models import Member, Organisation
from members.querysets import TouchingQuerySet


class FrozenError(Exception):
    """Raised by every write path that would change a signed meeting."""

    def __init__(self, message=None):
        super().__init__(message or _("Biên bản đã ký: không thể thay đổi cuộc họp này."))


def _check(condition, name):
    return models.CheckConstraint(condition=condition, name=name)


def _choices(field, enum, name):
    return _check(Q(**{f"{field}__in": enum.values}), name)


class FrozenQuerySet(TouchingQuerySet):
    """Bulk updates and deletes refuse rows that belong to a signed meeting."""

    meeting_path = "meeting"

    def _touches_signed(self):
        field = f"{self.meeting_path}__state" if self.meeting_path else "state"
        return self.filter(**{field: MeetingState.SIGNED}).exists()

    def update(self, **kwargs):
        if self._touches_signed():
            raise FrozenError()
        return super().update(**kwargs)

    def delete(self):
        if self._touches_signed():
            raise FrozenError()
        return super().delete()


class MeetingQuerySet(FrozenQuerySet):
    meeting_path = ""

    def in_month(self, day):
        return self.filter(period=day.replace(day=1))

    def sittings(self):
        """Meetings the cell held or will hold: an addendum corrects signed minutes in
        the month it is written, and is not a meeting of that month."""
        return self.exclude(kind=MeetingKind.ADDENDUM)


# What the compliance dashboard reads of a signed meeting besides its cell and date: kept
# in the indexes it reads, so that the meetings' rows are never read.
SIGNED_TOTALS = ["period", "kind", "prepared", "required_count", "present_count",
                 "unexcused_count"]  # fmt: skip


class Meeting(models.Model):
    cell = models.ForeignKey(
        Organisation, verbose_name=_("chi bộ"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("loại sinh hoạt"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("trích yếu"), max_length=200, blank=True)
    planned_at = models.DateTimeField(_("thời gian dự kiến"))
    place = models.CharField(_("địa điểm"), max_length=200)
    # First day of the meeting's month, for the one-regular-meeting-a-month rule.
    period = models.DateField(_("kỳ (tháng)"), editable=False, db_index=True)
    state = models.CharField(
        _("trạng thái"), max_length=20, choices=MeetingState.choices, default=MeetingState.PLANNED
    )
    state_reason = models.CharField(_("lý do"), max_length=300, blank=True)
    # Names as the minutes state them, copied when recorded and again on submission:
    # renaming a member or the cell later must not change signed minutes.
    cell_name = models.CharField(_("tên chi bộ lúc họp"), max_length=200, blank=True)
    chair_name = models.CharField(_("tên người chủ trì"), max_length=120, blank=True)
    minute_taker_name = models.CharField(_("tên thư ký"), max_length=120, blank=True)
    opened_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    chair = models.ForeignKey(
        Member,
        verbose_name=_("chủ trì"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    minute_taker = models.ForeignKey(
        Member,
        verbose_name=_("thư ký"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    conclusion = models.TextField(_("kết luận, nghị quyết"), blank=True)
    amends = models.ForeignKey(
        "self",
        verbose_name=_("bổ sung cho biên bản"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="addenda",
    )
    # Bumped by every saved edit of the minutes: the optimistic lock of the editor.
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    # Attendance totals, fixed when the minutes are signed (they cannot change after),
    # so that dashboards over thousands of cells read one row per meeting.
    required_count = models.PositiveIntegerField(null=True, editable=False)
    present_count = models.PositiveIntegerField(null=True, editable=False)
    unexcused_count = models.PositiveIntegerField(null=True, editable=False)
    prepared = models.BooleanField(null=True, editable=False)

    objects = MeetingQuerySet.as_manager()
    revision_path = "cell"

    class Meta:
        verbose_name = _("cuộc sinh hoạt")
        verbose_name_plural = _("cuộc sinh hoạt")
        ordering = ["-planned_at", "-id"]
        constraints = [
            _choices("kind", MeetingKind, "meeting_kind_valid"),
            _choices("state", MeetingState, "meeting_state_valid"),
            models.UniqueConstraint(
                fields=["cell", "period"],
                condition=Q(kind="regular") & ~Q(state="cancelled"),
                name="meeting_one_regular_per_month",
            ),
            _check(
                Q(closed_at__isnull=True)
                | Q(opened_at__isnull=True)
                | Q(closed_at__gt=models.F("opened_at")),
                "meeting_closes_after_opening",
            ),
            _check(Q(kind="addendum") | Q(amends__isnull=True), "meeting_only_addenda_amend"),
        ]
        indexes = [
            models.Index(fields=["cell", "planned_at"]),
            # Dashboards over a whole committee or province read one period at a time.
            models.Index(fields=["planned_at"], name="meeting_planned_at_idx"),
            # The compliance dashboard sums a period's signed meetings per committee: with
            # the totals in the index it never reads the meetings' rows (and their minutes).
            models.Index(
                fields=["planned_at"],
                include=["cell", *SIGNED_TOTALS],
                condition=Q(state="signed"),
                name="meeting_signed_totals_idx",
            ),
            # The same by cell, for a district's dashboard: it reads its own cells' meetings
            # rather than the period's of the whole database.
            models.Index(
                fields=["cell", "planned_at"],
                include=SIGNED_TOTALS,
                condition=Q(state="signed"),
                name="meeting_cell_signed_totals_idx",
            ),
            # Minutes awaiting signature are few; dashboards look for the overdue ones.
            models.Index(
                fields=["planned_at"],
                condition=Q(state__in=["held", "submitted"]),
                name="meeting_unsigned_idx",
            ),
        ]

    def __str__(self):
        return self.display_title

    def save(self, *args, **kwargs):
        if self.pk and Meeting.objects.filter(pk=self.pk, state=MeetingState.SIGNED).exists():
            raise FrozenError()
        local = (
            timezone.localtime(self.planned_at)
            if timezone.is_aware(self.planned_at)
            else self.planned_at
        )
        self.period = local.date().replace(day=1)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("meetings:meeting_detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        if Meeting.objects.filter(pk=self.pk, state=MeetingState.SIGNED).exists():
            raise FrozenError()
        return super().delete(*args, **kwargs)

    @property
    def display_title(self):
        if self.title:
            return self.title
        local = timezone.localtime(self.planned_at)
        if self.kind == MeetingKind.REGULAR:
            return gettext_kept(gettext_noop("Sinh hoạt chi bộ tháng %(m)02d năm %(y)s")) % {
                "m": local.month,
                "y": local.year,
            }
        return gettext_kept(gettext_noop("%(kind)s ngày %(d)s")) % {
            "kind": self.get_kind_display(),
            "d": local.strftime("%d/%m/%Y"),
        }

    @property
    def is_frozen(self):
        return self.state == MeetingState.SIGNED

    @property
    def meeting_date(self):
        """The day the meeting happened (or will): attendance is taken as of this day."""
        return timezone.localtime(self.opened_at or self.planned_at).date()
