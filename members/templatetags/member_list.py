"""The member list's rows: the one table written in Python.

A search shows 50 members a page and is not cached (each query is its own). As a
template loop (templates/members/_member_rows.html, kept as the rows' specification),
each row resolves 15 variables and renders 25 nodes: at province scale more than the
search itself (docs/performance.md). `member_rows` writes the same HTML directly, and
tests/members/test_member_rows.py holds it to the template's output. Every value from
the database goes through `html.escape`.

The rows come as tuples rather than members with their cell and committee attached:
the page's 50, read by key (members.people.views.LIST_COLUMNS).
"""

from html import escape  # Django's escape() adds a lazy-text wrapper: 3 µs a call

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from members.enums import MemberStatus

register = template.Library()

_PK_MARK = 987654321


@register.simple_tag
def member_rows(rows, org):
    """One table row per member (a tuple of the list's columns, members.people.views.LIST_COLUMNS);
    outside a cell, with the member's cell and committee."""
    # The detail URL for any key as a format string: reverse() takes 30–60 µs a call.
    url = reverse("members:member_detail", args=[_PK_MARK]).replace(str(_PK_MARK), "{}")
    labels = {value: escape(str(label)) for value, label in MemberStatus.choices}
    return mark_safe("\n".join(_row(row, org, url, labels) for row in rows))  # noqa: S308 - every value is escaped where it is put in


@register.filter
def status_label(value):
    """A member status's label (the template's way to what `member_rows` looks up)."""
    return MemberStatus(value).label


def _dmy(value):
    """A date as every page writes it (d/m/Y): Django's `date` filter parses its format
    on each call, and a row shows three dates."""
    if not value:
        return ""
    return f"{value.day:02}/{value.month:02}/{value.year}"


def _row(row, org, url, labels):
    pk, full_name, status, born, ethnicity, admitted_on, cell, committee_id, committee = row
    born = _dmy(born)
    cell_inline = cell_column = ""
    if not org.is_cell:
        cell = escape(cell)
        above = ""
        if committee_id != org.pk:
            above = f'<div class="small text-muted">{escape(committee)}</div>'
        cell_inline = f" · {cell}"
        cell_column = f'<td class="d-none d-md-table-cell">{cell}{above}</td>'
    return (
        f'<tr><td><a href="{url.format(pk)}">{escape(full_name)}</a>'
        f'<div class="d-sm-none small text-muted wrap">{born}{cell_inline}</div></td>'
        f"<td>{labels[status]}</td>{cell_column}"
        f'<td class="d-none d-sm-table-cell">{born}</td>'
        f'<td class="d-none d-lg-table-cell">{escape(ethnicity)}</td>'
        f'<td class="d-none d-lg-table-cell">{_dmy(admitted_on)}</td></tr>'
    )
