"""Pages for reopening submitted minutes by agreement of chair and minute-taker."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from meetings import permissions
from meetings.meeting.forms import SignForm
from meetings.reopening import services as reopening
from meetings.views import MeetingActionMixin
from members.forms import CleanInputMixin


class ReopenAskForm(CleanInputMixin, forms.Form):
    reason = forms.CharField(
        label=_("Cần sửa gì"),
        max_length=300,
        help_text=_("Người đã ký sẽ đọc đề nghị này và đồng ý mở lại biên bản."),
    )


class ReopenAskView(MeetingActionMixin, FormView):
    permission = "sign"
    template_name = "meetings/simple_form.html"
    form_class = ReopenAskForm
    success_message = _("Đã gửi đề nghị mở lại biên bản.")

    def get_meeting(self):
        meeting = super().get_meeting()
        if not permissions.can_ask(self.request.user, meeting):
            raise PermissionDenied
        return meeting

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Đề nghị mở lại biên bản để sửa")}

    def form_valid(self, form):
        return self.run(form, lambda: reopening.ask_to_reopen(
            actor=self.request.user, meeting=self.get_meeting(), reason=form.cleaned_data["reason"]
        ))  # fmt: skip


class ReopenAgreeView(MeetingActionMixin, FormView):
    permission = "sign"
    template_name = "meetings/reopen_agree.html"
    form_class = SignForm
    success_message = _("Đã rút chữ ký và mở lại biên bản để sửa.")

    def get_meeting(self):
        meeting = super().get_meeting()
        if not permissions.can_agree(self.request.user, meeting):
            raise PermissionDenied
        return meeting

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["request_to_reopen"] = self.get_meeting().reopen_request
        return context

    def form_valid(self, form):
        return self.run(form, lambda: reopening.agree_to_reopen(
            actor=self.request.user, meeting=self.get_meeting(),
            password=form.cleaned_data["password"],
        ))  # fmt: skip
