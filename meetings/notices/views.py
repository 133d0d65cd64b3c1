"""Pages before the meeting: the notice, its documents, replies, written opinions, and
each member's notifications."""

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from cellmeet.views import act_and_redirect
from meetings import permissions, selectors
from meetings.models import Attachment, Notification, Reply, WrittenOpinion
from meetings.notices import attachments as notices_attachments
from meetings.notices import services as notices_services
from meetings.notices.forms import AttachmentForm, NoticeForm, ReplyForm, WrittenOpinionForm
from meetings.services import MeetingError
from meetings.views import MeetingActionMixin, MeetingMixin

NOTIFICATIONS_PER_PAGE = 50


class NoticeView(MeetingActionMixin, FormView):
    """The secretary's page before the meeting: documents, the notice, replies, opinions."""

    permission = "manage"
    template_name = "meetings/notice.html"
    form_class = NoticeForm

    def get_context_data(self, **kwargs):
        meeting = self.get_meeting()
        replies = {r.member_id: r for r in Reply.objects.filter(meeting=meeting)}
        sent = getattr(meeting, "notice", None)
        return {
            **super().get_context_data(**kwargs),
            "notice": sent,
            # What the members received, word for word.
            "sent_text": meeting.notifications.filter(key=f"notice:{meeting.pk}")
            .values_list("body", flat=True)
            .first()
            if sent
            else None,
            "refusals": notices_services.notice_refusals(meeting),
            "preview": notices_services.notice_text(meeting),
            "attachments": list(meeting.attachments.all()),
            "can_change_documents": meeting.state in notices_services.BEFORE | {"held"},
            "invitees": [
                {"member": e.member, "reply": replies.get(e.member.pk)}
                for e in notices_services.invited(meeting)
            ],
            "written": list(meeting.written_opinions.select_related("member")),
            "failures": list(
                meeting.notifications.exclude(email_error="")
                .filter(emailed_at__isnull=True)
                .select_related("recipient")
            ),
            "email_attempts": settings.CELLMEET_EMAIL_MAX_ATTEMPTS,
        }

    def form_valid(self, form):
        try:
            count = notices_services.send_notice(actor=self.request.user, meeting=self.get_meeting(),
                                        message=form.cleaned_data["message"])  # fmt: skip
        except MeetingError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Đã gửi thông báo tới %(n)s đảng viên.") % {"n": count})
        return redirect("meetings:meeting_notice", self.get_meeting().pk)


class AttachmentCreateView(MeetingActionMixin, FormView):
    permission = "manage"
    template_name = "meetings/attachment_form.html"
    form_class = AttachmentForm

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            notices_attachments.add_attachment(actor=self.request.user, meeting=self.get_meeting(),
                                   upload=data["file"], reference=data["reference"],
                                   title=data["title"])  # fmt: skip
        except MeetingError as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Đã đính kèm tài liệu."))
        return redirect("meetings:meeting_notice", self.get_meeting().pk)


def _attachment_for(user, pk):
    return get_object_or_404(
        Attachment.objects.filter(
            meeting__in=selectors.meetings_for_user(user, as_guest=True)
        ).select_related("meeting__cell"),
        pk=pk,
    )


class AttachmentDownloadView(LoginRequiredMixin, View):
    """Serves a document to those who may read its meeting, never from a public URL."""

    def get(self, request, pk):
        attachment = _attachment_for(request.user, pk)
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(handle, content_type=attachment.content_type)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=attachment.filename
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class AttachmentDeleteView(LoginRequiredMixin, TemplateView):
    template_name = "meetings/confirm.html"

    def get_object(self):
        attachment = _attachment_for(self.request.user, self.kwargs["pk"])
        if not permissions.can_manage(self.request.user, attachment.meeting):
            raise PermissionDenied
        return attachment

    def get_context_data(self, **kwargs):
        attachment = self.get_object()
        return {
            **super().get_context_data(**kwargs),
            "meeting": attachment.meeting,
            "question": _("Xóa tài liệu “%(t)s”?") % {"t": attachment},
        }

    def post(self, request, *args, **kwargs):
        attachment = self.get_object()
        return act_and_redirect(
            request, partial(notices_attachments.delete_attachment, actor=request.user, attachment=attachment),
            refused=MeetingError, done=_("Đã xóa tài liệu."),
            to=reverse("meetings:meeting_notice", args=[attachment.meeting_id]),
        )  # fmt: skip


