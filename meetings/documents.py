"""Signed documents: made once as PDF, stored with their SHA-256, served as stored."""

import datetime
import hashlib
import io

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from meetings import pdf
from meetings.enums import DocumentKind, MeetingState
from meetings.models import Meeting, MinutesDocument
from members.enums import PositionRole
from members.models import Position

RENDERERS = {
    DocumentKind.MINUTES: pdf.render_minutes,
    DocumentKind.RESOLUTION: pdf.render_resolution,
}


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


def signed_hash(meeting):
    hashes = {s.content_hash for s in meeting.signatures.all()}
    return hashes.pop() if len(hashes) == 1 else None


def issue_documents(meeting):
    """Make and store the signed minutes and resolution of `meeting` if not made yet.

    Side effects: writes the PDFs through Django's storage and a MinutesDocument row
    each, with the SHA-256 of the stored bytes. Never overwrites an existing one.
    """
    if meeting.state != MeetingState.SIGNED:
        raise ValueError("only signed meetings get documents")
    digest = signed_hash(meeting)
    number = document_number(meeting)
    made = []
    for kind, render in RENDERERS.items():
        if MinutesDocument.objects.filter(meeting=meeting, kind=kind).exists():
            continue
        code = (
            pdf.verification_code(meeting, digest)
            if kind == DocumentKind.MINUTES
            else (pdf.verification_code(meeting, f"{digest}:{kind}"))
        )
        body = pades_sign(render(meeting, number=number, code=code, digest=digest))
        name = default_storage.save(
            f"minutes/{meeting.cell.code}/{meeting.pk}-{kind}.pdf", ContentFile(body)
        )
        try:
            with transaction.atomic():
                made.append(
                    MinutesDocument.objects.create(
                        meeting=meeting,
                        kind=kind,
                        number=number,
                        file=name,
                        sha256=hashlib.sha256(body).hexdigest(),
                        code=code,
                    )  # fmt: skip
                )
        except IntegrityError:  # made by a concurrent request meanwhile
            default_storage.delete(name)
    return made


def pades_sign(body):
    """Add a PAdES signature with the configured PKCS#12 certificate (if any)."""
    path = settings.CELLMEET_PKCS12_PATH
    if not path:
        return body
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

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


def stored_document(meeting, kind):
    """The stored PDF of a signed meeting, made now if the meeting predates PDFs."""
    document = MinutesDocument.objects.filter(meeting=meeting, kind=kind).first()
    if document is None:
        issue_documents(meeting)
        document = MinutesDocument.objects.get(meeting=meeting, kind=kind)
    return document


def read_document(document):
    with default_storage.open(document.file.name, "rb") as handle:
        return handle.read()


def document_intact(document):
    return hashlib.sha256(read_document(document)).hexdigest() == document.sha256


def minute_book(cell, start, end):
    """The cell's signed minutes from `start` to `end` as one printable PDF."""
    meetings = list(
        Meeting.objects.filter(
            cell=cell,
            state=MeetingState.SIGNED,
            planned_at__date__gte=start,
            planned_at__date__lte=end,
        )
        .select_related("cell__parent")
        .prefetch_related("signatures", "documents")
        .order_by("planned_at", "pk")
    )
    rows = []
    for meeting in meetings:
        digest = signed_hash(meeting)
        doc = next((d for d in meeting.documents.all() if d.kind == DocumentKind.MINUTES), None)
        number = doc.number if doc else document_number(meeting)
        code = doc.code if doc else pdf.verification_code(meeting, digest)
        rows.append((meeting, number, code, digest))
    if start.month == 1 and start.day == 1 and end == start.replace(month=12, day=31):
        label = f"Năm {start.year}"
    else:
        label = f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"
    return pdf.render_book(cell, rows, period_label=label), len(rows)
