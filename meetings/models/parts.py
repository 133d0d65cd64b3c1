"""What a meeting holds until it is signed: the committee's preparation, the agenda and
directives, attendance and guests, opinions and votes."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meetings.enums import AgendaSection, MeetingState, Presence, VoteKind
from meetings.models.meeting import FrozenError, FrozenQuerySet, Meeting, _check, _choices
from members.enums import MemberStatus
from members.models import Member


class MeetingPart(models.Model):
    """Something recorded for a meeting; it freezes with the meeting's signature."""

    objects = FrozenQuerySet.as_manager()
    revision_path = "meeting__cell"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._meeting_state() == MeetingState.SIGNED:
            raise FrozenError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._meeting_state() == MeetingState.SIGNED:
            raise FrozenError()
        return super().delete(*args, **kwargs)

    def clean(self):
        # Forms that bypass the services (the admin) get a message instead of an error page.
        if self.meeting_id and self._meeting_state() == MeetingState.SIGNED:
            raise ValidationError(FrozenError().args[0])

    def _meeting_state(self):
        return Meeting.objects.filter(pk=self.meeting_id).values_list("state", flat=True).first()


class CommitteeSession(MeetingPart):
    """The cell committee's preparatory session (họp chi ủy)."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="committee")
    held_on = models.DateField(_("ngày họp chi ủy"))
    attendees = models.ManyToManyField(Member, verbose_name=_("thành phần dự"), related_name="+")
    agreed_content = models.TextField(_("nội dung thống nhất"))
    assignments = models.TextField(_("phân công chuẩn bị"), blank=True)
    draft_resolution = models.TextField(_("dự thảo nghị quyết"), blank=True)

    class Meta:
        verbose_name = _("họp chi ủy chuẩn bị")
        verbose_name_plural = _("họp chi ủy chuẩn bị")

    def __str__(self):
        return f"{self.meeting} — {self.held_on}"


class AgendaItem(MeetingPart):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    section = models.CharField(
        _("phần"), max_length=20, choices=AgendaSection.choices, default=AgendaSection.OTHER
    )
    title = models.CharField(_("nội dung"), max_length=300)
    content = models.TextField(_("diễn biến"), blank=True)

    class Meta:
        verbose_name = _("mục chương trình")
        verbose_name_plural = _("chương trình")
        ordering = ["position", "id"]
        constraints = [_choices("section", AgendaSection, "agenda_section_valid")]

    def __str__(self):
        return self.title


class Directive(MeetingPart):
    """A higher-level document disseminated at the meeting, e.g. "Nghị quyết số 18-NQ/TW"."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="directives")
    reference = models.CharField(_("số, ký hiệu"), max_length=60)
    title = models.CharField(_("trích yếu"), max_length=300)

    class Meta:
        verbose_name = _("văn bản phổ biến")
        verbose_name_plural = _("văn bản phổ biến")
        ordering = ["id"]

    def __str__(self):
        return f"{self.reference} — {self.title}"


class Attendance(MeetingPart):
    """One member at one meeting, with the status they had on the meeting's day."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="attendances")
    member_name = models.CharField(max_length=120)
    status_on_day = models.CharField(max_length=20, choices=MemberStatus.choices)
    official_on_day = models.BooleanField(default=False)
    # A member of another cell attending here temporarily: attends, never counts here.
    hosted = models.BooleanField(default=False)
    presence = models.CharField(_("có mặt"), max_length=20, choices=Presence.choices)
    reason = models.CharField(_("lý do vắng"), max_length=200, blank=True)
    late = models.BooleanField(_("đến muộn"), default=False)

    class Meta:
        verbose_name = _("điểm danh")
        verbose_name_plural = _("điểm danh")
        ordering = ["member__sort_name", "member_id"]
        constraints = [
            _choices("presence", Presence, "attendance_presence_valid"),
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once"),
            _check(Q(late=False) | Q(presence="present"), "attendance_late_only_if_present"),
        ]

    def __str__(self):
        return f"{self.member} — {self.get_presence_display()}"


class Guest(MeetingPart):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="guests")
    name = models.CharField(_("họ và tên"), max_length=120)
    position = models.CharField(_("chức vụ"), max_length=120, blank=True)
    unit = models.CharField(_("đơn vị"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("đại biểu, khách mời")
        verbose_name_plural = _("đại biểu, khách mời")
        ordering = ["id"]

    def __str__(self):
        return self.name


class Opinion(MeetingPart):
    """What one speaker said under one agenda item."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="opinions")
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="opinions")
    speaker_member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    speaker_guest = models.ForeignKey(
        Guest, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    speaker_name = models.CharField(_("người phát biểu"), max_length=120)
    text = models.TextField(_("ý kiến"))

    class Meta:
        verbose_name = _("ý kiến phát biểu")
        verbose_name_plural = _("ý kiến phát biểu")
        ordering = ["item__position", "id"]
        constraints = [
            _check(
                Q(speaker_member__isnull=False, speaker_guest__isnull=True)
                | Q(speaker_member__isnull=True, speaker_guest__isnull=False),
                "opinion_has_one_speaker",
            )
        ]

    def __str__(self):
        return f"{self.speaker_name}: {self.text[:40]}"

    @property
    def by_guest(self):
        return self.speaker_guest_id is not None


class Vote(MeetingPart):
    """A vote as counted: for, against, abstain, and the base it was counted on."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="votes")
    kind = models.CharField(_("loại biểu quyết"), max_length=20, choices=VoteKind.choices)
    subject = models.CharField(_("nội dung biểu quyết"), max_length=300)
    votes_for = models.PositiveSmallIntegerField(_("tán thành"))
    votes_against = models.PositiveSmallIntegerField(_("không tán thành"))
    votes_abstain = models.PositiveSmallIntegerField(_("không biểu quyết"))
    base = models.PositiveSmallIntegerField(_("tổng số đảng viên được tính"))
    passed = models.BooleanField(_("được thông qua"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("biểu quyết")
        verbose_name_plural = _("biểu quyết")
        ordering = ["id"]
        constraints = [
            _choices("kind", VoteKind, "vote_kind_valid"),
            _check(
                Q(votes_for__lte=models.F("base")),
                "vote_for_within_base",
            ),
        ]

    def __str__(self):
        return self.subject
