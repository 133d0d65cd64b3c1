"""Taking the minutes page by page: agenda, attendance, the text and its draft, opinions
and votes."""

import json

from django.contrib import messages
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from meetings import selectors, services, workflow
from meetings.enums import MeetingKind, MeetingState, Presence
from meetings.meeting import services as meeting_services
from meetings.minutes import services as minutes_services
from meetings.minutes.forms import AgendaFormSet, DirectiveFormSet, GuestFormSet, MinutesForm
from meetings.models import Meeting, MinutesDraft
from meetings.notices import services as notices
from meetings.views import MeetingMixin, _locked_message
from members.forms import NO_NULL_CHARACTERS


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
                minutes_services.save_agenda(
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
                presence, reason, late = minutes_services.default_presence(entry), "", False
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
            initial = minutes_services.model_meeting_guests(meeting)
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
                minutes_services.take_attendance(
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
        secretary = meeting_services.committee_members(meeting.cell, meeting.meeting_date)
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
            minutes_services.save_minutes(
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
            minutes_services.save_draft(
                user=request.user, meeting=meeting, version=version, data=data
            )
        except services.MeetingError as exc:
            return JsonResponse({"ok": False, "message": str(exc)}, status=409)
        return JsonResponse(
            {"ok": True, "saved_at": timezone.localtime().strftime("%H:%M:%S"),
             "stale": version != meeting.version}
        )  # fmt: skip
