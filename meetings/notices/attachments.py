"""Documents attached to a meeting: checked by their first bytes, not their name."""

import hashlib
import os
import zipfile

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat

from meetings.enums import MeetingState
from meetings.models import Attachment, MeetingNotice
from meetings.notices.services import BEFORE
from meetings.services import MeetingError, _audit, _locked, _require
from members.logtext import gettext_kept as _

# Extension -> (content type, test of the first bytes / the archive).
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}
OFFICE_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


def document_type(upload):
    """The content type of an uploaded document, checked by extension and content.

    Raises MeetingError when the file is too large, empty, or not what its name says.
    """
    limit = settings.CELLMEET_MAX_DOCUMENT_BYTES
    if upload.size > limit:
        raise MeetingError(_("Tệp quá lớn: tối đa %(size)s.") % {"size": filesizeformat(limit)})
    if upload.size == 0:
        raise MeetingError(_("Tệp trống."))
    ext = os.path.splitext(upload.name)[1].lower().lstrip(".")
    if ext not in DOCUMENT_TYPES:
        raise MeetingError(_("Chỉ nhận tệp PDF, DOCX, XLSX, PNG hoặc JPEG."))
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if ext == "pdf":
        ok = head.startswith(b"%PDF-")
    elif ext == "png":
        ok = head == b"\x89PNG\r\n\x1a\n"
    elif ext in ("jpg", "jpeg"):
        ok = head.startswith(b"\xff\xd8\xff")
    else:
        ok = head.startswith(b"PK\x03\x04") and _has_part(upload, OFFICE_PART[ext])
    upload.seek(0)
    if not ok:
        raise MeetingError(_("Nội dung tệp không khớp với loại tệp %(ext)s.") % {"ext": ext})
    return DOCUMENT_TYPES[ext]


def _has_part(upload, name):
    try:
        with zipfile.ZipFile(upload) as archive:
            return name in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


@transaction.atomic
def add_attachment(*, actor, meeting, upload, reference, title):
    """Store `upload` with the meeting (through the default storage, with its SHA-256); audited."""
    meeting = _locked(meeting)
    _require(meeting, BEFORE | {MeetingState.HELD}, _("Cuộc họp này không nhận thêm tài liệu."))
    content_type = document_type(upload)
    data = upload.read()
    name = os.path.basename(upload.name)[:200]
    attachment = Attachment(
        meeting=meeting,
        reference=reference.strip(),
        title=title.strip(),
        filename=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
    )
    # The stored name is not the user's: it only keeps the extension.
    ext = os.path.splitext(name)[1].lower()
    attachment.file.save(f"{attachment.sha256[:16]}{ext}", ContentFile(data), save=False)
    attachment.save()
    _audit(actor, meeting, "attachment", _("Đính kèm tài liệu %(t)s") % {"t": attachment})
    return attachment


@transaction.atomic
def delete_attachment(*, actor, attachment):
    meeting = _locked(attachment.meeting)
    _require(meeting, BEFORE | {MeetingState.HELD}, _("Tài liệu của cuộc họp này không thể xóa."))
    if MeetingNotice.objects.filter(meeting=meeting).exists():
        # Members were sent this document with the notice: it stays what they read.
        raise MeetingError(_("Tài liệu đã gửi kèm thông báo nên không xóa được."))
    label = str(attachment)
    attachment.delete()
    _audit(actor, meeting, "attachment_delete", _("Xóa tài liệu %(t)s") % {"t": label})
