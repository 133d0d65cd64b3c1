"""The months the demo's history covers, and the times its meetings start."""

import datetime

from django.utils import timezone

from meetings.rotation import quarter_index


def _aware(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def month_starts(first, last):
    """The first days of the months from `first` to `last`, both included."""
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months


def last_finished_month(today):
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _quarters(months):
    return sorted({quarter_index(m.year, (m.month - 1) // 3 + 1) for m in months})
