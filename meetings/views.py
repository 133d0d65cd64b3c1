import calendar
import datetime
import json
from functools import partial

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from cellmeet.views import act_and_redirect
from meetings import (
    attention,
    counting,
    notices,
    permissions,
    ratings,
    selectors,
    services,
    workflow,
)
from meetings.enums import (
    MeetingKind,
    MeetingState,
    Presence,
    RaterRole,
)
from meetings.forms import (
    AgendaFormSet,
    CommitteeSessionForm,
    DirectiveFormSet,
    DisseminationForm,
    GuestFormSet,
    MinutesForm,
    OpinionForm,
    PlanForm,
    SignForm,
    StateChangeForm,
    TaskForm,
    TaskUpdateForm,
    VoteForm,
)
from meetings.models import (
    Meeting,
    MinutesDraft,
    Opinion,
    SignedRecord,
    Task,
    Vote,
)
from members import revisions
from members import selectors as member_selectors
from members.enums import MemberStatus, RoleKind
from members.forms import NO_NULL_CHARACTERS
from members.views import OrganisationMixin, _visible_ancestors

MEETINGS_PER_PAGE = 50
# Years a page may be asked about (the Party's founding to a lifetime ahead); anything
# else is a typo or a tampered address, and would not fit a date or the database.
FIRST_YEAR, LAST_YEAR = 1930, 2100
WEEKDAYS = [
    pgettext_lazy("weekday", "T2"),
    pgettext_lazy("weekday", "T3"),
    pgettext_lazy("weekday", "T4"),
    pgettext_lazy("weekday", "T5"),
    pgettext_lazy("weekday", "T6"),
    pgettext_lazy("weekday", "T7"),
    pgettext_lazy("weekday", "CN"),
]


class HomeView(LoginRequiredMixin, TemplateView):
    """Each user's starting point: their roles with counts, and for a secretary the
    next meeting and what is still missing to hold it."""

    template_name = "meetings/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        today = timezone.localdate()
        roles = member_selectors.roles_for_user(user)
        cells, staff_cards = [], []
        for role in roles:
            # A province's counts read 87,000 members, a cell's card a dozen queries:
            # each is kept until the next write under its organisation.
            org = role.organisation
            role.counts = revisions.cached_summary(
                "counts", org, [], partial(member_selectors.summary_counts, org)
            )
            if role.kind == RoleKind.SECRETARY:
                cells.append(
                    revisions.cached_summary(
                        "cell-overview", org, [today], partial(self.render_cell, org, today)
                    )
                )
            elif not org.is_cell and role.kind in (RoleKind.COMMITTEE_STAFF, RoleKind.OBSERVER):
                staff_cards.append(
                    revisions.cached_summary(
                        "attention", org, [today], partial(self.render_attention, org, today)
                    )
                )
        member = member_selectors.own_member(user)
        return {
            **super().get_context_data(**kwargs),
            "roles": roles,
            "own_member": member,
            "cells": cells,
            "attention": staff_cards,
            "to_sign": selectors.minutes_to_sign(member),
            "at_hand": selectors.meetings_at_hand(user, member),
            "reopen_asks": selectors.reopen_asks(member),
        }

    def render_attention(self, org, today):
        context = {"a": attention.for_committee(org, today)}
        return render_to_string("meetings/_staff_attention.html", context)

    def render_cell(self, cell, today):
        context = {"item": selectors.cell_overview(cell, today)}
        return render_to_string("meetings/_cell_overview.html", context)


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


def _number(value):
    """`value`, from a query string or a form, as an int; None if it is not one (or has
    more digits than Python converts)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _year(value):
    """`value` as a year between FIRST_YEAR and LAST_YEAR, else None."""
    year = _number(value)
    return year if year is not None and FIRST_YEAR <= year <= LAST_YEAR else None


def _present(org):
    """The day a unit's pages open on: today, or for a dissolved unit its last day."""
    if org.dissolved_on is not None:
        return org.dissolved_on - datetime.timedelta(days=1)
    return timezone.localdate()


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
            meeting = services.plan_meeting(
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


class MeetingMixin(LoginRequiredMixin):
    """Fetches the meeting through the user's scope: 404 outside it, 403 without the role."""

    permission = "read"  # "manage", "minutes" or "sign"
    # What the page reads besides the meeting; each join costs planning time on every request.
    related = ("cell__parent",)

    def get_meeting(self):
        if not hasattr(self, "_meeting"):
            user = self.request.user
            meeting = selectors.meeting_for_user(
                user, self.kwargs["pk"], related=self.related, as_guest=self.permission == "read"
            )
            if meeting is None:
                raise Http404
            if self.permission != "read":  # reading is the scoped selector's rule
                permissions.require(user, self.permission, meeting)
            self._meeting = meeting
        return self._meeting

    def get_context_data(self, **kwargs):
        meeting = self.get_meeting()
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "meeting": meeting,
            "org": meeting.cell,
            "breadcrumb": _visible_ancestors(user, meeting.cell) + [meeting.cell],
            "can_manage": permissions.can_manage(user, meeting),
            "can_write_minutes": permissions.can_write_minutes(user, meeting),
        }


