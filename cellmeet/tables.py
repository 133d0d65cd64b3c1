"""What the long tables written in Python share (member list, rotation grid).

Their rows are f-strings rather than template loops: a template resolves each variable
through several lookups, which a table of a hundred rows turns into tens of
milliseconds. Every value from the database goes through `html.escape`.
"""

from django.urls import reverse

_PK_MARK = 987654321


def url_pattern(name):
    """The URL of `name` for any key, as a format string: reverse() takes 30–60 µs, and
    a table needs the same URL with a hundred different keys."""
    return reverse(name, args=[_PK_MARK]).replace(str(_PK_MARK), "{}")


def dmy(value):
    """A date as every page writes it (DATE_FORMAT, d/m/Y).

    Django's `date` filter parses its format string on each call, and a page of 50
    members shows three dates each (docs/performance.md).
    """
    if not value:
        return ""
    return f"{value.day:02}/{value.month:02}/{value.year}"
