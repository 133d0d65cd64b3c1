"""A cell's meetings and a meeting's course: the list and calendar, planning, the
committee's preparation, the meeting page, state changes and signing."""

import calendar
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.generic import FormView, TemplateView

from meetings import counting, permissions, selectors, services, workflow
from meetings.enums import MeetingKind, MeetingState, RaterRole
from meetings.meeting import services as meeting_services
from meetings.meeting.forms import CommitteeSessionForm, PlanForm, SignForm, StateChangeForm
from meetings.models import MinutesDraft, SignedRecord
from meetings.notices import services as notices
from meetings.rotation_plan import ratings
from meetings.views import MeetingActionMixin, MeetingMixin, _year
from members import revisions
from members import selectors as member_selectors
from members.enums import MemberStatus
from members.views import OrganisationMixin

MEETINGS_PER_PAGE = 50
WEEKDAYS = [
    pgettext_lazy("weekday", "T2"),
    pgettext_lazy("weekday", "T3"),
    pgettext_lazy("weekday", "T4"),
    pgettext_lazy("weekday", "T5"),
    pgettext_lazy("weekday", "T6"),
    pgettext_lazy("weekday", "T7"),
    pgettext_lazy("weekday", "CN"),
]


class MeetingListView(OrganisationMixin, TemplateView):
    """Meetings of a cell, or of every cell under a committee, month by month."""

    template_name = "meetings/meeting_list.html"

    def get_month(self):
        value = self.request.GET.get("month", "")
        try:
            month = datetime.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            return None
        # The page links the months before and after: year 1 or 9999 has none.
        return month if _year(month.year) else None

    def get_context_data(self, **kwargs):
        org = self.get_organisation()
        month = self.get_month()
        meetings = (
            selectors.meetings_for_user(self.request.user)
            .filter(cell__path__startswith=org.path)
            .select_related("cell")
            .order_by("-planned_at", "-id")
        )
        if month:
            meetings = meetings.filter(period=month).order_by("planned_at", "id")
        page = Paginator(meetings, MEETINGS_PER_PAGE).get_page(self.request.GET.get("page"))
        calendar_weeks = None
        if month and page.paginator.num_pages == 1:
            calendar_weeks = _calendar(month, page.object_list)
        today = timezone.localdate().replace(day=1)
        shown = month or today
        previous_month = (shown - datetime.timedelta(days=1)).replace(day=1) if month else today
        next_month = (shown + datetime.timedelta(days=32)).replace(day=1) if month else None
        query = self.request.GET.copy()
        query.pop("page", None)
        return {
            **super().get_context_data(**kwargs),
            "month": month,
            "calendar_weeks": calendar_weeks,
            "weekdays": WEEKDAYS,
            "shown_month": shown,
            "previous_month": previous_month,
            "next_month": next_month,
            "page": page,
            "meetings": page.object_list,
            "query_string": query.urlencode(),
        }


def _calendar(month, meetings):
    """Weeks (Monday first) of (day, meetings that day) for the month grid."""
    by_day = {}
    for meeting in meetings:
        by_day.setdefault(timezone.localtime(meeting.planned_at).date(), []).append(meeting)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    return [
        [(day, by_day.get(day, []) if day.month == month.month else None) for day in week]
        for week in weeks
    ]


