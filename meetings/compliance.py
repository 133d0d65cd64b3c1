"""The compliance dashboard's numbers: a fixed number of queries, whatever the size."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from meetings.enums import MeetingState, Presence
from meetings.models import Attendance, CommitteeSession, Meeting, RotationSlot
from meetings.rotation_services import rotation_groups
from members.enums import MemberStatus, OrgKind
from members.models import Organisation

SIGNATURE_GRACE_DAYS = 7


@dataclass
class CellRow:
    cell: Organisation
    months_met: int = 0
    meetings: list = field(default_factory=list)  # (meeting id, date, rate or None, quality)
    overdue: int = 0


@dataclass
class GroupRow:
    group: Organisation
    cells: list = field(default_factory=list)
    months: int = 1
    model_held: bool | None = None  # None: no quarter in the period / no cells
    model_slot: RotationSlot | None = None
    required: int = 0
    present: int = 0
    meetings: int = 0
    quality: int = 0
    overdue: int = 0

    @property
    def cell_months(self):
        return len(self.cells) * self.months

    @property
    def met(self):
        return sum(row.months_met for row in self.cells)

    @property
    def met_percent(self):
        return round(100 * self.met / self.cell_months, 1) if self.cell_months else None

    @property
    def attendance_percent(self):
        return round(100 * self.present / self.required, 1) if self.required else None


def period_bounds(year, month=None, quarter=None):
    if month:
        start = datetime.date(year, month, 1)
        end = (start + datetime.timedelta(days=32)).replace(day=1)
        return start, end, 1, (month - 1) // 3 + 1
    start = datetime.date(year, quarter * 3 - 2, 1)
    end = datetime.date(year + (quarter == 4), 1 if quarter == 4 else quarter * 3 + 1, 1)
    return start, end, 3, quarter


def dashboard(org, *, year, month=None, quarter=None):
    """Per group and in total: monthly meetings held (signed), the quarter's model
    meeting, attendance, HD 12's quality bar, minutes overdue for signature."""
    start, end, months, q = period_bounds(year, month, quarter)
    groups = rotation_groups(org)
    cells = list(
        Organisation.objects.filter(parent__in=groups, kind__in=OrgKind.cell_kinds())
        .filter(Q(founded_on__isnull=True) | Q(founded_on__lt=end))
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=start))
        .order_by("path")
    )
    rows = {g.pk: GroupRow(g, months=months) for g in groups}
    cell_rows = {}
    for cell in cells:
        cell_rows[cell.pk] = CellRow(cell)
        rows[cell.parent_id].cells.append(cell_rows[cell.pk])
    start_at = timezone.make_aware(datetime.datetime.combine(start, datetime.time()))
    end_at = timezone.make_aware(datetime.datetime.combine(end, datetime.time()))
    meetings = list(
        Meeting.objects.filter(
            cell__in=cells,
            state=MeetingState.SIGNED,
            planned_at__gte=start_at,
            planned_at__lt=end_at,
        ).values("pk", "cell_id", "period", "planned_at")
    )
    counts = {
        r["meeting_id"]: r
        for r in Attendance.objects.filter(meeting_id__in=[m["pk"] for m in meetings], hosted=False)
        .values("meeting_id")
        .annotate(
            required=Count("pk", filter=~Q(status_on_day__in=[MemberStatus.EXEMPTED, MemberStatus.TEMPORARILY_AWAY])),
            present=Count("pk", filter=Q(presence=Presence.PRESENT) & ~Q(status_on_day__in=[MemberStatus.EXEMPTED, MemberStatus.TEMPORARILY_AWAY])),
            unexcused=Count("pk", filter=Q(presence=Presence.ABSENT_WITHOUT_REASON)),
        )
        .order_by()
    }  # fmt: skip
    prepared = set(
        CommitteeSession.objects.filter(meeting_id__in=[m["pk"] for m in meetings]).values_list(
            "meeting_id", flat=True
        )
    )
    periods = {}
    for m in meetings:
        c = counts.get(m["pk"], {"required": 0, "present": 0, "unexcused": 0})
        rate = c["present"] / c["required"] if c["required"] else None
        quality = rate is not None and rate >= 0.85 and not c["unexcused"] and m["pk"] in prepared
        row = cell_rows[m["cell_id"]]
        row.meetings.append((m["pk"], timezone.localtime(m["planned_at"]).date(), rate, quality))
        periods.setdefault(m["cell_id"], set()).add(m["period"])
        group = rows[row.cell.parent_id]
        group.meetings += 1
        group.required += c["required"]
        group.present += c["present"]
        group.quality += quality
    for cell_id, seen in periods.items():
        cell_rows[cell_id].months_met = len(seen)
    late = timezone.now() - datetime.timedelta(days=SIGNATURE_GRACE_DAYS)
    for r in (
        Meeting.objects.filter(
            cell__in=cells,
            state__in=[MeetingState.HELD, MeetingState.SUBMITTED],
            planned_at__lt=late,
        )
        .values("cell_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        cell_rows[r["cell_id"]].overdue = r["n"]
        rows[cell_rows[r["cell_id"]].cell.parent_id].overdue += r["n"]
    for slot in RotationSlot.objects.filter(group__in=groups, year=year, quarter=q).select_related(
        "meeting"
    ):
        row = rows[slot.group_id]
        row.model_slot = slot
        row.model_held = slot.is_held if row.cells else None
    ordered = [rows[g.pk] for g in groups]
    with_cells = [r for r in ordered if r.cells]
    total = {
        "cells": sum(len(r.cells) for r in ordered),
        "met": sum(r.met for r in ordered),
        "cell_months": sum(r.cell_months for r in ordered),
        "groups": len(with_cells),
        "models_held": sum(1 for r in with_cells if r.model_held),
        "required": sum(r.required for r in ordered),
        "present": sum(r.present for r in ordered),
        "meetings": sum(r.meetings for r in ordered),
        "quality": sum(r.quality for r in ordered),
        "overdue": sum(r.overdue for r in ordered),
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
    return {"rows": ordered, "total": total, "start": start, "end": end, "quarter": q}
