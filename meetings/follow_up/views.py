"""After a meeting: addenda, tasks and disseminations."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView

from meetings import permissions, selectors, services
from meetings.follow_up import services as follow_up_services
from meetings.follow_up.forms import DisseminationForm, TaskForm, TaskUpdateForm
from meetings.meeting.forms import StateChangeForm
from meetings.models import Task
from meetings.views import MeetingActionMixin
from members.enums import MemberStatus


class AddendumCreateView(MeetingActionMixin, FormView):
    permission = "manage"
    template_name = "meetings/state_form.html"
    form_class = StateChangeForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "addendum": True, "blockers": []}

    def form_valid(self, form):
        try:
            addendum = follow_up_services.create_addendum(
                actor=self.request.user, meeting=self.get_meeting()
            )
        except services.MeetingError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lập biên bản bổ sung."))
        return redirect(addendum)


class TaskCreateView(MeetingActionMixin, FormView):
    permission = "manage"
    template_name = "meetings/simple_form.html"
    form_class = TaskForm

    @property
    def success_message(self):
        return _("Đã giao nhiệm vụ.")

    def get_form_kwargs(self):
        members = self.get_meeting().cell.members.filter(status__in=MemberStatus.on_roll())
        return {**super().get_form_kwargs(), "members": members.order_by("sort_name")}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Giao nhiệm vụ")}

    def form_valid(self, form):
        return self.run(
            form,
            lambda: follow_up_services.add_task(
                actor=self.request.user, meeting=self.get_meeting(), **form.cleaned_data
            ),
        )


class TaskUpdateView(LoginRequiredMixin, FormView):
    template_name = "meetings/simple_form.html"
    form_class = TaskUpdateForm

    def get_task(self):
        meetings = selectors.meetings_for_user(self.request.user)
        task = get_object_or_404(
            Task.objects.filter(meeting__in=meetings).select_related("meeting__cell", "assignee"),
            pk=self.kwargs["pk"],
        )
        if not permissions.can_manage(self.request.user, task.meeting):
            raise PermissionDenied
        return task

    def get_initial(self):
        return {"status": self.get_task().status}

    def get_context_data(self, **kwargs):
        task = self.get_task()
        return {**super().get_context_data(**kwargs), "meeting": task.meeting, "org": task.meeting.cell,
                "title": _("Cập nhật nhiệm vụ: %(t)s") % {"t": task.description}}  # fmt: skip

    def form_valid(self, form):
        task = self.get_task()
        follow_up_services.update_task(actor=self.request.user, task=task, **form.cleaned_data)
        messages.success(self.request, _("Đã cập nhật nhiệm vụ."))
        return redirect(task.meeting)


class DisseminationCreateView(MeetingActionMixin, FormView):
    permission = "manage"
    template_name = "meetings/simple_form.html"
    form_class = DisseminationForm

    @property
    def success_message(self):
        return _("Đã ghi việc phổ biến nghị quyết.")

    def get_initial(self):
        return {"on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Phổ biến nghị quyết")}

    def form_valid(self, form):
        return self.run(
            form,
            lambda: follow_up_services.add_dissemination(
                actor=self.request.user, meeting=self.get_meeting(), **form.cleaned_data
            ),
        )
