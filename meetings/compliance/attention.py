"""What a committee's staff should look at first: the groups behind in the last finished
quarter, the minutes overdue for signature, the groups whose model meeting of this
quarter has no date yet. Read from the compliance dashboard and the rotation grid."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from meetings.compliance import figures as compliance
from meetings.enums import MeetingState
from meetings.models import Meeting, RotationSlot
from meetings.rotation_plan import services as rotation_services
from members.models import Organisation

SHOWN = 5  # of each list; the dashboard and the grid hold the rest


@dataclass
class Attention:
    org: Organisation
    year: int  # of the last finished quarter
    quarter: int
    behind: list = field(default_factory=list)  # compliance.GroupRow, worst first
    behind_count: int = 0
    overdue: list = field(default_factory=list)  # meetings, oldest first
    overdue_count: int = 0
    this_year: int = 0
    this_quarter: int = 0
    unplanned: list = field(default_factory=list)  # groups without a model meeting date
    unplanned_count: int = 0

    @property
    def clear(self):
        return not (self.behind_count or self.overdue_count or self.unplanned_count)


def last_finished_quarter(day):
    quarter = (day.month - 1) // 3 + 1
    return (day.year, quarter - 1) if quarter > 1 else (day.year - 1, 4)


def is_behind(row):
    """A group missed monthly meetings, did not hold its model meeting, or has minutes
    overdue for signature."""
    return bool(
        (row.met_percent is not None and row.met_percent < 100)
        or (row.rollup and row.models_held < row.groups)
        or (not row.rollup and row.model_held is False)
        or row.overdue
    )


def for_committee(org, day=None):
    """The staff of `org`'s list of what needs attention on `day` (today)."""
    day = day or timezone.localdate()
    year, quarter = last_finished_quarter(day)
    found = Attention(org, year, quarter)
    rows = compliance.dashboard(org, year=year, quarter=quarter)["rows"]
    behind = [row for row in compliance.sorted_rows(rows) if is_behind(row)]
    found.behind, found.behind_count = behind[:SHOWN], len(behind)
    late = timezone.now() - datetime.timedelta(days=compliance.SIGNATURE_GRACE_DAYS)
    overdue = Meeting.objects.filter(
        cell__path__startswith=org.path,
        state__in=[MeetingState.HELD, MeetingState.SUBMITTED],
        planned_at__lt=late,
    )
    found.overdue_count = overdue.count()
    found.overdue = list(overdue.select_related("cell").order_by("planned_at")[:SHOWN])
    found.this_year, found.this_quarter = day.year, (day.month - 1) // 3 + 1
    groups = [
        g
        for g in rotation_services.rotation_groups(org)
        if rotation_services.existed_in(g, day.year)
    ]
    dated = set(
        RotationSlot.objects.filter(group__in=groups, year=day.year, quarter=found.this_quarter)
        .filter(meeting__isnull=False)
        .values_list("group_id", flat=True)
    )
    with_cells = set(
        Organisation.objects.filter(parent__in=groups, dissolved_on__isnull=True)
        .cells()
        .values_list("parent_id", flat=True)
    )
    unplanned = [g for g in groups if g.pk in with_cells and g.pk not in dated]
    found.unplanned, found.unplanned_count = unplanned[:SHOWN], len(unplanned)
    return found