class InvitedMixin(MeetingMixin):
    """Pages for a member on the meeting's invitation list: others of the cell get 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            meeting = self.get_meeting()
            member = getattr(request.user, "member", None)
            if member is None or member.pk not in {
                e.member.pk for e in notices_services.invited(meeting)
            }:
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _closed(meeting, message):
    """Say so on opening the form, not after typing, once the meeting has begun or while
    no notice has been sent."""
    if meeting.state not in notices_services.BEFORE:
        return message
    if not hasattr(meeting, "notice"):
        return _("Bí thư chưa gửi thông báo: chưa có gì để trả lời.")
    return ""


class ReplyView(InvitedMixin, FormView):
    template_name = "meetings/simple_form.html"
    form_class = ReplyForm

    def get_initial(self):
        reply = Reply.objects.filter(
            meeting=self.get_meeting(), member=self.request.user.member
        ).first()
        if reply is None:
            return {}
        return {"attending": "yes" if reply.attending else "no", "reason": reply.reason}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": _("Trả lời thông báo"),
            "locked": _closed(self.get_meeting(), _("Chỉ trả lời thông báo trước cuộc họp.")),
        }

    def form_valid(self, form):
        try:
            notices_services.reply_to_notice(user=self.request.user, meeting=self.get_meeting(),
                                    attending=form.cleaned_data["attending"],
                                    reason=form.cleaned_data["reason"])  # fmt: skip
        except MeetingError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Đã gửi trả lời."))
        return redirect(self.get_meeting())


class WrittenOpinionCreateView(InvitedMixin, FormView):
    template_name = "meetings/simple_form.html"
    form_class = WrittenOpinionForm

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": _("Gửi ý kiến bằng văn bản"),
            "locked": _closed(self.get_meeting(), _("Chỉ gửi ý kiến bằng văn bản trước cuộc họp.")),
        }

    def form_valid(self, form):
        try:
            notices_services.send_written_opinion(user=self.request.user, meeting=self.get_meeting(),
                                         text=form.cleaned_data["text"])  # fmt: skip
        except MeetingError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Đã gửi ý kiến tới bí thư chi bộ."))
        return redirect(self.get_meeting())


class BringOpinionView(LoginRequiredMixin, TemplateView):
    """GET asks, POST adds the written opinion to the minutes' discussion."""

    template_name = "meetings/bring_opinion.html"

    def get_object(self):
        written = get_object_or_404(
            WrittenOpinion.objects.filter(
                meeting__in=selectors.meetings_for_user(self.request.user)
            ).select_related("meeting__cell"),
            pk=self.kwargs["pk"],
        )
        if not permissions.can_manage(self.request.user, written.meeting):
            raise PermissionDenied
        return written

    def get_context_data(self, **kwargs):
        written = self.get_object()
        return {**super().get_context_data(**kwargs), "written": written,
                "meeting": written.meeting}  # fmt: skip

    def post(self, request, *args, **kwargs):
        written = self.get_object()
        try:
            notices_services.bring_into_minutes(actor=request.user, written=written)
        except MeetingError as exc:
            messages.error(request, str(exc))
            return redirect("meetings:meeting_notice", written.meeting_id)
        messages.success(request, _("Đã đưa ý kiến vào phần thảo luận của biên bản."))
        return redirect("meetings:meeting_minutes", written.meeting_id)


class NotificationListView(LoginRequiredMixin, TemplateView):
    template_name = "meetings/notification_list.html"

    def get_context_data(self, **kwargs):
        member = getattr(self.request.user, "member", None)
        rows = (
            Notification.objects.filter(recipient=member).only(
                "subject", "body", "link", "read_at", "created_at", "kind"
            )
            if member is not None
            else Notification.objects.none()
        )
        page = Paginator(rows, NOTIFICATIONS_PER_PAGE).get_page(self.request.GET.get("page"))
        return {**super().get_context_data(**kwargs), "page": page}


class NotificationOpenView(LoginRequiredMixin, View):
    """POST only: marks the notification read and goes where it points."""

    def post(self, request, pk):
        member = getattr(request.user, "member", None)
        notification = get_object_or_404(Notification, pk=pk, recipient=member)
        notices_services.mark_read(user=request.user, notification=notification)
        return redirect(notification.link)
