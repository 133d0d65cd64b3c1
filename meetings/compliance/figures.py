"""The compliance dashboard's numbers: a fixed number of queries, whatever the size."""

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, Count, F, Lookup, Q, Sum, Value, When
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from meetings.compliance.periods import Period, _due, _months_due, _months_expected, period_bounds
from meetings.compliance.tree_then import TreeThen, as_now
from meetings.enums import MeetingState
from meetings.models import Meeting, RotationSlot
from members import revisions
from members.enums import OrgKind
from members.models import Organisation, branch_below, tree_order

SIGNATURE_GRACE_DAYS = 7
# Above this many groups (a province has hundreds) the table sums them per committee
# directly below, each linking to its own dashboard.
ROLLUP_ABOVE = 60
# HD 12's bar for a meeting: prepared by the cell committee, at least 85% of those
# who must attend present, nobody absent without a reason.
QUALITY = Q(prepared=True, unexcused_count=0, required_count__gt=0) & Q(
    present_count__gte=F("required_count") * 0.85
)


@dataclass
class CellRow:
    cell: Organisation
    months_met: int = 0
    meetings: list = field(default_factory=list)  # (meeting id, date, rate or None, quality)
    overdue: int = 0
    missing: list = field(default_factory=list)  # first days of the months it did not meet


@dataclass
class GroupRow:
    group: Organisation
    cells: list = field(default_factory=list)  # CellRow, for a drilled-down group only
    months: int = 1
    cell_count: int = 0
    met: int = 0
    # A row that sums the groups below one committee (a province's districts).
    rollup: bool = False
    groups: int = 0
    models_held: int = 0
    model_held: bool | None = None  # None: no quarter in the period / no cells
    model_meeting_id: int | None = None  # the model meeting, once planned
    model_meeting_at: datetime.datetime | None = None
    required: int = 0
    present: int = 0
    meetings: int = 0
    quality: int = 0
    overdue: int = 0
    # A period in progress: its months ended so far, and its cells that met this month
    # already (a month not over is not missed, but a meeting held in it counts).
    due: int | None = None
    met_now: int = 0

    # The months its cells were expected to meet: each cell from the month it was founded
    # to the month it was dissolved (None: every cell, every month).
    expected: int | None = None

    @property
    def cell_months(self):
        if self.expected is not None:
            return self.expected + (self.met_now if self.due is not None else 0)
        if self.due is None:
            return self.cell_count * self.months
        return self.cell_count * self.due + self.met_now

    @property
    def met_percent(self):
        return round(100 * self.met / self.cell_months, 1) if self.cell_months else None

    @property
    def attendance_percent(self):
        return round(100 * self.present / self.required, 1) if self.required else None

    @property
    def quality_percent(self):
        """The share of its signed meetings that met HD 12's bar."""
        return round(100 * self.quality / self.meetings, 1) if self.meetings else None


