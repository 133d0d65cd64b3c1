import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from meetings.enums import (
    AgendaSection,
    DocumentKind,
    MeetingKind,
    MeetingState,
    NotificationKind,
    Presence,
    RaterRole,
    RatingKind,
    SignerRole,
    TaskStatus,
    VoteKind,
)
from members.enums import MemberStatus
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


class WriteOnce(models.Model):
    """Saved once, then neither edited nor deleted (signatures, stored documents)."""

    frozen_message = _("Bản ghi đã lưu không thể sửa hay xóa.")

    objects = TouchingQuerySet.as_manager()
    revision_path = "meeting__cell"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk:
            raise FrozenError(self.frozen_message)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise FrozenError(self.frozen_message)


class Signature(WriteOnce):
    """A signer's confirmation of the minutes as they stood, with the content's hash."""

    frozen_message = _("Chữ ký đã lưu không thể sửa hay xóa.")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="signatures")
    role = models.CharField(_("ký với tư cách"), max_length=20, choices=SignerRole.choices)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(_("người ký"), max_length=120)
    signer_position = models.CharField(_("chức vụ"), max_length=120, blank=True)
    signed_at = models.DateTimeField(_("thời điểm ký"))
    content_hash = models.CharField(max_length=64)
    # The version of the canonical content the hash was computed in (meetings.content).
    content_version = models.PositiveSmallIntegerField(_("phiên bản nội dung"))

    class Meta:
        verbose_name = _("chữ ký")
        verbose_name_plural = _("chữ ký")
        ordering = ["signed_at"]
        constraints = [
            _choices("role", SignerRole, "signature_role_valid"),
            models.UniqueConstraint(fields=["meeting", "role"], name="signature_once_per_role"),
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.signer_name}"


class SignedRecord(models.Model):
    """What was fixed when the second signature made the minutes signed: the hash both
    signed, the document number, the verification codes, and the snapshot of everything
    the documents print that can change later (names of the cell and its superior, the
    place, the signers and their posts, the attendance as stated). The documents are
    made from it, after the signature commits, as often as needed: always the same bytes.

    Nothing of it changes afterwards but the note of a failed attempt to make its files.
    """

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="record")
    content_version = models.PositiveSmallIntegerField(_("phiên bản nội dung"))
    content_hash = models.CharField(max_length=64)
    number = models.PositiveIntegerField(_("số"))
    minutes_code = models.CharField(_("mã xác minh biên bản"), max_length=12, unique=True)
    resolution_code = models.CharField(_("mã xác minh nghị quyết"), max_length=12, unique=True)
    signed_at = models.DateTimeField(_("thời điểm ký"))
    # The document layout the snapshot is for (meetings.pdf.LAYOUTS).
    layout = models.PositiveSmallIntegerField()
    snapshot = models.JSONField()
    issue_error = models.CharField(max_length=300, blank=True)
    issue_failed_at = models.DateTimeField(null=True, blank=True)

    MUTABLE = {"issue_error", "issue_failed_at"}

    objects = TouchingQuerySet.as_manager()
    revision_path = "meeting__cell"

    class Meta:
        verbose_name = _("hồ sơ ký")
        verbose_name_plural = _("hồ sơ ký")

    def __str__(self):
        return f"{self.meeting_id}: {self.minutes_code}"

    def save(self, *args, update_fields=None, **kwargs):
        if self.pk and not (update_fields and set(update_fields) <= self.MUTABLE):
            raise FrozenError(_("Hồ sơ ký đã lưu không thể sửa hay xóa."))
        super().save(*args, update_fields=update_fields, **kwargs)

    def delete(self, *args, **kwargs):
        raise FrozenError(_("Hồ sơ ký đã lưu không thể sửa hay xóa."))

    def code_for(self, kind):
        return self.minutes_code if kind == DocumentKind.MINUTES else self.resolution_code


class MinutesDraft(models.Model):
    """What a user typed in the minutes editor, saved as they type (never lost)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="drafts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict)
    based_on_version = models.PositiveIntegerField()
    saved_at = models.DateTimeField(auto_now=True)

    # Saved every few seconds while minutes are typed, on the page of a meeting being
    # minuted, which is never cached.
    revision_path = None

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="draft_one_per_user")
        ]

    def __str__(self):
        return f"{self.meeting} — {self.user}"


class ReopenRequest(models.Model):
    """Before the second signature, the signer who has not signed yet asks to correct the
    minutes; when the one who signed agrees, their signature is withdrawn and the minutes
    reopen. After both signatures only an addendum corrects them."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="reopen_request")
    asked_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("cần sửa gì"), max_length=300)
    asked_at = models.DateTimeField(auto_now_add=True)

    objects = TouchingQuerySet.as_manager()
    revision_path = "meeting__cell"

    def __str__(self):
        return f"{self.meeting} — {self.asked_by}"


class ClientOperation(models.Model):
    """One change sent by the meeting screen, kept by the id the device gave it: a
    change sent twice (the connection dropped before the answer came) is applied once,
    and the second sending gets the first answer."""

    id = models.UUIDField(primary_key=True)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    result = models.JSONField(default=dict)
    applied_at = models.DateTimeField(auto_now_add=True)

    # A receipt: what the operation changed touched its own rows' units.
    revision_path = None

    def __str__(self):
        return f"{self.kind} {self.id}"


