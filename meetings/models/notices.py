"""Before and around a meeting: the notice, notifications, attached documents, members'
replies and written opinions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meetings.enums import NotificationKind
from meetings.models.meeting import Meeting, _check, _choices
from meetings.models.parts import MeetingPart
from members.models import Member
from members.querysets import TouchingQuerySet


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

    def deliverable(self):
        """Not emailed yet, and tried fewer times than the limit (beyond it, the
        secretary sees the email as not delivered and nothing tries again)."""
        return self.unsent().filter(email_attempts__lt=settings.CELLMEET_EMAIL_MAX_ATTEMPTS)


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