class _AnyOf(Lookup):
    """`lhs = ANY(keys)`: the keys as one array parameter (PostgreSQL)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [list(value)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


def _among(field, orgs):
    """A filter: `field` is the key of one of `orgs`. Given a list, Django checks and
    writes out each of a province's 300 keys in every filter it is in
    (docs/performance.md); PostgreSQL takes them as one array, and still looks them up by index."""
    keys = [org.pk for org in orgs]
    if connection.vendor != "postgresql":
        return Q(**{f"{field}__in": keys})
    return Q(_AnyOf(F(field), keys))


def _cells_in_period(groups, start, end, prefix=""):
    """The groups' cells that existed some time between `start` and `end`, as a filter of
    organisations or, with `prefix` "cell__", of their meetings (on the join the
    aggregates already make, where a subquery made a second one)."""
    return (
        _among(f"{prefix}parent_id", groups)
        & Q(**{f"{prefix}kind__in": OrgKind.cell_kinds()})
        & (Q(**{f"{prefix}founded_on__isnull": True}) | Q(**{f"{prefix}founded_on__lt": end}))
        & (
            Q(**{f"{prefix}dissolved_on__isnull": True})
            | Q(**{f"{prefix}dissolved_on__gte": start})
        )
    )


def dashboard(org, *, year, month=None, quarter=None, drill=None):
    """Per group and in total: monthly meetings held (signed), the quarter's model
    meeting, attendance, HD 12's quality bar, minutes overdue for signature.

    Counts are aggregated per group in the database from the totals each signed meeting
    stores, so the work is one row per group whatever the number of cells and meetings.
    Cells and their meetings are listed only for `drill` (a group id, or "all"). Above
    ROLLUP_ABOVE groups, the rows are summed per committee directly below `org`.
    """
    start, end, months, q = period_bounds(year, month, quarter)
    then = TreeThen(org, end - datetime.timedelta(days=1))
    # The groups of the period, under `org` then: none founded after it, none dissolved
    # before it began.
    groups = [
        g
        for g in then.groups
        if (g.founded_on is None or g.founded_on < end)
        and (g.dissolved_on is None or g.dissolved_on > start)
    ]
    children = sorted(
        Organisation.objects.filter(parent=org).exclude(kind__in=OrgKind.cell_kinds()),
        key=tree_order,
    )  # read whether or not they are needed: the same queries at every size
    period = Period(year, start, end, months, q)
    if len(groups) > ROLLUP_ABOVE and drill is None:
        ordered = _rolled_up(org, groups, children, period)
    else:
        ordered = group_rows(groups, period, drill, then=then)
    # A period not over yet: its months to come are not missed, its model meeting not late.
    in_progress = end > timezone.localdate()
    return {"rows": ordered, "total": _total(ordered), "start": start, "end": end, "quarter": q,
            "in_progress": in_progress, "last_day": end - datetime.timedelta(days=1)}  # fmt: skip


def group_rows(groups, period, drill=None, then=None):
    """A row per group, in the order of `groups`, with its cells' rows for `drill`; each
    cell counted under its group of the period (`then`, a TreeThen)."""
    scope, then = (then.scope(groups), then.expression(groups)) if then else (groups, as_now)
    year, start, end, months, q = (period.year, period.start, period.end, period.months,
                                   period.quarter)  # fmt: skip
    existing = Organisation.objects.filter(_cells_in_period(scope, start, end))
    due = _due(start, end)
    rows = {g.pk: GroupRow(g, months=months, due=due) for g in groups}
    for group_id, n, expected in (
        existing.annotate(group=then("pk", "parent_id"))
        .values_list("group")
        .annotate(n=Count("id"), expected=_months_expected(start, months, due))
    ).order_by():
        if group_id in rows:  # else a group of another period
            rows[group_id].cell_count = n
            rows[group_id].expected = expected
    cell_rows = {}
    if drill is not None:
        shown = {g.pk for g in groups if drill == "all" or str(g.pk) == str(drill)}
        for cell in sorted(existing.annotate(group=then("pk", "parent_id")), key=tree_order):
            if cell.group in shown and cell.group in rows:
                cell_rows[cell.pk] = CellRow(cell)
                rows[cell.group].cells.append(cell_rows[cell.pk])
    start_at = timezone.make_aware(datetime.datetime.combine(start, datetime.time()))
    end_at = timezone.make_aware(datetime.datetime.combine(end, datetime.time()))
    in_period = Meeting.objects.sittings().filter(
        _cells_in_period(scope, start, end, "cell__"), state=MeetingState.SIGNED,
        planned_at__gte=start_at, planned_at__lt=end_at,
    )  # fmt: skip
    # A cell met in a month when it has signed minutes then: count distinct (cell, month),
    # as a number (a period is at most a quarter of one year).
    cell_month = F("cell_id") * 100 + ExtractMonth("period")
    per_group = (
        in_period.annotate(group=then("cell_id", "cell__parent_id"))
        .values_list("group")
        .annotate(
            met=Count(cell_month, distinct=True),
            # Not of the key: every column used is in meeting_signed_totals_idx, so the
            # meetings' rows (and their minutes) stay unread.
            meetings=Count("*"),
            required=Sum("required_count"),
            present=Sum("present_count"),
            quality=Count("cell_id", filter=QUALITY),
            met_now=Count(
                cell_month, distinct=True, filter=Q(period=timezone.localdate().replace(day=1))
            ),
        )
        .order_by()
    )
    for group_id, met, meetings, required, present, quality, met_now in per_group:
        if group_id not in rows:
            continue
        group = rows[group_id]
        group.met, group.meetings, group.quality = met, meetings, quality
        group.met_now = met_now
        group.required, group.present = required or 0, present or 0
    if cell_rows:
        seen = {pk: set() for pk in cell_rows}
        for m in (
            in_period.filter(cell__in=list(cell_rows))
            .annotate(quality=Case(When(QUALITY, then=Value(True)), default=Value(False)))
            .values(
                "pk",
                "cell_id",
                "planned_at",
                "period",
                "required_count",
                "present_count",
                "quality",
            )  # fmt: skip
            .order_by("planned_at")
        ):
            required = m["required_count"]
            rate = m["present_count"] / required if required else None
            day = timezone.localtime(m["planned_at"]).date()
            cell_rows[m["cell_id"]].meetings.append((m["pk"], day, rate, m["quality"]))
            seen[m["cell_id"]].add(m["period"])
        for pk, periods in seen.items():
            cell_rows[pk].months_met = len(periods)
            cell_rows[pk].missing = [
                first for first in _months_due(cell_rows[pk].cell, start, months, due)
                if first not in periods
            ]  # fmt: skip
    late = timezone.now() - datetime.timedelta(days=SIGNATURE_GRACE_DAYS)
    overdue = (
        Meeting.objects.filter(
            _cells_in_period(scope, start, end, "cell__"),
            state__in=[MeetingState.HELD, MeetingState.SUBMITTED],
            planned_at__lt=late,
        )
        .annotate(group=then("cell_id", "cell__parent_id"))
        .values_list("cell_id", "group")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for cell_id, group_id, n in overdue:  # few rows: minutes left unsigned
        if cell_id in cell_rows:
            cell_rows[cell_id].overdue = n
        if group_id in rows:
            rows[group_id].overdue += n
    slots = (
        RotationSlot.objects.filter(_among("group_id", groups), year=year, quarter=q)
        .values_list("group_id", "meeting_id", "meeting__planned_at", "meeting__state")
        .order_by()
    )  # a province's slots as rows: as objects with their meetings they cost more
    for group_id, meeting_id, planned_at, state in slots:
        row = rows[group_id]
        row.model_meeting_id, row.model_meeting_at = meeting_id, planned_at
        row.model_held = state in RotationSlot.HELD_STATES if row.cell_count else None
    return [rows[g.pk] for g in groups]


def _held_rank(row):
    """A model meeting not held before one not yet due, before one held."""
    if row.rollup:
        return row.models_held / row.groups if row.groups else None
    return None if row.model_held is None else int(row.model_held)


# The dashboard's columns, each with its value for a row: the smallest is the worst
# (overdue minutes and cells count negatively). None sorts after every value.
SORTS = {
    "name": None,  # the tree's order
    "cells": lambda row: -row.cell_count,
    "met": lambda row: row.met_percent,
    "model": _held_rank,
    "attendance": lambda row: row.attendance_percent,
    "quality": lambda row: row.quality_percent,
    "overdue": lambda row: -row.overdue,
}
DEFAULT_SORT = "met"


def sorted_rows(rows, sort=DEFAULT_SORT):
    """`rows` by the column `sort` names, worst first; "-column" the other way round. Ties
    and rows without a value keep the tree's order, the latter after the others."""
    key = SORTS[sort.removeprefix("-")]
    if key is None:
        return list(reversed(rows)) if sort.startswith("-") else list(rows)
    valued = [row for row in rows if key(row) is not None]
    unvalued = [row for row in rows if key(row) is None]
    return sorted(valued, key=key, reverse=sort.startswith("-")) + unvalued