class MeetingActionMixin(MeetingMixin):
    """Runs a service; its refusal becomes a form error, success a message and redirect."""

    success_message = ""
    open_states = None  # states in which the form can be saved; None: any

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["locked"] = _locked_message(self.get_meeting(), self.open_states)
        return context

    def run(self, form, action):
        try:
            action()
        except services.MeetingError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return redirect(self.get_meeting())


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


def _locked_message(meeting, open_states):
    """Why a form cannot be saved in the meeting's present state (None if it can)."""
    if open_states is None or meeting.state in open_states:
        return None
    if meeting.state == MeetingState.SIGNED:
        return _("Biên bản đã ký: không thể thay đổi cuộc họp này.")
    return _("Ở trạng thái “%(s)s” không sửa được phần này.") % {"s": meeting.get_state_display()}


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
            lambda: services.update_plan(
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
            "attendees": services.committee_members(meeting.cell, meeting.meeting_date),
            "agreed_content": agenda,
        }

    def form_valid(self, form):
        return self.run(
            form,
            lambda: services.record_committee_session(
                actor=self.request.user, meeting=self.get_meeting(), **form.cleaned_data
            ),
        )


class AgendaView(MeetingMixin, TemplateView):
    permission = "manage"
    template_name = "meetings/agenda_form.html"

    def formsets(self, data=None):
        meeting = self.get_meeting()
        items = meeting.agenda.all()
        agenda = AgendaFormSet(
            data,
            prefix="agenda",
            initial=[{"item": i, "title": i.title, "section": i.section} for i in items],
            form_kwargs={"items": items},
        )
        directives = DirectiveFormSet(
            data,
            prefix="directives",
            initial=[
                {"reference": d.reference, "title": d.title} for d in meeting.directives.all()
            ],
        )
        return agenda, directives

    def get_context_data(self, **kwargs):
        agenda, directives = kwargs.pop("formsets", None) or self.formsets()
        locked = _locked_message(
            self.get_meeting(), (MeetingState.PLANNED, MeetingState.PREPARED, MeetingState.HELD)
        )
        return {**super().get_context_data(**kwargs), "agenda": agenda, "directives": directives,
                "locked": locked}  # fmt: skip

    def post(self, request, *args, **kwargs):
        agenda, directives = self.formsets(request.POST)
        error = None
        if agenda.is_valid() and directives.is_valid():
            items = [
                {"instance": f.cleaned_data.get("item"), "title": f.cleaned_data["title"],
                 "section": f.cleaned_data["section"]}
                for f in agenda.ordered_forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]  # fmt: skip
            ordered = {id(f) for f in agenda.ordered_forms}
            items += [
                {"instance": f.cleaned_data.get("item"), "title": f.cleaned_data["title"],
                 "section": f.cleaned_data["section"]}
                for f in agenda.forms
                if id(f) not in ordered and f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]  # fmt: skip
            kept = [
                f.cleaned_data
                for f in directives.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            try:
                services.save_agenda(
                    actor=request.user, meeting=self.get_meeting(), items=items, directives=kept
                )
            except services.MeetingError as exc:
                error = str(exc)
            else:
                messages.success(request, _("Đã lưu chương trình."))
                return redirect(self.get_meeting())
        context = self.get_context_data(formsets=(agenda, directives))
        context["error"] = error
        return self.render_to_response(context)


class AttendanceView(MeetingMixin, TemplateView):
    permission = "manage"
    template_name = "meetings/attendance_form.html"

    def rows(self, data=None):
        meeting = self.get_meeting()
        existing = {a.member_id: a for a in meeting.attendance.all()}
        # Before the first save, absences given ahead in replies to the notice.
        ahead = notices.prefilled_presence(meeting) if not existing else {}
        rows = []
        for entry in selectors.roster(meeting.cell, meeting.meeting_date):
            saved = existing.get(entry.member.pk)
            key = entry.member.pk
            if data is not None:
                presence = data.get(f"presence_{key}", "")
                reason = data.get(f"reason_{key}", "")[:200]
                late = bool(data.get(f"late_{key}"))
            elif saved is not None:
                presence, reason, late = saved.presence, saved.reason, saved.late
            elif key in ahead:
                (presence, reason), late = ahead[key], False
            else:
                presence, reason, late = services.default_presence(entry), "", False
            rows.append({"entry": entry, "presence": presence, "reason": reason, "late": late,
                         "choices": selectors.presence_choices(entry)})  # fmt: skip
        return rows

    def guests(self, data=None):
        meeting = self.get_meeting()
        guests = meeting.guests.all()
        initial = [
            {"guest": g, "name": g.name, "position": g.position, "unit": g.unit} for g in guests
        ]
        if not initial and meeting.kind == MeetingKind.MODEL:
            initial = services.model_meeting_guests(meeting)
        return GuestFormSet(data, prefix="guests", initial=initial, form_kwargs={"guests": guests})

    def get_context_data(self, **kwargs):
        rows = kwargs.pop("rows", None) or self.rows()
        guests = kwargs.pop("guest_formset", None) or self.guests()
        return {
            **super().get_context_data(**kwargs),
            "rows": rows,
            "guest_formset": guests,
            "locked": _locked_message(
                self.get_meeting(), (MeetingState.PREPARED, MeetingState.HELD)
            ),
        }

    def post(self, request, *args, **kwargs):
        rows = self.rows(request.POST)
        guests = self.guests(request.POST)
        error = None
        if any(row["presence"] not in dict(row["choices"]) for row in rows):
            error = _("Hãy chọn tình trạng dự họp cho từng đảng viên.")
        elif any("\x00" in row["reason"] for row in rows):
            error = NO_NULL_CHARACTERS.message
        elif guests.is_valid():
            marks = {r["entry"].member.pk: (r["presence"], r["reason"], r["late"]) for r in rows}
            kept = [
                {"instance": f.cleaned_data.get("guest"), **f.cleaned_data}
                for f in guests.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            try:
                services.take_attendance(
                    actor=request.user, meeting=self.get_meeting(), marks=marks, guests=kept
                )
            except services.MeetingError as exc:
                error = str(exc)
            else:
                messages.success(request, _("Đã lưu điểm danh."))
                return redirect(self.get_meeting())
        context = self.get_context_data(rows=rows, guest_formset=guests)
        context["error"] = error
        return self.render_to_response(context)


class MinutesView(MeetingMixin, FormView):
    """The minutes editor. Saves refuse a stale version and keep what was typed."""

    permission = "minutes"
    related = ("cell__parent", "chair", "minute_taker")
    template_name = "meetings/minutes_form.html"
    form_class = MinutesForm

    def get_form_kwargs(self):
        meeting = self.get_meeting()
        present = meeting.attendance.filter(presence=Presence.PRESENT).values("member_id")
        members = meeting.cell.members.model.objects.filter(pk__in=present).order_by("sort_name")
        return {
            **super().get_form_kwargs(),
            "members": members,
            "items": meeting.agenda.all(),
            "disabled": not workflow.minutes_editable(meeting),
        }

    def get_draft(self):
        if not hasattr(self, "_draft"):
            self._draft = MinutesDraft.objects.filter(
                meeting=self.get_meeting(), user=self.request.user
            ).first()
        return self._draft

    def get_initial(self):
        m = self.get_meeting()
        local = timezone.localtime
        chair, taker = m.chair, m.minute_taker
        if chair is None and taker is None:
            chair, taker = self._usual_chair_and_taker(m)
        initial = {
            "version": m.version,
            "chair": chair,
            "minute_taker": taker,
            "opened_at": local(m.opened_at).time() if m.opened_at else local(m.planned_at).time(),
            "closed_at": local(m.closed_at).time() if m.closed_at else None,
            "conclusion": m.conclusion,
        }
        draft = self.get_draft()
        if draft is not None and draft.based_on_version == m.version:
            # What they were typing when the connection or the session dropped.
            initial.update(
                {k: v for k, v in draft.data.items() if isinstance(v, str) and k != "version"}
            )
        return initial

    def _usual_chair_and_taker(self, meeting):
        """The secretary chairs; the last meeting's minute-taker takes the minutes again."""
        present = set(
            meeting.attendance.filter(presence=Presence.PRESENT).values_list("member_id", flat=True)
        )
        secretary = services.committee_members(meeting.cell, meeting.meeting_date)
        chair = next((m for m in secretary if m.pk in present), None)
        last = (
            Meeting.objects.filter(cell_id=meeting.cell_id, minute_taker__isnull=False)
            .exclude(pk=meeting.pk)
            .order_by("-planned_at")
            .select_related("minute_taker")
            .first()
        )
        taker = last.minute_taker if last and last.minute_taker_id in present else None
        return chair, taker

    def get_context_data(self, **kwargs):
        meeting = self.get_meeting()
        context = super().get_context_data(**kwargs)
        draft = self.get_draft()
        outdated = draft is not None and draft.based_on_version != meeting.version
        context.update(
            draft=draft,
            draft_outdated=outdated,
            # An outdated draft is shown to copy from, never put into the form.
            draft_data=draft.data if draft and not outdated else {},
            minutes_open=workflow.minutes_editable(meeting),
        )
        return context

    def form_valid(self, form):
        meeting = self.get_meeting()
        try:
            services.save_minutes(
                actor=self.request.user,
                meeting=meeting,
                version=form.cleaned_data["version"],
                data=form.minutes_data(),
            )
        except services.StaleMinutes as exc:
            meeting.refresh_from_db()
            # Keep what they typed, but let the next save go on top of the newer version.
            data = self.request.POST.copy()
            data["version"] = str(meeting.version)
            form = self.get_form_class()(**{**self.get_form_kwargs(), "data": data})
            form.is_valid()
            form.add_error(None, str(exc))
            context = self.get_context_data(form=form)
            context["current"] = meeting
            context["current_items"] = list(meeting.agenda.all())
            return self.render_to_response(context)
        except services.MeetingError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu biên bản."))
        return redirect(meeting)


class MinutesDraftView(MeetingMixin, View):
    """Autosave target of the minutes editor (JSON in, JSON out)."""

    permission = "minutes"

    def http_method_not_allowed(self, request, *args, **kwargs):
        self.get_meeting()  # outside the scope it does not exist (404), whatever the method
        return super().http_method_not_allowed(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        refused = HttpResponseBadRequest(_("Dữ liệu nháp không hợp lệ."))
        if len(request.body) > 1_000_000:
            return refused
        try:
            payload = json.loads(request.body.decode("utf-8"))
            data = payload["data"]
            version = int(payload["version"])
        except (ValueError, KeyError, TypeError, UnicodeDecodeError, OverflowError, RecursionError):
            return refused
        # The editor sends {field name: text} for the fields of the minutes form, nothing
        # else; the version must fit its column.
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            return refused
        if not 0 < version < 2**31:
            return refused
        # PostgreSQL cannot store NUL; a draft is a working copy, so it is dropped here
        # and the save of the minutes refuses it with a message.
        data = {key.replace("\x00", ""): value.replace("\x00", "") for key, value in data.items()}
        known = {"chair", "minute_taker", "opened_at", "closed_at", "conclusion"}
        known |= {f"item_{pk}" for pk in meeting.agenda.values_list("pk", flat=True)}
        if not set(data) <= known:
            return refused
        try:
            services.save_draft(user=request.user, meeting=meeting, version=version, data=data)
        except services.MeetingError as exc:
            return JsonResponse({"ok": False, "message": str(exc)}, status=409)
        return JsonResponse(
            {"ok": True, "saved_at": timezone.localtime().strftime("%H:%M:%S"),
             "stale": version != meeting.version}
        )  # fmt: skip


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
            lambda: services.add_opinion(
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
        totals = services.vote_check(meeting)
        needed = {k: counting.votes_needed(k, totals.base) for k in ("resolution", "admission")}
        return {**super().get_context_data(**kwargs), "totals": totals, "needed": needed}

    def form_valid(self, form):
        response = self.run(
            form,
            lambda: services.record_vote(
                actor=self.request.user, meeting=self.get_meeting(), **form.cleaned_data
            ),
        )
        data = form.cleaned_data
        cast = data["votes_for"] + data["votes_against"] + data["votes_abstain"]
        voters = services.vote_check(self.get_meeting()).voters_present
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
        services.delete_opinion(actor=self.request.user, opinion=obj)


class VoteDeleteView(PartDeleteView):
    model = Vote

    def delete(self, obj):
        services.delete_vote(actor=self.request.user, vote=obj)


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
            lambda: services.sign_minutes(
                meeting=self.get_meeting(), user=self.request.user,
                password=form.cleaned_data["password"],
            ),
        )  # fmt: skip


class AddendumCreateView(MeetingActionMixin, FormView):
    permission = "manage"
    template_name = "meetings/state_form.html"
    form_class = StateChangeForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "addendum": True, "blockers": []}

    def form_valid(self, form):
        try:
            addendum = services.create_addendum(actor=self.request.user, meeting=self.get_meeting())
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
            lambda: services.add_task(
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
        services.update_task(actor=self.request.user, task=task, **form.cleaned_data)
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
            lambda: services.add_dissemination(
                actor=self.request.user, meeting=self.get_meeting(), **form.cleaned_data
            ),
        )
