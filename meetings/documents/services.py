"""Signed documents: fixed when the minutes are signed, made after the signature
commits, stored with their SHA-256, served only while they still match it.

The second signature seals a `SignedRecord` inside the signing transaction: the hash
both signers signed, the document number, the verification codes and the snapshot of
what the documents print. The PDFs are made from the record once the transaction has
committed, and again whenever one is missing: made from the same record they are the
same bytes, so filling a missing file changes nothing that was signed.
"""

import base64
import datetime
import hashlib
import io
import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from meetings.content import load_parts, signed_version
from meetings.documents import layout, pdf
from meetings.enums import DocumentKind, MeetingState
from meetings.models import Meeting, MinutesDocument, SignedRecord
from members.enums import PositionRole
from members.logtext import gettext_kept as _
from members.models import Position
from members.services import record_audit

log = logging.getLogger(__name__)


class DocumentError(Exception):
    """A signed document cannot be given out; the message is for the user."""


class DamagedDocument(DocumentError):
    """A stored file no longer matches the SHA-256 recorded when it was made."""

    def __init__(self, document):
        self.document = document
        super().__init__(
            _(
                "Tệp %(kind)s đã ký của cuộc họp này bị hỏng: nội dung tệp không còn khớp mã "
                "SHA-256 ghi khi tạo, nên không được tải về. Hãy báo quản trị hệ thống khôi "
                "phục tệp từ bản sao lưu, hoặc tạo lại bằng lệnh “manage.py issue_documents "
                "--repair” (chỉ ghi lại khi tệp tạo lại khớp đúng mã đã ghi)."
            )
            % {"kind": document.get_kind_display().lower()}
        )


def _no_record():
    return _(
        "Biên bản này không có hồ sơ ký hợp lệ (hai chữ ký không cùng một mã băm), nên không "
        "in được văn bản đã ký. Hãy báo cấp ủy cấp trên kiểm tra toàn vẹn biên bản."
    )


def term_start(cell, day):
    """The start of the cell committee's term on `day`: its secretary's term, else 1 January."""
    post = (
        Position.objects.filter(cell=cell, role=PositionRole.SECRETARY, started_on__lte=day)
        .order_by("-started_on")
        .first()
    )
    return post.started_on if post else datetime.date(day.year, 1, 1)


def document_number(meeting):
    """Numbered per document type per committee term: the meeting's place among the
    cell's signed meetings since the term began (Số 05-BB/CB)."""
    start = term_start(meeting.cell, meeting.meeting_date)
    return Meeting.objects.filter(
        cell_id=meeting.cell_id,
        state=MeetingState.SIGNED,
        planned_at__date__gte=start,
        planned_at__lte=meeting.planned_at,
    ).count()


def verification_code(meeting_pk, digest, kind=DocumentKind.MINUTES):
    """The code printed on a document: ten characters from the meeting and the hash."""
    seed = digest if kind == DocumentKind.MINUTES else f"{digest}:{kind}"
    raw = hashlib.sha256(f"{meeting_pk}:{seed}".encode()).digest()
    return base64.b32encode(raw).decode()[:10]


def record_fields(meeting, *, attendance, digest, version, signatures, number, cell_name,
                  superior):  # fmt: skip
    """The values of a SignedRecord for `meeting`, signed with `signatures` (also used
    by the demo, which writes thousands of records at once)."""
    with translation.override("vi"):
        title = str(meeting.display_title)
    return {
        "meeting": meeting,
        "content_version": version,
        "content_hash": digest,
        "number": number,
        "minutes_code": verification_code(meeting.pk, digest, DocumentKind.MINUTES),
        "resolution_code": verification_code(meeting.pk, digest, DocumentKind.RESOLUTION),
        "signed_at": max(s.signed_at for s in signatures),
        "layout": pdf.LAYOUT,
        "snapshot": pdf.snapshot(meeting, cell_name=cell_name, superior=superior, title=title,
                                 attendance=attendance, signatures=signatures),
    }  # fmt: skip


