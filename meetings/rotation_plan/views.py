"""The rotation of the model meeting: the year's grid with its exports, one quarter's
postponement or swap, and the ratings and lessons of a model meeting."""

import io
from functools import partial

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from meetings import permissions
from meetings.documents import pdf
from meetings.enums import RaterRole
from meetings.models import Rating, RotationSlot
from meetings.rotation_plan import ratings
from meetings.rotation_plan import services as rotation_services
from meetings.rotation_plan.forms import LessonForm, RatingForm
from meetings.views import FIRST_YEAR, LAST_YEAR, MeetingMixin, _number, _present, _year
from members import permissions as member_permissions
from members import revisions
from members import selectors as member_selectors
from members.enums import CellType
from members.forms import NO_NULL_CHARACTERS
from members.views import OrganisationMixin

SLOT_COLUMNS = ["group_id", "year", "quarter", "postponed", "host__name", "meeting__planned_at",
                "meeting__state"]  # fmt: skip


class RotationView(OrganisationMixin, TemplateView):
    """Quarter × group grid of the model meeting's hosts for a year; staff plan it here."""

    template_name = "meetings/rotation.html"

    def get_year(self):
        return _year(self.request.GET.get("year")) or _present(self.get_organisation()).year

    def filters(self):
        """(quarter, group id, cell type) asked for in the query string; None when not."""
        query = self.request.GET
        quarter = int(query["quarter"]) if query.get("quarter") in ("1", "2", "3", "4") else None
        cell_type = query["cell_type"] if query.get("cell_type") in CellType.values else None
        return quarter, _number(query.get("group")), cell_type

    def groups(self):
        if not hasattr(self, "_groups"):
            self._groups = rotation_services.rotation_groups(self.get_organisation())
        return self._groups

    def filter_label(self):
        """The filters asked for, in words (Vietnamese, as the export documents are) and as
        a suffix of the exported file's name; empty for the whole year."""
        quarter, group, cell_type = self.filters()
        words, suffix = [], ""
        if quarter:
            words.append(f"quý {quarter}")
            suffix += f"-q{quarter}"
        if group is not None:
            chosen = next((g for g in self.groups() if g.pk == group), None)
            if chosen is not None:
                words.append(chosen.name)
                suffix += f"-{chosen.code}"
        if cell_type:
            with translation.override("vi"):
                words.append(f"loại chi bộ: {CellType(cell_type).label}")
            suffix += f"-{cell_type}"
        return "; ".join(words), suffix

    def grid(self):
        """(groups shown, quarters shown, rows of (group, [slot or None per quarter]))."""
        year = self.get_year()
        groups = self.groups()
        quarter, group, cell_type = self.filters()
        quarters = [quarter] if quarter else [1, 2, 3, 4]
        if group is not None:
            groups = [g for g in groups if g.pk == group]
        slots = (
            RotationSlot.objects.filter(group__in=groups, year=year)
            .select_related("host", "meeting")
            .only(*SLOT_COLUMNS)  # a meeting row carries its minutes; the grid shows its date
            .order_by()  # placed by group and quarter below: no join to sort by path
        )
        if cell_type:
            slots = slots.filter(host__cell_type=cell_type)
        slots = list(slots)
        ratings = Rating.objects.filter(
            meeting__in=[slot.meeting_id for slot in slots if slot.meeting_id],
            role=RaterRole.SUPERIOR,
        ).only("meeting_id", "total", "band")
        by_meeting = {rating.meeting_id: rating for rating in ratings}
        for slot in slots:
            slot.superior_rating = by_meeting.get(slot.meeting_id)
        by_group = {}
        for slot in slots:
            by_group.setdefault(slot.group_id, {})[slot.quarter] = slot
        # The groups of that year: none founded later or dissolved before, unless planned.
        groups = [g for g in groups if g.pk in by_group or rotation_services.existed_in(g, year)]
        rows = [(g, [by_group.get(g.pk, {}).get(q) for q in quarters]) for g in groups]
        planned = bool(by_group)
        # A filter that matches nothing says so: the year is planned all the same.
        self.matched_nothing = False
        if not planned and (quarter or group is not None or cell_type):
            planned = RotationSlot.objects.filter(group__in=self.groups(), year=year).exists()
            self.matched_nothing = planned
        return quarters, rows, planned

    def get(self, request, *args, **kwargs):
        export = request.GET.get("export")
        if export not in ("xlsx", "pdf"):
            return super().get(request, *args, **kwargs)
        org, year = self.get_organisation(), self.get_year()
        quarters, rows, _planned = self.grid()
        label, suffix = self.filter_label()
        name = f"diem-luan-phien-{org.code}-{year}{suffix}"
        if export == "xlsx":
            body = rotation_xlsx(rows, quarters, year)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            body = pdf.render_rotation(org, year, quarters, rows, label)
            content_type = "application/pdf"
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}.{export}"'
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("export", None)
        context.update(
            year=self.get_year(),
            cell_types=CellType.choices,
            query_string=query.urlencode(),
        )
        # Slots fall overdue with the days: the summary is kept for one day at most.
        parts = [context["year"], *self.filters(), timezone.localdate()]
        context["summary"] = revisions.cached_summary(
            "rotation", context["org"], parts, partial(self.render_summary, context)
        )
        return context

    def render_summary(self, context):
        """The filters and the grid as HTML (the same for all who may see the organisation),
        and whether the year is planned."""
        quarters, rows, planned = self.grid()
        context = {
            **context,
            "quarters": quarters,
            "rows": rows,
            "planned": planned,
            "matched_nothing": self.matched_nothing,
            "groups": self.groups(),
            "request": self.request,
        }
        return {
            "filters": render_to_string("meetings/_rotation_filters.html", context),
            "grid": render_to_string("meetings/_rotation_grid.html", context),
            "planned": planned,
            "plannable": bool(rows),
        }

    def post(self, request, *args, **kwargs):
        org = self.get_organisation()
        if not member_permissions.can_administer(request.user, org):
            raise PermissionDenied
        year = _year(request.POST.get("year"))
        if year is None:
            messages.error(
                request,
                _("Năm không hợp lệ: hãy chọn một năm từ %(first)s đến %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR},
            )
            return redirect(request.path)
        rotation_services.plan_rotation(actor=request.user, org=org, year=year)
        messages.success(request, _("Đã lập lịch sinh hoạt chi bộ điểm năm %(y)s.") % {"y": year})
        return redirect(f"{request.path}?year={year}")


STATUS_LABELS = {
    "held": gettext_lazy("Đã họp"),
    "overdue": gettext_lazy("Quá hạn"),
    "postponed": gettext_lazy("Hoãn"),
    "planned": gettext_lazy("Kế hoạch"),
}


def rotation_xlsx(rows, quarters, year):
    """The grid as a spreadsheet in the reader's language: one row per group; host, date,
    status, rating per quarter."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Điểm luân phiên %(y)s") % {"y": year})
    header = [_("Đảng bộ / nhóm")]
    for q in quarters:
        header += [_("Quý %(q)s — chi bộ điểm") % {"q": q}, _("Quý %(q)s — ngày") % {"q": q},
                   _("Quý %(q)s — tình trạng") % {"q": q},
                   _("Quý %(q)s — cấp trên đánh giá") % {"q": q}]  # fmt: skip
    sheet.append(header)
    for group, slots in rows:
        line = [group.name]
        for slot in slots:
            if slot is None:
                line += ["", "", "", ""]
                continue
            day = (
                timezone.localtime(slot.meeting.planned_at).strftime("%d/%m/%Y")
                if slot.meeting
                else ""
            )
            rating = slot.superior_rating
            line += [slot.host.name if slot.host else "", day, str(STATUS_LABELS[slot.status]),
                     f"{rating.total} — {_(rating.band)}" if rating else ""]  # fmt: skip
        sheet.append(line)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class RotationSlotView(LoginRequiredMixin, TemplateView):
    """One quarter: postpone it, or swap its host with another quarter of the group."""

    template_name = "meetings/rotation_slot.html"

    def get_slot(self):
        groups = member_selectors.organisations_for_user(self.request.user)
        return get_object_or_404(
            RotationSlot.objects.filter(group__in=groups).select_related(
                "group", "host", "meeting"
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        slot = self.get_slot()
        others = (
            RotationSlot.objects.filter(group=slot.group, year__gte=slot.year - 1)
            .exclude(pk=slot.pk)
            .select_related("host", "meeting")
            .order_by("year", "quarter")
        )
        return {
            **super().get_context_data(**kwargs),
            "slot": slot,
            "org": slot.group,
            "others": [o for o in others if o.status == "planned"],
            "can_administer": member_permissions.can_administer(self.request.user, slot.group),
            "error": kwargs.get("error"),
        }

    def post(self, request, *args, **kwargs):
        slot = self.get_slot()
        if not member_permissions.can_administer(request.user, slot.group):
            raise PermissionDenied
        reason = request.POST.get("reason", "")[:300]
        if "\x00" in reason:
            return self.render_to_response(self.get_context_data(error=NO_NULL_CHARACTERS.message))
        try:
            if request.POST.get("action") == "postpone":
                rotation_services.postpone_slot(actor=request.user, slot=slot, reason=reason)
            else:
                other = get_object_or_404(
                    RotationSlot.objects.filter(group=slot.group),
                    pk=_number(request.POST.get("other")) or 0,
                )
                rotation_services.swap_slots(
                    actor=request.user, first=slot, second=other, reason=reason
                )
        except rotation_services.RotationError as exc:
            return self.render_to_response(self.get_context_data(error=str(exc)))
        messages.success(request, _("Đã lưu thay đổi lịch."))
        return redirect(f"{reverse('meetings:rotation', args=[slot.group_id])}?year={slot.year}")


class RatingView(MeetingMixin, FormView):
    """The host cell rates its model meeting; the committee above rates it too."""

    template_name = "meetings/simple_form.html"
    form_class = RatingForm

    def get_role(self):
        role = self.kwargs["role"]
        if role not in RaterRole.values:
            raise Http404
        if not permissions.can_rate(self.request.user, self.get_meeting(), role):
            raise PermissionDenied
        return role

    def get_rating(self):
        return (
            self.get_meeting()
            .ratings.filter(role=self.get_role())
            .select_related("template")
            .first()
        )

    def get_form_kwargs(self):
        rating = self.get_rating()
        template = rating.template if rating else ratings.template_for(self.get_meeting().cell)
        return {**super().get_form_kwargs(), "template": template}

    def get_initial(self):
        rating = self.get_rating()
        return dict(rating.scores) if rating else {}

    def get_context_data(self, **kwargs):
        form = kwargs.get("form") or self.get_form()
        title = _("%(role)s — %(t)s") % {
            "role": RaterRole(self.get_role()).label,
            "t": form.template.name,
        }
        return {**super().get_context_data(**kwargs), "title": title}

    def form_valid(self, form):
        try:
            ratings.rate_meeting(actor=self.request.user, meeting=self.get_meeting(),
                                 role=self.get_role(), scores=form.scores())  # fmt: skip
        except ratings.RatingError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu đánh giá."))
        return redirect(self.get_meeting())


class LessonCreateView(MeetingMixin, FormView):
    """Anyone who may read the meeting (guests with an account, observers) writes lessons."""

    template_name = "meetings/simple_form.html"
    form_class = LessonForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Ghi bài học kinh nghiệm")}

    def form_valid(self, form):
        try:
            ratings.add_lesson(actor=self.request.user, meeting=self.get_meeting(),
                               text=form.cleaned_data["text"])  # fmt: skip
        except ratings.RatingError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Đã ghi bài học kinh nghiệm."))
        return redirect(self.get_meeting())