class Task(models.Model):
    """A task from a meeting's resolution; followed up after signing, so it never freezes."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="tasks")
    assignee = models.ForeignKey(
        Member, verbose_name=_("người thực hiện"), on_delete=models.PROTECT, related_name="tasks"
    )
    description = models.CharField(_("nhiệm vụ"), max_length=300)
    due_on = models.DateField(_("hạn"))
    status = models.CharField(
        _("tình trạng"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    progress = models.TextField(_("tiến độ"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TouchingQuerySet.as_manager()
    revision_path = "meeting__cell"

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["due_on", "id"]
        constraints = [_choices("status", TaskStatus, "task_status_valid")]

    def __str__(self):
        return self.description

    @property
    def is_overdue(self):
        return self.status in (TaskStatus.OPEN, TaskStatus.IN_PROGRESS) and (
            self.due_on < timezone.localdate()
        )


class Dissemination(models.Model):
    """The resolution passed on to the Fatherland Front, mass organisations or residents."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="disseminations")
    audience = models.CharField(_("đối tượng"), max_length=200)
    on = models.DateField(_("ngày"))
    method = models.CharField(_("hình thức"), max_length=200)

    objects = TouchingQuerySet.as_manager()
    revision_path = "meeting__cell"

    class Meta:
        verbose_name = _("phổ biến nghị quyết")
        verbose_name_plural = _("phổ biến nghị quyết")
        ordering = ["on", "id"]

    def __str__(self):
        return f"{self.audience} ({self.on})"


class MinutesDocument(WriteOnce):
    """A signed meeting's PDF, made once and served as stored, with its SHA-256."""

    frozen_message = _("Văn bản đã lưu không thể sửa hay xóa.")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    number = models.PositiveIntegerField(_("số"))
    file = models.FileField(upload_to="minutes/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    code = models.CharField(_("mã xác minh"), max_length=12, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("văn bản đã ký")
        verbose_name_plural = _("văn bản đã ký")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "kind"], name="document_once_per_kind"),
            _check(Q(kind__in=DocumentKind.values), "document_kind_valid"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.meeting}"


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


class MeetingNotice(models.Model):
    """The notice of a meeting, sent once the cell committee agreed the programme."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="notice")
    sent_at = models.DateTimeField(_("gửi lúc"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField(_("lời nhắn"), blank=True)

    objects = TouchingQuerySet.as_manager()
    revision_path = "meeting__cell"

    class Meta:
        verbose_name = _("thông báo sinh hoạt")
        verbose_name_plural = _("thông báo sinh hoạt")

    def __str__(self):
        return str(self.meeting)


class NotificationQuerySet(models.QuerySet):
    def unsent(self):
        return self.exclude(email="").filter(emailed_at__isnull=True)


class Notification(models.Model):
    """One message to one member: shown in the app, and emailed where they have an address.

    `key` makes reminders idempotent: a member gets each keyed message once.
    """

    recipient = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="notifications")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    kind = models.CharField(_("loại"), max_length=20, choices=NotificationKind.choices)
    key = models.CharField(max_length=120)
    subject = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"))
    link = models.CharField(max_length=300)
    email = models.EmailField(blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=300, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NotificationQuerySet.as_manager()
    revision_path = None  # each reader's own; the unread count is read with the user

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        constraints = [
            _choices("kind", NotificationKind, "notification_kind_valid"),
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(
                fields=["created_at"],
                condition=Q(emailed_at__isnull=True) & ~Q(email=""),
                name="notification_unsent_idx",
            ),
        ]

    def __str__(self):
        return self.subject


class Attachment(MeetingPart):
    """A document for members to read before the meeting; frozen with the meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments")
    reference = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    title = models.CharField(_("trích yếu"), max_length=300)
    file = models.FileField(upload_to="meetings/attachments/%Y/%m/", max_length=300)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tài liệu")
        verbose_name_plural = _("tài liệu")
        ordering = ["id"]

    def __str__(self):
        return f"{self.reference} — {self.title}" if self.reference else self.title

    def get_absolute_url(self):
        return reverse("meetings:attachment_download", args=[self.pk])


class Reply(MeetingPart):
    """A member's answer to the notice: will attend, or cannot with a reason."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="replies")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    attending = models.BooleanField(_("sẽ dự họp"))
    reason = models.CharField(_("lý do vắng"), max_length=200, blank=True)
    replied_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("trả lời thông báo")
        verbose_name_plural = _("trả lời thông báo")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="reply_once_per_member"),
            _check(Q(attending=True) | ~Q(reason=""), "reply_absence_has_reason"),
        ]

    def __str__(self):
        return f"{self.member_id}: {self.attending}"


class WrittenOpinion(MeetingPart):
    """A member's written opinion on the draft, sent before the meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="written_opinions")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField(max_length=120)
    text = models.TextField(_("ý kiến"))
    sent_at = models.DateTimeField(auto_now_add=True)
    # The opinion of the minutes it was brought into, once the secretary did.
    opinion = models.OneToOneField(
        "Opinion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("ý kiến bằng văn bản")
        verbose_name_plural = _("ý kiến bằng văn bản")
        ordering = ["id"]

    def __str__(self):
        return self.author_name