def seal(meeting):
    """Record what the documents of `meeting`, signed just now, will print.

    Called inside the signing transaction, with the meeting's row locked. Side effects:
    one SignedRecord row. Makes no file.
    """
    signatures = list(meeting.signatures.all())
    digests = {s.content_hash for s in signatures}
    if len(digests) != 1:
        raise ValueError("the signatures of a meeting being sealed disagree")
    cell = meeting.cell
    return SignedRecord.objects.create(
        **record_fields(
            meeting, attendance=list(meeting.attendance.all()), digest=digests.pop(),
            version=signed_version(signatures),
            signatures=signatures, number=document_number(meeting),
            cell_name=meeting.cell_name or cell.name,
            superior=cell.parent.name if cell.parent_id else "",
        )
    )  # fmt: skip


def render_signed(record, kind):
    """The PDF of `kind` made from `record`: the same bytes every time."""
    meeting = record.meeting
    return pdf.render_document(
        kind, meeting=meeting, parts=load_parts(meeting), snapshot=record.snapshot,
        signed_at=record.signed_at, number=record.number, code=record.code_for(kind),
        digest=record.content_hash,
    )  # fmt: skip


def issue_documents(record, kinds=tuple(DocumentKind.values), *, actor=None):
    """Make and store the documents of `record` not made yet.

    Side effects: for each, the PDF through Django's storage and a MinutesDocument row
    with the SHA-256 of the stored bytes; never overwrites one. A note of an earlier
    failure on the record is cleared, and the meeting's log says the files are made.
    Raises layout.RenderError when a document cannot be made.
    """
    made = []
    existing = set(MinutesDocument.objects.filter(meeting_id=record.meeting_id).values_list(
        "kind", flat=True))  # fmt: skip
    for kind in kinds:
        if kind in existing:
            continue
        body = pades_sign(render_signed(record, kind))
        made.append(_store(record, kind, body))
    if record.issue_error and made:
        record.issue_error, record.issue_failed_at = "", None
        record.save(update_fields=["issue_error", "issue_failed_at"])
        _audit(record.meeting, "documents", _("Đã tạo tệp PDF đã ký (sau lần lỗi trước)."),
               actor)  # fmt: skip
    return [document for document in made if document is not None]


def _store(record, kind, body):
    meeting = record.meeting
    name = default_storage.save(
        f"minutes/{meeting.cell.code}/{meeting.pk}-{kind}.pdf", ContentFile(body)
    )
    try:
        with transaction.atomic():
            return MinutesDocument.objects.create(
                meeting=meeting, kind=kind, number=record.number, file=name,
                sha256=hashlib.sha256(body).hexdigest(), code=record.code_for(kind),
            )  # fmt: skip
    except IntegrityError:  # made by a concurrent request meanwhile
        default_storage.delete(name)
        return None


def issue_after_commit(record_pk):
    """Make a newly signed meeting's documents; run once the signature has committed.

    A failure is logged, noted on the record and in the meeting's log, and shown on the
    meeting page with a button to try again; the next download tries again too. It never
    touches the signature.
    """
    record = SignedRecord.objects.select_related("meeting__cell").get(pk=record_pk)
    try:
        issue_documents(record)
    except Exception as exc:
        note_failure(record, exc)


def issue_now(meeting, *, actor=None):
    """Make the missing documents of a signed meeting now (after a failure, on request).

    Side effects as issue_documents; a new failure is noted as after the commit. Raises
    DocumentError with the reason.
    """
    record = SignedRecord.objects.filter(meeting=meeting).first()
    if record is None:
        raise DocumentError(_no_record())
    record.meeting = meeting
    try:
        return issue_documents(record, actor=actor)
    except layout.RenderError as exc:
        note_failure(record, exc)
        raise DocumentError(str(exc)) from exc


