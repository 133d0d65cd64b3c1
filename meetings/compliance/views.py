"""The compliance dashboard: who met, who held the model meeting, who is behind."""

from functools import partial

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from meetings.compliance import figures as compliance
from meetings.views import _number, _present, _year
from members import revisions
from members.views import OrganisationMixin


class ComplianceView(OrganisationMixin, TemplateView):
    """Did every cell meet, every committee hold its model meeting? With the cells behind
    every number (choose a committee to see them)."""

    template_name = "meetings/compliance.html"

    def get_context_data(self, **kwargs):
        org = self.get_organisation()
        query = self.request.GET
        today = timezone.localdate()
        present = _present(org)
        year = _year(query.get("year")) or present.year
        month = _number(query.get("month"))
        if month not in range(1, 13):
            month = None
        quarter = int(query["quarter"]) if query.get("quarter") in ("1", "2", "3", "4") else None
        if not month and not quarter:
            quarter = (present.month - 1) // 3 + 1
        chosen = _number(query.get("group"))
        if chosen is None and query.get("group") == "all":
            chosen = "all"
        sort = query.get("sort", "")
        if sort.removeprefix("-") not in compliance.SORTS:
            sort = compliance.DEFAULT_SORT
        period_query = f"year={year}&" + (f"month={month}" if month else f"quarter={quarter}")
        context = {
            **super().get_context_data(**kwargs),
            "year": year,
            "month": month,
            "selected_quarter": quarter,
            "months": range(1, 13),
            "period_query": period_query,
            "sort": sort,
            "columns": _dashboard_columns(period_query, sort, chosen),
        }
        # Overdue minutes are counted against today: the summary is kept for one day at most.
        parts = [year, month, quarter, chosen, sort, today]
        context["summary"] = revisions.cached_summary(
            "compliance", org, parts, partial(_render_compliance, org, chosen, context)
        )
        return context


DASHBOARD_COLUMNS = {
    "name": gettext_lazy("Đảng bộ / nhóm"),
    "cells": gettext_lazy("Chi bộ"),
    "met": gettext_lazy("Sinh hoạt hằng tháng"),
    "model": gettext_lazy("Chi bộ điểm"),
    "attendance": gettext_lazy("Dự họp"),
    "quality": gettext_lazy("Đạt HD 12"),
    "overdue": gettext_lazy("Quá hạn ký"),
}


def _dashboard_columns(period_query, sort, chosen):
    """The dashboard's column heads, each a link that sorts by it: worst first, or the
    other way round when it is the order already."""
    group = f"&group={chosen}" if chosen is not None else ""
    columns = []
    for key, label in DASHBOARD_COLUMNS.items():
        order = {key: "ascending", f"-{key}": "descending"}.get(sort, "none")
        link = f"?{period_query}&sort={'-' if sort == key else ''}{key}{group}"
        columns.append({"key": key, "label": label, "order": order, "link": link,
                        "end": key in ("cells", "attendance", "quality", "overdue")})  # fmt: skip
    return columns


def _render_compliance(org, chosen, context):
    """The dashboard below the period form, as HTML: the same for all who may see `org`."""
    year, month, quarter = context["year"], context["month"], context["selected_quarter"]
    data = compliance.dashboard(org, year=year, month=month, quarter=quarter, drill=chosen)
    data["rows"] = compliance.sorted_rows(data["rows"], context["sort"])
    drill = None
    if isinstance(chosen, int):
        drill = next((r for r in data["rows"] if r.group.pk == chosen), None)
    elif chosen == "all":  # the cells behind the totals
        months = data["rows"][0].months if data["rows"] else 1
        drill = compliance.GroupRow(
            org, cells=[c for r in data["rows"] for c in r.cells], months=months
        )
    return render_to_string(
        "meetings/_compliance_summary.html", {**context, **data, "drill": drill}
    )
