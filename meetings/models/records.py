"""What signing makes and keeps: signatures, the signed record and its documents, and the
rows that protect the minutes while they are written (drafts, reopen requests, the
meeting screen's applied operations)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meetings.enums import DocumentKind, SignerRole
from meetings.models.meeting import FrozenError, Meeting, _check, _choices
from members.models import Member
from members.querysets import TouchingQuerySet


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
    # The document layout the snapshot is for (meetings.documents.pdf.LAYOUTS).
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