class MeetingCreateView(OrganisationMixin, FormView):
    permission = "manage"
    template_name = "meetings/meeting_plan.html"
    form_class = PlanForm

    def get_organisation(self):
        org = super().get_organisation()
        if not org.is_cell:
            raise PermissionDenied
        return org

    def get_initial(self):
        cell = self.get_organisation()
        taken = set(
            cell.meetings.filter(kind=MeetingKind.REGULAR)
            .exclude(state=MeetingState.CANCELLED)
            .values_list("period", flat=True)
        )
        # The first month from next month on that has no regular meeting yet.
        month = (timezone.localdate().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        while month in taken:
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        last = cell.meetings.order_by("-planned_at").first()
        return {
            "kind": MeetingKind.REGULAR,
            "day": month.replace(day=5),
            "time": timezone.localtime(last.planned_at).time() if last else datetime.time(8, 0),
            "place": last.place if last else _("Nhà văn hóa"),
        }

    def form_valid(self, form):
        try:
            meeting = meeting_services.plan_meeting(
                actor=self.request.user,
                cell=self.get_organisation(),
                kind=form.cleaned_data["kind"],
                planned_at=form.planned_at(),
                place=form.cleaned_data["place"],
                title=form.cleaned_data["title"],
            )
        except services.MeetingError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lập kế hoạch %(m)s.") % {"m": meeting.display_title})
        return redirect(meeting)


class MeetingDetailView(MeetingMixin, TemplateView):
    """The meeting's record. Signed minutes are read many times and change rarely after
    (tasks, dissemination, ratings, addenda: each a write in the cell), so their record is
    rendered once for each set of rights and kept until the cell's next write
    (members.revisions): every member of the cell reads the same copy."""

    template_name = "meetings/meeting_detail.html"
    record_template = "meetings/_meeting_record.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.get_meeting()
        context.update(self.rights(meeting))
        if meeting.state != MeetingState.SIGNED:
            return {**context, **self.record(meeting)}
        # Once signed, the record depends on the reader only through these rights (no
        # draft, notice reply or signature of their own is shown any more), and on the
        # date through overdue tasks.
        rights = [context[name] for name in ("can_manage", "can_write_minutes", "can_sign")]
        rights += sorted(role for role, allowed in context["can_rate"].items() if allowed)
        key = [meeting.pk, "-".join(str(r) for r in rights), timezone.localdate()]
        # Rendered without the request: what every reader with these rights gets must not
        # carry anything of the first one's (their user, messages, CSRF token).
        shared = {name: value for name, value in context.items() if name != "view"}
        context["record"] = revisions.cached_summary(
            "meeting",
            meeting.cell,
            key,
            lambda: render_to_string(self.record_template, {**shared, **self.record(meeting)}),
        )
        return context

    def rights(self, meeting):
        """What the reader may do here, besides managing and writing the minutes."""
        user = self.request.user
        return {
            "can_sign": self._can_sign(meeting),
            "can_rate": {
                role: permissions.can_rate(user, meeting, role) for role in RaterRole.values
            }
            if meeting.kind == MeetingKind.MODEL and meeting.state in ratings.RATABLE
            else {},
        }

    def record(self, meeting):
        """What the record template reads besides the meeting and the reader's rights."""
        context = {}
        parts = selectors.meeting_page(meeting)
        context.update(parts)
        context.update(
            totals=counting.totals(parts["attendance"]) if parts["attendance"] else None,
            committee=getattr(meeting, "committee", None),
            steps=workflow.next_steps(meeting),
            previous_tasks=selectors.previous_tasks(meeting),
            audit=member_selectors.audit_for("meetings.meeting", meeting.pk)[:50],
            before=notices.for_meeting_page(meeting, self.request.user),
            editable=workflow.is_editable(meeting),
            signed_record=SignedRecord.objects.filter(meeting=meeting).first()
            if meeting.state == MeetingState.SIGNED
            else None,
            minutes_open=workflow.minutes_editable(meeting),
            opinions_by_item=_group(parts["opinions"], "item_id"),
            ratings=list(meeting.ratings.select_related("template"))
            if meeting.kind == MeetingKind.MODEL
            else [],
            lessons=list(meeting.lessons.all()) if meeting.kind == MeetingKind.MODEL else [],
            unsaved_drafts=list(
                MinutesDraft.objects.filter(
                    meeting=meeting, based_on_version=meeting.version
                ).select_related("user")
            )
            if meeting.state == MeetingState.HELD
            else [],
        )
        return context

    def _can_sign(self, meeting):
        member = getattr(self.request.user, "member", None)
        if member is None or meeting.state != MeetingState.SUBMITTED:
            return False
        if member.pk not in (meeting.chair_id, meeting.minute_taker_id):
            return False
        signed = {s.member_id for s in meeting.signatures.all()}
        both_roles = meeting.chair_id == meeting.minute_taker_id
        return member.pk not in signed or both_roles


def _group(rows, attr):
    grouped = {}
    for row in rows:
        grouped.setdefault(getattr(row, attr), []).append(row)
    return grouped


class MeetingUpdateView(MeetingActionMixin, FormView):
    permission = "manage"
    open_states = (MeetingState.PLANNED, MeetingState.PREPARED, MeetingState.POSTPONED)
    template_name = "meetings/meeting_plan.html"
    form_class = PlanForm
    success_message = ""

    def get_initial(self):
        m = self.get_meeting()
        local = timezone.localtime(m.planned_at)
        return {"kind": m.kind, "day": local.date(), "time": local.time(), "place": m.place,
                "title": m.title}  # fmt: skip

    def form_valid(self, form):
        data = form.cleaned_data
        return self.run(
            form,
            lambda: meeting_services.update_plan(
                actor=self.request.user, meeting=self.get_meeting(), kind=data["kind"],
                planned_at=form.planned_at(), place=data["place"], title=data["title"],
            ),
        )  # fmt: skip


class CommitteeSessionView(MeetingActionMixin, FormView):
    permission = "manage"
    open_states = (MeetingState.PLANNED, MeetingState.PREPARED)
    template_name = "meetings/simple_form.html"
    form_class = CommitteeSessionForm

    @property
    def success_message(self):
        return _("Đã ghi họp chi ủy chuẩn bị.")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Họp chi ủy chuẩn bị")}

    def get_form_kwargs(self):
        meeting = self.get_meeting()
        members = meeting.cell.members.filter(status__in=MemberStatus.on_roll()).order_by(
            "sort_name"
        )
        return {**super().get_form_kwargs(), "members": members}

    def get_initial(self):
        meeting = self.get_meeting()
        session = getattr(meeting, "committee", None)
        if session is not None:
            return {
                "held_on": session.held_on,
                "attendees": list(session.attendees.all()),
                "agreed_content": session.agreed_content,
                "assignments": session.assignments,
                "draft_resolution": session.draft_resolution,
            }
        day = meeting.meeting_date - datetime.timedelta(days=3)
        agenda = "\n".join(f"{i.position}. {i.title}" for i in meeting.agenda.all())
        return {
            "held_on": min(day, timezone.localdate()),
            "attendees": meeting_services.committee_members(meeting.cell, meeting.meeting_date),
            "agreed_content": agenda,
        }

    def form_valid(self, form):
        return self.run(
            form,
            lambda: meeting_services.record_committee_session(
                actor=self.request.user, meeting=self.get_meeting(), **form.cleaned_data
            ),
        )


class MeetingStateView(MeetingActionMixin, FormView):
    permission = "manage"
    template_name = "meetings/state_form.html"
    form_class = StateChangeForm

    def get_target(self):
        to = self.kwargs["to"]
        if to not in MeetingState.values:
            raise PermissionDenied
        return MeetingState(to)

    def get_context_data(self, **kwargs):
        meeting = self.get_meeting()
        target = self.get_target()
        return {
            **super().get_context_data(**kwargs),
            "target": target,
            "action": workflow.action_label(meeting.state, target)
            if target != MeetingState.SIGNED
            else target.label,
            "blockers": workflow.reasons_against(meeting, target),
            "early": target == MeetingState.HELD
            and meeting.state == MeetingState.PREPARED
            and meeting.meeting_date > timezone.localdate(),
            "needs_reason": target in workflow.NEEDS_REASON,
        }

    def form_valid(self, form):
        target = self.get_target()
        self.success_message = _("Cuộc họp chuyển sang: %(s)s.") % {"s": target.label}
        return self.run(
            form,
            lambda: services.change_state(
                actor=self.request.user, meeting=self.get_meeting(), to=target,
                reason=form.cleaned_data["reason"],
            ),
        )  # fmt: skip


class MeetingSignView(MeetingActionMixin, FormView):
    """Chair and minute-taker sign as themselves, re-entering their password."""

    permission = "sign"
    template_name = "meetings/sign_form.html"
    form_class = SignForm

    @property
    def success_message(self):
        return _("Bạn đã ký biên bản.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_ask_reopen"] = permissions.can_ask(self.request.user, self.get_meeting())
        return context

    def form_valid(self, form):
        return self.run(
            form,
            lambda: meeting_services.sign_minutes(
                meeting=self.get_meeting(), user=self.request.user,
                password=form.cleaned_data["password"],
            ),
        )  # fmt: skip
