"""The rotating model meeting: the quarter's slots, the rating forms and ratings, the
lessons drawn."""

import calendar
import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.enums import MeetingState, RaterRole, RatingKind
from meetings.models.meeting import Meeting, _check, _choices
from members.models import Organisation
from members.querysets import TouchingQuerySet


class RotationSlot(models.Model):
    """One quarter's host of the rotating model meeting in a group of cells.

    A group is a committee with the cells directly under it (a grassroots committee,
    or the district committee with its directly subordinate cells).
    """

    group = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="rotation_slots")
    year = models.PositiveSmallIntegerField(_("năm"))
    quarter = models.PositiveSmallIntegerField(_("quý"))
    host = models.ForeignKey(
        Organisation,
        verbose_name=_("chi bộ điểm"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_slots",
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="rotation_slots"
    )
    manual = models.BooleanField(default=False)
    postponed = models.BooleanField(default=False)
    reason = models.CharField(_("lý do"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TouchingQuerySet.as_manager()
    revision_path = ("group", "host")

    class Meta:
        verbose_name = _("lịch sinh hoạt chi bộ điểm")
        verbose_name_plural = _("lịch sinh hoạt chi bộ điểm")
        ordering = ["group__path", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "year", "quarter"], name="slot_once_per_quarter"
            ),
            _check(Q(quarter__gte=1) & Q(quarter__lte=4), "slot_quarter_valid"),
        ]

    def __str__(self):
        return f"{self.group} Q{self.quarter}/{self.year}: {self.host or '—'}"

    # The model meeting took place once its meeting is held, whatever became of the minutes.
    HELD_STATES = (MeetingState.HELD, MeetingState.SUBMITTED, MeetingState.SIGNED)

    @property
    def is_held(self):
        return self.meeting_id is not None and self.meeting.state in self.HELD_STATES

    @property
    def ends_on(self):
        month = self.quarter * 3
        return datetime.date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def status(self):
        return self.status_on(timezone.localdate())

    def status_on(self, day):
        if self.postponed:
            return "postponed"
        if self.is_held:
            return "held"
        if self.ends_on < day:
            return "overdue"
        return "planned"


class RatingTemplate(models.Model):
    """A way of rating model meetings: criteria with points, and bands. Data, versioned;
    chosen per organisation (the nearest one above a cell wins; none means everywhere)."""

    code = models.SlugField(max_length=40)
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(max_length=20, choices=RatingKind.choices)
    criteria = models.JSONField()  # [{"key": …, "label": …, "points": n}]
    bands = models.JSONField()  # [{"min": n, "label": …}], highest first
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = TouchingQuerySet.as_manager()
    revision_path = "organisation"  # none: every tree

    class Meta:
        verbose_name = _("mẫu đánh giá")
        verbose_name_plural = _("mẫu đánh giá")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="rating_template_version"),
            _choices("kind", RatingKind, "rating_template_kind_valid"),
        ]

    def __str__(self):
        return f"{self.name} (v{self.version})"

    @property
    def max_total(self):
        return sum(c["points"] for c in self.criteria)

    def band_for(self, total):
        for band in sorted(self.bands, key=lambda b: -b["min"]):
            if total >= band["min"]:
                return band["label"]
        return ""


class Rating(models.Model):
    """A model meeting rated by the host cell itself or by the committee above."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="ratings")
    template = models.ForeignKey(RatingTemplate, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=RaterRole.choices)
    scores = models.JSONField()
    total = models.PositiveSmallIntegerField()
    band = models.CharField(max_length=60)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rater_name = models.CharField(max_length=150)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TouchingQuerySet.as_manager()
    revision_path = "meeting__cell"

    class Meta:
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")
        ordering = ["role"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "role"], name="rating_once_per_role"),
            _choices("role", RaterRole, "rating_role_valid"),
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.total} ({self.band})"


class Lesson(models.Model):
    """What an observer of a model meeting learned, in their words."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="lessons")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField(max_length=150)
    text = models.TextField(_("bài học kinh nghiệm"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TouchingQuerySet.as_manager()
    revision_path = "meeting__cell"

    class Meta:
        verbose_name = _("bài học kinh nghiệm")
        verbose_name_plural = _("bài học kinh nghiệm")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.author_name}: {self.text[:40]}"
