"""Signed documents: the PDFs as stored, issuing them again, the minute book, and
verification by code."""

import datetime
from functools import partial

from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from cellmeet.views import act_and_redirect
from meetings.content import verify
from meetings.documents import books, layout, pdf
from meetings.documents import services as documents
from meetings.documents.forms import MinuteBookForm
from meetings.enums import DocumentKind, MeetingState, SignerRole
from meetings.models import BookState, MinutesDocument, SignedRecord
from meetings.views import MeetingMixin
from members.views import OrganisationMixin


class MeetingVerifyView(MeetingMixin, TemplateView):
    template_name = "meetings/meeting_verify.html"

    def get_context_data(self, **kwargs):
        meeting = self.get_meeting()
        ok, current, signed = verify(meeting)
        return {**super().get_context_data(**kwargs), "ok": ok, "current": current,
                "signed": signed, "signatures": meeting.signatures.all()}  # fmt: skip


class MeetingPdfView(MeetingMixin, View):
    """Signed: the stored PDF, byte for byte, while it matches its hash. Not yet signed:
    a preview marked DỰ THẢO."""

    kind = DocumentKind.MINUTES

    def get(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        name = f"{'bien-ban' if self.kind == DocumentKind.MINUTES else 'nghi-quyet'}-{meeting.cell.code}-{meeting.meeting_date:%Y%m%d}"
        try:
            if meeting.state == MeetingState.SIGNED:
                body = documents.signed_file(meeting, self.kind, actor=request.user)
            else:
                body = pdf.render_draft(meeting, self.kind)
                name += "-du-thao"
        except documents.DamagedDocument as exc:
            return _document_unavailable(request, meeting, str(exc), status=500)
        except (documents.DocumentError, layout.RenderError) as exc:
            return _document_unavailable(request, meeting, str(exc), status=503)
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
        return response


def _document_unavailable(request, meeting, message, *, status):
    context = {"meeting": meeting, "org": meeting.cell, "message": message}
    return TemplateResponse(request, "meetings/document_unavailable.html", context, status=status)


class MeetingDocumentsView(MeetingMixin, TemplateView):
    """Make a signed meeting's PDF files now, after an earlier attempt failed (GET asks)."""

    permission = "manage"
    template_name = "meetings/confirm.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "button": _("Tạo tệp PDF"),
                "question": _("Tạo lại tệp PDF đã ký của cuộc họp này?")}  # fmt: skip

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        return act_and_redirect(
            request, partial(documents.issue_now, meeting, actor=request.user),
            refused=documents.DocumentError, done=_("Đã tạo tệp PDF đã ký."), to=meeting,
        )  # fmt: skip


class ResolutionPdfView(MeetingPdfView):
    kind = DocumentKind.RESOLUTION


class MinuteBookView(OrganisationMixin, FormView):
    """Choose a year or a date range; the book downloads as one PDF."""

    template_name = "meetings/minute_book.html"
    form_class = MinuteBookForm

    def get_organisation(self):
        org = super().get_organisation()
        if not org.is_cell:
            raise Http404
        return org

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.GET:
            kwargs["data"] = self.request.GET
        return kwargs

    def get_initial(self):
        last = (
            self.get_organisation()
            .meetings.filter(state=MeetingState.SIGNED)
            .order_by("-planned_at")
            .first()
        )
        year = timezone.localtime(last.planned_at).year if last else timezone.localdate().year
        return {"year": year}

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        if not (request.GET.get("download") and form.is_valid()):
            return self.render_to_response(self.get_context_data(form=form))
        start, end = form.period()
        cell = self.get_organisation()
        found = books.ask(cell, start, end, actor=request.user,
                          retry=bool(request.GET.get("retry")))  # fmt: skip
        if found is None:
            form.add_error(None, _("Không có biên bản đã ký nào trong khoảng thời gian này."))
            return self.render_to_response(self.get_context_data(form=form))
        if found.state == BookState.READY and not request.GET.get("waited"):
            # Made before (or just now): the file itself.
            response = FileResponse(found.file.open("rb"), content_type="application/pdf")
            response["Content-Disposition"] = (
                f'attachment; filename="so-bien-ban-{cell.code}-{start:%Y%m%d}-{end:%Y%m%d}.pdf"'
            )
            return response
        # Being bound by a job: this page follows it, and offers the file once made.
        query = request.GET.copy()
        query.pop("waited", None)
        query.pop("retry", None)
        download = f"?{query.urlencode()}"
        query["waited"] = "1"
        return self.render_to_response(
            self.get_context_data(form=form, book=found, download=download,
                                  again=f"?{query.urlencode()}")
        )  # fmt: skip


class VerifyCodeView(TemplateView):
    """Public: where the code and QR code printed on a signed document lead.

    Shows what the paper itself shows in its header and signature blocks (the cell, the
    title and date, the number, the signers' names and posts) and whether the stored
    content and file still match what was signed; nothing of the minutes' content or
    attendance.
    """

    template_name = "meetings/verify_code.html"

    def get_context_data(self, **kwargs):
        code = self.kwargs["code"].upper()
        record = (
            SignedRecord.objects.select_related("meeting__cell")
            .filter(Q(minutes_code=code) | Q(resolution_code=code))
            .first()
        )
        if record is not None:
            meeting = record.meeting
            kind = DocumentKind.MINUTES if record.minutes_code == code else DocumentKind.RESOLUTION
        else:  # a document made before signing fixed codes in a record
            legacy = get_object_or_404(
                MinutesDocument.objects.select_related("meeting__cell"), code=code
            )
            meeting, kind = legacy.meeting, legacy.kind
        document = MinutesDocument.objects.filter(meeting=meeting, kind=kind).first()
        content_ok, _current, signed = verify(meeting)
        if record is not None:
            content_ok = content_ok and signed == [record.content_hash]
        return {
            **super().get_context_data(**kwargs),
            "code": code,
            "kind": DocumentKind(kind),
            "meeting": meeting,
            "record": record,
            "content_hash": record.content_hash if record else (signed[0] if signed else ""),
            "document": document,
            "content_ok": content_ok,
            "file_ok": document is None or _intact(document),
            "signers": _signers_as_printed(meeting, record, kind),
        }


def _intact(document):
    try:
        return documents.document_intact(document)
    except OSError:
        return False


def _signers_as_printed(meeting, record, kind):
    """(role, name, post, when) of each signature, as the document prints them."""
    if record is not None:
        signers = [(role, s["name"], s["position"], datetime.datetime.fromisoformat(s["signed_at"]))
                   for role, s in record.snapshot["signers"].items()]  # fmt: skip
    else:
        signers = [(s.role, s.signer_name, s.signer_position, s.signed_at)
                   for s in meeting.signatures.all()]  # fmt: skip
    if kind == DocumentKind.RESOLUTION:  # signed for the cell by its secretary, the chair
        return [(_("Bí thư"), name, post, when) for role, name, post, when in signers
                if role == SignerRole.CHAIR]  # fmt: skip
    order = [SignerRole.MINUTE_TAKER, SignerRole.CHAIR]
    return [(SignerRole(role).label, name, post, when)
            for role, name, post, when in sorted(signers, key=lambda s: order.index(s[0]))]  # fmt: skip