def note_failure(record, exc):
    log.exception("documents of meeting %s not made", record.meeting_id)
    message = str(exc) if isinstance(exc, layout.RenderError) else _("Lỗi hệ thống.")
    record.issue_error = message[:300]
    record.issue_failed_at = timezone.now()
    record.save(update_fields=["issue_error", "issue_failed_at"])
    _audit(
        record.meeting, "documents_failed", _("Chưa tạo được tệp PDF đã ký: %(e)s") % {"e": message}
    )


def _audit(meeting, action, summary, actor=None):
    record_audit(actor=actor, action=f"meeting.{action}", target=meeting,
                 organisation=meeting.cell, summary=summary)  # fmt: skip


def pades_sign(body):
    """Add a PAdES signature with the configured PKCS#12 certificate (if any).

    The certificate's signature carries the time it was made: with one configured, a
    document made again is a new file, not the same bytes (restore those from backup).
    """
    path = settings.CELLMEET_PKCS12_PATH
    if not path:
        return body
    try:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers
    except ImportError as exc:
        raise ImproperlyConfigured(
            "CELLMEET_PKCS12_PATH is set but pyHanko is not installed: "
            "pip install 'cellmeet[signing]'."
        ) from exc

    signer = signers.SimpleSigner.load_pkcs12(
        path, passphrase=settings.CELLMEET_PKCS12_PASSWORD.encode() or None
    )
    if signer is None:
        raise ImproperlyConfigured("CELLMEET_PKCS12_PATH: the certificate could not be read.")
    metadata = signers.PdfSignatureMetadata(
        field_name="CellmeetSignature",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason="Biên bản đã được chủ trì và thư ký ký trong cellmeet",
    )
    signed = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(body)), metadata, signer=signer)
    return signed.getvalue()


def read_document(document):
    with default_storage.open(document.file.name, "rb") as handle:
        return handle.read()


def document_intact(document):
    return hashlib.sha256(read_document(document)).hexdigest() == document.sha256


def signed_file(meeting, kind, *, actor=None):
    """The bytes of a signed meeting's document, as stored, checked against their hash.

    A document not made yet is made now from the record (the same bytes it would have
    been). Raises DamagedDocument for a file that no longer matches its hash, after
    writing that to the meeting's log, and DocumentError when there is nothing to give.
    """
    document = MinutesDocument.objects.filter(meeting=meeting, kind=kind).first()
    if document is None:
        record = SignedRecord.objects.filter(meeting=meeting).first()
        if record is None:
            raise DocumentError(_no_record())
        record.meeting = meeting
        issue_documents(record, kinds=[kind])
        document = MinutesDocument.objects.get(meeting=meeting, kind=kind)
    try:
        body = read_document(document)
    except OSError:
        body = b""
    if hashlib.sha256(body).hexdigest() != document.sha256:
        _audit(meeting, "document_damaged",
               _("Tệp PDF đã ký bị hỏng hoặc bị mất, không được tải về: %(f)s")
               % {"f": document.file.name}, actor)  # fmt: skip
        raise DamagedDocument(document)
    return body


def repair_documents(meetings):
    """Make again the stored files of `meetings` that are missing or damaged, and put
    each back only if it comes out as the very bytes recorded. Returns (restored, not
    restored) lists of documents."""
    restored, failed = [], []
    documents = MinutesDocument.objects.filter(meeting__in=meetings).select_related(
        "meeting__cell", "meeting__record")  # fmt: skip
    for document in documents.order_by("pk"):
        try:
            intact = document_intact(document)
        except OSError:
            intact = False
        if intact:
            continue
        record = getattr(document.meeting, "record", None)
        body = render_signed(record, document.kind) if record else b""
        if hashlib.sha256(body).hexdigest() != document.sha256:
            failed.append(document)
            continue
        default_storage.delete(document.file.name)
        name = default_storage.save(document.file.name, ContentFile(body))
        if name != document.file.name:
            default_storage.delete(name)
            failed.append(document)
            continue
        restored.append(document)
    return restored, failed
