"""A dashboard's period, and the months in it a cell was due to meet."""

import datetime
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, Sum, Value, When
from django.utils import timezone


@dataclass(frozen=True)
class Period:
    """A dashboard's month or quarter."""

    year: int
    start: datetime.date
    end: datetime.date  # the day after
    months: int
    quarter: int


def _due(start, end):
    """The months of [start, end) ended by today, or None once the period is over."""
    current = timezone.localdate().replace(day=1)
    if end <= current:
        return None
    return max(0, (current.year - start.year) * 12 + current.month - start.month)


def _month_start(day, months_on):
    index = day.year * 12 + day.month - 1 + months_on
    return datetime.date(index // 12, index % 12 + 1, 1)


def _months_expected(start, months, due):
    """An aggregate: the cell-months of the period's ended months (all of them once it is
    over) in which each cell existed at least one day."""
    terms = []
    for k in range(months if due is None else due):
        first, after = _month_start(start, k), _month_start(start, k + 1)
        existed = (Q(founded_on__isnull=True) | Q(founded_on__lt=after)) & (
            Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=first)
        )
        terms.append(Case(When(existed, then=Value(1)), default=Value(0)))
    if not terms:
        return Sum(Value(0))
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return Sum(total, output_field=IntegerField())


def _months_due(cell, start, months, due):
    """The first days of the period's ended months in which `cell` existed."""
    firsts = []
    for k in range(months if due is None else due):
        first, after = _month_start(start, k), _month_start(start, k + 1)
        if (cell.founded_on is None or cell.founded_on < after) and (
            cell.dissolved_on is None or cell.dissolved_on > first
        ):
            firsts.append(first)
    return firsts


def period_bounds(year, month=None, quarter=None):
    if month:
        start = datetime.date(year, month, 1)
        end = (start + datetime.timedelta(days=32)).replace(day=1)
        return start, end, 1, (month - 1) // 3 + 1
    start = datetime.date(year, quarter * 3 - 2, 1)
    end = datetime.date(year + (quarter == 4), 1 if quarter == 4 else quarter * 3 + 1, 1)
    return start, end, 3, quarter