def _total(rows):
    """The dashboard's totals, from its rows (a summed row counts its groups)."""
    total = {
        "cells": sum(r.cell_count for r in rows),
        "met": sum(r.met for r in rows),
        "cell_months": sum(r.cell_months for r in rows),
        "groups": sum(r.groups if r.rollup else bool(r.cell_count) for r in rows),
        "models_held": sum(
            r.models_held if r.rollup else bool(r.cell_count and r.model_held) for r in rows
        ),
        "required": sum(r.required for r in rows),
        "present": sum(r.present for r in rows),
        "meetings": sum(r.meetings for r in rows),
        "quality": sum(r.quality for r in rows),
        "overdue": sum(r.overdue for r in rows),
    }
    total["met_percent"] = (
        round(100 * total["met"] / total["cell_months"], 1) if total["cell_months"] else None
    )
    total["models_percent"] = (
        round(100 * total["models_held"] / total["groups"], 1) if total["groups"] else None
    )
    total["attendance_percent"] = (
        round(100 * total["present"] / total["required"], 1) if total["required"] else None
    )
    return total


def _rolled_up(org, groups, children, period):
    """The group rows summed per committee directly below the dashboard's organisation,
    and the rows of the groups directly under it (its own cells).

    Each committee's sums are kept for its revision (members.revisions): after a write
    in one district, a province's dashboard works out that district's again, not all.
    The sums of the committees not kept are worked out together, in the queries of one
    dashboard.
    """
    below = {child.pk: [] for child in children}
    direct = []
    for group in groups:
        branch = branch_below(org, group)
        if branch in below:
            below[branch].append(group)
        else:  # the organisation itself, for its own cells
            direct.append(group)
    direct_rows = None

    def branch_sums(missing):
        nonlocal direct_rows
        # The groups directly under the organisation are worked out in the same queries.
        rows = group_rows(direct + [g for child in missing for g in below[child.pk]], period)
        by_group = {row.group.pk: row for row in rows}
        direct_rows = [by_group[g.pk] for g in direct]
        return {child.pk: _summed(child, [by_group[g.pk] for g in below[child.pk]], period)
                for child in missing}  # fmt: skip

    day = timezone.localdate()  # minutes count as overdue from a date
    sums = revisions.cached_summaries(
        "compliance-branch", children, [period.year, period.start, period.end, day], branch_sums
    )
    if direct_rows is None:  # every branch was kept
        direct_rows = group_rows(direct, period)
    return direct_rows + [sums[child.pk] for child in children]


def _summed(child, rows, period):
    total = GroupRow(child, months=period.months, rollup=True,
                     due=_due(period.start, period.end))  # fmt: skip
    for row in rows:
        for name in ("cell_count", "met", "required", "present", "meetings", "quality",
                     "overdue", "met_now"):  # fmt: skip
            setattr(total, name, getattr(total, name) + getattr(row, name))
        if row.expected is not None:
            total.expected = (total.expected or 0) + row.expected
        if row.cell_count:
            total.groups += 1
            total.models_held += bool(row.model_held)
    return total
