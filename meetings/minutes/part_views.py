"""Opinions and votes, added to the minutes one by one and deleted before signing."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from cellmeet.views import act_and_redirect
from meetings import counting, permissions, selectors, services
from meetings.enums import MeetingState, Presence
from meetings.minutes import services as minutes_services
from meetings.minutes.forms import OpinionForm, VoteForm
from meetings.models import Opinion, Vote
from meetings.views import MeetingActionMixin


class OpinionCreateView(MeetingActionMixin, FormView):
    permission = "minutes"
    open_states = (MeetingState.HELD,)
    template_name = "meetings/simple_form.html"
    form_class = OpinionForm

    @property
    def success_message(self):
        return _("Đã ghi ý kiến.")

    def get_form_kwargs(self):
        meeting = self.get_meeting()
        present = meeting.attendance.filter(presence=Presence.PRESENT).select_related("member")
        return {
            **super().get_form_kwargs(),
            "items": meeting.agenda.all(),
            "members": [a.member for a in present],
            "guests": meeting.guests.all(),
        }

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Ghi ý kiến phát biểu")}

    def form_valid(self, form):
        return self.run(
            form,
            lambda: minutes_services.add_opinion(
                actor=self.request.user, meeting=self.get_meeting(),
                item=form.cleaned_data["item"], text=form.cleaned_data["text"], **form.speaker_kwargs(),
            ),
        )  # fmt: skip


class VoteCreateView(MeetingActionMixin, FormView):
    permission = "minutes"
    open_states = (MeetingState.HELD,)
    template_name = "meetings/vote_form.html"
    form_class = VoteForm

    @property
    def success_message(self):
        return _("Đã ghi kết quả biểu quyết.")

    def get_initial(self):
        return {"kind": "resolution", "subject": _("Thông qua nghị quyết sinh hoạt chi bộ")}

    def get_context_data(self, **kwargs):
        meeting = self.get_meeting()
        totals = minutes_services.vote_check(meeting)
        needed = {k: counting.votes_needed(k, totals.base) for k in ("resolution", "admission")}
        return {**super().get_context_data(**kwargs), "totals": totals, "needed": needed}

    def form_valid(self, form):
        response = self.run(
            form,
            lambda: minutes_services.record_vote(
                actor=self.request.user, meeting=self.get_meeting(), **form.cleaned_data
            ),
        )
        data = form.cleaned_data
        cast = data["votes_for"] + data["votes_against"] + data["votes_abstain"]
        voters = minutes_services.vote_check(self.get_meeting()).voters_present
        if response.status_code == 302 and cast < voters:
            messages.warning(
                self.request,
                _(
                    "Đã ghi %(cast)s phiếu trong khi có %(n)s đảng viên được biểu quyết có mặt: hãy kiểm tra lại."
                )
                % {"cast": cast, "n": voters},
            )
        return response


class PartDeleteView(LoginRequiredMixin, TemplateView):
    """Confirm, then delete an opinion or a vote of a meeting still being minuted."""

    template_name = "meetings/confirm.html"
    model = None

    def get_object(self):
        meetings = selectors.meetings_for_user(self.request.user)
        obj = get_object_or_404(
            self.model.objects.filter(meeting__in=meetings).select_related("meeting__cell"),
            pk=self.kwargs["pk"],
        )
        if not permissions.can_write_minutes(self.request.user, obj.meeting):
            raise PermissionDenied
        return obj

    def get_context_data(self, **kwargs):
        obj = self.get_object()
        return {**super().get_context_data(**kwargs), "object": obj, "meeting": obj.meeting,
                "org": obj.meeting.cell, "question": _("Xóa “%(o)s”?") % {"o": obj}}  # fmt: skip

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        return act_and_redirect(request, partial(self.delete, obj), refused=services.MeetingError,
                                done=_("Đã xóa."), to=obj.meeting)  # fmt: skip


class OpinionDeleteView(PartDeleteView):
    model = Opinion

    def delete(self, obj):
        minutes_services.delete_opinion(actor=self.request.user, opinion=obj)


class VoteDeleteView(PartDeleteView):
    model = Vote

    def delete(self, obj):
        minutes_services.delete_vote(actor=self.request.user, vote=obj)
